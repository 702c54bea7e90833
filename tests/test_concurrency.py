"""Real concurrent requests against gunicorn: a phone number is registered once, never twice."""
import requests
import sqlalchemy as sa

from neighbors.extensions import db
from neighbors.models import RoleGrant, User
from tests.factories import make_community
from tests.live import all_at_once, csrf_token


def test_twenty_people_registering_one_phone_at_once_make_one_account(live_server, app):
    community_id = make_community().id

    def attempt(n):
        def call():
            session = requests.Session()
            token = csrf_token(session, live_server.url, "/auth/register")
            return session.post(live_server.url + "/auth/register", data={
                "phone": "13812345678", "name": f"测试{n}", "password": "register-race-2024",
                "community": community_id, "csrf_token": token}, allow_redirects=False, timeout=60)
        return call

    responses = all_at_once(attempt(n) for n in range(20))
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(303) == 1, statuses
    assert statuses.count(422) == 19, statuses
    assert all("这个手机号已经注册过了" in r.text for r in responses if r.status_code == 422)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(RoleGrant.id))) == 1
