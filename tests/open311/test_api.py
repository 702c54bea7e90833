"""Open311 GeoReport v2 over HTTP, as a partner system (the 12345 hotline) speaks it: discover, list services,
file a case with a key, read it back, see it closed once the officer has fixed it; refusals in the standard's
JSON; and staff's page that issues (once) and revokes keys."""
import json
from xml.etree import ElementTree
import re

import pytest
import sqlalchemy as sa

from neighbors.alleys import services as alleys
from neighbors.alleys.models import Finding
from neighbors.clock import utcnow
from neighbors.extensions import db
from neighbors.open311 import services
from neighbors.open311.models import ApiKey
from tests.alleys.conftest import jpeg_bytes, photo
from tests.factories import make_community, make_user

BASE = "/open311/v2"


class Partner:
    """A GeoReport v2 client: form-encoded POSTs with api_key, JSON answers, no cookies, no CSRF token."""

    def __init__(self, client, api_key: str | None = None, jurisdiction: str | None = "lujiangdao"):
        self.client, self.api_key, self.jurisdiction = client, api_key, jurisdiction

    def _params(self, **more) -> dict:
        params = {"jurisdiction_id": self.jurisdiction, "api_key": self.api_key, **more}
        return {name: value for name, value in params.items() if value is not None}

    def get(self, path: str, **params):
        return self.client.get(f"{BASE}/{path}", query_string=self._params(**params))

    def post(self, headers=None, **fields):
        return self.client.post(f"{BASE}/requests.json", data=self._params(**fields), headers=headers or {})


@pytest.fixture
def published(place):
    return services.save_settings(place.staff, "lujiangdao", True, utcnow())


@pytest.fixture
def key(place, published) -> str:
    return services.issue_key(place.staff, "12345热线", utcnow())[1]


def _error(response, status: int) -> str:
    assert response.status_code == status and response.mimetype == "application/json", response.data[:300]
    [body] = response.get_json()
    assert body["code"] == status
    return body["description"]


