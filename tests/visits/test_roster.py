"""Rosters in and out: a preview that writes nothing, refusals in Chinese, the same file twice changing nothing,
hostile files refused whole, the command line, and the export that imports back."""
import io
import zipfile
from datetime import date

import openpyxl
import pytest
import sqlalchemy as sa

from neighbors.errors import InvalidInput, NotAllowed, NotFound
from neighbors.extensions import db
from neighbors.models import User
from neighbors.visits import services
from neighbors.visits.models import Household, HouseholdMember, Tag
from neighbors.visits.services.roster_files import MAX_ROWS
from tests.factories import make_user

HEADER = ["网格", "楼栋", "单元", "房号", "姓名", "手机", "出生日期", "与户主关系", "联系人", "标签"]
GOOD = [
    ["第一网格", "图强路6号", "2梯", "103", "陈玉钗", "", "1941-03-02", "户主", "是", "独居"],
    ["第一网格", "图强路6号", "2梯", "1103", "黄光贤", "13812345678", "1950-01-01", "户主", "是", "空巢、低保"],
    ["第一网格", "图强路6号", "2梯", "1103", "李秀兰", "", "1952-07-09", "配偶", "", ""],
    ["第二网格", "图强路8号", "1梯", "201", "王建华", "１３９ 1234 5678", "", "", "", ""],
]


def xlsx(rows, header=HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows, header=HEADER, encoding="utf-8-sig") -> bytes:
    return "\n".join(",".join(map(str, row)) for row in [header, *rows]).encode(encoding)


def households() -> int:
    return db.session.scalar(sa.select(sa.func.count(Household.id)))


def people() -> int:
    return db.session.scalar(sa.select(sa.func.count(User.id)))


@pytest.fixture
def grids(grid_a, grid_b):
    return grid_a, grid_b


def test_a_good_roster_adds_households_members_and_tags(staff, grids, now):
    plan = services.import_roster(staff, staff.community_id, services.read_roster("花名册.xlsx", xlsx(GOOD)), now)
    assert [row.action for row in plan.rows] == ["add"] * 4
    homes = {h.address: h for h in db.session.scalars(sa.select(Household))}
    assert set(homes) == {"图强路6号2梯103", "图强路6号2梯1103", "图强路8号1梯201"}
    couple = homes["图强路6号2梯1103"]
    assert [p.name for p in couple.people] == ["黄光贤", "李秀兰"] and couple.contact.name == "黄光贤"
    assert couple.staff_tags() == {Tag.EMPTY_NEST, Tag.LOW_INCOME}
    assert homes["图强路6号2梯103"].tags(date(2026, 5, 11)) == [Tag.ALONE, Tag.AGED]
    assert homes["图强路8号1梯201"].people[0].phone == "13912345678"  # fullwidth digits and spaces read as one
    assert not homes["图强路8号1梯201"].people[0].can_log_in


def test_the_same_file_twice_changes_nothing(staff, grids, now):
    roster = services.read_roster("花名册.xlsx", xlsx(GOOD))
    services.import_roster(staff, staff.community_id, roster, now)
    before = (households(), people())
    again = services.import_roster(staff, staff.community_id, roster, now)
    assert [row.action for row in again.rows] == ["same"] * 4 and not again.writes
    assert (households(), people()) == before


def test_a_changed_row_is_shown_as_a_change(staff, grids, now):
    services.import_roster(staff, staff.community_id, services.read_roster("a.xlsx", xlsx(GOOD)), now)
    changed = [row[:] for row in GOOD]
    changed[2][6] = "1952-07-10"
    changed[3][0] = "第一网格"
    plan = services.plan_import(staff, staff.community_id, services.read_roster("b.xlsx", xlsx(changed)), now)
    assert [row.action for row in plan.rows] == ["same", "same", "change", "change"]
    assert plan.rows[2].changes == ["the date of birth"] and plan.rows[3].changes == ["the grid"]


