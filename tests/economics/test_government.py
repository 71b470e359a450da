"""Tests for government take (orevalue.economics.government), where each dollar goes, the SEZ
regime's revenue forgone and the transfer price, on hand cases and on the default case."""

from __future__ import annotations

import numpy as np
import pytest

import orevalue
from orevalue.economics import government as gov
from orevalue.params import Params

TC = "prices.tc_usd_per_dmt"
RC = "prices.rc_usc_per_lb"


def quick(scenario, params=None):
    return orevalue.evaluate(scenario, params, breakeven=False, detail=False, compare=False)


def building(results):
    return {name: r for name, r in results.pathways.items() if r.builds}


def country_rate(scenario):
    """The country's discount rate, fraction per year: the project's rate alone, as the engine
    discounts the country view (a site's security premium is the investor's risk)."""
    return scenario.project.discount_rate_pct / 100.0


def pv(line, rate):
    """Present value of a one-sample line (1, Y) at ``rate``, year 0 undiscounted."""
    return (line[0] / (1.0 + rate) ** np.arange(line.shape[1])).sum()


# ------------------------------------------------------------------ the FARI measures


def test_take_undiscounted_and_discounted():
    government = np.array([[10.0, 20.0, 30.0], [5.0, 5.0, 5.0]])
    pre = np.array([[-100.0, 100.0, 100.0], [-100.0, 50.0, 40.0]])
    take, aetr = gov.take(government, pre, np.array([0.1, 0.1]))
    # 60 of 100; 30 / (90 + 82.64 - 100) at 10 %
    assert take[0] == pytest.approx(0.6)
    assert aetr[0] == pytest.approx((10 + 20 / 1.1 + 30 / 1.21) / (-100 + 100 / 1.1 + 100 / 1.21))
    # a project that never pays back (-10 in all) has no take
    assert np.isnan(take[1]) and np.isnan(aetr[1])


def test_effective_royalty_rate_over_the_early_years():
    government = np.array([[7.0, 2.0, 3.0, 4.0], [1.0, 1.0, 1.0, 1.0]])
    revenue = np.array([[0.0, 100.0, 100.0, 100.0], [0.0, 0.0, 0.0, 50.0]])
    err = gov.effective_royalty_rate(government, revenue, 1, 2)
    assert err[0] == pytest.approx(5.0 / 200.0)
    assert np.isnan(err[1])


def test_by_level_puts_each_line_at_its_level():
    # 1 a year from each provincial line, 10 from each federal one
    lines = {name: np.full((1, 2), 1.0) for name in gov.PROVINCIAL}
    lines.update({name: np.full((1, 2), 10.0) for name in gov.FEDERAL})
    levels = gov.by_level(lines)
    assert set(gov.PROVINCIAL) == {
        "plant_royalty_province",
        "state_equity_province",
        "mine_royalty_province",
    }
    assert len(gov.FEDERAL) == 11 and not set(gov.PROVINCIAL) & set(gov.FEDERAL)
    np.testing.assert_allclose(levels["province"], [[3.0, 3.0]])
    np.testing.assert_allclose(levels["federation"], [[110.0, 110.0]])


def test_a_line_of_no_level_is_an_error_not_dropped():
    with pytest.raises(ValueError, match="not_a_government_line"):
        gov.by_level(
            {"corporate_income_tax": np.ones((1, 2)), "not_a_government_line": np.ones((1, 2))}
        )


def test_every_government_line_of_the_default_case_is_counted_once(default_results):
    rate = country_rate(default_results.scenario)
    for result in default_results.pathways.values():
        lines = result.government_usd
        assert set(lines) <= set(gov.PROVINCIAL + gov.FEDERAL)
        total = sum(lines.values())
        assert result.country["government_revenue_pv_usd"][0] == pytest.approx(
            pv(total, rate), rel=1e-12
        )


@pytest.fixture(scope="module")
def insecure_site():
    overlay = orevalue.scenario.Overlay(
        "security premium 3 % points", {"site": {"security_premium_pct": 3.0}}
    )
    return quick(orevalue.load(overlays=(overlay,)))


def test_the_country_discounts_at_the_project_rate_whatever_the_site_premium(insecure_site):
    scenario = insecure_site.scenario
    assert scenario.site.security_premium_pct == 3.0
    rate = country_rate(scenario)
    investor_rate = rate + scenario.site.security_premium_pct / 100.0
    for result in building(insecure_site).values():
        total = sum(result.government_usd.values())
        revenue_pv = result.country["government_revenue_pv_usd"][0]
        assert revenue_pv == pytest.approx(pv(total, rate), rel=1e-12)
        # at the investor's rate the revenue would be worth visibly less
        assert pv(total, investor_rate) < revenue_pv * (1.0 - 1e-3)
        lines = result.case.lines
        mine = (
            result.dollars_pv_usd["mine_kept_in_pakistan"]
            + (result.dollars_pv_usd["mine_paid_abroad"])
        )
        added = lines["revenue"] - lines["feed_cost"]
        np.testing.assert_allclose(
            result.country["value_of_chain_pv_usd"], mine + pv(added, rate), rtol=1e-12
        )
        # the plant's own NPV does carry the premium
        cash_flow_pv = pv(lines["cash_flow"], investor_rate)
        assert result.plant["npv_usd"][0] == pytest.approx(cash_flow_pv, rel=1e-12)


