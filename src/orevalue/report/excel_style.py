"""What the workbooks share: header rows, named tables, column widths, and the Excel number
format of each format kind of the outputs table (:mod:`orevalue.outputs`).

Cells hold the values as the results hold them (USD, fractions, tonnes); the number format
shows them as people read them (USD m, %, kt), so a formula on a cell sees the exact value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

HEADER_FILL = PatternFill("solid", fgColor="1F3B57")
HEADER_FONT = Font(bold=True, color="FFFFFF")
INPUT_FILL = PatternFill("solid", fgColor="FFF7E0")
TOTAL_FONT = Font(bold=True)

#: Excel number format of each format kind: trailing commas divide by 1,000 on display.
NUMBER_FORMATS = {
    "musd": "#,##0,,;-#,##0,,;0",
    "musd1": "#,##0.0,,;-#,##0.0,,;0.0",
    "usd": "#,##0;-#,##0;0",
    "pct": "0.0%",
    "pct0": "0%",
    "pct2": "0.00%",
    "pp": "+0.0;-0.0;0.0",
    "kt": "#,##0,;-#,##0,;0",
    "kt1": "#,##0.0,;-#,##0.0,;0.0",
    "n": "#,##0",
    "x": "0.00",
    "yr": "0.0",
    "int": "0",
    "g": "General",
}


def number_format(kind: str) -> str:
    """The Excel number format of a format kind (General when unknown)."""
    return NUMBER_FORMATS.get(kind, "General")


def header_row(sheet: Any, names: Iterable[str], row: int = 1) -> None:
    """Write ``names`` as a bold header row at ``row``."""
    for col, name in enumerate(names, start=1):
        cell = sheet.cell(row=row, column=col, value=name)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(vertical="center", wrap_text=True)


_NAME = re.compile(r"[^A-Za-z0-9_]")


def table_name(text: str) -> str:
    """A valid Excel table name made of ``text`` (letters, digits, underscores)."""
    name = _NAME.sub("_", text)
    return name if name[:1].isalpha() or name[:1] == "_" else f"T_{name}"


def named_table(sheet: Any, name: str, columns: int, last_row: int, first_row: int = 1) -> None:
    """A named Excel table over ``first_row``..``last_row`` (header first) and ``columns``."""
    if last_row <= first_row:
        return
    ref = f"A{first_row}:{get_column_letter(columns)}{last_row}"
    table = Table(displayName=table_name(name), ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    sheet.add_table(table)


def set_widths(sheet: Any, widths: Mapping[str, float], columns: Iterable[str]) -> None:
    """Column widths by column name (characters)."""
    for col, name in enumerate(columns, start=1):
        if name in widths:
            sheet.column_dimensions[get_column_letter(col)].width = widths[name]


def unique_headers(names: Iterable[str]) -> list[str]:
    """Header texts made unique (a named table refuses two equal column names)."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        text = str(name) or "-"
        if text.lower() in seen:
            seen[text.lower()] += 1
            text = f"{text} ({seen[text.lower()]})"
        seen.setdefault(text.lower(), 1)
        out.append(text)
    return out
