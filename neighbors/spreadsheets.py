"""The one way the app writes a spreadsheet (CSV or .xlsx): every cell a spreadsheet would run as a formula is
neutralised, whoever typed it.

A name such as `=HYPERLINK("http://…","x")` typed into a form would otherwise come out of an export as a live
formula in the community worker's Excel or WPS (CSV injection). A text cell that starts with `=`, `+`, `-`,
`@`, a tab or a carriage return gets a leading apostrophe, which spreadsheets show as plain text; numbers
stay numbers.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"  # Excel reads UTF-8 (the Chinese) only with it


@dataclass(frozen=True)
class Yuan:
    """An amount kept in fen, written as yuan with two decimals: 1234 fen is 12.34 (a number in .xlsx)."""

    fen: int

    @property
    def amount(self) -> Decimal:
        return Decimal(self.fen) / 100


def safe_cell(value: Any) -> Any:
    if isinstance(value, Yuan):
        return f"{value.amount:.2f}"
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(rows: Iterable[Sequence[Any]], *, bom: bool = True) -> str:
    out = io.StringIO()
    if bom:
        out.write(BOM)
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return out.getvalue()


def tables_csv(sheets: Iterable[tuple[str, Iterable[Sequence[Any]]]], *, bom: bool = True) -> str:
    """The sheets of a workbook as one CSV: one table as it is; several each under its title, a blank line
    between."""
    sheets = list(sheets)
    if len(sheets) == 1:
        return csv_text(sheets[0][1], bom=bom)
    rows: list[Sequence[Any]] = []
    for title, table in sheets:
        rows += [*([[]] if rows else []), [title], *table]
    return csv_text(rows, bom=bom)


# characters an .xlsx cell cannot hold (openpyxl refuses them), removed rather than failing the download
_NOT_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NOT_IN_SHEET_TITLE = re.compile(r"[\[\]:*?/\\]")


def xlsx_bytes(sheets: Iterable[tuple[str, Iterable[Sequence[Any]]]]) -> bytes:
    """A workbook with one sheet per (title, rows); text cells neutralised as in CSV, numbers and dates kept."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for title, rows in sheets:
        sheet = workbook.create_sheet(_sheet_title(title, used))
        for row in rows:
            sheet.append([_xlsx_cell(value) for value in row])
        _dress(sheet)
    if not workbook.worksheets:
        workbook.create_sheet("-")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _dress(sheet) -> None:
    """The first row is the header: bold and frozen, so it stays in view while scrolling; a fraction shows one
    decimal (hours), a whole number none, money two (yuan)."""
    if sheet.max_row < 1:
        return
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, Decimal):
                cell.number_format = "0.00"
            elif isinstance(cell.value, float):
                cell.number_format = "0.0"
            elif isinstance(cell.value, int) and not isinstance(cell.value, bool):
                cell.number_format = "0"


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, Yuan):
        return value.amount
    if isinstance(value, str):
        return safe_cell(_NOT_IN_XLSX.sub("", value))
    return value


def _sheet_title(title: str, used: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = _NOT_IN_SHEET_TITLE.sub(" ", title).strip()[:28] or "-"
    name, number = base, 2
    while name.lower() in used:
        name, number = f"{base} {number}", number + 1
    used.add(name.lower())
    return name