# ------------------------------------------------------------------ where each dollar goes


def test_stakeholders_add_up_to_value_added_every_year(default_results):
    plants = building(default_results)
    assert set(plants) == {"anode", "cathode", "rod"}
    for result in plants.values():
        lines = result.case.lines
        parts = result.case.stakeholders
        total = sum(parts.values())
        np.testing.assert_allclose(total, lines["revenue"] - lines["feed_cost"], rtol=0, atol=1e-3)
        # the split is not trivially zero: the plant's value added is large and shared
        assert lines["revenue"].max() > 1e9
        assert parts["suppliers_foreign"].sum() > 0 and parts["wages_pakistani"].sum() > 0


def test_where_each_dollar_goes_adds_up_to_the_value_of_the_chain(default_results):
    rate = country_rate(default_results.scenario)
    for result in default_results.pathways.values():
        dollars = result.dollars_pv_usd
        total = sum(dollars.values())
        np.testing.assert_allclose(total, result.country["value_of_chain_pv_usd"], rtol=1e-12)
        # the mine keeps 35 % of its sales in Pakistan; its sales and the plant's value added
        # make up the chain
        mine = dollars["mine_kept_in_pakistan"] + dollars["mine_paid_abroad"]
        np.testing.assert_allclose(dollars["mine_kept_in_pakistan"], 0.35 * mine, rtol=1e-12)
        lines = result.case.lines
        added = lines["revenue"] - lines["feed_cost"]
        np.testing.assert_allclose(
            result.country["value_of_chain_pv_usd"], mine + pv(added, rate), rtol=1e-12
        )


# ------------------------------------------------------------------ a pure profit tax


PROFIT_TAX_ONLY = """
name = "profit-tax-only"
[fiscal]
minimum_tax_pct_of_turnover = 0.0
alternative_tax_pct = 0.0
super_tax_brackets = [[0.0, 0.0]]
customs_duty_capital_goods_pct = 0.0
plant_royalty_pct_of_sales = 0.0
[ownership.chinese_partner]
share_pct = 100.0
dividend_withholding_pct = 0.0
[ownership.province]
share_pct = 0.0
free_carried_pct = 0.0
[ownership.federal_soes]
share_pct = 0.0
"""

#: Capex written off when it enters service, losses carried for 100 years.
EXPENSING_FISCAL = """[fiscal]
depreciation_initial_allowance_pct = 100.0
loss_carry_forward_years = 100
"""
#: No discounting, and a TC/RC that makes every plant profitable.
IMMEDIATE_EXPENSING = """
[project]
discount_rate_pct = 0.0
[prices.tc_usd_per_dmt]
2026 = 400.0
2030 = 400.0
[prices.rc_usc_per_lb]
2026 = 40.0
2030 = 40.0
"""


@pytest.fixture(scope="module")
def profit_tax_only(tmp_path_factory):
    folder = tmp_path_factory.mktemp("profit-tax")
    plain = folder / "profit-tax-only.toml"
    plain.write_text(PROFIT_TAX_ONLY, encoding="utf-8")
    expensing = folder / "immediate-expensing.toml"
    expensing.write_text(
        PROFIT_TAX_ONLY.replace("[fiscal]\n", EXPENSING_FISCAL) + IMMEDIATE_EXPENSING,
        encoding="utf-8",
    )
    return orevalue.load(plain), orevalue.load(expensing)


def test_government_take_of_a_profit_tax_lies_in_0_1(profit_tax_only):
    scenario, _ = profit_tax_only
    # one run, a sample per flat TC (RC = TC/10), from loss-making to very profitable
    tc = np.array([100.0, 200.0, 300.0, 400.0, 600.0, 800.0])
    params = Params.from_scenario(scenario, tc.size).flat_deck(TC, tc).flat_deck(RC, tc / 10.0)
    results = quick(scenario, params)
    profitable = 0
    for result in building(results).values():
        pre = result.case.lines["cash_flow_pre_government"].sum(axis=1)
        take = result.plant["government_take"]
        assert np.isnan(take[pre <= 0]).all()
        positive = take[pre > 0]
        profitable += positive.size
        assert ((positive >= 0) & (positive <= 1)).all()
        # no state equity, withholding, royalty or duty: take is the tax alone, which cannot
        # fall below 29 % of the cash flow (tax depreciation never deducts more than was spent
        # and unused losses only expire)
        assert (positive >= 0.29 - 1e-12).all()
        for line in ("state_equity_province", "state_equity_federation", "customs_duty"):
            np.testing.assert_allclose(result.case.government_unlevered[line], 0.0)
    assert profitable >= 9  # the sweep reaches profitable cases for every plant


