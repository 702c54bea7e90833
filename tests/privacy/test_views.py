"""The "my information" page, its downloads and staff's erasure over HTTP (issue 19 items 8 and 9)."""
from __future__ import annotations

import io
import json

import sqlalchemy as sa
from openpyxl import load_workbook

from neighbors.extensions import db
from neighbors.models import AuditEntry, User
from neighbors.registry import ERASED
from tests.factories import PASSWORD
from tests.security.conftest import sign_in


def _client(app, user):
    client = app.test_client()
    sign_in(client, user)
    return client


def _token(client) -> str:
    import re
    page = client.get("/auth/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_the_account_page_leads_to_one_s_information_and_the_page_shows_it(app, world):
    resident = world.user("resident")
    world.record("help")
    client = _client(app, resident)
    account = client.get("/account").get_data(as_text=True)
    assert f"/privacy/{resident.id}" in account
    response = client.get(f"/privacy/{resident.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert resident.phone in page and "厨房水龙头漏水" in page and world.notes[resident.id] in page
    assert "个人信息" in page  # Chinese first
    assert page.count('data-testid="personal-data-section"') >= 10


def test_the_excel_download_has_a_sheet_per_part_and_no_live_formula(app, world):
    resident = world.user("resident")
    resident.name = '=HYPERLINK("http://evil.example","点我")'
    db.session.commit()
    response = _client(app, resident).get(f"/privacy/{resident.id}/download?format=xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    workbook = load_workbook(io.BytesIO(response.data))
    assert len(workbook.sheetnames) >= 10
    cells = [cell.value for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert "'" + resident.name in cells
    assert not [cell for cell in workbook.worksheets[0].iter_rows() for cell in cell if cell.data_type == "f"]


def test_the_json_download_is_readable_by_a_program(app, world):
    resident = world.user("resident")
    response = _client(app, resident).get(f"/privacy/{resident.id}/download?format=json")
    document = json.loads(response.get_data(as_text=True))
    profile = document["sections"][0]
    assert profile["title"] == "基本资料" and [resident.phone] == [row[1] for row in profile["rows"] if row[1] ==
                                                                 resident.phone]
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(
        AuditEntry.action == "privacy.downloaded", AuditEntry.subject_user_id == resident.id)) == 1


def test_an_unknown_format_is_refused_in_words(app, world):
    resident = world.user("resident")
    response = _client(app, resident).get(f"/privacy/{resident.id}/download?format=csv")
    assert response.status_code == 422 and "JSON" in response.get_data(as_text=True)


def test_the_carer_reads_the_elder_s_page_and_a_neighbour_finds_nothing(app, world):
    elder = world.user("elder")
    assert _client(app, world.user("carer")).get(f"/privacy/{elder.id}").status_code == 200
    assert _client(app, world.user("volunteer+")).get(f"/privacy/{elder.id}").status_code == 404


def test_staff_erase_on_a_confirmed_request(app, world):
    resident, staff = world.user("resident"), world.user("staff")
    phone = resident.phone
    client = _client(app, staff)
    form = client.get(f"/privacy/{resident.id}/erase")
    assert form.status_code == 200 and resident.name in form.get_data(as_text=True)
    unconfirmed = client.post(f"/privacy/{resident.id}/erase", data={"csrf_token": _token(client)})
    assert unconfirmed.status_code == 422
    db.session.expire_all()
    assert db.session.get(User, resident.id).erased_at is None
    done = client.post(f"/privacy/{resident.id}/erase", data={"csrf_token": _token(client), "confirm": "y"})
    assert done.status_code == 303 and done.headers["Location"].endswith(f"/privacy/{resident.id}")
    page = client.get(f"/privacy/{resident.id}").get_data(as_text=True)
    assert ERASED in page and phone not in page
    again = client.post(f"/privacy/{resident.id}/erase", data={"csrf_token": _token(client), "confirm": "y"})
    assert again.status_code == 409


def test_after_erasure_the_phone_cannot_log_in_but_registers_again(app, web, world):
    resident, staff = world.user("resident"), world.user("staff")
    phone = resident.phone
    client = _client(app, staff)
    client.post(f"/privacy/{resident.id}/erase", data={"csrf_token": _token(client), "confirm": "y"})
    refused = web.post("/auth/login", {"phone": phone, "password": PASSWORD})
    assert refused.status_code == 422
    registered = web.post("/auth/register", {"phone": phone, "name": "新住户", "password": "a-fresh-start-2026",
                                             "community": str(resident.community_id)})
    assert registered.status_code == 303


def test_a_resident_cannot_open_the_erasure_form(app, world):
    resident = world.user("resident")
    assert _client(app, resident).get(f"/privacy/{resident.id}/erase").status_code == 403
