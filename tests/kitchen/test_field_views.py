"""What a pilot in 镇海社区 ran into (issue 14, kitchen), as the pages answer it: the question before a second
order, the person's own price, 明天 for tomorrow, no hand-over of tomorrow's meal, no price on a cancelled order,
"order again" as one button, and the delivery sheet's cards."""
import re

import sqlalchemy as sa

from neighbors.clock import local_today, utcnow
from neighbors.extensions import db
from neighbors.kitchen import services
from neighbors.kitchen.models import MealOrder
from tests.conftest import Auth
from tests.factories import link_carer, make_user
from tests.kitchen.helpers import born, served_yesterday


def order_data(**extra):
    return {"quantity": "1", "fulfilment": "delivery", "address": "", "note": "", **extra}


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _family(place):
    mother = make_user(place["community"], name="郑长华", birth_date=born(85, local_today()), unit="3单元502室")
    daughter = make_user(place["community"], name="王美玲", birth_date=born(58, local_today()))
    link_carer(daughter, mother)
    return mother, daughter


def test_a_second_order_asks_first_saying_who_ordered_and_when(place, auth, web):
    mother, daughter = _family(place)
    meal = place["meal"]
    first = services.place_order(daughter, meal.id, mother, 1, "delivery", "", "", "1" * 32, utcnow())
    auth.login(mother)
    asked = web.post(f"/kitchen/meals/{meal.id}/order", order_data(submission_key="2" * 32))
    assert asked.status_code == 409
    page = text_of(asked)
    assert "郑长华已经订了这一餐" in page and "王美玲在" in page and "订的" in page
    html = asked.get_data(as_text=True)
    assert 'name="also" value="1"' in html and re.search(r'name="submission_key"[^>]*value="2{32}"', html)
    assert f"/kitchen/orders/{first.id}" in html
    assert db.session.scalar(sa.select(sa.func.count(MealOrder.id))) == 1
    confirmed = web.post(f"/kitchen/meals/{meal.id}/order", order_data(submission_key="2" * 32, also="1",
                                                                       for_user=str(mother.id)))
    assert confirmed.status_code == 303
    assert db.session.scalar(sa.select(sa.func.count(MealOrder.id))) == 2

    auth.login(place["operator"])
    rows = web.get(f"/kitchen/manage/meals/{meal.id}").get_data(as_text=True)
    assert rows.count('data-testid="ordered-twice"') == 2 and "订了两份" in rows
    sheet = web.get(f"/kitchen/manage/meals/{meal.id}/sheet").get_data(as_text=True)
    assert "订了两份" in sheet
    auth.login(place["staff"])
    assert web.get("/kitchen/manage/orders").get_data(as_text=True).count('data-testid="ordered-twice"') == 2


def test_the_meal_page_shows_what_this_person_pays_before_the_button(place, auth, web):
    mother, daughter = _family(place)
    meal = place["meal"]
    auth.login(mother)
    page = web.get(f"/kitchen/meals/{meal.id}").get_data(as_text=True)
    pay = page[page.index('data-testid="you-pay"'):]
    assert page.index('data-testid="you-pay"') < page.index('type="submit"')
    assert "您付" in pay[:400] and "¥9.00" in pay[:400] and "厦门助餐补贴" in pay[:600]
    auth.login(daughter)
    own = text_of(web.get(f"/kitchen/meals/{meal.id}"))
    assert "您付 ¥12.00 一份" in own and "无补贴：未满65岁" in own
    for_mother = text_of(web.get(f"/kitchen/meals/{meal.id}?for_user={mother.id}"))
    assert "郑长华付 ¥9.00 一份" in for_mother


def test_choosing_the_person_with_htmx_swaps_only_the_price(place, auth, htmx_client):
    mother, daughter = _family(place)
    Auth(htmx_client).login(daughter)
    response = htmx_client.get(f"/kitchen/meals/{place['meal'].id}?for_user={mother.id}")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.lstrip().startswith("<div id=\"you-pay\"") and "<html" not in body
    assert "郑长华付" in body and "¥9.00" in body


def test_the_no_subsidy_note_names_tomorrow_not_today(place, auth, web):
    mother, _daughter = _family(place)
    services.place_order(mother, place["meal"].id, mother, 1, "delivery", "", "", "3" * 32, utcnow())
    dinner = services.publish_meal(place["operator"], place["kitchen"].id, place["day"], "dinner", "姜母鸭", "空心菜",
                                   "冬瓜排骨汤", 10, utcnow())
    auth.login(mother)
    page = text_of(web.get(f"/kitchen/meals/{dinner.id}"))
    assert "您付 ¥12.00 一份" in page
    assert "无补贴：明天已有一餐用了补贴" in page and "今天" not in page


def test_the_menu_says_tomorrow(place, auth, web):
    auth.login(make_user(place["community"]))
    page = text_of(web.get("/kitchen/"))
    assert "明天" in page
    heading = re.search(r'<h2 id="day-1">(.*?)</h2>', web.get("/kitchen/").get_data(as_text=True), re.S).group(1)
    assert heading.startswith("明天")


