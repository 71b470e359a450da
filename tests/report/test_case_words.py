"""The gold and antimony cases' outputs in their own words: their baseline named as it is
(gold exports doré and scrap, not concentrate), no break-even TC where their feed pays no
treatment charge, and tonnes shown at a scale that does not round a few tonnes to 0.0 kt."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console
from typer.testing import CliRunner

import orevalue
from orevalue import outputs
from orevalue.cli import app
from orevalue.report.labels import against_baseline, for_case, shows_breakeven_tc
from orevalue.report.terminal import print_results

runner = CliRunner()


@pytest.fixture(scope="module", params=("copper", "gold", "antimony"))
def case(request):
    scenario = orevalue.load(case=request.param)
    return request.param, scenario, orevalue.evaluate(scenario)


def _printed(results) -> str:
    console = Console(record=True, width=240, file=io.StringIO())
    print_results(results, console)
    return console.export_text()


def _row(text: str, label: str) -> list[str]:
    """The cells of the table row whose label starts with ``label``."""
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip("│ ").split("│")]
        if cells and cells[0].startswith(label):
            return cells
    raise AssertionError(f"no row {label!r}")


@pytest.mark.parametrize(
    ("name", "words"),
    [("copper", "exporting concentrate"), ("gold", "exporting doré and scrap")],
)
def test_the_baseline_is_named_from_its_own_label(name, words):
    assert against_baseline(orevalue.load(case=name)) == words


def test_for_case_leaves_every_declared_label_of_copper_as_it_is():
    scenario = orevalue.load(case="copper")
    for row in outputs.table():
        assert for_case(row.label, scenario) == row.label, row.key


def test_the_gold_tables_say_what_gold_exports(case):
    name, _, results = case
    text = _printed(results)
    if name == "gold":
        assert "concentrate" not in text
        assert "Export gain over exporting doré and scrap, USD m/yr" in text
        assert "Revenue change against exporting doré and scrap, PV, USD m" in text
        assert "Share kept, change against exporting doré and scrap, % points" in text
        assert "export duty on doré and scrap" in text
    else:  # copper and antimony export concentrate: the declared words stand
        assert "Export gain over exporting concentrate, USD m/yr" in text


def test_break_even_tc_only_where_the_feed_pays_a_treatment_charge(case):
    """Copper's deck charges a TC (60 USD/dmt from 2030); gold's doré and scrap and antimony's
    concentrate pay none (decks of 0), so a break-even TC is a charge nobody pays there."""
    name, scenario, results = case
    text = _printed(results)
    assert shows_breakeven_tc(scenario) is (name == "copper")
    assert ("Break-even TC (RC = TC/10), USD/dmt" in text) is (name == "copper")
    assert ("TC/RC" in text) is (name == "copper")
    assert _row(
        text, "TC/RC and refining charges kept" if name == "copper" else "refining charges kept"
    )


def test_tonnes_show_at_a_scale_that_reads(case):
    """Gold's plant makes 5.5 t/yr of gold: shown in t/yr (one decimal), not 0.0 kt/yr;
    copper's 236 kt/yr and antimony's 2 kt/yr stay in kt."""
    name, scenario, results = case
    text = _printed(results)
    focus = results.pathways[scenario.focus_pathway]
    tonnes = float(focus.plant[focus.key("product_{element}_t_per_yr")][0])
    metal = {"copper": "copper", "gold": "gold", "antimony": "antimony"}[name]
    unit, shown = ("t/yr", f"{tonnes:,.1f}") if tonnes < 1e3 else ("kt/yr", f"{tonnes / 1e3:,.1f}")
    cells = _row(text, f"Product {metal} at full output, {unit}")
    column = list(results.pathways).index(scenario.focus_pathway) + 1
    assert cells[column] == shown
    road = _row(text, "Freight by road, ")
    assert road[0].endswith(unit)  # the country table's tonnes share the case's scale
    if name == "gold":
        assert 1.0 <= tonnes < 1e3 and shown != "0.0"
        assert "kt/yr" not in text


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([236_200.0, 0.0], ("kt1", "kt/yr")),
        ([1_000.0], ("kt1", "kt/yr")),
        ([-2_500.0, None], ("kt1", "kt/yr")),
        ([5.487, 6.6, 0.0], ("t1", "t/yr")),
        ([999.0], ("t1", "t/yr")),
        ([0.353, float("nan")], ("kg", "kg/yr")),
        ([0.0, None, float("nan")], ("kt1", "kt/yr")),  # nothing to scale by: as declared
    ],
)
def test_mass_scale_by_the_largest_value(values, expected):
    assert outputs.mass_scale(values, "kt1") == expected


@pytest.mark.parametrize(
    ("kind", "tonnes", "shown"),
    [("t1", 5.487, "5.5"), ("kg", 0.353, "353"), ("kt1", 2047.0, "2.0")],
)
def test_the_mass_kinds_format_tonnes(kind, tonnes, shown):
    assert outputs.format_value(kind, tonnes) == shown


def test_gold_risk_names_its_baseline(tmp_path):
    result = runner.invoke(
        app,
        [
            *("risk", "--case", "gold", "-n", "64", "--sobol", "0", "--workers", "1"),
            *("--out", str(tmp_path)),
        ],
    )
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "beats exporting doré and scrap, same samples" in text
    assert "concentrate" not in text


def test_gold_brief_has_no_concentrate_baseline_nor_tc_nor_empty_tonnes(tmp_path):
    result = runner.invoke(
        app,
        [
            *("report", "--case", "gold", "--risk", "64", "--sobol", "0", "--workers", "1"),
            *("--no-siting", "--out", str(tmp_path)),
        ],
    )
    assert result.exit_code == 0, result.output
    html = next(tmp_path.rglob("brief.html")).read_text(encoding="utf-8")
    words = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "exporting concentrate" not in words
    assert "in concentrate" not in words
    assert "Break-even TC" not in words
    assert "kt/yr" not in words
    assert "Export gain over exporting doré and scrap" in words
    assert "beats exporting doré and scrap" in words
    assert "Product gold at full output, t/yr" in words
