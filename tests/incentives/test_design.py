"""The designer against independent checks: a one-lever case against SciPy's brentq on the
engine, the package re-run through its overlay and ``orevalue run``, zero cost at zero."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from package_checks import assert_plant_matches_package
from scipy.optimize import brentq
from typer.testing import CliRunner

from orevalue import api
from orevalue.cli import app
from orevalue.incentives.design import design
from orevalue.incentives.evaluate import LEVELS, make_setup, price
from orevalue.incentives.levers import load_levers, with_targets

runner = CliRunner()


def test_public_cost_and_gain_are_zero_at_zero_levers(setup):
    zero = price(setup, np.zeros((2, len(setup.levers.levers))))
    assert np.all(zero.cost_pv_usd() == 0.0)
    for level in LEVELS:
        assert np.all(zero.cost_pv_usd(level) == 0.0)
    assert np.all(zero.spending_pv_usd == 0.0)
    ref = setup.reference.result.plant
    np.testing.assert_array_equal(zero.npv_usd, np.repeat(ref["npv_usd"], 2))


@pytest.fixture(scope="module")
def grant_only(tmp_path_factory) -> tuple:
    """An all-equity plant (no DSCR to meet) with one lever, the capital grant."""
    folder = tmp_path_factory.mktemp("grant")
    case = folder / "no-debt.toml"
    case.write_text("[finance]\ndebt_pct_of_capex = 0.0\n", encoding="utf-8")
    levers = folder / "levers.toml"
    levers.write_text('use = ["capex_grant"]\n[capex_grant]\nrange = [0.0, 60.0]\n')
    scenario = api.load(case).scenario
    table = load_levers(levers)
    probe = make_setup(scenario, table, "cathode")
    irr = price(probe, np.array([[0.0], [60.0]])).equity_irr
    target_pct = 100.0 * (0.4 * irr[0] + 0.6 * irr[1])  # reachable, inside the range
    return scenario, with_targets(table, target_pct, 1.3), target_pct


def test_one_lever_optimum_matches_brentq_on_the_engine(grant_only):
    scenario, table, target_pct = grant_only
    setup = make_setup(scenario, table, "cathode")
    found = design(setup, levels=7, n_random=50)
    assert found.bankable
    amount = found.package["capex_grant"]

    def gap(x: float) -> float:  # the engine itself, one package at a time
        return float(price(setup, np.array([[x]])).equity_irr[0]) - target_pct / 100.0

    root = brentq(gap, 0.0, 60.0, xtol=1e-6)
    assert amount == pytest.approx(root, abs=1e-3 * 60.0)
    assert found.package_metrics["equity_irr"] >= target_pct / 100.0 - 1e-9


def test_no_package_says_which_constraint_binds_and_how_far(setup):
    found = design(setup, levels=3, n_random=20)  # 12 % and 1.3 are out of reach by default
    assert not found.bankable and found.package is None
    text = " ".join(found.binding)
    irr = found.at_limit["equity_irr"]
    assert f"the equity IRR is {100 * irr:.1f} % < 12 %" in text
    assert "minimum DSCR" in text


def test_package_reaches_the_target_through_the_overlay_and_orevalue_run(tmp_path: Path):
    overlay = tmp_path / "pkg.toml"
    args = ["incentives", "--target-irr", "0", "--min-dscr", "0", "--out", str(tmp_path)]
    result = runner.invoke(app, [*args, "--write-overlay", str(overlay), "-q"])
    assert result.exit_code == 0, result.output
    found = json.loads(
        (tmp_path / "balochistan-copper" / "incentives" / "incentives.json").read_text()
    )
    assert found["bankable"] and overlay.exists()
    folder = tmp_path / "balochistan-copper" / "incentives"
    assert {p.name for p in folder.iterdir()} == {
        "incentives.json",
        "ranking.csv",
        "pareto.csv",
        "package.csv",
    }
    assert "lever,amount,unit,pays" in (folder / "package.csv").read_text()
    run = runner.invoke(app, ["run", str(overlay), "--out", str(tmp_path / "run"), "-q"])
    assert run.exit_code == 0, run.output
    again = api.evaluate(api.load(overlay), breakeven=False, detail=False, compare=False)
    plant = again.pathways["cathode"].plant
    # the hurdle is the private shareholders' IRR: the default case's one private holder
    assert found["targets"]["equity"] == "private"
    assert plant["equity_irr_chinese_partner"][0] >= -1e-9
    assert plant["dscr_min"][0] >= -1e-9
    m = found["package_metrics"]
    assert_plant_matches_package(plant, m)


def test_loss_probability_is_met_along_the_ray_or_said_to_bind():
    loaded = api.load()
    met = api.incentives(loaded, None, 0.0, 0.0, max_loss_probability=0.95, risk_samples=400)
    assert met.risk["met"] and met.bankable
    assert met.risk["package_loss_probability"] <= 0.95
    assert met.package_metrics["equity_irr"] >= -1e-9  # still reaches the IRR target
    missed = api.incentives(loaded, None, 0.0, 0.0, max_loss_probability=0.5, risk_samples=400)
    assert not missed.risk["met"] and missed.package is None
    assert any("P(NPV < 0)" in line and "> 0.5" in line for line in missed.binding)


def test_overlay_of_an_input_workbook_carries_its_rows(tmp_path: Path):
    book = tmp_path / "case.xlsx"
    assert runner.invoke(app, ["init", "--xlsx", str(book)]).exit_code == 0
    overlay = tmp_path / "pkg.toml"
    args = ["incentives", str(book), "--target-irr", "0", "--min-dscr", "0", "-q"]
    result = runner.invoke(app, [*args, "--out", str(tmp_path), "--write-overlay", str(overlay)])
    assert result.exit_code == 0, result.output
    again = api.evaluate(api.load(overlay), breakeven=False, detail=False, compare=False)
    assert again.pathways["cathode"].plant["equity_irr"][0] >= -1e-9
