"""A scenario's ``[prices.<series>]`` merges its year knots into the case's deck, unless it
says ``flat = V`` (one value every year) or ``replace = true`` (its knots only). The decks
expected here are worked out by hand from the knots (linear between, flat outside)."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from typer.testing import CliRunner

import orevalue
from orevalue import outputs
from orevalue.cli import app
from orevalue.params import Params

runner = CliRunner()
YEARS = np.arange(2026, 2061)


def _load(tmp_path, text: str) -> orevalue.Scenario:
    path = tmp_path / "deck.toml"
    path.write_text(text, encoding="utf-8")
    return orevalue.load(path)


def _tc(scenario: orevalue.Scenario) -> dict[int, float]:
    deck = Params.from_scenario(scenario).deck("prices.tc_usd_per_dmt", YEARS)[0]
    return dict(zip(YEARS.tolist(), deck.tolist(), strict=True))


def test_the_case_deck_is_two_knots(default_scenario):
    # the tests below rest on it: TC 0 in 2026, 60 from 2030
    assert default_scenario.prices["tc_usd_per_dmt"] == {2026: 0.0, 2030: 60.0}


def test_flat_gives_its_value_in_every_year(tmp_path):
    s = _load(tmp_path, "[prices.tc_usd_per_dmt]\nflat = 80.0\n")
    assert s.prices["tc_usd_per_dmt"] == {2026: 80.0}  # one knot, at base_year
    assert set(_tc(s).values()) == {80.0}
    assert s.provenance["prices.tc_usd_per_dmt.2026"] == {
        "source": "set in deck.toml",
        "tag": "user",
    }
    assert "prices.tc_usd_per_dmt.2030" not in s.provenance  # the case's knot is gone


def test_flat_keeps_the_source_given_with_it(tmp_path):
    s = _load(
        tmp_path,
        '[prices.tc_usd_per_dmt]\nflat = { value = 0.0, source = "a captive deal", tag = "E" }\n',
    )
    assert set(_tc(s).values()) == {0.0}  # 0 in 2026 as the case, but 0 in 2030 too
    assert s.provenance["prices.tc_usd_per_dmt.2026"]["source"] == "a captive deal"


def test_replace_keeps_only_the_knots_given(tmp_path):
    s = _load(tmp_path, "[prices.tc_usd_per_dmt]\nreplace = true\n2026 = 80.0\n2030 = 90.0\n")
    tc = _tc(s)
    # 80 + (90 - 80) x (year - 2026) / 4 between the knots, 90 after
    assert [tc[y] for y in range(2026, 2031)] == [80.0, 82.5, 85.0, 87.5, 90.0]
    assert tc[2040] == tc[2060] == 90.0


def test_replace_drops_the_case_knots_the_user_did_not_give(tmp_path):
    s = _load(tmp_path, "[prices.tc_usd_per_dmt]\nreplace = true\n2027 = 80.0\n2031 = 90.0\n")
    tc = _tc(s)
    assert s.prices["tc_usd_per_dmt"] == {2027: 80.0, 2031: 90.0}
    # flat 80 before 2027 (not the case's 0 in 2026), 80 + 10 x 2/4 = 85 in 2029, 90 after
    assert tc[2026] == 80.0 and tc[2029] == 85.0 and tc[2035] == 90.0
    merged = _tc(_load(tmp_path, "[prices.tc_usd_per_dmt]\n2027 = 80.0\n2031 = 90.0\n"))
    # merged instead: knots 2026 = 0, 2027 = 80, 2030 = 60, 2031 = 90; 2029 = 80 - 20 x 2/3
    assert merged[2026] == 0.0 and merged[2029] == pytest.approx(80.0 - 20.0 * 2 / 3, abs=1e-12)


@pytest.mark.parametrize("marker", ["", "replace = false\n"])
def test_knots_without_a_marker_still_merge_into_the_case_deck(tmp_path, marker):
    s = _load(tmp_path, f"[prices.tc_usd_per_dmt]\n{marker}2026 = 80.0\n")
    assert s.prices["tc_usd_per_dmt"] == {2026: 80.0, 2030: 60.0}  # the case's 2030 kept
    tc = _tc(s)
    assert tc[2028] == 70.0 and tc[2040] == 60.0  # 80 + (60 - 80) x 2/4
    assert s.provenance["prices.tc_usd_per_dmt.2030"]["tag"] == "E"  # the case's source


def test_other_series_keep_the_case_deck(tmp_path, default_scenario):
    s = _load(tmp_path, "[prices.tc_usd_per_dmt]\nflat = 80.0\n")
    assert {k: v for k, v in s.prices.items() if k != "tc_usd_per_dmt"} == {
        k: v for k, v in default_scenario.prices.items() if k != "tc_usd_per_dmt"
    }


@pytest.mark.parametrize(
    ("table", "says"),
    [
        ("flat = 80.0\n2026 = 70.0", "flat sets every year, so it takes no year knots"),
        ("replace = true", "replace = true keeps only the year knots given, and none is"),
        ("flat = 80.0\nreplace = true", "flat already replaces the series"),
        ('flat = "80"', "flat: got '80'; expected a number"),
        ('replace = "yes"\n2026 = 1.0', "replace: got 'yes'; expected true or false"),
    ],
)
def test_a_bad_combination_exits_2_with_one_line_and_writes_nothing(tmp_path, table, says):
    path = tmp_path / "bad.toml"
    path.write_text(f"[prices.tc_usd_per_dmt]\n{table}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(path), "--out", str(out)])
    assert result.exit_code == 2
    [line] = result.output.strip().splitlines()
    assert line.startswith(f"{path}:1: prices.tc_usd_per_dmt: {says}"), line
    assert not out.exists()


def test_the_run_writes_the_resolved_deck_to_prices_csv(tmp_path):
    path = tmp_path / "deck.toml"
    path.write_text(
        "[prices.tc_usd_per_dmt]\nflat = 80.0\n"
        "[prices.rc_usc_per_lb]\nreplace = true\n2026 = 8.0\n2030 = 9.0\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["run", str(path), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO((tmp_path / "deck" / "prices.csv").read_text())))
    assert {r["tc_usd_per_dmt"] for r in rows} == {"80"}
    rc = {int(r["year"]): float(r["rc_usc_per_lb"]) for r in rows}
    assert min(rc) == 2027  # the run's years start with construction
    assert rc[2027] == 8.25 and rc[2028] == 8.5 and rc[2040] == 9.0  # 8 + (9 - 8) x (y - 2026)/4
    cu = {int(r["year"]): float(r["cu_usd_per_t"]) for r in rows}
    assert cu[2027] == 12250.0 and cu[2028] == 11500.0 and cu[2035] == 10000.0  # the case's
    assert set(rows[0]) <= set(outputs.group("prices"))


@pytest.mark.parametrize("case", ["copper", "gold", "antimony"])
def test_every_column_of_prices_csv_is_declared(case):
    from orevalue.report.files import prices_csv

    scenario = orevalue.load(case=case)
    results = orevalue.evaluate(scenario, breakeven=False, detail=False, compare=False)
    header = prices_csv(results).splitlines()[0].split(",")
    assert header[0] == "year" and set(header) <= set(outputs.group("prices"))
    assert set(header[1:]) == set(scenario.prices)
