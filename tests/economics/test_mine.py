"""The mine view of the Reko Diq default case from its public inputs, and its pieces by hand."""

from __future__ import annotations

import numpy as np
import pytest

from orevalue.economics import mine
from orevalue.params import Params


def test_reko_diq_mine_view_from_public_inputs(default_scenario, default_params):
    view = mine.mine_view(default_scenario, default_params)
    # phases 45 then 90 Mt/yr over 37 years: 4 x 45 + 33 x 90 = 3,150 Mt milled
    assert view["ore_milled_t_per_yr"][0] * 37 == pytest.approx(3150e6)
    # life-of-mine recovered metal as published: 13.1 Mt Cu, 17.9 Moz Au (BAL §2.1)
    assert view["recovered_cu_t_per_yr"][0] * 37 == pytest.approx(13.1e6, rel=2e-3)
    assert view["recovered_au_t_per_yr"][0] * 37 / 31.1034768e-6 == pytest.approx(17.9e6, rel=2e-3)
    assert view["capex_usd"][0] == pytest.approx(8.83e9)
    # the figures the README states (section "The mine")
    assert view["npv_usd"][0] == pytest.approx(5.54e9, rel=5e-3)
    assert view["irr"][0] == pytest.approx(0.210, abs=1e-3)
    assert view["payback_years"][0] == pytest.approx(8.2, abs=0.05)


def test_ore_by_phase_and_capex_on_its_spend_profile(default_scenario, default_params):
    my = mine.mine_years(default_scenario)
    ore = mine.ore_milled_t(default_scenario, default_params, my)[0]
    assert my.years[0] == 2026 and my.years[-1] == 2066
    assert ore[my.index(2029)] == 0 and ore[my.index(2030)] == 45e6
    assert ore[my.index(2033)] == 45e6 and ore[my.index(2034)] == 90e6
    capex = mine.capex_usd(default_scenario, default_params, my)[0]
    assert capex[my.index(2026)] == pytest.approx(0.15 * 5.57e9)
    assert capex[my.index(2031)] == pytest.approx(0.30 * 3.26e9)
    assert capex.sum() == pytest.approx(8.83e9)


def test_concentrate_grade_is_the_recovered_metal_over_the_mass_pull(default_scenario):
    p = Params.from_scenario(default_scenario)
    q, pull = mine.concentrate_params(default_scenario, p)
    assert pull[0, 0] == pytest.approx(0.0048 * 0.866 / 0.28)
    assert q["feeds.concentrate.cu_pct"][0, 0] == pytest.approx(28.0)
    assert q["feeds.concentrate.au_g_per_t"][0, 0] == pytest.approx(0.28 * 0.631 / pull[0, 0])
    assert q["feeds.concentrate.s_pct"][0, 0] == p["feeds.concentrate.s_pct"][0, 0]


def test_income_tax_carries_losses_forward_by_hand():
    taxable = np.array([[-100.0, 30.0, 50.0, 40.0, -10.0, 30.0]])
    # losses of 100 absorb 30 and 50, then 20 of the 40; -10 absorbs the next 10 of 30
    tax = mine.income_tax_usd(taxable, 0.5)
    np.testing.assert_allclose(tax, [[0.0, 0.0, 0.0, 10.0, 0.0, 10.0]])


def test_export_duty_falls_on_the_mine(default_scenario, default_params):
    base = mine.mine_view(default_scenario, default_params)
    duty = mine.mine_view(
        default_scenario, default_params.replace({"fiscal.export_duty_conc_pct": 10.0})
    )
    assert base["export_duty_pv_usd"][0] == 0.0
    assert duty["export_duty_pv_usd"][0] > 0
    assert duty["npv_usd"][0] < base["npv_usd"][0]
