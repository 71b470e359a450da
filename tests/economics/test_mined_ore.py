"""Ore in the ground that a pathway's own stages mine (a ``mined`` feed: the gold case's oxide
ore under the CIL option): the CIL plant pays the mine royalty on the gold it recovers, and the
pathways that do not mine the ore leave it in the ground (not exported, not traded)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import orevalue
from orevalue import catalog
from orevalue.report.files import balances

CIL = (Path(__file__).parents[1] / "data" / "gold-cil.toml").read_text(encoding="utf-8")
#: the gold case's pathways that do not mine the oxide ore
OTHERS = ("export", "bars_home", "bars_abroad", "bars_lbma")
#: country figures of the ore's trade: export earnings, and every tonnage that leaves a site
TRADE_KEYS = (
    "export_earnings_usd_per_yr",
    "export_earnings_pv_usd",
    "freight_feed_to_port_wet_t_per_yr",
    "freight_feed_to_plant_wet_t_per_yr",
    "freight_products_to_port_t_per_yr",
    "freight_ocean_t_per_yr",
    "freight_road_t_per_yr",
    "freight_rail_t_per_yr",
)


def _evaluate(tmp_path, text: str):
    path = tmp_path / "gold-cil.toml"
    path.write_text(text, encoding="utf-8")
    return orevalue.evaluate(orevalue.load(path), breakeven=False, compare=False)


@pytest.fixture(scope="module")
def cil_on(tmp_path_factory):
    return _evaluate(tmp_path_factory.mktemp("cil"), CIL)


@pytest.fixture(scope="module")
def cil_off():
    return orevalue.evaluate(orevalue.load(case="gold"), breakeven=False, compare=False)


def test_the_cil_plant_pays_the_mine_royalty_on_the_gold_it_recovers_by_hand(cil_on):
    """2032 (full output): 1.0 Mt of ore at 1.5 g/t, 92 % recovered to doré = 1.38 t Au =
    44,368 oz; at 3,200 USD/oz and the case's 5 % provincial royalty (no federal one):
    0.05 x 44,368 x 3,200 = USD 7.10 m, to the province as mine royalty, in the plant's
    royalty line."""
    case = cil_on.pathways["ore_dore"].case
    at = {int(y): i for i, y in enumerate(cil_on.years)}[2032]
    oz = 1.0e6 * 1.5e-6 * 0.92 * catalog.OZ_PER_T
    royalty = 0.05 * oz * 3200.0
    assert royalty == pytest.approx(7.10e6, rel=1e-3)
    assert case.government["mine_royalty_province"][0, at] == pytest.approx(royalty, rel=1e-12)
    assert case.government["mine_royalty_federal"][0, at] == 0.0
    plant_royalty = case.government["plant_royalty_province"][0, at]
    assert case.lines["royalty"][0, at] == pytest.approx(royalty + plant_royalty, rel=1e-12)
    # every year: rate x the gold in the doré x the gold price
    gold_usd_per_oz = np.interp(cil_on.years, [2026, 2030], [4500.0, 3200.0])
    dore_oz = case.flows.streams["cil_dore"]["au"][0] * catalog.OZ_PER_T
    np.testing.assert_allclose(
        case.government["mine_royalty_province"][0], 0.05 * dore_oz * gold_usd_per_oz, rtol=1e-12
    )


def test_the_mine_royalty_is_a_cost_of_the_cil_plant_and_revenue_of_the_province(tmp_path, cil_on):
    """Against the same case at a 0 % royalty: the plant's EBITDA falls by the royalty, every
    year; the province's mine royalty (country view, present value) rises by its present
    value; the other pathways' mine royalty (on the small mines' doré) does not move; and
    the plant's stakeholders still add up to revenue less feed."""
    free = _evaluate(tmp_path, CIL + "[mine]\nroyalty_province_pct = 0.0\n")
    a, b = cil_on.pathways["ore_dore"], free.pathways["ore_dore"]
    royalty = a.case.government["mine_royalty_province"]
    np.testing.assert_allclose(
        b.case.lines["ebitda"] - a.case.lines["ebitda"], royalty, rtol=1e-9, atol=1e-3
    )
    rate = cil_on.params["project.discount_rate_pct"][0, 0] / 100.0
    pv = float((royalty[0] / (1.0 + rate) ** np.arange(royalty.shape[1])).sum())
    key = "government_pv_usd_mine_royalty_province"
    doré = cil_on.pathways["export"].country[key][0]
    assert a.country[key][0] == pytest.approx(doré + pv, rel=1e-9)
    assert cil_on.pathways["bars_home"].country[key][0] == pytest.approx(doré, rel=1e-12)
    parts = sum(a.case.stakeholders.values())
    np.testing.assert_allclose(
        parts, a.case.lines["revenue"] - a.case.lines["feed_cost"], rtol=1e-9, atol=1e-3
    )


def test_pathways_that_do_not_mine_the_ore_trade_as_with_the_cil_option_off(cil_on, cil_off):
    """The ore left in the ground is no export: each other pathway's export earnings by
    product, its exported and shipped tonnages and its balance are those of the case with
    the CIL option off (worked out by running it)."""
    np.testing.assert_array_equal(cil_on.years, cil_off.years)
    for name in OTHERS:
        on, off = cil_on.pathways[name], cil_off.pathways[name]
        assert on.exports_fob_usd.keys() == off.exports_fob_usd.keys()
        assert "oxide_ore" not in on.exports_fob_usd
        for product, fob in off.exports_fob_usd.items():
            np.testing.assert_allclose(on.exports_fob_usd[product], fob, rtol=1e-12)
        for key in TRADE_KEYS:
            assert on.country[key][0] == pytest.approx(off.country[key][0], rel=1e-12), (name, key)
    on_balance, off_balance = balances(cil_on), balances(cil_off)
    for name in OTHERS:
        on_closure, off_closure = on_balance[name]["closure"], off_balance[name]["closure"]
        assert on_closure.keys() == off_closure.keys()
        for key, value in off_closure.items():
            np.testing.assert_allclose(on_closure[key], value, rtol=1e-12, err_msg=key)
        assert "oxide_ore" not in on_balance[name]["feeds"]
        assert "oxide_ore" not in on_balance[name]["products"]


def test_the_cil_pathway_mines_its_ore_and_exports_none_of_it(cil_on):
    """In the ramp-up years the CIL mines less than the deposit's 1 Mt/yr: the rest stays in
    the ground, not shipped (only the scrap and doré it does not refine are); its feed is
    what it mines, and the gold closes."""
    r = cil_on.pathways["ore_dore"]
    assert "oxide_ore" not in r.exports_fob_usd
    available = r.case.flows.feeds_available_dry_t["oxide_ore"]
    mined = r.case.flows.feeds_processed_dry_t["oxide_ore"]
    np.testing.assert_array_equal(available, mined)
    at = {int(y): i for i, y in enumerate(cil_on.years)}
    assert mined[0, at[2029]] == pytest.approx(1.0e6 * 50.0 / 92.0, rel=1e-12)
    # shipped as it is: only the scrap and domestic doré (6.0 + 0.6 t, dry metal) it leaves
    assert r.country["freight_feed_to_port_wet_t_per_yr"][0] == pytest.approx(6.6, rel=1e-12)
    closure = balances(cil_on)["ore_dore"]["closure"]
    np.testing.assert_allclose(closure["au_out_t_per_yr"], closure["au_in_t_per_yr"], rtol=1e-12)
