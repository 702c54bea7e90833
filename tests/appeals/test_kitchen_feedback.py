"""A resident's comment on a meal that staff hid: she is told why, appeals, and staff decide."""
import sqlalchemy as sa

from neighbors import appeals
from neighbors.extensions import db
from neighbors.kitchen import services
from neighbors.kitchen.models import Feedback
from neighbors.models import AuditEntry, Notification
from tests.factories import make_user
from tests.kitchen.helpers import NOW, later, make_place, order, publish

SERVING = later(minutes=180)  # 11:00: lunch is being served


def hidden_comment():
    place = make_place()
    resident = make_user(place.community, name="郑长华")
    placed = order(resident, publish(place))
    services.advance_order(place.operator, placed.id, "picked_up", SERVING, payment_method="cash")
    feedback = services.leave_feedback(resident, placed.id, 1, "太咸了，厨师不行", NOW)
    services.hide_feedback(place.staff, feedback.id, "有人身攻击", NOW)
    return place, resident, feedback


def test_hiding_keeps_the_reason_and_tells_the_author(app):
    _place, resident, feedback = hidden_comment()
    assert db.session.get(Feedback, feedback.id).hidden_reason == "有人身攻击"
    note = db.session.scalar(sa.select(Notification).where(Notification.user_id == resident.id))
    assert note.params["reason"] == "有人身攻击"
    assert note.url.endswith(f"/kitchen/orders/{feedback.order_id}#appeal")


def test_reinstating_a_comment_shows_it_again(app):
    place, resident, feedback = hidden_comment()
    appeal = appeals.file_appeal(resident, "kitchen.feedback", feedback.id, "我只是说菜太咸", NOW)
    appeals.decide_appeal(place.staff, appeal.id, True, "措辞可以接受", NOW)
    assert [f.id for f in services.recent_feedback(place.kitchen)] == [feedback.id]
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "kitchen.comment_reinstated"))


def test_through_http_the_author_appeals_and_an_upheld_comment_stays_hidden(app, auth, web):
    place, resident, feedback = hidden_comment()
    auth.login(resident)
    page = web.get(f"/kitchen/orders/{feedback.order_id}").get_data(as_text=True)
    assert "已被隐藏：有人身攻击" in page
    response = web.post(f"/appeals/new?kind=kitchen.feedback&record={feedback.id}", {"text": "我只是说菜太咸"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/kitchen/orders/{feedback.order_id}")
    auth.logout()
    auth.login(place.staff)
    appeal = db.session.scalar(sa.select(appeals.Appeal))
    assert "我只是说菜太咸" in web.get("/appeals/").get_data(as_text=True)
    assert web.post(f"/appeals/{appeal.id}/decide", {"decision": "uphold", "reason": "仍有人身攻击"}).status_code == 303
    assert services.recent_feedback(place.kitchen) == []
