"""Values of a terms case's price series within their series' range, and a fiscal regime
that is not a name, each one line with exit code 2 (issue 11)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import orevalue
from orevalue.cli import app
from orevalue.scenario import ScenarioError
from orevalue.scenario.fields import PRICE_LIMIT, price_range
from orevalue.template import template_text

runner = CliRunner()


def _run(tmp_path: Path, text: str) -> tuple[Path, Path, list[str]]:
    """``orevalue run`` on a file holding ``text``: the file, --out and the lines of stderr."""
    path = tmp_path / "case.toml"
    path.write_text(text)
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(path), "--out", str(out), "-q"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and result.stdout == ""
    return path, out, result.stderr.splitlines()


# a charge may be below 0 (spot treatment charges were in 2024), a metal's price may not
TERMS_CASES = {
    "huge_charge": (
        "tc_usd_per_dmt = 1e308",
        "got 1e+308; must be <= 1000000.0, allowed -1e+06 to 1e+06 (treatment charge, USD/dmt)",
    ),
    "huge_price": (
        "cu_usd_per_t = 1e308",
        "got 1e+308; must be <= 1000000.0, allowed 0 to 1e+06 (copper (LME cash), USD/t)",
    ),
    "negative_price": (
        "au_usd_per_oz = -1.0",
        "got -1; must be >= 0, allowed 0 to 1e+06 (gold, USD/oz)",
    ),
    "charge_below_range": (
        "rc_usc_per_lb = -2e6",
        "got -2000000.0; must be >= -1000000.0, allowed -1e+06 to 1e+06 "
        "(refining charge, US cents/lb)",
    ),
}


@pytest.mark.parametrize("case", TERMS_CASES, ids=list(TERMS_CASES))
def test_a_terms_case_price_outside_its_range_is_refused(case: str, tmp_path: Path) -> None:
    line, expected = TERMS_CASES[case]
    key = line.split(" = ")[0]
    path, out, lines = _run(tmp_path, f'[terms_cases.high]\nlabel = "x"\n{line}\n')
    assert lines == [f"{path}:3: terms_cases.high.{key}: {expected}"]
    assert not out.exists()


def test_a_negative_charge_or_premium_is_a_price_a_case_may_set(tmp_path: Path) -> None:
    path = tmp_path / "negative-tc.toml"
    path.write_text(
        "[terms_cases.spot_2024]\ntc_usd_per_dmt = -10.0\ncathode_premium_usd_per_t = -50.0\n"
    )
    case = orevalue.load(path).terms_cases["spot_2024"]
    assert case.prices == {"tc_usd_per_dmt": -10.0, "cathode_premium_usd_per_t": -50.0}


def test_a_deck_holds_the_same_floor(tmp_path: Path) -> None:
    path, out, lines = _run(tmp_path, "[prices.cu_usd_per_t]\n2030 = -5.0\n")
    assert lines == [
        f"{path}:2: prices.cu_usd_per_t.2030: got -5; must be >= 0, allowed 0 to 1e+06 "
        "(copper (LME cash), USD/t)"
    ]
    assert not out.exists()


def test_ranges_by_what_a_series_prices() -> None:
    assert price_range("cu_usd_per_t") == (0.0, PRICE_LIMIT)  # an element
    assert price_range("tc_usd_per_dmt") == (-PRICE_LIMIT, PRICE_LIMIT)  # a charge
    assert price_range("acid_netback_usd_per_t") == (-PRICE_LIMIT, PRICE_LIMIT)  # a netback
    assert price_range("rod_premium_usd_per_t") == (-PRICE_LIMIT, PRICE_LIMIT)  # a premium


def test_init_shows_a_terms_case_series_range() -> None:
    lines = template_text().splitlines()
    at = lines.index("[terms_cases.benchmark_2026]")
    assert "# treatment charge, USD/dmt [-1e+06 to 1e+06]" in lines[at : at + 6]


REGIMES = {
    "number": ("regime = 5", "got 5"),
    "bool": ("regime = true", "got True"),
    "list": ('regime = ["sez"]', "got ['sez']"),
    "sourced_number": ('regime = { value = 5.5, source = "x" }', "got 5.5"),
}


@pytest.mark.parametrize("case", REGIMES, ids=list(REGIMES))
def test_a_regime_that_is_not_text_is_one_line(case: str, tmp_path: Path) -> None:
    line, got = REGIMES[case]
    path, out, lines = _run(tmp_path, f"[fiscal]\n{line}\n")
    known = "pakistan-standard, sez, epz, gwadar-free-zone, reko-diq-terms"
    assert lines == [
        f"{path}:2: fiscal.regime: {got}; expected a regime's name in quotes (known: {known})"
    ]
    assert not out.exists()


def test_a_regime_given_as_a_table_is_one_line(tmp_path: Path) -> None:
    path, out, lines = _run(tmp_path, '[fiscal.regime]\nname = "sez"\n')
    (line,) = lines
    assert line.startswith(f"{path}:1: fiscal.regime: got {{'name': 'sez'}}; expected text")
    assert not out.exists()
    with pytest.raises(ScenarioError):
        orevalue.load(path)


def test_terms_paying_for_an_element_without_a_deck_are_refused(tmp_path: Path) -> None:
    # found by the long fuzz: antimony has a price series but the copper case no deck for
    # it, and the run ended in a KeyError
    path, out, lines = _run(tmp_path, 'terms.concentrate.element = "sb"\n')
    assert lines == [
        f"{path}:1: terms.concentrate: pays for 'sb' but the case has no [prices.sb_usd_per_t] deck"
    ]
    assert not out.exists()