def test_discovery_and_services_are_public(client, place, published):
    discovery = client.get(f"{BASE}/discovery.json").get_json()
    assert discovery["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert discovery["endpoints"][0]["url"].endswith("/open311/v2")
    assert {"jurisdiction_id": "lujiangdao", "name": "鹭江道社区", "publishes_cases": True} in discovery["jurisdictions"]
    listed = Partner(client).get("services.json").get_json()
    sanitation = next(item for item in listed if item["service_code"] == "sanitation")
    assert sanitation == {"service_code": "sanitation", "service_name": "卫生", "description": "升平路小巷、打铁巷",
                          "metadata": False, "type": "realtime", "keywords": "", "group": "小巷"}
    assert client.get(f"{BASE}/openapi.json").get_json()["paths"]["/requests.json"]["post"]


def test_a_partner_files_a_case_reads_it_back_and_sees_it_closed_after_the_fix(client, place, key):
    partner = Partner(client, key)
    filed = partner.post(service_code="sanitation", description="湖滨南路口路面油腻", lat="24.4545",
                         long="118.0781", address_string="打铁巷12号", media_url="https://12345.example.cn/p/1.jpg")
    assert filed.status_code == 200, filed.data
    [receipt] = filed.get_json()
    case_id = receipt["service_request_id"]
    assert set(receipt) == {"service_request_id", "service_notice", "account_id"}
    [case] = Partner(client).get(f"requests/{case_id}.json").get_json()  # published: no key needed to read
    assert case["status"] == "open" and case["service_code"] == "sanitation" and case["service_name"] == "卫生"
    assert (case["lat"], case["long"]) == (24.4545, 118.0781) and case["address"] == "打铁巷12号"
    assert case["agency_responsible"] == "环卫"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", case["requested_datetime"])
    assert case["media_url"] == "https://12345.example.cn/p/1.jpg"
    officer = place.sanitation_officer
    alleys.accept(officer, int(case_id), utcnow())
    alleys.resolve(officer, int(case_id), "已清洗干净", photo(), utcnow())
    [case] = partner.get("requests.json", service_request_id=case_id).get_json()
    assert case["status"] == "closed" and case["status_notes"] == "已处理，等待确认"
    assert [c["service_request_id"] for c in partner.get("requests.json", status="closed").get_json()] == [case_id]
    assert partner.get("requests.json", status="open").get_json() == []


def test_no_answer_shows_the_reporter(client, place, published):
    alleys.report_finding(place.patroller, place.alley.id, "obstruction", "杂物堵住巷口", "打铁巷口", [photo()],
                          "k1", utcnow())
    body = json.dumps(Partner(client).get("requests.json").get_json(), ensure_ascii=False)
    assert "杂物堵住巷口" in body
    for private in (place.patroller.name, place.patroller.phone, "photos", "reporter"):
        assert private not in body


def test_a_residents_position_is_the_cases_lat_and_long(client, place, published):
    from neighbors.geo import Position

    alleys.report_finding(place.patroller, place.alley.id, "obstruction", "杂物堵住巷口", "打铁巷口", [photo()],
                          "k2", utcnow(), where=alleys.Whereabouts(position=Position(24.4521, 118.0801, 9.0)))
    [case] = Partner(client).get("requests.json").get_json()
    assert (case["lat"], case["long"]) == (24.4521, 118.0801)


def test_a_media_upload_is_stored_stripped_like_a_residents_photo(client, place, key):
    response = client.post(f"{BASE}/requests.json", data={
        "api_key": key, "service_code": "hazard", "description": "电线垂落", "address_string": "打铁巷口",
        "media": (__import__("io").BytesIO(jpeg_bytes()), "wire.jpg", "image/jpeg")})
    finding = db.session.get(Finding, int(response.get_json()[0]["service_request_id"]))
    assert len(finding.photos) == 1 and finding.department == "城管"


def test_a_retried_post_with_the_same_idempotency_key_answers_the_same_case(client, place, key):
    partner = Partner(client, key)
    fields = {"service_code": "obstruction", "description": "三轮车占道", "address_string": "打铁巷口"}
    first = partner.post(headers={"Idempotency-Key": "12345-0607-0001"}, **fields).get_json()
    again = partner.post(headers={"Idempotency-Key": "12345-0607-0001"}, **fields).get_json()
    assert first == again
    assert db.session.scalar(sa.select(sa.func.count(Finding.id))) == 1


def test_refusals_in_the_standards_json(client, place, key):
    assert "api_key" in _error(Partner(client).post(service_code="sanitation", description="x",
                                                    address_string="打铁巷"), 403)
    assert "api_key" in _error(Partner(client, "nbk_made-up").get("requests.json"), 403)
    assert "service_code" in _error(Partner(client, key).post(service_code="noise", description="吵",
                                                              address_string="打铁巷"), 400)
    assert "lat" in _error(Partner(client, key).post(service_code="hazard", description="x", lat="north",
                                                     long="118"), 400)
    assert "start_date" in _error(Partner(client, key).get("requests.json", start_date="last tuesday"), 400)
    assert "page_size" in _error(Partner(client, key).get("requests.json", page_size="100000"), 400)
    _error(Partner(client, key).get("requests/999999.json"), 404)
    _error(Partner(client, key, jurisdiction="nowhere").get("services.json"), 404)
    _error(Partner(client, jurisdiction=None).get("services.json"), 400)
    assert db.session.scalar(sa.select(sa.func.count(Finding.id))) == 0


def test_reads_need_a_key_where_the_community_does_not_publish(client, place, key):
    services.save_settings(place.staff, "lujiangdao", False, utcnow())
    _error(Partner(client).get("requests.json"), 403)
    assert Partner(client, key).get("requests.json").status_code == 200
    zhenhai_staff = make_user(make_community("镇海社区"), "staff")
    services.save_settings(zhenhai_staff, "zhenhai", True, utcnow())
    theirs = services.issue_key(zhenhai_staff, "网格化平台", utcnow())[1]
    _error(Partner(client, theirs).get("requests.json"), 403)
    _error(Partner(client, theirs).post(service_code="hazard", description="x", address_string="打铁巷"), 403)
    assert Partner(client, theirs, jurisdiction="zhenhai").get("requests.json").get_json() == []


def test_writes_are_rate_limited_per_key(limited_app, place, key):
    client = limited_app.test_client()
    partner = Partner(client, key)
    answers = [partner.post(service_code="nothing", description="x", address_string="打铁巷").status_code
               for _ in range(31)]
    assert answers[:30] == [400] * 30 and answers[30] == 429
    assert _error(partner.post(service_code="hazard"), 429)


def test_a_page_has_a_link_to_the_next_without_the_key(client, place, key):
    for n in range(3):
        alleys.report_finding(place.patroller, place.alley.id, "hazard", f"隐患{n}", "打铁巷口", [photo()],
                              f"h{n}", utcnow(), new_anyway=True)
    response = Partner(client, key).get("requests.json", page_size="2")
    assert len(response.get_json()) == 2
    assert "page=2" in response.headers["Link"] and key not in response.headers["Link"]
    assert len(Partner(client, key).get("requests.json", page_size="2", page="2").get_json()) == 1


# --- staff's page --------------------------------------------------------------------------

def test_staff_issue_a_key_shown_once_and_revoke_it(auth, web, place):
    auth.login(place.staff)
    saved = web.post("/open311/settings", {"code": "lujiangdao", "publishes": "y"})
    assert saved.status_code == 303
    page = web.post("/open311/keys", {"name": "12345热线"})
    assert page.status_code == 200
    raw = re.search(r'data-testid="new-key-value">(nbk_[^<]+)<', page.get_data(as_text=True)).group(1)
    again = web.get("/open311/keys").get_data(as_text=True)
    assert raw not in again and raw[:10] in again and "12345热线" in again
    key = db.session.scalar(sa.select(ApiKey))
    assert Partner(web.client, raw).post(service_code="hazard", description="电线垂落",
                                         address_string="打铁巷口").status_code == 200
    assert web.post(f"/open311/keys/{key.id}/revoke").status_code == 303
    _error(Partner(web.client, raw).post(service_code="hazard", description="电线垂落", address_string="打铁巷口"), 403)


def test_bad_settings_are_shown_on_the_form(auth, web, place):
    auth.login(place.staff)
    page = web.post("/open311/settings", {"code": "鹭江道"})
    assert page.status_code == 422 and "小写字母" in page.get_data(as_text=True)
    assert services.jurisdiction_of(place.community.id) is None


def test_the_api_needs_no_csrf_token_and_sets_no_session(client, place, key):
    response = Partner(client, key).post(service_code="hazard", description="井盖松动", address_string="打铁巷口")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers or "session=" not in response.headers["Set-Cookie"]
    assert json.loads(response.data)[0]["service_request_id"].isdecimal()


def test_staff_find_the_page_among_their_settings(auth, web, place):
    auth.login(place.staff)
    page = web.get("/staff/settings").get_data(as_text=True)
    assert 'href="/open311/keys"' in page and "开放接口（Open311）" in page


# --- the same in the standard's XML ---------------------------------------------------------------

def _xml(response, root: str) -> ElementTree.Element:
    assert response.mimetype == "text/xml" and response.data.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    element = ElementTree.fromstring(response.data)
    assert element.tag == root
    return element


def test_every_answer_in_the_standards_xml_too(client, place, key):
    discovery = _xml(client.get(f"{BASE}/discovery.xml"), "discovery")
    assert [f.text for f in discovery.iterfind("endpoints/endpoint/formats/format")] == ["application/json",
                                                                                        "text/xml"]
    assert discovery.findtext("endpoints/endpoint/url").endswith("/open311/v2")
    listed = _xml(Partner(client).get("services.xml"), "services")
    sanitation = next(s for s in listed.iterfind("service") if s.findtext("service_code") == "sanitation")
    assert (sanitation.findtext("service_name"), sanitation.findtext("metadata"), sanitation.findtext("group")) \
        == ("卫生", "false", "小巷")
    partner = Partner(client, key)
    filed = client.post(f"{BASE}/requests.xml", data=partner._params(
        service_code="sanitation", description="路面油腻 <b>&\x0b", lat="24.4545", long="118.0781",
        address_string="打铁巷12号"))
    case_id = _xml(filed, "service_requests").findtext("request/service_request_id")
    assert case_id and db.session.get(Finding, int(case_id)).department == "环卫"
    [case] = _xml(partner.get(f"requests/{case_id}.xml"), "service_requests")
    [same] = partner.get(f"requests/{case_id}.json").get_json()
    assert {child.tag: child.text or "" for child in case} == {
        name: "" if value is None else str(value) for name, value in same.items()}
    assert case.findtext("description") == "路面油腻 <b>&"  # escaped, and the control character XML cannot carry left out
    assert [r.findtext("service_request_id") for r in _xml(partner.get("requests.xml"), "service_requests")] \
        == [case_id]


def test_refusals_in_the_standards_xml(client, place, key):
    refused = client.post(f"{BASE}/requests.xml", data={"service_code": "sanitation", "description": "x"})
    assert refused.status_code == 403
    error = _xml(refused, "errors").find("error")
    assert error.findtext("code") == "403" and "api_key" in error.findtext("description")
    missing = Partner(client, key).get("requests/999999.xml")
    assert missing.status_code == 404 and _xml(missing, "errors").findtext("error/code") == "404"
    assert db.session.scalar(sa.select(sa.func.count(Finding.id))) == 0


def test_an_xml_page_links_to_the_next_xml_page(client, place, key):
    for n in range(3):
        alleys.report_finding(place.patroller, place.alley.id, "hazard", f"隐患{n}", "打铁巷口", [photo()],
                              f"x{n}", utcnow(), new_anyway=True)
    response = Partner(client, key).get("requests.xml", page_size="2")
    assert len(_xml(response, "service_requests")) == 2
    link = response.headers["Link"]
    assert "/open311/v2/requests.xml?" in link and "page=2" in link and key not in link
