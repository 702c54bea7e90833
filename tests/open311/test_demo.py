"""The demo's open interface: 鹭江道社区 publishes its cases, and the key `flask demo-logins` prints files one."""
from click.testing import CliRunner

from neighbors import demo
from neighbors.cli import demo_logins
from neighbors.open311.demo import DEMO_API_KEY


def test_the_demo_key_files_a_case_and_anyone_reads_the_published_cases(app, client, now):
    demo.build(now)
    demo.build(now)  # idempotent
    assert DEMO_API_KEY in CliRunner().invoke(demo_logins).output
    listed = client.get("/open311/v2/discovery.json").get_json()["jurisdictions"]
    assert {"jurisdiction_id": "lujiangdao", "name": "鹭江道社区", "publishes_cases": True} in listed
    filed = client.post("/open311/v2/requests.json", data={
        "api_key": DEMO_API_KEY, "service_code": "obstruction", "description": "三轮车堵住巷口",
        "address_string": "打铁巷口"})
    case_id = filed.get_json()[0]["service_request_id"]
    [case] = client.get(f"/open311/v2/requests/{case_id}.json?jurisdiction_id=lujiangdao").get_json()
    assert case["description"] == "三轮车堵住巷口" and case["status"] == "open"
    assert client.get("/open311/v2/requests.json?jurisdiction_id=zhenhai").status_code == 403  # not published
