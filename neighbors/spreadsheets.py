"""The one way the app writes a spreadsheet (CSV today): every cell a spreadsheet would run as a formula is
neutralised, whoever typed it.

A name such as `=HYPERLINK("http://…","x")` typed into a form would otherwise come out of an export as a live
formula in the community worker's Excel or WPS (CSV injection). A text cell that starts with `=`, `+`, `-`,
`@`, a tab or a carriage return gets a leading apostrophe, which spreadsheets show as plain text; numbers
stay numbers.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"  # Excel reads UTF-8 (the Chinese) only with it


def safe_cell(value: Any) -> Any:
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
