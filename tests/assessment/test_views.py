"""The assessment's HTTP contract beyond the matrix: the street's staff see nothing before publication and then
their street's communities; the admin sets weights (422 on a bad one) and publishes (409 the second time); the
results download as .xlsx and CSV with Chinese headers."""
import csv
import io

import pytest
from openpyxl import load_workbook

from neighbors.assessment import services
from neighbors.clock import local_today
from neighbors.models import CommunityType, Role
from tests.factories import make_community, make_user


@pytest.fixture
def people(app):
    home = make_community("镇海社区", street="中华街道")
    neighbour = make_community("中华社区", street="中华街道")
    far = make_community("深田社区", street="开元街道", kind=CommunityType.NEW_TOWN)
    return {"admin": make_user(home, Role.ADMIN), "staff": make_user(home, Role.STAFF),
            "officer": make_user(neighbour, Role.STREET_STAFF), "far": far, "home": home}


def test_the_street_sees_its_communities_only_once_published(auth, web, people):
    year = local_today().year
    auth.login(people["officer"])
    page = web.get("/staff/assessment/").get_data(as_text=True)
    assert 'data-testid="not-published"' in page and "镇海社区" not in page
    assert web.get(f"/staff/assessment/communities/{people['home'].id}").status_code == 404
    assert web.get("/staff/assessment/indicators").status_code == 403
    assert web.post(f"/staff/assessment/{year}/publish").status_code == 403
    auth.login(people["admin"])
    assert web.post("/staff/assessment/indicators", {"measure": "registers.meetings", "old_town": "101"}
                    ).status_code == 422
    assert web.post("/staff/assessment/indicators", {"measure": "registers.meetings", "old_town": "60",
                                                      "new_town": "40"}).status_code == 303
    assert services.weights() == {"registers.meetings": {"old_town": 60, "new_town": 40}}
    assert web.post(f"/staff/assessment/{year}/publish").status_code == 303
    assert web.post(f"/staff/assessment/{year}/publish").status_code == 409
    auth.login(people["officer"])
    page = web.get("/staff/assessment/").get_data(as_text=True)
    assert "镇海社区" in page and "中华社区" in page and "深田社区" not in page
    assert "未排名：缺少参加会议" in page  # nobody recorded a meeting: nobody is ranked with zero
    assert web.get(f"/staff/assessment/communities/{people['home'].id}").status_code == 200
    assert web.get(f"/staff/assessment/communities/{people['far'].id}").status_code == 404
    assert web.get("/staff/assessment/?year=1999").status_code == 422


def test_the_results_download_as_xlsx_and_csv_with_chinese_headers(auth, web, people, now):
    services.set_weights(people["admin"], "registers.meetings", {"old_town": 100}, now)
    auth.login(people["admin"])
    workbook = load_workbook(io.BytesIO(web.get("/staff/assessment/?format=xlsx").get_data()))
    results, lines = workbook.worksheets
    assert results.freeze_panes == "A2" and [c.value for c in results[1]][:3] == ["社区类型", "社区", "得分"]
    assert {row[1] for row in results.iter_rows(min_row=2, values_only=True)} == {"镇海社区", "中华社区", "深田社区"}
    assert lines["B2"].value == "参加会议"
    text = web.get("/staff/assessment/?format=csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][:3] == ["社区类型", "社区", "得分"] and ["老城区", "镇海社区", "", "", "", "参加会议"] in rows
