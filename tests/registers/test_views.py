"""The HTTP contract of the registers: who opens which page, 303 after a change, 422 with the message on its
field, the street's pages for street staff only, and the statistics as a printable page, .xlsx and CSV."""
import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from neighbors.clock import local_today, utcnow
from neighbors.extensions import db
from neighbors.registers import services
from neighbors.registers.models import Entry
from tests.registers.conftest import meeting

PAGES = ["/staff/registers/", "/staff/registers/new", "/staff/registers/statistics", "/staff/registers/bulletin",
         "/staff/registers/street"]


def form(**more) -> dict:
    return {"kind": "meeting", "day": local_today().isoformat(), "body": "区民政局", "minutes": "45",
            "staff_count": "2", **more}


@pytest.mark.parametrize("path", PAGES)
def test_visitors_are_sent_to_log_in(client, app, path):
    response = client.get(path)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("path", PAGES)
def test_residents_are_refused(auth, web, resident, path):
    auth.login(resident)
    assert web.get(path).status_code == 403


def test_the_kind_is_chosen_first_then_a_short_form_with_today_filled_in(auth, web, staff):
    auth.login(staff)
    choose = web.get("/staff/registers/new").get_data(as_text=True)
    assert 'data-testid="kind-meeting"' in choose and 'data-testid="kind-inspection"' in choose
    page = web.get("/staff/registers/new?kind=meeting").get_data(as_text=True)
    assert f'value="{local_today().isoformat()}"' in page
    assert 'name="minutes"' in page and 'name="pages"' not in page and 'name="items"' not in page
    assert '<option value="区民政局">' in page  # the bodies are offered


def test_staff_record_a_meeting_and_see_it_listed(auth, web, staff):
    auth.login(staff)
    response = web.post("/staff/registers/new", form(online="y"))
    assert response.status_code == 303 and response.headers["Location"].endswith("/staff/registers/new?kind=meeting")
    entry = db.session.scalar(sa.select(Entry))
    assert (entry.minutes, entry.staff_count, entry.online, entry.community_id) == (45, 2, True, staff.community_id)
    listing = web.get("/staff/registers/").get_data(as_text=True)
    assert listing.count('data-testid="register-entry"') == 1 and "区民政局" in listing


def test_a_mistake_is_shown_on_its_field_and_saves_nothing(auth, web, staff):
    auth.login(staff)
    response = web.post("/staff/registers/new", form(minutes="", body=""))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "请填写来自哪个单位" in page
    assert db.session.scalar(sa.select(sa.func.count(Entry.id))) == 0


def test_a_correction_on_the_entry_page_keeps_the_original(auth, web, staff):
    entry = services.record_entry(staff, meeting(local_today()), utcnow())
    auth.login(staff)
    response = web.post(f"/staff/registers/{entry.id}/correct", form(minutes="90"))
    assert response.status_code == 303
    newer = db.session.scalar(sa.select(Entry).where(Entry.replaces_id == entry.id))
    page = web.get(f"/staff/registers/{newer.id}").get_data(as_text=True)
    assert page.count('data-testid="entry-version"') == 2 and "已更正" in page


def test_the_street_refuses_a_duplicate_and_sees_only_its_communities(auth, web, staff, street_officer, far_staff):
    mine = services.record_entry(staff, meeting(local_today()), utcnow())
    theirs = services.record_entry(far_staff, meeting(local_today()), utcnow())
    auth.login(street_officer)
    assert web.get(f"/staff/registers/{theirs.id}").status_code == 404
    assert web.get("/staff/registers/new").status_code == 403  # the street does not record for a community
    page = web.get(f"/staff/registers/{mine.id}").get_data(as_text=True)
    assert 'data-testid="refuse-form"' in page and 'data-testid="correct-form"' not in page
    assert web.post(f"/staff/registers/{mine.id}/refuse", {"duplicate_of": ""}).status_code == 303
    assert not db.session.get(Entry, mine.id).current
    street = web.get("/staff/registers/street").get_data(as_text=True)
    assert 'data-community="镇海社区"' in street and 'data-community="中华社区"' in street
    assert "鹭江道社区" not in street
    sheet = load_workbook(io.BytesIO(web.get("/staff/registers/street?format=xlsx").get_data())).worksheets[0]
    assert sheet.freeze_panes == "A2" and sheet["A1"].value == "社区" and sheet["B1"].value == "会议数"
    assert {sheet.cell(row, 1).value for row in (2, 3)} == {"镇海社区", "中华社区"} and sheet.max_row == 3
    csv_text = web.get("/staff/registers/street?format=csv").get_data(as_text=True)
    assert csv_text.lstrip("\ufeff").startswith("社区,会议数") and "鹭江道社区" not in csv_text


def test_community_staff_do_not_compare_communities(auth, web, staff):
    auth.login(staff)
    assert web.get("/staff/registers/street").status_code == 403


def test_statistics_print_xlsx_and_csv(auth, web, staff):
    services.record_entry(staff, meeting(local_today(), body="区卫健局", minutes=120, staff_count=3), utcnow())
    auth.login(staff)
    page = web.get("/staff/registers/statistics").get_data(as_text=True)
    assert 'data-testid="costliest"' in page and "区卫健局" in page
    printable = web.get("/staff/registers/statistics?view=print").get_data(as_text=True)
    assert re.search(r"css/print\.(\w+\.)?css", printable) and "会议、文件、督查检查月统计" in printable
    xlsx = web.get("/staff/registers/statistics?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).worksheets[1]
    assert sheet["A1"].value == "发起单位" and sheet["A2"].value == "区卫健局" and sheet["B2"].value == 1
    assert sheet["E2"].value == 6  # 120 minutes times 3 staff = 6 staff hours
    csv = web.get("/staff/registers/statistics?format=csv").get_data(as_text=True)
    assert csv.startswith("\ufeff") and "发起单位" in csv and "区卫健局,1," in csv
    bulletin = web.get("/staff/registers/bulletin?view=print").get_data(as_text=True)
    assert "会议、文件、督查检查季度通报" in bulletin


def test_a_period_that_is_not_one_is_a_clear_refusal(auth, web, staff):
    auth.login(staff)
    response = web.get("/staff/registers/bulletin?quarter=2026-Q9")
    assert response.status_code == 422 and "这个时间段无法识别" in response.get_data(as_text=True)


def test_the_street_officers_menu_leads_to_the_registers_not_to_a_community_console(auth, web, street_officer, staff):
    auth.login(street_officer)
    menu = web.get("/staff/registers/").get_data(as_text=True).split('class="main-nav', 1)[1].split("</nav>", 1)[0]
    assert "/staff/registers/" in menu and "/staff/" + '"' not in menu and "/visits/" not in menu
    auth.logout()
    auth.login(staff)
    menu = web.get("/staff/registers/").get_data(as_text=True).split('class="main-nav', 1)[1].split("</nav>", 1)[0]
    assert "/staff/registers/" in menu and "/visits/" in menu


@pytest.mark.parametrize("page", ["statistics", "bulletin", "street"])
def test_the_admin_chooses_a_street_and_its_downloads_keep_it(auth, web, admin, community, far, page):
    """Choosing a street answered 500 on the statistics and the bulletin (the page lost its gettext)."""
    auth.login(admin)
    answer = web.get(f"/staff/registers/{page}?street={community.sub_district_id}")
    assert answer.status_code == 200
    assert f"street={community.sub_district_id}" in re.search(r'data-testid="xlsx"[^>]*', answer.get_data(as_text=True))[0]
