"""The kitchen's HTTP contract: URLs, fields, 303/409/422, fragments, and who may see what."""
import re
from datetime import timedelta
from io import BytesIO

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from neighbors.clock import local_today, utcnow
from neighbors.extensions import db
from neighbors.kitchen import services
from neighbors.kitchen.models import Meal, MealOrder, WelfareCheck
from tests.factories import link_carer, make_community, make_user
from tests.kitchen.helpers import born, served_yesterday


def order_data(**extra):
    return {"quantity": "1", "fulfilment": "dine_in", "address": "", "note": "", **extra}


def test_menu_lists_meals_linking_to_their_page(place, auth, web):
    auth.login(make_user(place["community"]))
    page = web.get("/kitchen/").get_data(as_text=True)
    assert f'href="/kitchen/meals/{place["meal"].id}"' in page
    assert "卤肉" in page
    meal_page = web.get(f"/kitchen/meals/{place['meal'].id}").get_data(as_text=True)
    assert re.search(r'data-testid="remaining">10<', meal_page)


def test_ordering_redirects_to_the_order(place, auth, web):
    resident = make_user(place["community"], birth_date=born(70, local_today()))
    auth.login(resident)
    response = web.post(f"/kitchen/meals/{place['meal'].id}/order", order_data(quantity="2", note="少盐"))
    assert response.status_code == 303
    order = db.session.scalar(sa.select(MealOrder))
    assert response.headers["Location"].endswith(f"/kitchen/orders/{order.id}")
    assert (order.quantity, order.note, order.subsidy_fen) == (2, "少盐", 300)
    page = web.get(f"/kitchen/orders/{order.id}").get_data(as_text=True)
    assert "少盐" in page and "¥21.00" in page
    orders = web.get("/kitchen/orders/").get_data(as_text=True)
    assert f"/kitchen/orders/{order.id}" in orders


@pytest.mark.parametrize("data, field", [
    (order_data(quantity="4"), "quantity"),
    (order_data(quantity="abc"), "quantity"),
    (order_data(fulfilment="drone"), "fulfilment"),
    (order_data(note="咸" * 101), "note"),
])
def test_invalid_orders_are_422_and_change_nothing(place, auth, web, data, field):
    auth.login(make_user(place["community"]))
    response = web.post(f"/kitchen/meals/{place['meal'].id}/order", data)
    assert response.status_code == 422
    assert "error-text" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(MealOrder.id))) == 0


def test_sold_out_is_409_in_chinese_with_the_page(place, auth, web):
    services.set_capacity(place["operator"], place["meal"].id, 1, utcnow())
    auth.login(make_user(place["community"]))
    response = web.post(f"/kitchen/meals/{place['meal'].id}/order", order_data(quantity="2"))
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert 'data-testid="remaining"' in page
    assert "只剩" in page


def test_closed_meal_is_409(place, auth, web):
    services.close_ordering(place["operator"], place["meal"].id, utcnow())
    auth.login(make_user(place["community"]))
    response = web.post(f"/kitchen/meals/{place['meal'].id}/order", order_data())
    assert response.status_code == 409
    assert "已截止" in response.get_data(as_text=True)


def test_double_post_of_one_form_makes_one_order(place, auth, web):
    auth.login(make_user(place["community"]))
    data = order_data(submission_key="c" * 32)
    first = web.post(f"/kitchen/meals/{place['meal'].id}/order", data)
    second = web.post(f"/kitchen/meals/{place['meal'].id}/order", data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.get(Meal, place["meal"].id).sold == 1


def test_carer_orders_for_her_mother_and_a_stranger_cannot(place, auth, web):
    mother = make_user(place["community"], name="郑长华", phone=None, birth_date=born(85, local_today()))
    daughter = make_user(place["community"], name="王美玲")
    link_carer(daughter, mother)
    auth.login(daughter)
    page = web.get(f"/kitchen/meals/{place['meal'].id}").get_data(as_text=True)
    assert "郑长华" in page
    response = web.post(f"/kitchen/meals/{place['meal'].id}/order", order_data(for_user=str(mother.id),
                                                                                fulfilment="delivery"))
    assert response.status_code == 303
    order = db.session.scalar(sa.select(MealOrder))
    assert order.resident_id == mother.id and order.placed_by_id == daughter.id
    stranger = make_user(place["community"])
    refused = web.post(f"/kitchen/meals/{place['meal'].id}/order", order_data(for_user=str(stranger.id)))
    assert refused.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(MealOrder.id))) == 1


def test_cancel_gives_portions_back(place, auth, web):
    resident = make_user(place["community"])
    order = services.place_order(resident, place["meal"].id, resident, 2, "dine_in", "", "", "d" * 32, utcnow())
    auth.login(resident)
    response = web.post(f"/kitchen/orders/{order.id}/cancel")
    assert response.status_code == 303
    assert db.session.get(Meal, place["meal"].id).sold == 0


