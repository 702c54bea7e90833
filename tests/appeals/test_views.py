"""The appeal through HTTP: the author sees why and appeals; staff see it in the queue and decide."""
import re

import sqlalchemy as sa

from neighbors.appeals import Appeal
from neighbors.extensions import db
from neighbors.models import Notification
from neighbors.mutualaid.models import HelpRequest, Offer


def appeal_to(web, kind, record_id, text="那是我家的电话，不是广告"):
    return web.post(f"/appeals/new?kind={kind}&record={record_id}", {"kind": kind, "record": str(record_id),
                                                                    "text": text})


def count_appeals():
    return db.session.scalar(sa.select(sa.func.count(Appeal.id)))


def latest_note(user):
    return db.session.scalar(sa.select(Notification).where(Notification.user_id == user.id)
                             .order_by(Notification.id.desc()).limit(1))


def test_reinstated_after_an_appeal(app, auth, web, hidden_request, resident, staff, volunteer):
    auth.login(resident)
    page = web.get(f"/aid/requests/{hidden_request.id}").get_data(as_text=True)
    assert "已被隐藏：含有电话号码广告" in page and 'action="/appeals/new"' in page
    response = appeal_to(web, "mutualaid.request", hidden_request.id)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/aid/requests/{hidden_request.id}")
    page = web.get(f"/aid/requests/{hidden_request.id}").get_data(as_text=True)
    assert 'data-testid="appeal-state"' in page and 'action="/appeals/new"' not in page
    auth.logout()

    auth.login(staff)
    queue = web.get("/staff/").get_data(as_text=True)
    [appeal] = db.session.scalars(sa.select(Appeal)).all()
    assert f"/appeals/#appeal-{appeal.id}" in queue and resident.name in queue
    listing = web.get("/appeals/").get_data(as_text=True)
    assert "那是我家的电话，不是广告" in listing and "厨房水龙头漏水" in listing
    response = web.post(f"/appeals/{appeal.id}/decide", {"decision": "reinstate", "reason": "核实过，是本人电话"})
    assert response.status_code == 303
    assert f"/appeals/#appeal-{appeal.id}" not in web.get("/staff/").get_data(as_text=True)
    auth.logout()

    assert not db.session.get(HelpRequest, hidden_request.id).hidden
    note = latest_note(resident)
    with app.test_request_context():
        assert note.url == f"/aid/requests/{hidden_request.id}" and note.message.startswith("Your appeal was accepted")
    auth.login(volunteer)
    assert "厨房水龙头漏水" in web.get("/aid/").get_data(as_text=True)
    assert web.get(f"/aid/requests/{hidden_request.id}").status_code == 200


def test_upheld_stays_hidden(auth, web, hidden_request, resident, staff, volunteer):
    auth.login(resident)
    appeal_to(web, "mutualaid.request", hidden_request.id)
    auth.logout()
    auth.login(staff)
    appeal = db.session.scalar(sa.select(Appeal))
    response = web.post(f"/appeals/{appeal.id}/decide", {"decision": "uphold", "reason": "广告不能发在互助栏"})
    assert response.status_code == 303
    again = web.post(f"/appeals/{appeal.id}/decide", {"decision": "reinstate", "reason": "改主意"})
    assert again.status_code == 409 and "这个申诉已经有了决定。" in again.get_data(as_text=True)
    auth.logout()
    assert db.session.get(HelpRequest, hidden_request.id).hidden
    assert latest_note(resident).message.startswith("Your appeal was not accepted")
    auth.login(volunteer)
    assert web.get(f"/aid/requests/{hidden_request.id}").status_code == 404
    auth.logout()
    auth.login(resident)
    page = web.get(f"/aid/requests/{hidden_request.id}").get_data(as_text=True)
    assert "广告不能发在互助栏" in page and 'action="/appeals/new"' in page  # may appeal once more


def test_a_double_submit_makes_one_appeal(auth, web, hidden_request, resident):
    auth.login(resident)
    first = appeal_to(web, "mutualaid.request", hidden_request.id)
    second = appeal_to(web, "mutualaid.request", hidden_request.id)
    assert first.status_code == 303 and second.status_code == 409
    assert "这件事的申诉已经在等工作人员处理。" in second.get_data(as_text=True)
    assert count_appeals() == 1


def test_an_empty_appeal_is_422_in_chinese(auth, web, hidden_request, resident):
    auth.login(resident)
    response = appeal_to(web, "mutualaid.request", hidden_request.id, text="  ")
    assert response.status_code == 422
    assert "请说明为什么应该重新显示。" in response.get_data(as_text=True)
    assert count_appeals() == 0


def test_others_cannot_appeal_or_decide(auth, web, hidden_request, resident, volunteer, staff, other_staff):
    auth.login(volunteer)
    assert appeal_to(web, "mutualaid.request", hidden_request.id).status_code == 404
    assert web.get("/appeals/").status_code == 403
    auth.logout()
    auth.login(resident)
    appeal_to(web, "mutualaid.request", hidden_request.id)
    appeal = db.session.scalar(sa.select(Appeal))
    assert web.post(f"/appeals/{appeal.id}/decide", {"decision": "reinstate", "reason": "x"}).status_code == 403
    auth.logout()
    auth.login(other_staff)
    assert "那是我家的电话" not in web.get("/appeals/").get_data(as_text=True)
    assert web.post(f"/appeals/{appeal.id}/decide", {"decision": "reinstate", "reason": "x"}).status_code == 404
    auth.logout()
    auth.login(staff)
    response = web.post(f"/appeals/{appeal.id}/decide", {"decision": "reinstate", "reason": " "})
    assert response.status_code == 422 and "请写下处理理由。" in response.get_data(as_text=True)
    assert db.session.get(Appeal, appeal.id).state == "open"
    assert db.session.get(HelpRequest, hidden_request.id).hidden


def test_a_volunteer_appeals_a_hidden_offer_from_their_page(auth, web, hidden_offer, volunteer, staff):
    auth.login(volunteer)
    page = web.get(f"/aid/volunteers/{volunteer.id}").get_data(as_text=True)
    assert "已被隐藏：与互助无关" in page and 'id="hidden-offers"' in page
    assert appeal_to(web, "mutualaid.offer", hidden_offer.id, "这是义务服务，不收费").status_code == 303
    auth.logout()
    auth.login(staff)
    appeal = db.session.scalar(sa.select(Appeal))
    assert web.post(f"/appeals/{appeal.id}/decide", {"decision": "reinstate", "reason": "确认"}).status_code == 303
    assert not db.session.get(Offer, hidden_offer.id).hidden
    assert re.search("周六上午义务修水管", web.get("/aid/").get_data(as_text=True))
