"""Whole-model checks: identities, sample independence, break-even, independent cross-checks."""

from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pytest

import orevalue
from orevalue.economics import schedule
from orevalue.economics.plant import INVESTOR, INVESTOR_LINES, plant_case
from orevalue.economics.plant_costs import OPEX_PARTS
from orevalue.economics.pricing import Market
from orevalue.economics.sales import margin_parts_keys
from orevalue.engine import charge_paths
from orevalue.params import Params

VARIED = {
    "prices.cu_usd_per_t.2030": [8_000.0, 10_000.0, 14_000.0, 9_000.0],
    "prices.tc_usd_per_dmt.2030": [-50.0, 60.0, 95.0, 0.0],
    "stages.smelter.capex_ref_usd": [300e6, 440e6, 700e6, 500e6],
    "site.acid_netback_usd_per_t": [-25.0, 40.0, 120.0, 0.0],
    "feeds.concentrate.cu_pct": [24.0, 28.0, 33.0, 30.0],
    "stages.smelter.split.anode.cu": [97.5, 98.6, 99.2, 98.0],
}


def test_many_samples_equal_each_sample_alone(default_scenario):
    s = default_scenario
    n = 4
    together = orevalue.evaluate(s, Params.from_scenario(s, n).replace(VARIED))
    for i in range(n):
        alone = orevalue.evaluate(
            s, Params.from_scenario(s).replace({k: v[i] for k, v in VARIED.items()})
        )
        for name, r in alone.pathways.items():
            both = together.pathways[name]
            for group in ("plant", "country", "margin_usd_per_t"):
                for key, value in getattr(r, group).items():
                    np.testing.assert_allclose(
                        getattr(both, group)[key][i],
                        value[0],
                        rtol=1e-9,
                        atol=1e-6,
                        err_msg=f"{name} {group}.{key} sample {i}",
                    )


def test_margin_parts_add_up_to_ebitda(default_results):
    for r in default_results.pathways.values():
        if not r.builds:
            continue
        m = r.margin_usd_per_t
        keys = margin_parts_keys(default_results.scenario, r.name)
        assert keys == tuple(r.case.margin_parts) and keys[0] == "free_copper"
        parts = sum(m[k] for k in keys) + sum(m[f"cost_{k}"] for k in OPEX_PARTS)
        parts = parts + m["cost_royalty"]
        np.testing.assert_allclose(parts, m["cash_margin"], rtol=1e-12)
        np.testing.assert_allclose(
            m["cash_margin"] * r.plant["product_cu_t_per_yr"],
            r.plant["ebitda_usd_per_yr"],
            rtol=1e-12,
        )
        lines = r.case.lines
        margin_sum = sum(r.case.margin_parts.values())
        np.testing.assert_allclose(margin_sum, lines["revenue"] - lines["feed_cost"], atol=1e-3)


def test_cash_flow_identities(default_results):
    for r in default_results.pathways.values():
        line = r.case.lines
        np.testing.assert_allclose(
            line["cash_flow"],
            line["revenue"]
            - line["feed_cost"]
            - line["opex"]
            - line["royalty"]
            - line["capex"]
            - line["sustaining_capex"]
            - line["working_capital_change"]
            - line["income_tax"],
            atol=1e-3,
        )
        # working capital is all released by the end; capex and depreciation do not exceed spend
        assert abs(line["working_capital_change"].sum()) < 1e-3
        assert (
            line["depreciation"].sum()
            <= line["capex"].sum() + line["sustaining_capex"].sum() + 1e-3
        )
        assert np.all(line["income_tax"] >= 0)


def test_npv_and_irr_match_numpy_financial_on_the_annual_csv(default_results):
    rate = default_results.scenario.project.discount_rate_pct / 100
    for name, r in default_results.pathways.items():
        cf = default_results.annual(name)["cash_flow"]
        assert r.plant["npv_usd"][0] == pytest.approx(npf.npv(rate, cf), rel=1e-9, abs=1e-3)
        if r.builds:
            assert r.plant["irr"][0] == pytest.approx(npf.irr(cf), abs=1e-7)


def test_breakeven_tc_gives_zero_npv(default_scenario, default_params, default_results):
    s = default_scenario
    for name, r in default_results.pathways.items():
        if not r.builds:
            continue
        tc = r.plant["breakeven_tc_usd_per_dmt"][0]
        tc_path, rc_path, _ = charge_paths(s)
        p = default_params.flat_deck(tc_path, tc).flat_deck(rc_path, tc / 10)
        npv = orevalue.evaluate(s, p, breakeven=False).pathways[name].plant["npv_usd"][0]
        assert abs(npv) < 1e-4 * r.plant["capex_initial_usd"][0]
        # and the plant loses money at the long-run TC below it
        assert r.plant["npv_usd"][0] < 0 or tc < 60