def test_bad_rows_are_refused_with_row_column_and_reason_and_the_rest_imported(app, staff, grids, other_community,
                                                                               now):
    make_user(other_community, name="外社区", phone="13700001111")
    bad = [
        GOOD[0],
        ["第九网格", "图强路6号", "2梯", "105", "张三", "", "", "", "", ""],
        ["第一网格", "图强路6号", "2梯", "106", "李四", "12345", "", "", "", ""],
        ["第一网格", "图强路6号", "2梯", "103", "陈玉钗", "", "", "", "", ""],
        ["第一网格", "图强路6号", "2梯", "107", "王五", "", "1990-13-40", "", "", "富裕"],
        ["第一网格", "图强路6号", "2梯", "108", "赵六", "13700001111", "", "", "", ""],
        ["第一网格", "", "2梯", "109", "孙七", "", "", "", "", ""],
    ]
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        plan = services.plan_import(staff, staff.community_id, services.read_roster("x.csv", csv_bytes(bad)), now)
        refused = {row.number: [(p.column_label, p.text) for p in row.problems] for row in plan.rows
                   if row.action == "refuse"}
    assert refused == {
        3: [("网格", "没有名为“第九网格”的网格。请先在网格页添加。")],
        4: [("手机", "“12345”不是大陆手机号码。")],
        5: [("姓名", "与第 2 行是同一个人（重复）。")],
        6: [("出生日期", "“1990-13-40”不是出生日期，请写成 1945-03-08 这样。"),
            ("标签", "未知标签“富裕”。可用：独居、空巢、低保、特困、残疾、重点关注。")],
        7: [("手机", "这个手机号属于其他社区的居民。")],
        8: [("楼栋", "这一列是空的。")],
    }
    services.import_roster(staff, staff.community_id, services.read_roster("x.csv", csv_bytes(bad)), now)
    assert households() == 1 and people() == 3  # staff, the other community's person, 陈玉钗


def test_a_preview_writes_nothing(staff, grids, now):
    services.plan_import(staff, staff.community_id, services.read_roster("花名册.xlsx", xlsx(GOOD)), now)
    assert households() == 0


def test_only_staff_import(worker, grids, now):
    with pytest.raises(NotAllowed):
        services.import_roster(worker, worker.community_id, services.read_roster("a.xlsx", xlsx(GOOD)), now)
    assert households() == 0


def test_a_gbk_csv_from_wps_is_read():
    roster = services.read_roster("花名册.csv", csv_bytes(GOOD, encoding="gb18030"))
    assert roster.rows[0].values["name"] == "陈玉钗"


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (70 * 1024 * 1024))
    return out.getvalue()


@pytest.mark.parametrize("name, data, words", [
    ("photo.jpg", b"\xff\xd8\xff\xe0 not a roster", "not a spreadsheet"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old Excel"),
    ("broken.xlsx", b"PK\x03\x04 broken zip", "not a spreadsheet we can read"),
    ("bomb.xlsx", None, "too large"),
    ("big.csv", b"a" * (5 * 1024 * 1024 + 1), "too large"),
    ("empty.csv", b"", "Choose a roster"),
    ("nul.csv", "网格,楼栋\x00".encode(), "not a spreadsheet"),
    ("headers.csv", "名字,地址\n张三,图强路\n".encode(), "missing"),
])
def test_hostile_or_wrong_files_are_refused_whole(name, data, words):
    with pytest.raises(InvalidInput) as refused:
        services.read_roster(name, _zip_bomb() if data is None else data)
    assert words in str(refused.value) and refused.value.field == "roster"


def test_fifty_thousand_rows_are_refused():
    rows = [["第一网格", "图强路6号", "2梯", str(n), f"居民{n}"] for n in range(50_000)]
    with pytest.raises(InvalidInput) as refused:
        services.read_roster("big.csv", csv_bytes(rows, header=HEADER[:5]))
    assert "10,000" in str(refused.value) and MAX_ROWS == 10_000


def test_the_template_has_the_chinese_headers():
    book = openpyxl.load_workbook(io.BytesIO(services.template_bytes()))
    assert [cell.value for cell in book.worksheets[0][1]] == HEADER
    assert "说明" in book.sheetnames


def test_the_export_imports_back_unchanged_and_formulas_stay_text(staff, grids, now):
    rows = GOOD + [["第一网格", "图强路6号", "3梯", "301", "=SUM(A1:A9)", "", "", "",
                    "", ""]]
    services.import_roster(staff, staff.community_id, services.read_roster("a.csv", csv_bytes(rows)), now)
    exported = services.export_bytes(staff, services.scope_for(staff), now)
    sheet = openpyxl.load_workbook(io.BytesIO(exported)).worksheets[0]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == HEADER + ["上次走访"]
    assert any(row[4] == "'=SUM(A1:A9)" for row in values)
    assert any(row[5] == "13812345678" and row[9] == "空巢、低保" for row in values)
    plan = services.plan_import(staff, staff.community_id, services.read_roster("b.xlsx", exported), now)
    assert {row.action for row in plan.rows if not row.name.startswith("'")} == {"same"}


def test_the_export_follows_the_filter(staff, grids, now):
    services.import_roster(staff, staff.community_id, services.read_roster("a.xlsx", xlsx(GOOD)), now)
    grid_b = grids[1]
    exported = services.export_bytes(staff, services.scope_for(staff, grid_b.id), now)
    sheet = openpyxl.load_workbook(io.BytesIO(exported)).worksheets[0]
    assert [row[4].value for row in sheet.iter_rows(min_row=2)] == ["王建华"]


def test_the_command_line_imports_and_a_dry_run_writes_nothing(app, staff, grids, tmp_path):
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(xlsx(GOOD + [["第九网格", "图强路9号", "", "1", "错", "", "", "", "", ""]]))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["households", "import", str(path), "--community", "镇海社区", "--dry-run"])
    assert result.exit_code == 0 and "4 would be added" in result.output and "第6行 网格" in result.output
    assert households() == 0
    result = runner.invoke(args=["households", "import", str(path), "--community", "镇海社区"])
    assert result.exit_code == 0 and "4 were added" in result.output and households() == 3
    result = runner.invoke(args=["households", "import", str(path), "--community", "镇海社区"])
    assert "0 were added, 0 were changed, 4 unchanged, 1 refused" in result.output
    result = runner.invoke(args=["households", "import", str(path), "--community", "无此社区"])
    assert result.exit_code != 0


