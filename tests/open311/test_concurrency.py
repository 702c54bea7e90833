"""A partner's POST retried many times at once (a timeout, a retry loop) makes one case, against a running server."""
import pytest
import requests
import sqlalchemy as sa

from neighbors.alleys.models import Finding
from neighbors.clock import utcnow
from neighbors.extensions import db
from neighbors.open311 import services
from neighbors.open311.models import PartnerFiling
from tests.live import Gunicorn, all_at_once

pytestmark = pytest.mark.live

RETRIES = 8


@pytest.fixture
def live_server(app, database_url, upload_dir):
    """Two workers of four threads are enough for eight retries; a loaded machine may need long to start them."""
    with Gunicorn(database_url, upload_dir, workers=2, threads=4, start_timeout=240) as server:
        yield server


def test_the_same_post_sent_eight_times_at_once_files_one_case(place, live_server):
    services.save_settings(place.staff, "lujiangdao", False, utcnow())
    raw = services.issue_key(place.staff, "12345热线", utcnow())[1]
    fields = {"api_key": raw, "jurisdiction_id": "lujiangdao", "service_code": "sanitation",
              "description": "湖滨南路12-8号，路面油腻", "address_string": "打铁巷12号", "lat": "24.4545",
              "long": "118.0781"}

    def post():
        answer = requests.post(f"{live_server.url}/open311/v2/requests.json", data=fields,
                               headers={"Idempotency-Key": "12345-20261207-0721"}, timeout=60)
        return answer.status_code, answer.json()[0].get("service_request_id")

    answers = all_at_once(post for _ in range(RETRIES))
    assert {status for status, _id in answers} == {200}, answers
    assert len({case_id for _status, case_id in answers}) == 1, answers
    db.session.rollback()  # end the test's own read snapshot before looking
    assert db.session.scalar(sa.select(sa.func.count(Finding.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(PartnerFiling.id))) == 1
