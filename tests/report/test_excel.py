"""Excel in and out: results.xlsx from `orevalue run --xlsx`, the input workbook of
`orevalue init --xlsx` read back by `orevalue run case.xlsx`, and bad workbooks."""

from __future__ import annotations

import io
import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from orevalue import api
from orevalue.cli import app
from orevalue.report.excel import results_workbook
from orevalue.report.files import results_document
from orevalue.scenario.xlsx import COLUMNS, SHEET

runner = CliRunner()


def invoke(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def doc(default_results) -> dict[str, Any]:
    return json.loads(json.dumps(results_document(default_results)))


@pytest.fixture(scope="module")
def book(doc):
    return load_workbook(io.BytesIO(results_workbook(doc)))


def rows_by_key(sheet) -> dict[str, tuple]:
    """Rows of a sheet by the text in its last header column, 'key'."""
    header = [c.value for c in sheet[1]]
    at = header.index("key")
    return {r[at]: r for r in sheet.iter_rows(min_row=2, values_only=True) if r[at]}


# ------------------------------------------------------------------ results.xlsx


def test_results_workbook_has_every_sheet_frozen_with_named_tables(book, doc):
    pathways = list(doc["pathways"])
    expected = ["Cover", "Pathways", *(f"CF {p}" for p in pathways)]
    expected += ["Government", "Regimes", "Dollars", "Mine", "Inputs"]
    assert book.sheetnames == expected
    for sheet in book.worksheets[1:]:
        assert sheet.freeze_panes, sheet.title
        assert len(sheet.tables) == 1, sheet.title


def test_cover_holds_the_verdict(book, doc):
    texts = [c.value for row in book["Cover"].iter_rows() for c in row if c.value]
    for line in doc["verdict"]:
        assert line in texts
    assert doc["scenario"]["name"] in texts


def test_pathways_side_by_side_hold_the_results_with_their_format(book, doc):
    sheet = book["Pathways"]
    rows = rows_by_key(sheet)
    names = list(doc["pathways"])
    npv = rows["plant.npv_usd"]
    assert npv[1] == "NPV after tax" and npv[2] == "USD m"  # from the outputs table
    for i, name in enumerate(names):
        assert npv[3 + i] == pytest.approx(doc["pathways"][name]["plant"]["npv_usd"], rel=1e-12)
        irr = doc["pathways"][name]["plant"]["irr"]
        cell = rows["plant.irr"][3 + i]
        assert cell is None if irr is None else cell == pytest.approx(irr, rel=1e-12)
    row = next(r for r in sheet.iter_rows(min_row=2) if r[-1].value == "plant.npv_usd")
    assert row[4].number_format == "#,##0,,;-#,##0,,;0"  # USD m on display, USD in the cell
    row = next(r for r in sheet.iter_rows(min_row=2) if r[-1].value == "plant.irr")
    assert row[4].number_format == "0.0%"


def test_annual_cash_flows_with_totals(book, doc):
    for name, pathway in doc["pathways"].items():
        rows = rows_by_key(book[f"CF {name}"])
        years = pathway["annual"]["year"]
        header = [c.value for c in book[f"CF {name}"][1]]
        assert header[2 : 2 + len(years)] == [str(int(y)) for y in years]
        cash = rows["cash_flow"]
        values = pathway["annual"]["cash_flow"]
        assert list(cash[2 : 2 + len(years)]) == pytest.approx(values, rel=1e-12, abs=1e-6)
        assert cash[2 + len(years)] == pytest.approx(math.fsum(values), rel=1e-9, abs=1e-3)
        assert rows["dscr"][2 + len(years)] is None  # a ratio has no total


def test_government_by_instrument_adds_up_to_the_levels(book, doc):
    sheet = book["Government"]
    names = list(doc["pathways"])
    totals = {
        r[1]: r[4 : 4 + len(names)] for r in sheet.iter_rows(min_row=2, values_only=True) if r[1]
    }
    for i, name in enumerate(names):
        country = doc["pathways"][name]["country"]
        for level in ("province", "federation"):
            got = totals[f"total, {level}"][i]
            assert got == pytest.approx(country[f"government_revenue_{level}_pv_usd"], rel=1e-9)
        assert totals["total, government"][i] == pytest.approx(
            country["government_revenue_pv_usd"], rel=1e-9
        )


def test_dollars_and_inputs(book, doc):
    rows = rows_by_key(book["Dollars"])
    assert set(rows) == set(doc["pathways"]["cathode"]["where_each_dollar_goes_pv_usd"])
    inputs = list(book["Inputs"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in inputs] == list(doc["inputs"])
    by_path = {r[0]: r for r in inputs}
    rate = by_path["project.discount_rate_pct"]
    entry = doc["inputs"]["project.discount_rate_pct"]
    assert rate[1:5] == (entry["value"], "%", entry["source"], entry["tag"])


def test_mine_and_chain_in_the_workbook(book, doc):
    # the mine view, one row a metric, the same numbers as results.json
    mine = rows_by_key(book["Mine"])
    assert set(mine) == {f"mine.{k}" for k in doc["mine"]}
    for key, value in doc["mine"].items():
        assert mine[f"mine.{key}"][2] == pytest.approx(value)
    # the chain of each pathway on the pathways sheet: the mine and the plant add up to it
    rows = rows_by_key(book["Pathways"])
    names = list(doc["pathways"])
    for i, name in enumerate(names):
        chain = doc["pathways"][name]["chain"]
        shown = {k: rows[f"chain.{k}"][3 + i] for k in chain}
        assert shown == pytest.approx(chain)
        assert shown["chain_npv_usd"] == pytest.approx(
            shown["mine_npv_usd"] + shown["plant_npv_usd"], rel=1e-9
        )


def test_run_xlsx_writes_results_xlsx(tmp_path):
    result = invoke("run", "--quiet", "--xlsx", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    folder = tmp_path / api.load().output_name
    book = load_workbook(folder / "results.xlsx", read_only=True)
    assert "Pathways" in book.sheetnames
    book.close()


# ------------------------------------------------------------------ input workbooks


def numbers(item: Any, path: str = "") -> dict[str, float]:
    """Every number of a JSON document by its path."""
    if isinstance(item, dict):
        return {k: v for key, sub in item.items() for k, v in numbers(sub, f"{path}/{key}").items()}
    if isinstance(item, list):
        return {k: v for i, sub in enumerate(item) for k, v in numbers(sub, f"{path}/{i}").items()}
    if isinstance(item, int | float) and not isinstance(item, bool):
        return {path: item}
    return {}


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("xlsx") / "case.xlsx"
    result = invoke("init", "--xlsx", path)
    assert result.exit_code == 0, result.output
    return path


def set_cells(source: Path, target: Path, changes: dict[str, tuple[str, Any]]) -> dict[str, int]:
    """Copy the workbook, setting column ``col`` of the row of each path; the rows by path."""
    book = load_workbook(source)
    sheet = book[SHEET]
    rows = {sheet.cell(row=r, column=1).value: r for r in range(2, sheet.max_row + 1)}
    for path, (col, value) in changes.items():
        sheet.cell(row=rows[path], column=COLUMNS.index(col) + 1, value=value)
    book.save(target)
    return rows


def test_input_workbook_has_one_row_a_field(workbook):
    book = load_workbook(workbook)
    sheet = book[SHEET]
    assert tuple(c.value for c in sheet[1]) == COLUMNS
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    rate = rows["project.discount_rate_pct"]
    assert rate[1] == 12.0 and rate[2] == "%" and rate[3] == 12.0 and rate[5] == "E"
    assert rate[4].startswith("BAL §5.4") and "discount rate" in rate[6]
    assert rows["project.construction_spend_pct"][1] == "[25.0, 45.0, 30.0]"
    assert sheet.freeze_panes == "B2" and "Inputs" in sheet.tables


def test_toml_to_xlsx_round_trip_gives_the_same_results(tmp_path, workbook):
    """The default case, its TOML from `init` and its workbook from `init --xlsx` evaluate to
    the same results.json, inputs' sources and tags included."""
    toml = tmp_path / "case.toml"
    assert invoke("init", toml).exit_code == 0
    docs = []
    for scenario in (toml, workbook):
        out = tmp_path / scenario.suffix[1:]
        result = invoke("run", "--quiet", "--out", out, scenario)
        assert result.exit_code == 0, result.output
        doc = json.loads((out / api.load().output_name / "results.json").read_text())
        assert doc["scenario"].pop("file") == str(scenario)
        docs.append(doc)
    assert docs[0] == docs[1]


def test_a_changed_value_is_the_users_as_in_toml(tmp_path, workbook):
    toml = tmp_path / "case.toml"
    toml.write_text("[site]\nlocation_factor = 0.6\nacid_netback_usd_per_t = 120.0\n")
    changed = tmp_path / "case.xlsx"
    set_cells(
        workbook,
        changed,
        {"site.location_factor": ("value", 0.6), "site.acid_netback_usd_per_t": ("value", 120)},
    )
    a, b = (api.evaluate(api.load(p)) for p in (toml, changed))
    assert a.value("cathode", "plant", "npv_usd") != api.evaluate(api.load()).value(
        "cathode", "plant", "npv_usd"
    )
    assert numbers(results_document(a)) == numbers(results_document(b))
    prov = b.scenario.provenance["site.location_factor"]
    assert prov == {"source": "set in case.xlsx", "tag": "user"}


def test_a_source_given_in_the_workbook_travels_with_the_value(tmp_path, workbook):
    changed = tmp_path / "sourced.xlsx"
    set_cells(
        workbook,
        changed,
        {"site.location_factor": ("value", 0.6)},
    )
    set_cells(changed, changed, {"site.location_factor": ("source", "CTE §3.2 low case")})
    scenario = api.load(changed).scenario
    assert scenario.site.location_factor == 0.6
    assert scenario.provenance["site.location_factor"]["source"] == "CTE §3.2 low case"


def test_risk_reads_the_workbook(workbook, default_scenario):
    spec, default = api.risk_spec(api.load(workbook)), api.risk_spec(default_scenario)
    assert spec.inputs == default.inputs  # distributions, sources and tags
    assert repr(spec) == repr(default)


CELL = re.compile(r"^(?P<file>.+\.xlsx):Inputs!(?P<col>[A-Z])(?P<row>\d+): (?P<rest>.+)$")


def one_problem(*args: str | Path) -> re.Match[str]:
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    match = CELL.match(lines[0])
    assert match, lines[0]
    return match


def test_unknown_field_names_the_path_cell(tmp_path, workbook):
    bad = tmp_path / "bad.xlsx"
    rows = set_cells(workbook, bad, {"site.location_factor": ("path", "site.locaton_factor")})
    match = one_problem("run", "--out", tmp_path / "out", bad)
    assert match["file"] == str(bad)
    assert (match["col"], int(match["row"])) == ("A", rows["site.location_factor"])
    assert match["rest"] == "site.locaton_factor: unknown field; did you mean 'location_factor'?"
    assert not (tmp_path / "out").exists()


def test_a_value_that_is_not_a_number_names_the_value_cell(tmp_path, workbook):
    bad = tmp_path / "bad.xlsx"
    rows = set_cells(workbook, bad, {"project.discount_rate_pct": ("value", "twelve")})
    for command in ("run", "risk", "report", "site"):
        match = one_problem(command, bad)
        assert (match["col"], int(match["row"])) == ("B", rows["project.discount_rate_pct"])
        assert match["rest"] == (
            "project.discount_rate_pct: got 'twelve'; "
            "expected a number (real discount rate, % per year)"
        )


def test_a_bad_risk_range_names_its_cell(tmp_path, workbook):
    bad = tmp_path / "bad.xlsx"
    key = 'uncertainty.inputs."site.location_factor"'
    rows = set_cells(
        workbook, bad, {key: ("value", '{ dist = "lognormal", p10 = 2.0, p90 = 1.0 }')}
    )
    match = one_problem("risk", "-n", "64", bad)
    assert (match["col"], int(match["row"])) == ("B", rows[key])
    assert "p10 (2.0) must be below p90 (1.0)" in match["rest"]


def test_a_value_nested_too_deep_names_its_cell(tmp_path, workbook):
    bad = tmp_path / "deep.xlsx"
    rows = set_cells(workbook, bad, {"project.utilisation_pct": ("value", "[" * 80 + "]" * 80)})
    match = one_problem("run", bad)
    assert (match["col"], int(match["row"])) == ("B", rows["project.utilisation_pct"])
    assert "nested too deep" in match["rest"]


def test_a_file_that_is_not_a_workbook_is_one_line(tmp_path):
    bad = tmp_path / "notes.xlsx"
    bad.write_text("path,value\nproject.discount_rate_pct,12\n")
    result = invoke("run", bad)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"{bad}: cannot read as an Excel workbook (.xlsx): File is not a zip file"
    ]


def test_a_path_set_twice_and_a_missing_sheet(tmp_path, workbook):
    bad = tmp_path / "twice.xlsx"
    rows = set_cells(workbook, bad, {"project.operating_years": ("path", "project.start_year")})
    match = one_problem("run", bad)
    assert int(match["row"]) == rows["project.operating_years"]
    assert "set twice" in match["rest"]
    book = load_workbook(workbook)
    book[SHEET].title = "Other"
    book.save(bad)
    result = invoke("run", bad)
    assert result.exit_code == 2
    assert f"{bad}: no sheet named 'Inputs'" in result.stderr


def test_init_xlsx_refuses_another_suffix(tmp_path):
    result = invoke("init", "--xlsx", tmp_path / "case.toml")
    assert result.exit_code == 2
    assert "ends in .xlsx" in result.stderr