# --- over HTTP ---------------------------------------------------------------------------------

def test_upload_preview_and_confirm(auth, web, staff, grids):
    auth.login(staff)
    response = web.post("/visits/import", {"roster": (io.BytesIO(xlsx(GOOD + [GOOD[0]])), "花名册.xlsx")},
                        content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "将新增 4 行" in page and "1 行被拒绝" in page
    assert "与第 2 行是同一个人（重复）" in page and households() == 0
    token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    response = web.post("/visits/import/confirm", {"token": token})
    assert response.status_code == 303 and households() == 3
    assert web.post("/visits/import/confirm", {"token": token}).status_code == 404  # used up
    response = web.post("/visits/import", {"roster": (io.BytesIO(xlsx(GOOD)), "花名册.xlsx")},
                        content_type="multipart/form-data")
    assert "没有可导入的内容" in response.get_data(as_text=True)


def test_a_file_that_is_not_a_roster_is_422_in_chinese(auth, web, staff, grids):
    auth.login(staff)
    response = web.post("/visits/import", {"roster": (io.BytesIO(b"\x89PNG\r\n\x1a\n...."), "x.png")},
                        content_type="multipart/form-data")
    assert response.status_code == 422 and "这不是表格文件" in response.get_data(as_text=True)
    response = web.post("/visits/import", {}, content_type="multipart/form-data")
    assert response.status_code == 422 and "请选择花名册文件" in response.get_data(as_text=True)


def test_a_made_up_token_is_not_found(auth, web, staff):
    auth.login(staff)
    assert web.post("/visits/import/confirm", {"token": "../../etc/passwd"}).status_code == 404
    assert web.post("/visits/import/confirm", {"token": "a" * 32}).status_code == 404


def test_template_and_export_download(auth, web, staff, grids, now):
    services.import_roster(staff, staff.community_id, services.read_roster("a.xlsx", xlsx(GOOD)), now)
    auth.login(staff)
    template = web.get("/visits/import/template.xlsx")
    assert template.status_code == 200 and template.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    exported = web.get("/visits/households.xlsx?tag=low_income")
    sheet = openpyxl.load_workbook(io.BytesIO(exported.data)).worksheets[0]
    assert [row[4].value for row in sheet.iter_rows(min_row=2)] == ["黄光贤", "李秀兰"]
    assert db.session.scalar(sa.select(sa.func.count(HouseholdMember.id))) == 4


def test_a_roster_checked_but_never_confirmed_is_removed_a_day_later(app, staff, grids, now):
    import os
    from datetime import timedelta

    from neighbors.registry import installed
    token, _plan = services.preview_roster(staff, "a.xlsx", xlsx(GOOD), now)
    job = installed().tick_jobs()["visits.forget_old_rosters"]
    assert job(now) == 0 and services.kept_roster(staff.community_id, token).rows
    path = os.path.join(app.config["NEIGHBORS_UPLOAD_DIR"], "rosters", str(staff.community_id), f"{token}.bin")
    old = (now - timedelta(days=2)).timestamp()
    os.utime(path, (old, old))
    assert job(now) == 1 and job(now) == 0
    with pytest.raises(NotFound):
        services.kept_roster(staff.community_id, token)
