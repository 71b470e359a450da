"""results.xlsx (``orevalue run --xlsx``): the results document that results.json holds, as a
workbook for people who work in Excel.

Sheets: a cover with the verdict; the pathways side by side (plant view, margin per tonne,
terms cases, country view); the annual cash flows of each pathway with totals; government
revenue by instrument and level; the regimes compared; where each dollar goes; every resolved
input with its unit, source and tag. Labels and units come from the outputs table
(:mod:`orevalue.outputs`); cells hold the values as results.json does (USD, fractions, t) and
the number formats show them in USD m, % and kt. Headers are frozen and each table is a named
Excel table. Reads only the results document (:func:`orevalue.report.files.results_document`):
nothing is computed here.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from orevalue import outputs, toml_text
from orevalue.report.brief.assumptions import unit_of
from orevalue.report.excel_style import (
    TOTAL_FONT,
    header_row,
    named_table,
    number_format,
    set_widths,
    unique_headers,
)

if TYPE_CHECKING:
    from orevalue.results import Results

#: Units whose yearly values add up to a total.
SUMMED_UNITS = ("USD/yr", "USD", "t/yr", "GWh/yr")
_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


def describe_key(key: str, group: str) -> tuple[str, str, str]:
    """(label, shown unit, format kind) of a result key from the outputs table; an undeclared
    key shows as itself, unformatted."""
    try:
        item = outputs.row(key, group)
    except KeyError:
        return key, "", "g"
    label = outputs.label(key, group)
    if "{" in item.key:
        head, _, rest = item.key.partition("{")
        name, _, tail = rest.partition("}")
        if name not in outputs.FAMILIES and name not in outputs.DATA_FAMILIES:
            member = key[len(head) : len(key) - len(tail)]
            label = f"{label}: {member}"
    return label, outputs.shown_unit(key, group), outputs.format_kind(key, group)


def _number(value: Any) -> Any:
    """A JSON value as a cell value: None stays empty, lists and tables become TOML text."""
    if isinstance(value, list | tuple | dict):
        try:
            return toml_text.value(value)
        except TypeError:
            return str(value)
    return value


def _sheet_title(text: str) -> str:
    return text.translate(_SHEET_CHARS)[:31]


def _write_rows(sheet: Any, rows: Iterable[list[Any]], formats: Iterable[str | None]) -> int:
    """Append ``rows`` under the header, formatting each row's numbers; returns the last row."""
    last = sheet.max_row
    for row, fmt in zip(rows, formats, strict=True):
        sheet.append(row)
        last = sheet.max_row
        if fmt:
            for cell in sheet[last]:
                if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                    cell.number_format = fmt
    return last