def test_baseline_exports_concentrate_fob_by_hand(default_results):
    """Full-output year 2032: 857 kt at 28 % Cu, 10.8 g/t Au, 40 g/t Ag; long-run prices."""
    base = default_results.baseline
    dmt = 857_000
    cu = dmt * 0.27 * 10_000
    au_oz = dmt * 10.8 * 0.97 / 31.1034768
    ag_oz = dmt * 40 * 0.90 / 31.1034768
    charges = dmt * 60 + dmt * 0.27 * 2204.62262185 * 0.06 + au_oz * 5 + ag_oz * 0.4
    fob = cu + au_oz * 3200 + ag_oz * 38 - charges - dmt / 0.91 * 28
    assert base.country["export_earnings_usd_per_yr"][0] == pytest.approx(fob, rel=1e-12)


def test_processing_at_2026_terms_is_worse_than_at_2018_24_terms(default_results):
    for r in default_results.pathways.values():
        if r.builds:
            cases = r.terms_cases
            assert (
                cases["benchmark_2026"]["cash_margin"][0]
                < cases["average_2018_2024"]["cash_margin"][0]
            )
            # the difference is the TC/RC alone: 73.94 USD/dmt and 7.394 c/lb on payable Cu
            diff = (
                cases["average_2018_2024"]["charges_retained"][0]
                - cases["benchmark_2026"]["charges_retained"][0]
            )
            tonnes = r.plant["product_cu_t_per_yr"][0]
            conc = 930_000 * 0.92  # nameplate x utilisation, below the 857 kt/yr available
            conc = min(conc, 857_000)
            expected = (conc * 73.94 + conc * 0.27 * 2204.62262185 * 0.07394) / tonnes
            assert diff == pytest.approx(expected, rel=1e-9)


def test_capex_scales_with_the_six_tenths_rule(default_scenario, default_results):
    """Cathode complex at 930 kt/yr nameplate: (anode Cu / 200 kt)^0.65 x 900 M x 1.2, plus 5 %
    customs duty on the 50 % of it that is imported equipment."""
    anode_cu = 930_000 * 0.28 * 0.986
    cathode_cu = anode_cu * 0.999
    expected = 1.2 * (
        (440e6 + 209e6) * (anode_cu / 200_000) ** 0.65
        + (188e6 + 63e6) * (cathode_cu / 200_000) ** 0.65
    )
    got = default_results.pathways["cathode"].plant["capex_initial_usd"][0]
    assert got == pytest.approx(expected * (1 + 0.50 * 0.05), rel=1e-12)


def test_bracketed_solver_finds_rising_and_falling_roots_and_nan_without_one():
    from orevalue.engine import _solve_bracketed

    root = np.array([3.0, -2.0, 50.0])
    rising = _solve_bracketed(lambda x: x - root, -10.0, 10.0, 3, tol=1e-9)
    falling = _solve_bracketed(lambda x: root - x, -10.0, 10.0, 3, tol=1e-9)
    np.testing.assert_allclose(rising[:2], root[:2], atol=1e-8)
    np.testing.assert_allclose(falling[:2], root[:2], atol=1e-8)
    assert np.isnan(rising[2]) and np.isnan(falling[2])  # 50 lies outside [-10, 10]


def test_a_custom_plant_loses_more_at_higher_copper_prices(default_scenario):
    """Turnover-based minimum tax and working capital grow with the metal price faster than the
    free copper a custom plant earns: NPV falls as copper rises, so no price breaks even."""
    from orevalue.engine import element_price_path

    sweep = np.array([6_000.0, 10_000.0, 14_000.0])
    path = element_price_path(default_scenario, "cathode")
    assert path == "prices.cu_usd_per_t"
    p = Params.from_scenario(default_scenario, 3).flat_deck(path, sweep)
    r = orevalue.evaluate(default_scenario, p, breakeven=False, detail=False, compare=False)
    npv = r.pathways["cathode"].plant["npv_usd"]
    assert npv[0] > npv[1] > npv[2]


@pytest.mark.parametrize("draws", ["varied", "risk"])
def test_lean_risk_run_equals_the_full_evaluation(default_scenario, draws):
    # the lean path is the full one stopped after the investor's lines: the same steps give
    # the same lines and metrics, to the bit
    s = default_scenario
    if draws == "varied":
        p = Params.from_scenario(s, 4).replace(VARIED)
    else:  # 2,000 samples of the default uncertainty, price paths included
        from orevalue.risk import spec
        from orevalue.risk.sampling import RiskModel

        model = RiskModel(s, spec.build(s))
        p = model.params(model.draws(1, 0, 2000))
    full = orevalue.evaluate(s, p, breakeven=False, detail=False, compare=False)
    lean = orevalue.evaluate(s, p, breakeven=False, detail=False, compare=False, lean=True)
    for name, r in full.pathways.items():
        short = lean.pathways[name]
        assert set(short.case.lines) == set(INVESTOR_LINES)
        for key, line in short.case.lines.items():
            np.testing.assert_array_equal(line, r.case.lines[key], err_msg=key)
        assert set(short.plant) == {"npv_usd", "irr", "capex_initial_usd", "product_cu_t_per_yr"}
        for key, value in short.plant.items():
            np.testing.assert_array_equal(value, r.plant[key], err_msg=key)
        keys = ("export_earnings_usd_per_yr", "export_earnings_pv_usd", "export_gain_pv_usd")
        assert set(short.country) == set(keys)
        for key in keys:
            np.testing.assert_array_equal(short.country[key], r.country[key], err_msg=key)
        for product, fob in short.exports_fob_usd.items():
            np.testing.assert_array_equal(fob, r.exports_fob_usd[product], err_msg=product)


