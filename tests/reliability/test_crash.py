"""SIGKILL the whole server in the middle of a write load, restart it, and check that every
acknowledged write survived and that nothing was left half-written.

Module writes (orders, help requests, patrol sign-ups) join `WriteLoad` as they land;
their invariants join `check_invariants`.
"""
import random

import requests
import sqlalchemy as sa

from neighbors.extensions import db
from neighbors.models import RoleGrant, User
from tests.factories import make_community
from tests.live import csrf_token
from tests.reliability.conftest import LOAD_PASSWORD, WriteLoad

KILLS = 2


def check_invariants() -> list[str]:
    """Everything that must hold however the server died."""
    problems = []
    db.session.rollback()
    without_role = db.session.scalars(
        sa.select(User.phone).outerjoin(RoleGrant, sa.and_(RoleGrant.user_id == User.id, RoleGrant.role == "resident"))
        .where(RoleGrant.id.is_(None))
    ).all()
    if without_role:
        problems.append(f"users stored without their resident role: {without_role}")
    stray = db.session.scalar(
        sa.select(sa.func.count(RoleGrant.id)).outerjoin(User, User.id == RoleGrant.user_id).where(User.id.is_(None))
    )
    if stray:
        problems.append(f"{stray} role grants without a user")
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as connection:
            result = connection.exec_driver_sql("PRAGMA integrity_check").scalar()
        if result != "ok":
            problems.append(f"integrity_check: {result}")
    return problems


def can_log_in(base_url: str, phone: str) -> bool:
    session = requests.Session()
    token = csrf_token(session, base_url)
    response = session.post(base_url + "/auth/login", data={"phone": phone, "password": LOAD_PASSWORD,
                                                            "csrf_token": token}, allow_redirects=False, timeout=60)
    return response.status_code == 303


def test_nothing_acknowledged_is_lost_and_nothing_is_half_written_after_sigkill(killable_server):
    community = make_community()
    acknowledged: set[str] = set()
    attempts = 0
    for kill in range(KILLS):
        killable_server.start()
        load = WriteLoad(killable_server.url, community.id, threads=4, prefix=f"138{kill}").start()
        try:
            load.wait_for(8 + 4 * kill)
            killable_server.kill()  # mid-load: requests are in flight in every thread
        finally:
            load.stop()
        acknowledged |= set(load.acknowledged())
        attempts += len(load.writes)
        assert not [e for e in load.errors if ": 5" in e], load.errors[:5]
        assert check_invariants() == []
    killable_server.start()
    stored = set(db.session.scalars(sa.select(User.phone)))
    lost = sorted(acknowledged - stored)
    assert not lost, f"{len(lost)} acknowledged registrations lost: {lost[:10]}"
    assert check_invariants() == []
    for phone in random.Random(KILLS).sample(sorted(acknowledged), 3):
        assert can_log_in(killable_server.url, phone), f"{phone} cannot log in after the restart"
    load = WriteLoad(killable_server.url, community.id, threads=2, prefix="1389").start()
    try:
        load.wait_for(2)
    finally:
        load.stop()
    assert load.errors == [], "the restarted server does not take writes"
    print(f"crash: {KILLS} kills survived, {attempts} writes tried by 4 clients, "
          f"{len(acknowledged)} acknowledged registrations all found, {len(stored)} users stored")