def test_other_peoples_orders_are_not_found(place, auth, web):
    resident = make_user(place["community"])
    order = services.place_order(resident, place["meal"].id, resident, 1, "dine_in", "", "", "e" * 32, utcnow())
    auth.login(make_user(place["community"]))
    assert web.get(f"/kitchen/orders/{order.id}").status_code == 404
    assert web.post(f"/kitchen/orders/{order.id}/cancel").status_code == 404
    other = make_community("鹭江道社区", street="鹭江街道")
    auth.logout()
    auth.login(make_user(other, "staff"))
    assert web.get(f"/kitchen/meals/{place['meal'].id}").status_code == 404


def test_operator_publishes_a_meal_with_the_contract_fields(place, auth, web):
    auth.login(place["operator"])
    assert web.get("/kitchen/manage/meals/new").status_code == 200
    day = place["day"] + timedelta(days=1)
    response = web.post("/kitchen/manage/meals/new", {
        "served_on": day.isoformat(), "slot": "dinner", "meat": "姜母鸭", "vegetable": "空心菜", "soup": "冬瓜排骨汤",
        "capacity": "40", "order_deadline": f"{day.isoformat()}T15:30"})
    assert response.status_code == 303
    meal = db.session.scalar(sa.select(Meal).where(Meal.meat == "姜母鸭"))
    assert response.headers["Location"].endswith(f"/kitchen/manage/meals/{meal.id}")
    assert services.to_local_input(meal.order_deadline) == f"{day.isoformat()}T15:30"
    assert meal.capacity == 40 and meal.price_fen == 1200
    bad = web.post("/kitchen/manage/meals/new", {"served_on": "2020-01-01", "slot": "lunch", "meat": "", "vegetable": "a",
                                                 "soup": "b", "capacity": "10"})
    assert bad.status_code == 422


def test_residents_cannot_open_the_operator_pages(place, auth, web):
    auth.login(make_user(place["community"]))
    assert web.get("/kitchen/manage/meals/new").status_code == 403
    assert web.get(f"/kitchen/manage/meals/{place['meal'].id}").status_code == 403
    assert web.get("/kitchen/manage/settings").status_code == 403
    assert web.get("/kitchen/manage/orders").status_code == 403


