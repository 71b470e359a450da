"""The [uncertainty] table: what it accepts, and one clear line per problem otherwise."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

import orevalue
from orevalue.cli import app
from orevalue.risk import spec
from orevalue.risk.distributions import LogNormal, Triangular
from orevalue.scenario import ScenarioError


def _load(tmp_path, text: str):
    path = tmp_path / "case.toml"
    path.write_text(text, encoding="utf-8")
    return orevalue.load(path)


def _problems(tmp_path, text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        spec.build(_load(tmp_path, text))
    return [str(p) for p in info.value.problems]


def test_the_default_case_resolves_with_sources_and_tags():
    s = orevalue.load()
    resolved = spec.build(s)
    paths = {i.path: i for i in resolved.inputs}
    cu = paths["prices.cu_usd_per_t.2030"]
    assert isinstance(cu.dist, LogNormal) and cu.tag == "E" and "CTE" in cu.source
    # a triangular without mode takes the scenario's value as its mode
    acid = paths["site.acid_netback_usd_per_t"]
    assert isinstance(acid.dist, Triangular) and acid.dist.mode == s.site.acid_netback_usd_per_t
    assert resolved.fixed == {"project.discount_rate_pct": s.project.discount_rate_pct}
    assert {x.name for x in resolved.prices.series} >= {"cu_usd_per_t", "tc_usd_per_dmt"}
    assert resolved.prices.linked[0].name == "rc_usc_per_lb"


def test_unknown_input_gets_a_did_you_mean(tmp_path):
    problems = _problems(
        tmp_path,
        '[uncertainty.inputs."site.power_usd_per_kwhh"]\n'
        'value = { dist = "uniform", low = 0.1, high = 0.2 }\n',
    )
    assert len(problems) == 1
    assert (
        "case.toml:1: uncertainty.inputs.site.power_usd_per_kwhh: no numeric input" in problems[0]
    )
    assert "did you mean 'site.power_usd_per_kwh'?" in problems[0]


def test_a_key_that_does_not_fit_the_distribution(tmp_path):
    problems = _problems(
        tmp_path,
        "[uncertainty.inputs]\n"
        '"site.fuel_usd_per_gj" = { dist = "uniform", low = 1.0, mode = 2.0, high = 3.0 }\n',
    )
    assert len(problems) == 1
    assert problems[0].endswith(
        "case.toml:2: uncertainty.inputs.site.fuel_usd_per_gj: 'mode' does not apply to "
        'dist = "uniform" (it takes low, high)'
    )


def test_changing_the_kind_drops_what_the_default_case_gave(tmp_path):
    # the default gives site.location_factor a lognormal (p10, p90); a uniform replaces it
    s = _load(
        tmp_path,
        '[uncertainty.inputs."site.location_factor"]\n'
        'value = { dist = "uniform", low = 0.8, high = 1.2 }\n',
    )
    resolved = {i.path: i for i in spec.build(s).inputs}
    assert resolved["site.location_factor"].dist.p10_p90() == pytest.approx((0.84, 1.16))


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        ('{ dist = "triangular", low = 3.0, high = 1.0 }', "low (3.0) must not exceed high"),
        ('{ dist = "lognormal", p10 = 5.0, p90 = 2.0 }', "p10 (5.0) must be below p90"),
        ('{ dist = "lognormal", p10 = -1.0, p90 = 2.0 }', "got -1.0; must be > 0"),
        ('{ dist = "gamma", low = 1.0 }', "expected one of"),
        ('{ dist = "triangular", low = 30.0, high = 40.0 }', "lies outside low..high"),
        ('{ dist = "uniform", low = 5.0, high = 120.0 }', "fall outside what feeds.concentrate"),
    ],
)
def test_bad_distributions_are_named(tmp_path, entry, words):
    path = (
        "feeds.concentrate.cu_pct"
        if "high = 120" in entry or "30.0" in entry
        else "site.fuel_usd_per_gj"
    )
    problems = _problems(tmp_path, f'[uncertainty.inputs]\n"{path}" = {entry}\n')
    assert len(problems) == 1 and words in problems[0], problems


def test_a_setting_the_model_does_not_read_per_sample_is_refused(tmp_path):
    problems = _problems(
        tmp_path,
        "[uncertainty.inputs]\n"
        '"project.operating_years" = { dist = "uniform", low = 20.0, high = 30.0 }\n',
    )
    assert "reads this setting once for the whole run" in problems[0]


def test_correlation_matrix_is_checked(tmp_path):
    problems = _problems(
        tmp_path,
        "[uncertainty.correlation]\n"
        'inputs = ["site.location_factor", "project.owner_and_infra_pct", "site.fuel_usd_per_gj",'
        ' "site.security_usd_per_yr"]\n'
        "matrix = [[1.0, 0.9, 0.9, 0.0], [0.9, 1.0, -0.9, 0.0], [0.9, -0.9, 1.0, 0.0],"
        " [0.0, 0.0, 0.0, 1.0]]\n",
    )
    assert any("inputs.3: 'site.security_usd_per_yr' has no distribution" in p for p in problems)
    assert any(
        "uncertainty.correlation.matrix: is not positive semi-definite" in p for p in problems
    )


def test_price_series_errors(tmp_path):
    problems = _problems(
        tmp_path,
        "[uncertainty.prices]\n"
        'cu_usd_per_tt = { process = "log", volatility_pct = 20.0 }\n'
        'cathode_premium_usd_per_t = { process = "log" }\n',
    )
    assert any(
        "no price series 'cu_usd_per_tt'; did you mean 'cu_usd_per_t'?" in p for p in problems
    )
    assert any('process = "log" needs volatility_pct' in p for p in problems)


def test_prices_can_be_switched_off(tmp_path):
    s = _load(tmp_path, "[uncertainty.prices]\nenabled = false\n")
    assert spec.build(s).prices is None


def test_cli_reports_bad_input_with_exit_code_2(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[uncertainty.inputs]\n"site.powr_usd_per_kwh" = { dist = "fixed" }\n')
    result = CliRunner().invoke(app, ["risk", str(path), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "bad.toml:2: uncertainty.inputs.site.powr_usd_per_kwh" in result.output


def test_cli_writes_summary_and_samples(tmp_path):
    result = CliRunner().invoke(
        app,
        [
            "risk",
            "--samples",
            "600",
            "--seed",
            "4",
            "--sobol",
            "32",
            "--parquet",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    folder = tmp_path / "balochistan-copper" / "risk"
    summary = json.loads((folder / "summary.json").read_text())
    cathode = summary["pathways"]["cathode"]
    assert cathode["npv_usd"]["n"] == 600
    assert cathode["npv_usd"]["p10"] <= cathode["npv_usd"]["p50"] <= cathode["npv_usd"]["p90"]
    assert 0.0 <= cathode["prob_beats_baseline"] <= 1.0
    assert summary["tornado"]["cathode.npv_usd"]["bars"]
    assert summary["sobol"]["indices"]["cathode.npv_usd"]
    import pyarrow.parquet as pq

    table = pq.read_table(folder / "samples.parquet")
    assert table.num_rows == 600
    npv = table.column("cathode.npv_usd").to_numpy()
    assert np.quantile(npv, 0.5) == pytest.approx(cathode["npv_usd"]["p50"])
    assert "P(beats export)" in result.output and "Top drivers" in result.output
