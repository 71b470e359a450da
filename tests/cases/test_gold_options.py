"""The gold case's two options, by hand: LBMA Good Delivery bars fetch the gold price only from
year 4 of operation (before, a non-listed refiner's 0.5 % discount), and a CIL plant turning a
proven oxide ore into doré, off until a scenario turns it on."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import orevalue
from orevalue import catalog
from orevalue.cli import app
from orevalue.economics import terms
from orevalue.economics.pricing import Market
from orevalue.params import Params

CIL = (Path(__file__).parents[1] / "data" / "gold-cil.toml").read_text(encoding="utf-8")
YEARS = np.arange(2029, 2034)
#: the gold deck (4,500 in 2026 to 3,200 in 2030, flat after) and the listing discount
GOLD = np.array([4500.0 - 1300.0 * 3 / 4, 3200.0, 3200.0, 3200.0, 3200.0])
DISCOUNT = np.array([-0.005 * 3525.0, -0.005 * 3200.0, -0.005 * 3200.0, 0.0, 0.0])


def test_lbma_bars_fetch_the_gold_price_only_from_year_4():
    """First feed 2029; listed from 2032 (3 years of operation + ~6 months' assessment, GA
    §9.2). One oz of Good Delivery bars: 3,525 - 17.6 in 2029, 3,200 - 16 in 2030-31, then
    3,200 flat."""
    scenario = orevalue.load(case="gold")
    p = Params.from_scenario(scenario)
    market = Market.from_params(p, YEARS)
    oz = np.ones((1, YEARS.size))
    lot = terms.Lot({"au": oz / catalog.OZ_PER_T}, None)
    value = terms.value(scenario, p, "lbma_bars", lot, market, 0.0)
    np.testing.assert_allclose(value.total_usd[0], GOLD + DISCOUNT, rtol=1e-12)
    assert DISCOUNT[-2:].tolist() == [0.0, 0.0] and DISCOUNT[2] == pytest.approx(-16.0)


def test_the_lbma_pathway_earns_the_discount_less_than_bars_at_home_until_listed():
    """Both pathways refine the same gold to the same bars: sold at the full price at home,
    or exported as Good Delivery bars at the discount until 2032. Revenue differs by the
    bars' oz x the discount each year, nothing from 2032."""
    scenario = orevalue.load(case="gold")
    results = orevalue.evaluate(scenario)
    home, lbma = results.pathways["bars_home"].case, results.pathways["bars_lbma"].case
    at = {int(y): i for i, y in enumerate(results.years)}
    oz = lbma.flows.streams["lbma_bars"]["au"][0] * catalog.OZ_PER_T
    gap = lbma.lines["revenue"][0] - home.lines["revenue"][0]
    for k, year in enumerate(YEARS):
        assert gap[at[int(year)]] == pytest.approx(oz[at[int(year)]] * DISCOUNT[k], rel=1e-9)
    assert np.all(gap[at[2032] :] == pytest.approx(0.0, abs=1e-6))
    assert gap[at[2031]] < -1e6  # ~0.5 % of ~USD 600 m of bars


def test_the_cil_option_is_off_in_the_default_case():
    scenario = orevalue.load(case="gold")
    assert "oxide_ore" not in scenario.active_feeds() and "ore_dore" not in scenario.pathways


def test_cil_ore_to_dore_by_hand(tmp_path):
    """1.0 Mt/yr of ore at 1.5 g/t, 92 % recovered (GA §14.3): 1.38 t Au a year in doré of
    85 % Au; sold at 99.9 % payable less 1 USD/oz, 2032 at 3,200 USD/oz:
    1.38 x 32,150.75 x 0.999 x 3,199 = USD 141.8 m. Gold in = gold in doré + tailings."""
    path = tmp_path / "gold-cil.toml"
    path.write_text(CIL)
    scenario = orevalue.load(path)
    results = orevalue.evaluate(scenario)
    case = results.pathways["ore_dore"].case
    at = {int(y): i for i, y in enumerate(results.years)}
    dore_au = case.flows.streams["cil_dore"]["au"][0]
    assert dore_au[at[2032]] == pytest.approx(1.0e6 * 1.5e-6 * 0.92, rel=1e-12)
    fed = case.flows.feeds_processed_dry_t["oxide_ore"][0] * 1.5e-6
    tails = case.flows.streams["cil_tailings"]["au"][0]
    np.testing.assert_allclose(dore_au + tails, fed, rtol=1e-12)
    mass = case.flows.mass_t(scenario, Params.from_scenario(scenario), "cil_dore")[0]
    assert mass[at[2032]] == pytest.approx(1.38 / 0.85, rel=1e-12)
    revenue = 1.38 * catalog.OZ_PER_T * 0.999 * (3200.0 - 1.0)
    assert case.lines["revenue"][0][at[2032]] == pytest.approx(revenue, rel=1e-9)
    assert revenue == pytest.approx(141.8e6, rel=1e-3)


def test_the_cil_pathway_with_its_feed_off_exits_2_naming_the_field(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(CIL.replace("enabled = true", "enabled = false"))
    result = CliRunner().invoke(app, ["run", str(path), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "pathways.ore_dore.stages" in result.output and "Traceback" not in result.output


def test_a_stage_sized_by_a_feed_it_does_not_take_exits_2_naming_the_field(tmp_path):
    """A stage may be sized by the dry tonnes of a feed among its inputs (the CIL by its
    ore), not by any other feed's."""
    path = tmp_path / "bad.toml"
    path.write_text(CIL + '\n[stages.cil]\nbasis = "scrap"\n')
    result = CliRunner().invoke(app, ["run", str(path), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "stages.cil.basis" in result.output and "no stream named 'scrap'" in result.output