def test_without_the_chain_view_every_other_result_is_the_same(default_scenario):
    # a sweep and the siting's valuation read no chain: turning it off changes nothing else
    s = default_scenario
    assert s.mine_plan is not None
    p = Params.from_scenario(s, 4).replace(VARIED)
    full = orevalue.evaluate(s, p, breakeven=False, detail=False, compare=False)
    bare = orevalue.evaluate(s, p, breakeven=False, detail=False, compare=False, chain_view=False)
    assert full.mine and not bare.mine
    for name, r in full.pathways.items():
        short = bare.pathways[name]
        assert r.chain and not short.chain
        groups = ("plant", "margin_usd_per_t", "country", "exports_fob_usd", "government_usd")
        for group in (*groups, "dollars_pv_usd"):
            mine, theirs = getattr(short, group), getattr(r, group)
            assert set(mine) == set(theirs), (name, group)
            for key, value in theirs.items():
                np.testing.assert_array_equal(mine[key], value, err_msg=f"{group}.{key}")
        for key, line in r.case.lines.items():
            np.testing.assert_array_equal(short.case.lines[key], line, err_msg=key)


def test_a_lean_case_skips_the_steps_after_the_investors_lines(default_scenario, default_params):
    s, p = default_scenario, default_params
    tl = schedule.timeline(s)
    market = Market.from_params(p, tl.years)
    case = plant_case(s, p, "cathode", tl, market, stop_after=INVESTOR)
    assert tuple(case.lines) == INVESTOR_LINES
    assert not (case.opex_parts or case.use or case.margin_parts)
    assert case.debt is None and not (case.holders or case.government or case.stakeholders)
    full = plant_case(s, p, "cathode", tl, market)
    assert tuple(full.lines)[: len(INVESTOR_LINES)] == INVESTOR_LINES
    margin_keys = set(margin_parts_keys(s, "cathode"))
    assert set(full.opex_parts) == set(OPEX_PARTS) and set(full.margin_parts) == margin_keys
    # the operating cost parts of the full case add up to the total both cases carry
    np.testing.assert_allclose(sum(full.opex_parts.values()), case.lines["opex"], rtol=1e-12)
    with pytest.raises(ValueError, match="stop_after"):
        plant_case(s, p, "cathode", tl, market, stop_after="finance")


def test_security_premium_is_the_investors_not_the_countrys(default_scenario, default_params):
    """A site's security premium raises the plant's discount rate only: the country view,
    e.g. the baseline's export earnings, is discounted at the project's rate."""
    s = default_scenario
    plain = orevalue.evaluate(s, default_params, breakeven=False, detail=False, compare=False)
    risky = orevalue.evaluate(
        s,
        default_params.replace({"site.security_premium_pct": 3.0}),
        breakeven=False,
        detail=False,
        compare=False,
    )
    base, base_risky = plain.baseline.country, risky.baseline.country
    assert base_risky["export_earnings_pv_usd"][0] == pytest.approx(
        base["export_earnings_pv_usd"][0]
    )
    assert base_risky["government_revenue_pv_usd"][0] == pytest.approx(
        base["government_revenue_pv_usd"][0]
    )
    cf = plain.annual("cathode")["cash_flow"]
    assert risky.pathways["cathode"].plant["npv_usd"][0] == pytest.approx(npf.npv(0.15, cf))


def test_price_sweep_and_breakeven_search_follow_the_main_metals_unit():
    # gold is priced per ounce: the progressivity sweep spans 0.6-1.6 x the deck's long-run
    # knot (2030: 3,200 USD/oz), not copper's 6,000-16,000 USD/t
    gold = orevalue.load(case="balochistan-gold")
    results = orevalue.evaluate(gold)
    long_run = gold.prices["au_usd_per_oz"][2030]
    for name in ("bars_home", "bars_lbma"):
        sweep = results.pathways[name].progressivity["au_usd_per_oz"]
        np.testing.assert_allclose(sweep, [m * long_run for m in (0.6, 0.8, 1.0, 1.2, 1.4, 1.6)])


def test_breakeven_antimony_price_gives_zero_npv():
    # antimony's break-even is searched on its own scale (0.1-6 x its 20,000 USD/t long-run knot)
    s = orevalue.load(case="balochistan-antimony")
    r = orevalue.evaluate(s).pathways["ingot"]
    price = r.plant["breakeven_sb_usd_per_t"][0]
    assert np.isfinite(price)
    p = Params.from_scenario(s).flat_deck("prices.sb_usd_per_t", price)
    npv = orevalue.evaluate(s, p, breakeven=False).pathways["ingot"].plant["npv_usd"][0]
    assert abs(npv) < 1e-4 * r.plant["capex_initial_usd"][0]
