"""The appeal rules: who may appeal what, one open appeal per record, and staff deciding once."""
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from neighbors import appeals
from neighbors.appeals import Appeal, AppealConflict
from neighbors.errors import InvalidInput, NotAllowed, NotFound
from neighbors.extensions import db
from neighbors.links import Link
from neighbors.models import AuditEntry, Notification
from neighbors.mutualaid.models import HelpRequest, Offer
from neighbors.staff import services as staff_services
from tests.appeals.conftest import ask
from tests.factories import make_user

LATER = timedelta(hours=2)


def count_appeals():
    return db.session.scalar(sa.select(sa.func.count(Appeal.id)))


def audit_actions():
    return [a.action for a in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))]


def notes_for(user):
    return [n.message for n in db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id)
                                                  .order_by(Notification.id))]


def test_the_author_appeals_a_hidden_request(hidden_request, resident, now):
    appeal = appeals.file_appeal(resident, "mutualaid.request", hidden_request.id, "  那是我家的电话，不是广告 ", now)
    assert (appeal.state, appeal.author_id, appeal.community_id) == ("open", resident.id, resident.community_id)
    assert appeal.text == "那是我家的电话，不是广告"
    assert "appeal.filed" in audit_actions()
    assert [a.id for a in appeals.open_appeals(resident.community_id)] == [appeal.id]


@pytest.mark.parametrize("who, kind, text, refusal, field", [
    ("volunteer", "mutualaid.request", "理由", NotAllowed, None),  # not the author
    ("staff", "mutualaid.request", "理由", NotAllowed, None),
    ("other_staff", "mutualaid.request", "理由", NotFound, None),  # another community: not there at all
    ("resident", "mutualaid.request", "   ", InvalidInput, "text"),
    ("resident", "mutualaid.request", "字" * 501, InvalidInput, "text"),
    ("resident", "kitchen.nonsense", "理由", NotFound, None),
])
def test_appeals_refused(request, hidden_request, now, who, kind, text, refusal, field):
    actor = request.getfixturevalue(who)
    with pytest.raises(refusal) as refused:
        appeals.file_appeal(actor, kind, hidden_request.id, text, now)
    assert refused.value.field == field
    assert count_appeals() == 0


def test_nothing_to_appeal_while_shown(resident, volunteer, now):
    shown = ask(resident, now)
    with pytest.raises(AppealConflict):
        appeals.file_appeal(resident, "mutualaid.request", shown.id, "为什么", now)
    assert count_appeals() == 0


def test_one_open_appeal_per_record(hidden_request, resident, now):
    appeals.file_appeal(resident, "mutualaid.request", hidden_request.id, "请再看看", now)
    with pytest.raises(AppealConflict):
        appeals.file_appeal(resident, "mutualaid.request", hidden_request.id, "请再看看", now)
    assert count_appeals() == 1


def test_the_database_refuses_a_second_open_appeal(hidden_request, resident, now):
    """The partial unique index holds even if two requests pass the check at once."""
    for _ in range(2):
        db.session.add(Appeal(community_id=resident.community_id, kind="mutualaid.request",
                              record_id=hidden_request.id, author_id=resident.id, text="x", created_at=now))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    db.session.add(Appeal(community_id=resident.community_id, kind="mutualaid.request", record_id=hidden_request.id,
                          author_id=resident.id, text="x", created_at=now, state="upheld", decided_at=now))
    db.session.add(Appeal(community_id=resident.community_id, kind="mutualaid.request", record_id=hidden_request.id,
                          author_id=resident.id, text="y", created_at=now))
    db.session.commit()  # decided appeals do not count
    assert count_appeals() == 2


def test_reinstating_shows_the_request_again_and_tells_the_author(hidden_request, resident, staff, volunteer, now):
    appeal = appeals.file_appeal(resident, "mutualaid.request", hidden_request.id, "那是我家的电话", now)
    appeals.decide_appeal(staff, appeal.id, True, "核实过，是本人电话", now + LATER)
    request = db.session.get(HelpRequest, hidden_request.id)
    assert not request.hidden and request.hidden_reason == ""
    decided = db.session.get(Appeal, appeal.id)
    assert (decided.state, decided.decided_by_id, decided.decision_reason) == ("reinstated", staff.id, "核实过，是本人电话")
    assert {"appeal.reinstated", "mutualaid.request_reinstated"} <= set(audit_actions())
    assert notes_for(resident)[-1].startswith("Your appeal was accepted")
    from neighbors.mutualaid import services as aid
    assert request.id in [r.id for r in aid.board(volunteer, now)]
    assert appeals.open_appeals(resident.community_id) == []


