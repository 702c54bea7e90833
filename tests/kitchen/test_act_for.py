"""Staff act for a resident: ?for_user= from the staff person page is kept from the menu to the placed order."""
import re

import sqlalchemy as sa

from neighbors.clock import local_today
from neighbors.extensions import db
from neighbors.kitchen.models import MealOrder
from tests.factories import make_user
from tests.kitchen.helpers import born
from tests.kitchen.test_views import order_data


def test_staff_order_for_an_elder_without_a_phone_through_the_menu(place, auth, web):
    elder = make_user(place["community"], name="郑长华", phone=None, birth_date=born(86, local_today()))
    auth.login(place["staff"])
    menu = web.get(f"/kitchen/?for_user={elder.id}").get_data(as_text=True)
    assert 'data-testid="acting-for"' in menu and "郑长华" in menu
    meal_link = f'/kitchen/meals/{place["meal"].id}?for_user={elder.id}'
    assert f'href="{meal_link}"' in menu, "the meal links keep the resident chosen"
    meal_page = web.get(meal_link).get_data(as_text=True)
    chosen = re.search(r'<option[^>]*selected[^>]*value="(\d+)"|<option[^>]*value="(\d+)"[^>]*selected', meal_page)
    assert chosen and int(chosen.group(1) or chosen.group(2)) == elder.id
    response = web.post(f"/kitchen/meals/{place['meal'].id}/order", order_data(for_user=str(elder.id)))
    assert response.status_code == 303
    order = db.session.scalar(sa.select(MealOrder))
    assert (order.resident_id, order.placed_by_id) == (elder.id, place["staff"].id)


def test_a_resident_cannot_use_for_user_to_pick_a_stranger(place, auth, web):
    stranger = make_user(place["community"], name="林阿婆", phone=None)
    resident = make_user(place["community"], name="王美玲")
    auth.login(resident)
    menu = web.get(f"/kitchen/?for_user={stranger.id}").get_data(as_text=True)
    assert 'data-testid="acting-for"' not in menu and "林阿婆" not in menu
    assert f"for_user={stranger.id}" not in menu
    meal_page = web.get(f'/kitchen/meals/{place["meal"].id}?for_user={stranger.id}').get_data(as_text=True)
    assert "林阿婆" not in meal_page
    refused = web.post(f"/kitchen/meals/{place['meal'].id}/order", order_data(for_user=str(stranger.id)))
    assert refused.status_code in (403, 422)
    assert db.session.scalar(sa.select(sa.func.count(MealOrder.id))) == 0
