"""Cells a spreadsheet would execute come out as text (neighbors/spreadsheets.py)."""
import csv
import io

import pytest

from neighbors.spreadsheets import csv_text, safe_cell


@pytest.mark.parametrize("typed", ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1:A2)",
                                   "\t=1+1", "\r=1+1"])
def test_a_formula_typed_by_someone_is_written_as_text(typed):
    assert safe_cell(typed) == "'" + typed


@pytest.mark.parametrize("value", ["郑长华", "镇海路12号 2单元301室", "少盐, 软烂", "", 12, -300, 9.5, None])
def test_ordinary_text_and_numbers_are_left_alone(value):
    assert safe_cell(value) == value


def test_csv_text_starts_with_a_bom_and_neutralises_every_cell():
    text = csv_text([["姓名", "备注"], ['=HYPERLINK("http://x","x")', "-5"], ["郑长华", -5]])
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows == [["姓名", "备注"], ["'=HYPERLINK(\"http://x\",\"x\")", "'-5"], ["郑长华", "-5"]]


def test_a_workbook_keeps_numbers_and_dates_and_writes_formulas_as_text():
    from datetime import date
    from io import BytesIO

    from openpyxl import load_workbook

    from neighbors.spreadsheets import xlsx_bytes

    data = xlsx_bytes([("订单", [["姓名", "份数", "日期"], ['=HYPERLINK("http://x","x")', 2, date(2026, 5, 11)],
                                 ["郑\x07长华", -3, None]]), ("订单", [["a"]])])
    workbook = load_workbook(BytesIO(data))
    assert workbook.sheetnames == ["订单", "订单 2"]
    rows = [[cell.value for cell in row] for row in workbook["订单"].iter_rows()]
    assert rows[1][0] == "'=HYPERLINK(\"http://x\",\"x\")" and rows[1][1] == 2 and rows[1][2].date() == date(2026, 5, 11)
    assert rows[2][:2] == ["郑长华", -3]
    assert all(cell.data_type != "f" for row in workbook["订单"].iter_rows() for cell in row)


def test_money_is_yuan_with_two_decimals_and_the_header_is_frozen():
    from io import BytesIO

    from openpyxl import load_workbook

    from neighbors.spreadsheets import Yuan, tables_csv, xlsx_bytes

    sheets = [("结算", [["日期", "份数", "居民支付（元）", "小时"], ["合计", 3, Yuan(1205), 1.5]]), ("按支付方式", [["现金", Yuan(-50)]])]
    sheet = load_workbook(BytesIO(xlsx_bytes(sheets)))["结算"]
    assert sheet.freeze_panes == "A2" and all(cell.font.bold for cell in sheet[1])
    assert [cell.value for cell in sheet[2]] == ["合计", 3, 12.05, 1.5]
    assert [cell.number_format for cell in sheet[2]][1:] == ["0", "0.00", "0.0"]
    rows = list(csv.reader(io.StringIO(tables_csv(sheets).lstrip("\ufeff"))))
    assert rows == [["结算"], ["日期", "份数", "居民支付（元）", "小时"], ["合计", "3", "12.05", "1.5"], [],
                    ["按支付方式"], ["现金", "-0.50"]]