def test_status_change_with_htmx_returns_the_row(place, auth, htmx_client):
    resident = make_user(place["community"])
    order = services.place_order(resident, place["meal"].id, resident, 1, "pickup", "", "", "f" * 32, utcnow())
    served_yesterday(place["meal"])
    Auth = type(auth)
    Auth(htmx_client).login(place["operator"])
    response = htmx_client.post(f"/kitchen/manage/orders/{order.id}/status", {"to_status": "picked_up",
                                                                               "payment_method": "wechat"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith("<li") and f'id="order-{order.id}"' in body
    assert response.headers["HX-Trigger"] == "kitchenOrderChanged"
    assert db.session.get(MealOrder, order.id).payment_method == "wechat"


def test_status_change_without_js_redirects(place, auth, web):
    resident = make_user(place["community"])
    order = services.place_order(resident, place["meal"].id, resident, 1, "delivery", "", "", "1" * 32, utcnow())
    auth.login(place["operator"])
    assert web.post(f"/kitchen/manage/orders/{order.id}/status", {"to_status": "cooking"}).status_code == 303
    refused = web.post(f"/kitchen/manage/orders/{order.id}/status", {"to_status": "picked_up"})
    assert refused.status_code == 409


def test_order_status_fragment_for_polling(place, auth, web):
    resident = make_user(place["community"])
    order = services.place_order(resident, place["meal"].id, resident, 1, "delivery", "", "", "2" * 32, utcnow())
    auth.login(resident)
    fragment = web.get(f"/kitchen/orders/{order.id}/status").get_data(as_text=True)
    assert 'hx-trigger="every 15s"' in fragment and "<html" not in fragment


def test_delivery_sheet_shows_needs_and_contacts(place, auth, web):
    mother = make_user(place["community"], name="郑长华", phone="13900000004", birth_date=born(85, local_today()))
    services.update_profile(mother, mother, "少盐，软烂", "王美玲", "13900000011", utcnow())
    services.place_order(mother, place["meal"].id, mother, 1, "delivery", "", "不要辣", "3" * 32, utcnow())
    auth.login(place["operator"])
    page = web.get(f"/kitchen/manage/meals/{place['meal'].id}/sheet").get_data(as_text=True)
    for text in ("镇海路12号", "郑长华", "13900000004", "少盐，软烂", "不要辣", "王美玲", "13900000011"):
        assert text in page


def test_welfare_check_page_and_record_safe(place, auth, web):
    mother = make_user(place["community"], name="郑长华", birth_date=born(85, local_today()))
    order = services.place_order(mother, place["meal"].id, mother, 1, "delivery", "", "", "4" * 32, utcnow())
    served_yesterday(place["meal"])
    for step in ("cooking", "out_for_delivery", "no_answer"):
        services.advance_order(place["operator"], order.id, step, utcnow())
    check = db.session.scalar(sa.select(WelfareCheck))
    auth.login(place["staff"])
    assert "郑长华" in web.get(f"/kitchen/manage/welfare/{check.id}").get_data(as_text=True)
    assert web.post(f"/kitchen/manage/welfare/{check.id}/safe", {"how": "nonsense"}).status_code == 422
    assert web.post(f"/kitchen/manage/welfare/{check.id}/safe", {"how": "seen", "note": "在家睡觉"}).status_code == 303
    assert not db.session.get(WelfareCheck, check.id).is_open


def test_settlement_page_and_csv(place, auth, web):
    resident = make_user(place["community"], birth_date=born(70, local_today()))
    order = services.place_order(resident, place["meal"].id, resident, 1, "pickup", "", "", "5" * 32, utcnow())
    day = served_yesterday(place["meal"])
    services.advance_order(place["operator"], order.id, "picked_up", utcnow(), payment_method="cash")
    auth.login(place["operator"])
    month = day.strftime("%Y-%m")
    page = web.get(f"/kitchen/manage/settlement?month={month}").get_data(as_text=True)
    assert "¥9.00" in page and "¥3.00" in page
    csv_response = web.get(f"/kitchen/manage/settlement.csv?month={month}")
    assert csv_response.mimetype == "text/csv"
    assert "合计,1,1,12.00,9.00,3.00" in csv_response.get_data(as_text=True)
    workbook = load_workbook(BytesIO(web.get(f"/kitchen/manage/settlement.xlsx?month={month}").get_data()))
    days = workbook.worksheets[0]
    assert days.freeze_panes == "A2" and days["A1"].value == "日期" and days["A1"].font.bold
    total = [cell for cell in days[days.max_row]]
    assert [c.value for c in total[:6]] == ["合计", 1, 1, 12, 9, 3] and total[4].number_format == "0.00"


def test_staff_settings_page_changes_the_rule(place, auth, web):
    auth.login(place["staff"])
    assert web.get("/kitchen/manage/settings").status_code == 200
    assert web.post("/kitchen/manage/settings", {"standard_price": "13", "policy": "xiamen", "min_meal": "10",
                                                 "once_a_day": "y"}).status_code == 303
    assert services.get_settings(place["community"].id).standard_price_fen == 1300
    assert web.post("/kitchen/manage/settings", {"standard_price": "abc", "policy": "xiamen",
                                                 "min_meal": "10"}).status_code == 422
    assert web.post("/kitchen/manage/settings/tiers", {"label": "80岁以上", "status": "", "min_age": "80",
                                                       "subsidy": "9"}).status_code == 303
    assert services.tiers(place["community"].id)[0].subsidy_fen == 900


def test_staff_see_and_filter_all_orders(place, auth, web):
    a = make_user(place["community"], name="郑长华")
    b = make_user(place["community"], name="蔡阿水")
    for person, key in ((a, "6"), (b, "7")):
        services.place_order(person, place["meal"].id, person, 1, "dine_in", "", "", key * 32, utcnow())
    auth.login(place["staff"])
    page = web.get("/kitchen/manage/orders?resident=郑长华").get_data(as_text=True)
    assert "郑长华" in page and "蔡阿水" not in page
    assert "蔡阿水" in web.get("/kitchen/manage/orders?status=placed").get_data(as_text=True)


def test_every_page_renders(place, auth, web):
    resident = make_user(place["community"])
    order = services.place_order(resident, place["meal"].id, resident, 1, "pickup", "", "", "8" * 32, utcnow())
    auth.login(place["staff"])
    for url in ("/kitchen/", "/kitchen/orders/", "/kitchen/standing/", f"/kitchen/profile/{resident.id}",
                f"/kitchen/kitchens/{place['kitchen'].id}", "/kitchen/manage/", f"/kitchen/manage/meals/{place['meal'].id}",
                f"/kitchen/manage/meals/{place['meal'].id}/counts", "/kitchen/manage/kitchens/new",
                f"/kitchen/manage/kitchens/{place['kitchen'].id}", "/kitchen/manage/orders", "/kitchen/manage/settlement",
                "/kitchen/manage/settings", "/kitchen/manage/welfare/", f"/kitchen/orders/{order.id}"):
        assert web.get(url).status_code == 200, url


@pytest.mark.parametrize("language, days, one", [("zh", "周一、周三和周五", "1 份</p>"),
                                                 ("en", "Mon, Wed, and Fri", "1 portion</p>")])
def test_a_standing_order_card_reads_naturally_in_each_language(place, auth, web, language, days, one):
    elder = make_user(place["community"], name="郑长华", birth_date=born(82))
    services.create_standing_order(elder, elder, place["kitchen"].id, [0, 2, 4], "lunch", "pickup", 1, "", "",
                                   utcnow())
    auth.login(elder)
    web.get(f"/lang/{language}")
    page = web.get("/kitchen/standing/").get_data(as_text=True)
    card = re.sub(r"\s+", " ", page[page.index('class="cards"'):])
    assert days in card and one in card
    assert "1 portions" not in card
