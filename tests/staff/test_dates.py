"""Dates as people say them (issue 14, item 13): what a notification or the staff queue names is stored as a
date or a UTC moment and read in the reader's language — 12月7日 周一 午餐 / Mon 7 Dec, lunch — never 2026-12-07."""
from datetime import date, time

from flask_babel import force_locale

from neighbors import dates
from neighbors.clock import local_to_utc
from neighbors.kitchen import services as kitchen
from neighbors.models import Notification
from neighbors.notifications import notify, render
from tests.factories import link_carer, make_user
from tests.staff.conftest import NOW

MONDAY = date(2026, 3, 9)


def read(note: Notification, lang: str) -> str:
    with force_locale(lang):
        return render(note)


def test_the_one_formatter_says_days_as_people_do(app):
    with app.test_request_context():
        with force_locale("zh"):
            assert dates.day_label(MONDAY, "lunch") == "3月9日 周一 午餐"
            assert dates.day_label(MONDAY) == "3月9日 周一"
            assert dates.long_date(date(1941, 3, 2)) == "1941年3月2日"
            assert dates.local_datetime(local_to_utc(MONDAY, time(7, 0))) == "3月9日 周一 07:00"
            assert dates.month_label(MONDAY) == "2026年3月"
        with force_locale("en"):
            assert dates.day_label(MONDAY, "dinner") == "Mon 9 Mar, dinner"
            assert dates.long_date(date(1941, 3, 2)) == "2 Mar 1941"
            assert dates.local_datetime(local_to_utc(MONDAY, time(7, 0))) == "Mon 9 Mar 07:00"
            assert dates.month_label(MONDAY) == "Mar 2026"


def test_a_meal_ordered_for_someone_names_the_day_and_meal_in_the_readers_language(world, app):
    operator = make_user(world.home, "kitchen", name="林阿水")
    link_carer(world.resident, world.elder)
    place = kitchen.register_kitchen(world.staff, world.home.id, "镇海邻里厨房", "镇海路36号", "10:30-13:00", True,
                                     [], [operator.id], NOW)
    meal = kitchen.publish_meal(operator, place.id, MONDAY, "lunch", "卤肉", "清炒地瓜叶", "紫菜蛋花汤", 30, NOW)
    kitchen.place_order(world.resident, meal.id, world.elder, 1, "dine_in", "", "", "k" * 32, NOW)
    note = Notification.query.filter_by(user_id=world.elder.id).one()
    assert note.params["day"] == {"day": "2026-03-09", "part": "lunch"}  # data, not words, until someone reads it
    with app.test_request_context():
        assert read(note, "zh") == "王美玲 帮您订了 3月9日 周一 午餐 的饭。"
        assert read(note, "en") == "王美玲 ordered a meal for you for Mon 9 Mar, lunch."
        assert "2026" not in read(note, "zh") + read(note, "en")


def test_a_day_stored_as_text_before_is_still_read_as_a_day(world, app):
    note = notify(world.elder, "Your meal for %(day)s is on its way.", now=NOW, day="2026-03-09")
    with app.test_request_context():
        assert read(note, "en") == "Your meal for Mon 9 Mar is on its way."


def test_a_queue_item_says_its_day_as_people_do(app):
    """The staff queue keeps a day as data too (a document's deadline, a standing order that failed)."""
    from neighbors.workqueue import QueueItem
    from neighbors.links import Link

    item = QueueItem(kind="registers.deadline", title="Reply to %(body)s by %(deadline)s.", since=NOW,
                     link=Link("staff.queue"), params={"body": "街道办", "deadline": "2026-03-09"})
    with app.test_request_context(), force_locale("zh"):
        assert item.text == "Reply to 街道办 by 3月9日 周一."
