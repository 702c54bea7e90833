"""Many members tapping "sign up" for the last places at the same moment, against a running server."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from neighbors.alleys.models import PatrolShift, PatrolSignup
from neighbors.clock import utcnow
from neighbors.extensions import db
from tests.factories import make_user
from tests.live import all_at_once, csrf_token, logged_in

pytestmark = pytest.mark.live

CROWD = 12


def test_the_last_place_is_taken_exactly_once(place, live_server):
    now = utcnow()
    shift = PatrolShift(community_id=place.community.id, alley_id=place.alley.id, day=now.date(),
                        starts_at=now + timedelta(hours=5), ends_at=now + timedelta(hours=6),
                        needs={"volunteer": 3})
    db.session.add(shift)
    db.session.commit()
    early = make_user(place.community, "patroller", name="早到的人")
    db.session.add(PatrolSignup(community_id=place.community.id, shift_id=shift.id, user_id=early.id,
                                kind="volunteer", slot_no=2))
    db.session.commit()  # places 1 and 3 are left
    shift_id = shift.id

    crowd = [make_user(place.community, "patroller", name=f"队员{n}") for n in range(CROWD)]
    sessions = [logged_in(live_server.url, member.phone) for member in crowd]
    tokens = [csrf_token(session, live_server.url) for session in sessions]

    url = f"{live_server.url}/alleys/shifts/{shift_id}/signup"

    def tap(session, token):
        return lambda: session.post(url,
                                    data={"csrf_token": token}, allow_redirects=False, timeout=60).status_code

    codes = all_at_once(tap(s, t) for s, t in zip(sessions, tokens))
    assert sorted(codes).count(303) == 2, codes
    assert sorted(codes).count(409) == CROWD - 2, codes
    db.session.rollback()  # end the test's own read snapshot before looking
    signups = db.session.scalars(sa.select(PatrolSignup).where(PatrolSignup.shift_id == shift_id)).all()
    assert len(signups) == 3
    assert sorted(s.slot_no for s in signups) == [1, 2, 3]
    assert len({s.user_id for s in signups}) == 3
