"""Against a running server: a partner's POST retried many times at once (a timeout, a retry loop) makes one case,
and an existing GeoReport v2 client library (georeport, unchanged) lists, reads and filters the cases."""
import pytest
import requests
from georeport import GeoReport
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


def test_an_existing_client_library_reads_the_published_cases_unchanged(place, live_server):
    from neighbors.alleys import services as alleys
    from tests.alleys.conftest import photo

    services.save_settings(place.staff, "lujiangdao", True, utcnow())
    raw = services.issue_key(place.staff, "12345热线", utcnow())[1]
    filed = requests.post(f"{live_server.url}/open311/v2/requests.json", timeout=60, data={
        "api_key": raw, "service_code": "obstruction", "description": "三轮车占道", "address_string": "打铁巷口"})
    case_id = filed.json()[0]["service_request_id"]
    alleys.report_finding(place.patroller, place.alley.id, "sanitation", "垃圾没人收", "打铁巷12号", [photo()],
                          "g1", utcnow())
    client = GeoReport(f"{live_server.url}/open311/v2", jurisdiction="lujiangdao")
    codes = [service["service_code"] for service in client.get_service_list()]
    assert codes == ["obstruction", "sanitation", "street_vending", "hazard", "facility", "other"]
    assert client.get_service_request(case_id)["description"] == "三轮车占道"
    assert [c["description"] for c in client.get_service_requests(service_code="sanitation")] == ["垃圾没人收"]
    assert [c["service_request_id"] for c in client.get_service_requests(status="open")][-1] == case_id