def test_tomorrows_order_is_not_handed_over_today_and_payment_is_chosen(place, auth, web):
    resident = make_user(place["community"], name="蔡阿水")
    order = services.place_order(resident, place["meal"].id, resident, 1, "pickup", "", "", "4" * 32, utcnow())
    auth.login(place["operator"])
    row = web.get(f"/kitchen/manage/meals/{place['meal'].id}").get_data(as_text=True)
    assert 'data-step="picked_up"' not in row and 'data-step="no_show"' not in row
    assert 'data-testid="not-started"' in row
    early = web.post(f"/kitchen/manage/orders/{order.id}/status", {"to_status": "picked_up", "payment_method": "cash"})
    assert early.status_code == 409 and "这一餐还没开始" in text_of(early)
    assert db.session.get(MealOrder, order.id).status == "placed"

    served_yesterday(place["meal"])
    row = web.get(f"/kitchen/manage/meals/{place['meal'].id}").get_data(as_text=True)
    assert 'data-step="picked_up"' in row and '<option value="" selected>' in row
    unchosen = web.post(f"/kitchen/manage/orders/{order.id}/status", {"to_status": "picked_up"})
    assert unchosen.status_code == 422 and "请选择居民怎么付的" in text_of(unchosen)
    assert db.session.get(MealOrder, order.id).status == "placed"
    done = web.post(f"/kitchen/manage/orders/{order.id}/status", {"to_status": "picked_up", "payment_method": "alipay"})
    assert done.status_code == 303
    assert db.session.get(MealOrder, order.id).payment_method == "alipay"


def test_a_cancelled_order_asks_for_no_money(place, auth, web):
    resident = make_user(place["community"], birth_date=born(80, local_today()))
    order = services.place_order(resident, place["meal"].id, resident, 1, "pickup", "", "", "5" * 32, utcnow())
    services.cancel_order(resident, order.id, utcnow())
    auth.login(resident)
    page = text_of(web.get(f"/kitchen/orders/{order.id}"))
    assert "不用付：订单已取消" in page
    assert "¥9.00" not in page and "拿到饭时付款" not in page
    assert "¥9.00" not in text_of(web.get("/kitchen/orders/"))


def test_order_again_is_one_button_for_the_next_meal_she_does_not_have(place, auth, web):
    resident = make_user(place["community"])
    services.place_order(resident, place["meal"].id, resident, 2, "pickup", "", "软烂", "6" * 32, utcnow())
    after = services.publish_meal(place["operator"], place["kitchen"].id, place["day"], "dinner", "姜母鸭", "空心菜",
                                  "冬瓜排骨汤", 10, utcnow())
    auth.login(resident)
    html = web.get("/kitchen/orders/").get_data(as_text=True)
    assert '<select' not in html and 'name="meal_id"' in html
    assert f'name="meal_id" value="{after.id}"' in html and f'value="{place["meal"].id}"' not in html
    assert "再订一次：明天晚餐" in text_of(web.get("/kitchen/orders/"))
    key = re.search(r'name="submission_key" value="([0-9a-f]{32})"', html).group(1)
    placed = web.post(re.search(r'action="(/kitchen/orders/\d+/again)"', html).group(1),
                      {"meal_id": str(after.id), "submission_key": key})
    assert placed.status_code == 303
    again = db.session.scalar(sa.select(MealOrder).where(MealOrder.meal_id == after.id))
    assert (again.quantity, again.note) == (2, "软烂")
    assert "看菜单" in text_of(web.get("/kitchen/orders/"))  # nothing left she does not have: the menu instead


def test_the_delivery_sheet_is_a_card_per_home_with_delivered_and_nobody_answered(place, auth, web):
    mother, _daughter = _family(place)
    order = services.place_order(mother, place["meal"].id, mother, 1, "delivery", "", "", "7" * 32, utcnow())
    for step in ("cooking", "out_for_delivery"):
        services.advance_order(place["operator"], order.id, step, utcnow())
    served_yesterday(place["meal"])
    auth.login(place["operator"])
    sheet_url = f"/kitchen/manage/meals/{place['meal'].id}/sheet"
    html = web.get(sheet_url).get_data(as_text=True)
    cards = html[html.index('data-testid="sheet-cards"'):html.index('class="sheet-tables"')]
    assert "郑长华" in cards and "3单元502室" in cards
    assert 'value="delivered"' in cards and 'value="no_answer"' in cards and "checked" not in cards
    assert "已送达" in cards and "无人应门" in cards
    assert 'class="sheet-table"' in html  # the table stays for A4
    unchosen = web.post(f"/kitchen/manage/orders/{order.id}/status",
                        {"to_status": "delivered", "next": sheet_url + f"#stop-{order.id}"})
    assert unchosen.status_code == 303 and unchosen.headers["Location"].endswith(f"{sheet_url}#stop-{order.id}")
    assert "请选择居民怎么付的" in text_of(web.get(sheet_url))
    delivered = web.post(f"/kitchen/manage/orders/{order.id}/status",
                         {"to_status": "delivered", "payment_method": "wechat", "next": sheet_url})
    assert delivered.status_code == 303 and delivered.headers["Location"].endswith(sheet_url)
    assert db.session.get(MealOrder, order.id).status == "delivered"