def test_pure_profit_tax_with_immediate_expensing_takes_the_statutory_rate(profit_tax_only):
    _, scenario = profit_tax_only
    assert scenario.fiscal.corporate_income_tax_pct == 29.0
    results = quick(scenario)
    for result in building(results).values():
        pre = result.case.lines["cash_flow_pre_government"]
        tax = sum(result.case.government_unlevered.values())
        assert pre.sum() > 0
        # capex is written off when spent and losses are used in full: the state takes 29 %
        # of every dollar of the plant's cash flow over its life
        assert tax.sum() == pytest.approx(0.29 * pre.sum(), rel=1e-12)
        assert result.plant["government_take"][0] == pytest.approx(0.29, rel=1e-12)
        assert result.plant["aetr"][0] == pytest.approx(0.29, rel=1e-12)  # at a 0 % discount rate


# ------------------------------------------------------------------ the SEZ's revenue forgone


def test_sez_forgoes_revenue_against_the_standard_regime(default_results):
    regimes = default_results.regimes
    assert list(regimes) == ["pakistan-standard", "sez"]
    standard, sez = regimes["pakistan-standard"], regimes["sez"]
    for name, result in default_results.pathways.items():
        # the first regime is the scenario's own: its row is the main evaluation
        assert standard[name]["government_revenue_pv_usd"] == pytest.approx(
            result.country["government_revenue_pv_usd"][0], rel=1e-12
        )
        forgone = (
            standard[name]["government_revenue_pv_usd"] - sez[name]["government_revenue_pv_usd"]
        )
        assert sez[name]["revenue_forgone_pv_usd"] == pytest.approx(forgone, rel=1e-12, abs=1e-6)
        jobs = sez[name]["jobs_operations_domestic"] + sez[name]["jobs_operations_foreign"]
        if result.builds:
            assert forgone > 0  # the holiday and the duty exemption cost the state revenue
            assert (
                jobs
                == result.country["jobs_operations_domestic"][0]
                + (result.country["jobs_operations_foreign"][0])
            )
            assert sez[name]["revenue_forgone_per_job_usd"] == pytest.approx(forgone / jobs)
        else:
            assert forgone == 0 and jobs == 0
            assert np.isnan(sez[name]["revenue_forgone_per_job_usd"])


def test_sez_row_matches_a_run_loaded_under_the_sez_regime(default_results):
    overlay = orevalue.scenario.Overlay("--regime sez", {"fiscal": {"regime": "sez"}})
    under_sez = quick(orevalue.load(overlays=(overlay,)))
    for name, row in default_results.regimes["sez"].items():
        assert row["government_revenue_pv_usd"] == pytest.approx(
            under_sez.pathways[name].country["government_revenue_pv_usd"][0], rel=1e-12
        )


# ------------------------------------------------------------------ transfer price


@pytest.fixture(scope="module")
def below_arms_length(tmp_path_factory):
    path = tmp_path_factory.mktemp("transfer") / "transfer.toml"
    path.write_text(
        'name = "transfer"\n[fiscal]\ntransfer_price_pct_of_arms_length = 90\n', encoding="utf-8"
    )
    return quick(orevalue.load(path))


def test_transfer_price_below_arms_length_moves_royalty_tax_and_margin(
    default_results, below_arms_length
):
    mine = default_results.scenario.mine
    # 5 % provincial royalty, 1.5 % federal, 39 % income tax on the mine
    assert (mine.royalty_province_pct, mine.royalty_federal_pct, mine.income_tax_pct) == (
        5.0,
        1.5,
        39.0,
    )
    for name, at_arms_length in default_results.pathways.items():
        discounted = below_arms_length.pathways[name]
        before, after = at_arms_length.case.lines, discounted.case.lines
        # at 100 % the mine sells to the plant at arm's length; at 90 % it sells for 10 % less
        drop = 0.10 * before["mine_sales_to_plant"]
        np.testing.assert_allclose(
            after["mine_sales_to_plant"], before["mine_sales_to_plant"] - drop
        )
        g0, g1 = at_arms_length.government_usd, discounted.government_usd
        np.testing.assert_allclose(
            g1["mine_royalty_province"] - g0["mine_royalty_province"], -0.05 * drop, atol=1e-6
        )
        np.testing.assert_allclose(
            g1["mine_royalty_federal"] - g0["mine_royalty_federal"], -0.015 * drop, atol=1e-6
        )
        np.testing.assert_allclose(g0["mine_income_tax_change"], 0.0)
        np.testing.assert_allclose(g1["mine_income_tax_change"], -0.39 * drop, atol=1e-6)
        # the plant pays that much less for its feed, and its margin rises by as much
        np.testing.assert_allclose(after["revenue"], before["revenue"])
        np.testing.assert_allclose(after["feed_cost"], before["feed_cost"] - drop, atol=1e-6)
        np.testing.assert_allclose(after["ebitda"], before["ebitda"] + drop, atol=1e-6)
        np.testing.assert_allclose(discounted.case.margin_parts["transfer_price_discount"], drop)
        if at_arms_length.builds:
            assert drop.sum() > 1e9
        else:
            np.testing.assert_allclose(drop, 0.0)