def _cover(book: Workbook, doc: dict[str, Any]) -> None:
    sheet = book.active
    sheet.title = "Cover"
    scenario = doc.get("scenario", {})
    regime = doc.get("fiscal_regime", {})
    sheet["A1"] = scenario.get("title") or scenario.get("name", "")
    sheet["A1"].font = Font(bold=True, size=14)
    facts = [
        ("Scenario", scenario.get("name", "")),
        ("File", scenario.get("file", "")),
        ("Money", scenario.get("money", "")),
        ("Fiscal regime", f"{regime.get('name', '')}: {regime.get('law', '')}".strip(": ")),
        ("Baseline pathway", scenario.get("baseline_pathway", "")),
        ("orevalue version", doc.get("orevalue_version", "")),
    ]
    for i, (name, value) in enumerate(facts, start=3):
        sheet.cell(row=i, column=1, value=name).font = TOTAL_FONT
        sheet.cell(row=i, column=2, value=value)
    row = len(facts) + 4
    sheet.cell(row=row, column=1, value="Verdict").font = Font(bold=True, size=12)
    for i, line in enumerate(doc.get("verdict", []), start=row + 1):
        cell = sheet.cell(row=i, column=1, value=line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.merge_cells(start_row=i, start_column=1, end_row=i, end_column=8)
        sheet.row_dimensions[i].height = 15 * (1 + len(line) // 120)
    row += len(doc.get("verdict", [])) + 2
    sheet.cell(row=row, column=1, value="Sheets").font = Font(bold=True, size=12)
    for i, (name, what) in enumerate(SHEETS, start=row + 1):
        sheet.cell(row=i, column=1, value=name)
        sheet.cell(row=i, column=2, value=what)
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 70
    for col in "CDEFGH":
        sheet.column_dimensions[col].width = 14


SHEETS = (
    ("Pathways", "every metric of every pathway side by side (plant, margin per t, country)"),
    ("CF <pathway>", "annual cash-flow lines of each pathway, real USD, with totals"),
    ("Government", "government revenue by instrument and level, present value"),
    ("Regimes", "the pathways under each fiscal regime compared"),
    ("Dollars", "where each dollar of the chain's value goes, present value"),
    ("Mine", "the mine on its own, exporting all its concentrate (when the case has a mine)"),
    ("Inputs", "every resolved input with its value, unit, source and tag"),
)

#: Prefix of a pathway's margin per tonne in the results document; the main element's key
#: follows it (``margin_usd_per_t_product_cu``).
MARGIN_PREFIX = "margin_usd_per_t_product_"


def _sections(pathways: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Sections of the pathways sheet: (title, key in each pathway, outputs group); the margin
    is per tonne of the main element of the product, named from the element table."""
    from orevalue import catalog

    margins = dict.fromkeys(k for p in pathways.values() for k in p if k.startswith(MARGIN_PREFIX))
    out = [("plant", "plant", "plant")]
    for attr in margins:
        element = attr.removeprefix(MARGIN_PREFIX)
        known = catalog.elements().get(element)
        name = known.name if known is not None else element
        out.append((f"margin per t of product {name}", attr, "margin_usd_per_t"))
    out.append(("country", "country", "country"))
    if any(p.get("chain") for p in pathways.values()):
        out.append(("chain: mine and plant", "chain", "chain"))
    return out


def _pathways(book: Workbook, doc: dict[str, Any]) -> None:
    sheet = book.create_sheet("Pathways")
    pathways = doc.get("pathways", {})
    names = list(pathways)
    header_row(sheet, ["section", "metric", "unit", *[pathways[n]["label"] for n in names], "key"])
    rows, formats = [], []
    for title, attr, group in _sections(pathways):
        keys = list(dict.fromkeys(k for n in names for k in pathways[n].get(attr, {})))
        for key in keys:
            if group == "country" and key.startswith("government_pv_usd_"):
                continue  # by instrument on the Government sheet
            label, shown, kind = describe_key(key, group)
            values = [_number(pathways[n].get(attr, {}).get(key)) for n in names]
            rows.append([title, label, shown, *values, f"{attr}.{key}"])
            formats.append(number_format(kind))
    cases = list(dict.fromkeys(c for n in names for c in pathways[n].get("terms_cases", {})))
    for case in cases:
        label, shown, kind = describe_key("npv_usd", "terms_cases")
        values = [pathways[n].get("terms_cases", {}).get(case, {}).get("npv_usd") for n in names]
        rows.append([f"terms case {case}", label, shown, *values, f"terms_cases.{case}.npv_usd"])
        formats.append(number_format(kind))
    last = _write_rows(sheet, rows, formats)
    named_table(sheet, "Pathways", len(names) + 4, last)
    sheet.freeze_panes = "D2"
    set_widths(
        sheet, {"section": 18, "metric": 46, "unit": 10, "key": 44}, ["section", "metric", "unit"]
    )
    for col in range(4, len(names) + 4):
        sheet.column_dimensions[sheet.cell(row=1, column=col).column_letter].width = 16
    sheet.column_dimensions[sheet.cell(row=1, column=len(names) + 4).column_letter].width = 44


def _annual(book: Workbook, name: str, pathway: dict[str, Any]) -> None:
    """The annual lines of one pathway: a line a row, a year a column, then the total."""
    annual = pathway.get("annual", {})
    years = [int(y) for y in annual.get("year", [])]
    sheet = book.create_sheet(_sheet_title(f"CF {name}"))
    header_row(sheet, unique_headers(["line", "unit", *[str(y) for y in years], "total", "key"]))
    rows, formats = [], []
    for key, values in annual.items():
        if key == "year":
            continue
        label, shown, kind = describe_key(key, "annual")
        try:
            summed = outputs.unit(key, "annual") in SUMMED_UNITS
        except KeyError:
            summed = False
        numbers = [v for v in values if isinstance(v, int | float)]
        total = sum(numbers) if summed and numbers else None
        rows.append([label, shown, *values, total, key])
        formats.append(number_format(kind))
    last = _write_rows(sheet, rows, formats)
    named_table(sheet, f"Annual_{name}", len(years) + 4, last)
    for row in range(2, last + 1):
        sheet.cell(row=row, column=len(years) + 3).font = TOTAL_FONT
    sheet.freeze_panes = "C2"
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 10
    sheet.column_dimensions[sheet.cell(row=1, column=len(years) + 4).column_letter].width = 36


def _government(book: Workbook, doc: dict[str, Any]) -> None:
    sheet = book.create_sheet("Government")
    pathways = doc.get("pathways", {})
    names = list(pathways)
    labels = [pathways[n]["label"] for n in names]
    header_row(sheet, ["level", "instrument", "kind", "payer", *labels, "law", "key"])
    fmt = number_format("musd")
    rows, formats = [], []
    totals: dict[str, list[float]] = {}
    for item in outputs.declared("government"):
        key = f"government_pv_usd_{item.key}"
        values = [pathways[n].get("country", {}).get(key) for n in names]
        if all(v is None for v in values):
            continue
        rows.append([item.level, item.label, item.kind, item.payer, *values, item.law, key])
        formats.append(fmt)
        sums = totals.setdefault(item.level, [0.0] * len(names))
        for i, v in enumerate(values):
            sums[i] += v or 0.0
    last = _write_rows(sheet, rows, formats)
    named_table(sheet, "Government", len(names) + 6, last)
    sheet.cell(row=last + 2, column=1, value="present value, USD m (cells in USD)")
    row = last + 3
    grand = [0.0] * len(names)
    for level, sums in totals.items():
        _total_row(sheet, row, f"total, {level}", sums, fmt)
        grand = [g + s for g, s in zip(grand, sums, strict=True)]
        row += 1
    _total_row(sheet, row, "total, government", grand, fmt)
    sheet.freeze_panes = "C2"
    set_widths(
        sheet,
        {"level": 12, "instrument": 40, "kind": 12, "payer": 8},
        ["level", "instrument", "kind", "payer"],
    )
    for col in range(5, len(names) + 5):
        sheet.column_dimensions[sheet.cell(row=1, column=col).column_letter].width = 16
    sheet.column_dimensions[sheet.cell(row=1, column=len(names) + 5).column_letter].width = 50


def _total_row(sheet: Any, row: int, label: str, values: list[float], fmt: str) -> None:
    sheet.cell(row=row, column=2, value=label).font = TOTAL_FONT
    for i, value in enumerate(values, start=5):
        cell = sheet.cell(row=row, column=i, value=value)
        cell.number_format, cell.font = fmt, TOTAL_FONT


def _regimes(book: Workbook, doc: dict[str, Any]) -> None:
    regimes = doc.get("regimes", {})
    if not regimes:
        return
    sheet = book.create_sheet("Regimes")
    keys = list(
        dict.fromkeys(k for by_pathway in regimes.values() for m in by_pathway.values() for k in m)
    )
    described = [_regime_key(k) for k in keys]
    headers = [f"{label}, {shown}" if shown else label for label, shown, _ in described]
    header_row(sheet, unique_headers(["regime", "pathway", *headers]))
    labels = {n: p.get("label", n) for n, p in doc.get("pathways", {}).items()}
    for regime, by_pathway in regimes.items():
        for pathway, metrics in by_pathway.items():
            sheet.append([regime, labels.get(pathway, pathway), *[metrics.get(k) for k in keys]])
            for col, (_, _, kind) in enumerate(described, start=3):
                sheet.cell(row=sheet.max_row, column=col).number_format = number_format(kind)
    named_table(sheet, "Regimes", len(keys) + 2, sheet.max_row)
    sheet.freeze_panes = "C2"
    sheet.column_dimensions["A"].width = 20
    sheet.column_dimensions["B"].width = 32
    for col in range(3, len(keys) + 3):
        sheet.column_dimensions[sheet.cell(row=1, column=col).column_letter].width = 18


def _regime_key(key: str) -> tuple[str, str, str]:
    for group in ("regimes", "plant", "country"):
        label, shown, kind = describe_key(key, group)
        if label != key or kind != "g":
            return label, shown, kind
    return key, "", "g"


def _dollars(book: Workbook, doc: dict[str, Any]) -> None:
    sheet = book.create_sheet("Dollars")
    pathways = doc.get("pathways", {})
    names = list(pathways)
    attr = "where_each_dollar_goes_pv_usd"
    header_row(sheet, ["goes to", "unit", *[pathways[n]["label"] for n in names], "key"])
    keys = list(dict.fromkeys(k for n in names for k in pathways[n].get(attr, {})))
    rows, formats = [], []
    for key in keys:
        label, shown, kind = describe_key(key, "dollars")
        rows.append([label, shown, *[pathways[n].get(attr, {}).get(key) for n in names], key])
        formats.append(number_format(kind))
    last = _write_rows(sheet, rows, formats)
    named_table(sheet, "Dollars", len(names) + 3, last)
    sums = [sum((pathways[n].get(attr, {}).get(k) or 0.0) for k in keys) for n in names]
    sheet.cell(row=last + 1, column=1, value="total: the value of the chain").font = TOTAL_FONT
    for i, value in enumerate(sums, start=3):
        cell = sheet.cell(row=last + 1, column=i, value=value)
        cell.number_format, cell.font = number_format("musd"), TOTAL_FONT
    sheet.freeze_panes = "C2"
    sheet.column_dimensions["A"].width = 50
    for col in range(3, len(names) + 3):
        sheet.column_dimensions[sheet.cell(row=1, column=col).column_letter].width = 16


def _mine(book: Workbook, doc: dict[str, Any]) -> None:
    """The mine view (group ``mine`` of the outputs table), one metric a row."""
    mine = doc.get("mine") or {}
    if not mine:
        return
    sheet = book.create_sheet("Mine")
    header_row(sheet, ["metric", "unit", "value", "key"])
    rows, formats = [], []
    for key, value in mine.items():
        label, shown, kind = describe_key(key, "mine")
        rows.append([label, shown, _number(value), f"mine.{key}"])
        formats.append(number_format(kind))
    last = _write_rows(sheet, rows, formats)
    named_table(sheet, "Mine", 4, last)
    sheet.freeze_panes = "C2"
    set_widths(
        sheet,
        {"metric": 50, "unit": 10, "value": 16, "key": 36},
        ["metric", "unit", "value", "key"],
    )


def _inputs(book: Workbook, doc: dict[str, Any]) -> None:
    from orevalue.scenario import field_description

    sheet = book.create_sheet("Inputs")
    columns = ["path", "value", "unit", "source", "tag", "description"]
    header_row(sheet, columns)
    for path, entry in doc.get("inputs", {}).items():
        value = entry.get("value")
        sheet.append(
            [
                path,
                _number(value),
                unit_of(path, value),
                entry.get("source", ""),
                entry.get("tag", ""),
                field_description(path.split(".")),
            ]
        )
    named_table(sheet, "Inputs", len(columns), sheet.max_row)
    sheet.freeze_panes = "B2"
    set_widths(
        sheet,
        {"path": 46, "value": 18, "unit": 14, "source": 70, "tag": 6, "description": 60},
        columns,
    )


def results_workbook(doc: dict[str, Any]) -> bytes:
    """results.xlsx as bytes, from the results document (results.json as a dict)."""
    book = Workbook()
    _cover(book, doc)
    _pathways(book, doc)
    for name, pathway in doc.get("pathways", {}).items():
        _annual(book, name, pathway)
    _government(book, doc)
    _regimes(book, doc)
    _dollars(book, doc)
    _mine(book, doc)
    _inputs(book, doc)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_workbook(results: Results, out_dir: Path) -> Path:
    """Write ``out_dir``/results.xlsx from the results document of ``results``; return its
    path."""
    from orevalue.atomic import write_atomic
    from orevalue.report.files import results_document

    path = out_dir / "results.xlsx"
    write_atomic(path, results_workbook(results_document(results)))
    return path
