"""The input workbook of ``orevalue init --xlsx``: the default case, one row a field (path,
value, unit, default, source, tag, description), which ``orevalue run case.xlsx`` reads back
(:mod:`orevalue.scenario.xlsx`).

Rows follow the template of ``orevalue init`` (:mod:`orevalue.template`): a small table
sourced as a whole (a headcount by skill, one input's distribution) is one row written as a
TOML inline table; the fiscal regime's own figures are listed with an empty value, so that
they follow the regime named in ``fiscal.regime`` unless a value is given.
"""

from __future__ import annotations

import io
from typing import Any

from orevalue import toml_text
from orevalue.report.brief.assumptions import unit_of
from orevalue.report.excel_style import INPUT_FILL, header_row, named_table, set_widths
from orevalue.scenario import CASE_FISCAL_FIELDS, Scenario, describe, load
from orevalue.scenario.xlsx import COLUMNS, SHEET, column_letter, path_text

TAGS = ("S", "D", "E", "S-w", "user")

READ_ME = (
    "orevalue scenario workbook, written by `orevalue init --xlsx` from the embedded default case.",
    "",
    f"Sheet {SHEET}: one row a field. Change a value in the 'value' column; clear it (or delete "
    "the row) to keep the default case's value. Money is real USD of base_year.",
    "Lists and tables are written as in TOML: [25, 45, 30] or "
    '{ dist = "pert", low = 1, high = 2 }.',
    'A key holding dots is quoted in its path: uncertainty.inputs."site.location_factor".',
    "Add a row to set a field not listed (a new feed: feeds.saindak.cu_pct, ...).",
    "To cite a source for a value you change, write it in 'source' (and a tag in 'tag'); a changed "
    "value keeping the default's source is recorded as yours (tag 'user').",
    "Tags: S found in a cited public source, D derived from sourced figures, E an estimate, "
    "S-w a weaker source.",
    "The fiscal rows with an empty value follow the regime named in fiscal.regime; give a value "
    "to override it.",
    "'unit', 'default' and 'description' are not read.",
    "",
    "Evaluate it with:  orevalue run {path}",
)


def _cell_value(value: Any) -> Any:
    """A scenario value as a cell holds it: numbers, text and booleans as they are, lists
    and tables as TOML text."""
    if isinstance(value, list | tuple | dict):
        return toml_text.value(value)
    return value


def _is_plain(scenario: Scenario, parts: list[str], table: dict[str, Any]) -> bool:
    """A small table of values sourced as a whole is one row (as ``init`` writes it inline)."""
    path = ".".join(parts)
    own = scenario.provenance.get(path)
    entries = [v for k, v in scenario.provenance.items() if k.startswith(path + ".")]
    nested = any(isinstance(v, dict) for v in table.values())
    return own is not None and not nested and all(e == own for e in entries)


def input_rows(scenario: Scenario | None = None) -> list[tuple[Any, ...]]:
    """The rows of the inputs sheet (without the header), in :data:`COLUMNS` order."""
    scenario = scenario or load()
    values = scenario.model_dump(mode="json")
    rows: list[tuple[Any, ...]] = []

    def walk(table: dict[str, Any], parts: list[str]) -> None:
        for key, value in table.items():
            here = [*parts, str(key)]
            if isinstance(value, dict) and value and not _is_plain(scenario, here, value):
                walk(value, here)
                continue
            rows.append(_row(scenario, here, value))

    walk(values, [])
    return rows


def _row(scenario: Scenario, parts: list[str], value: Any) -> tuple[Any, ...]:
    dotted = ".".join(parts)
    prov = scenario.provenance.get(dotted, {})
    description = describe(parts)
    preset = parts[0] == "fiscal" and parts[1] not in ("regime", *CASE_FISCAL_FIELDS)
    shown = None if preset or value is None else _cell_value(value)
    if preset:
        regime = scenario.fiscal.regime
        description = f"set by the {regime} preset unless given here; {description}".rstrip("; ")
    cells = {
        "path": path_text(parts),
        "value": shown,
        "unit": unit_of(dotted, value),
        "default": None if value is None else _cell_value(value),
        "source": prov.get("source", ""),
        "tag": prov.get("tag", ""),
        "description": description,
    }
    return tuple(cells[c] for c in COLUMNS)


def input_workbook(display_path: str = "case.xlsx") -> bytes:
    """The default case as an input workbook (.xlsx bytes)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    header_row(sheet, COLUMNS)
    rows = input_rows()
    for row in rows:
        sheet.append(list(row))
    value_col = COLUMNS.index("value") + 1
    for (cell,) in sheet.iter_rows(min_row=2, min_col=value_col, max_col=value_col):
        cell.fill = INPUT_FILL
        cell.alignment = Alignment(horizontal="left")
    tags = DataValidation(type="list", formula1='"' + ",".join(TAGS) + '"', allow_blank=True)
    tag_col = column_letter(COLUMNS.index("tag") + 1)
    tags.add(f"{tag_col}2:{tag_col}{len(rows) + 1}")
    sheet.add_data_validation(tags)
    named_table(sheet, "Inputs", len(COLUMNS), len(rows) + 1)
    set_widths(
        sheet,
        {
            "path": 46,
            "value": 22,
            "unit": 14,
            "default": 22,
            "source": 60,
            "tag": 6,
            "description": 60,
        },
        COLUMNS,
    )
    sheet.freeze_panes = "B2"
    about = book.create_sheet("Read me")
    for line in READ_ME:
        about.append([line.replace("{path}", display_path)])
    about["A1"].font = Font(bold=True, size=13)
    about.column_dimensions["A"].width = 110
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