def test_upholding_keeps_it_hidden_and_a_new_appeal_may_follow(hidden_request, resident, staff, now):
    appeal = appeals.file_appeal(resident, "mutualaid.request", hidden_request.id, "请再看看", now)
    appeals.decide_appeal(staff, appeal.id, False, "广告不能发在互助栏", now + LATER)
    assert db.session.get(HelpRequest, hidden_request.id).hidden
    assert db.session.get(Appeal, appeal.id).state == "upheld"
    assert "appeal.upheld" in audit_actions()
    assert notes_for(resident)[-1].startswith("Your appeal was not accepted")
    again = appeals.file_appeal(resident, "mutualaid.request", hidden_request.id, "我已经删掉了电话", now + 2 * LATER)
    assert again.is_open and count_appeals() == 2


@pytest.mark.parametrize("who, reason, refusal", [
    ("other_staff", "理由", NotFound), ("resident", "理由", NotFound), ("volunteer", "理由", NotFound),
    ("staff", "  ", InvalidInput),
])
def test_deciding_refused(request, hidden_request, resident, now, who, reason, refusal):
    appeal = appeals.file_appeal(resident, "mutualaid.request", hidden_request.id, "请再看看", now)
    with pytest.raises(refusal):
        appeals.decide_appeal(request.getfixturevalue(who), appeal.id, True, reason, now)
    assert db.session.get(Appeal, appeal.id).state == "open"
    assert db.session.get(HelpRequest, hidden_request.id).hidden


def test_deciding_twice_is_refused(hidden_request, resident, staff, now):
    appeal = appeals.file_appeal(resident, "mutualaid.request", hidden_request.id, "请再看看", now)
    appeals.decide_appeal(staff, appeal.id, False, "维持", now)
    with pytest.raises(AppealConflict):
        appeals.decide_appeal(staff, appeal.id, True, "改主意了", now)
    assert db.session.get(Appeal, appeal.id).state == "upheld"
    assert db.session.get(HelpRequest, hidden_request.id).hidden


def test_an_admin_may_decide(hidden_request, resident, now):
    admin = make_user(None, "admin", name="区管理员")
    appeal = appeals.file_appeal(resident, "mutualaid.request", hidden_request.id, "请再看看", now)
    appeals.decide_appeal(admin, appeal.id, True, "核实", now)
    assert not db.session.get(HelpRequest, hidden_request.id).hidden


def test_an_offer_is_appealed_and_reinstated(hidden_offer, volunteer, staff, now):
    appeal = appeals.file_appeal(volunteer, "mutualaid.offer", hidden_offer.id, "这是义务服务", now)
    appeals.decide_appeal(staff, appeal.id, True, "确认是义务", now)
    assert not db.session.get(Offer, hidden_offer.id).hidden
    assert "mutualaid.offer_reinstated" in audit_actions()


def test_open_appeals_are_in_the_staff_work_queue_and_its_count(hidden_request, hidden_offer, resident, volunteer,
                                                                 staff, now):
    community_id = resident.community_id
    before = staff_services.work_queue_count(community_id, now)
    first = appeals.file_appeal(resident, "mutualaid.request", hidden_request.id, "请再看看", now)
    appeals.file_appeal(volunteer, "mutualaid.offer", hidden_offer.id, "请再看看", now + LATER)
    work = staff_services.work_queue(community_id, now + LATER)
    listed = [item for item in work.items if item.kind == "appeals.hidden_content"]
    assert listed[0].link == Link("appeals.index", anchor=f"appeal-{first.id}") and len(listed) == 2
    assert staff_services.work_queue_count(community_id, now) == before + 2 == len(work.items)
    appeals.decide_appeal(staff, first.id, False, "维持", now)
    assert staff_services.work_queue_count(community_id, now) == before + 1
