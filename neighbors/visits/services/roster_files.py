"""Rosters (花名册) as files: reading an .xlsx or .csv that staff keep, and writing the template and the export.

Only what a spreadsheet program saves is read: a zip that unpacks small (no zip bomb), or text in UTF-8 or
GB18030 (what WPS and Excel write for Chinese). Anything else, a file too large, or more rows than a
community has people is refused as a whole, before a single row is looked at.
"""
from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from ...errors import N_, InvalidInput
from ...spreadsheets import safe_cell

MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED = 60 * 1024 * 1024
MAX_ROWS = 10_000  # people on one roster; a community of 20,000 imports in two files
MAX_COLUMNS = 20

# the columns, as staff write them; the template and the export use the same headers
COLUMNS = {
    "grid": "网格",
    "building": "楼栋",
    "unit": "单元",
    "room": "房号",
    "name": "姓名",
    "phone": "手机",
    "birth_date": "出生日期",
    "relation": "与户主关系",
    "contact": "联系人",
    "tags": "标签",
}
REQUIRED = ("grid", "building", "room", "name")
HEADER_ALIASES = {"手机号": "phone", "手机号码": "phone", "联系电话": "phone", "电话": "phone", "楼号": "building",
                  "楼栋号": "building", "门牌": "building", "单元号": "unit", "梯": "unit", "房间号": "room",
                  "室": "room", "户号": "room", "出生年月": "birth_date", "生日": "birth_date", "关系": "relation",
                  "是否联系人": "contact", "所属网格": "grid", "网格名称": "grid"}


@dataclass
class RosterRow:
    number: int  # the row number a spreadsheet shows (the header is row 1)
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class Roster:
    filename: str
    rows: list[RosterRow]


def _refuse(message: str, **params) -> InvalidInput:
    return InvalidInput(message, field="roster", **params)


def read_roster(filename: str, data: bytes) -> Roster:
    """The rows of a roster file, or one refusal for the whole file."""
    name = (filename or "").lower()
    if not data:
        raise _refuse(N_("Choose a roster file (.xlsx or .csv)."))
    if len(data) > MAX_BYTES:
        raise _refuse(N_("The file is too large. A roster can be at most 5 MB."))
    if data.startswith(b"PK\x03\x04"):
        table = _xlsx_rows(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _refuse(N_("This is an old Excel (.xls) file. Save it as .xlsx and try again."))
    elif name.endswith(".csv") or name.endswith(".txt"):
        table = _csv_rows(data)
    else:
        raise _refuse(N_("This file is not a spreadsheet. Choose an .xlsx or .csv roster."))
    return Roster(filename=filename or "", rows=_with_headers(table))


def _xlsx_rows(data: bytes) -> Iterable[Sequence[Any]]:
    not_readable = _refuse(N_("This file is not a spreadsheet we can read. Save it as .xlsx and try again."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > 500 or sum(entry.file_size for entry in entries) > MAX_UNPACKED:
                raise _refuse(N_("The file is too large. A roster can be at most 5 MB."))
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError):
        raise not_readable from None
    try:
        sheet = book.worksheets[0]
        yield from sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    except (KeyError, ValueError, TypeError, zipfile.BadZipFile):
        raise not_readable from None
    finally:
        book.close()


def _csv_rows(data: bytes) -> Iterable[Sequence[Any]]:
    if b"\x00" in data:
        raise _refuse(N_("This file is not a spreadsheet. Choose an .xlsx or .csv roster."))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _refuse(N_("This file is not a spreadsheet. Choose an .xlsx or .csv roster."))
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error:
        raise _refuse(N_("This file is not a spreadsheet. Choose an .xlsx or .csv roster.")) from None


def _with_headers(table: Iterable[Sequence[Any]]) -> list[RosterRow]:
    rows = iter(table)
    header = next(rows, None)
    if header is None:
        raise _refuse(N_("The roster is empty."))
    names = {label: key for key, label in COLUMNS.items()} | HEADER_ALIASES
    positions = {}
    for position, cell in enumerate(header[:MAX_COLUMNS]):
        key = names.get(str(cell or "").strip())
        if key and key not in positions:
            positions[key] = position
    missing = [COLUMNS[key] for key in REQUIRED if key not in positions]
    if missing:
        raise _refuse(N_("The first row must name the columns; these are missing: %(columns)s. Download the "
                         "template to see them."), columns="、".join(missing))
    found = []
    for number, cells in enumerate(rows, start=2):
        if number > 10 * MAX_ROWS:  # a sheet of empty rows is refused too, before it takes all the time
            raise _refuse(N_("The roster has more than %(limit)s rows. Split it into smaller files."),
                          limit=f"{MAX_ROWS:,}")
        if not any(str(cell).strip() for cell in cells if cell is not None):
            continue
        if len(found) >= MAX_ROWS:
            raise _refuse(N_("The roster has more than %(limit)s rows. Split it into smaller files."),
                          limit=f"{MAX_ROWS:,}")
        found.append(RosterRow(number, {key: cells[at] if at < len(cells) else None for key, at in positions.items()}))
    if not found:
        raise _refuse(N_("The roster has no rows below its headers."))
    return found


def cell_text(value: Any) -> str:
    """A cell as the text a person typed: 13812345678.0 read back as 13812345678, dates as 1940-05-01."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return " ".join(str(value).split())


def workbook_bytes(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]],
                   notes: Sequence[str] = ()) -> bytes:
    """An .xlsx whose every text cell is formula-safe; phone numbers and addresses stay text."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.append(list(header))
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    if notes:
        guide = book.create_sheet("说明")
        for line in notes:
            guide.append([safe_cell(line)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
