"""The ownership, finance, land and feed levers against hand calculations: the JV's equity
split by hand and valued with numpy-financial, the annuity of a longer tenor against
``numpy_financial.pmt``, the land rent's outlay, the feed levers through the integrated chain
and localised posts counted as Pakistani jobs."""

from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pytest
from package_checks import write_levers

from orevalue import api, engine
from orevalue.economics import schedule
from orevalue.incentives.evaluate import make_setup, package_params, price
from orevalue.incentives.levers import load_levers
from orevalue.scenario import ScenarioError

OWNERSHIP = ["state_equity_share", "free_carry_paid", "dividend_withholding_cut"]


@pytest.fixture(scope="module")
def owners(tmp_path_factory):
    """The default case with the three ownership levers alone."""
    folder = tmp_path_factory.mktemp("owners")
    table = load_levers(write_levers(folder, f"use = {OWNERSHIP!r}\n".replace("'", '"')))
    return make_setup(api.load().scenario, table, "cathode")


def _equity_cash(setup, rows: np.ndarray) -> np.ndarray:
    """The project's equity cash flow of each package, USD (N, Y), from the engine."""
    p = package_params(setup, rows)
    run = engine.evaluate(setup.scenario, params=p, breakeven=False, detail=False, compare=False)
    return run.pathways["cathode"].case.lines["cash_flow_to_equity"]


def _split(cf: np.ndarray, share: float, carried: float, paying_total: float, wht: float):
    """One holder's cash by hand: its share of dividends after withholding, and its part of
    every equity call in proportion to the share it pays for (% points)."""
    dividends, calls = np.maximum(cf, 0.0), np.minimum(cf, 0.0)
    return dividends * share / 100 * (1 - wht / 100) + calls * (share - carried) / paying_total


def test_ownership_levers_match_the_split_by_hand(owners):
    # the case: Chinese partner 60 % (10 % withholding), province 25 % (10 carried, none
    # withheld), federal SOEs 15 % (15 % withholding); rate = the country's
    s = owners.scenario.ownership
    assert (s["chinese_partner"].share_pct, s["province"].free_carried_pct) == (60.0, 10.0)
    rows = np.array([[0.0, 0.0, 0.0], [6.0, 0.0, 0.0], [0.0, 4.0, 0.0], [0.0, 0.0, 7.0]])
    priced = price(owners, rows)
    cf = _equity_cash(owners, rows)
    # none of them changes the project's equity cash flow, IRR, cover or plant NPV
    np.testing.assert_allclose(cf, np.repeat(cf[:1], 4, axis=0), rtol=0, atol=1e-3)
    np.testing.assert_allclose(priced.project_equity_irr, priced.project_equity_irr[0], atol=1e-12)
    np.testing.assert_allclose(priced.npv_usd, priced.npv_usd[0], rtol=1e-12)
    c = cf[0]
    g = owners.base["project.discount_rate_pct"][0, 0] / 100.0
    r = g + owners.base["site.security_premium_pct"][0, 0] / 100.0
    cases = [  # (Chinese share, wht; province share, carried)
        (60.0, 10.0, 25.0, 10.0),
        (54.0, 10.0, 31.0, 10.0),
        (60.0, 10.0, 25.0, 6.0),
        (60.0, 3.0, 25.0, 10.0),
    ]
    ref_prov = ref_fed = None
    for i, (cn, wht, pv_share, carried) in enumerate(cases):
        paying = 100.0 - carried
        private = _split(c, cn, 0.0, paying, wht)
        assert priced.private_equity_irr[i] == pytest.approx(npf.irr(private), abs=1e-7)
        assert priced.equity_irr[i] == priced.private_equity_irr[i]  # the default hurdle
        delay = (1 + r) ** (-owners.base["project.permit_delay_months"][0, 0] / 12)
        assert priced.private_equity_npv_usd[i] == pytest.approx(
            npf.npv(r, private) * delay, rel=1e-9
        )
        province = _split(c, pv_share, carried, paying, 0.0)
        soes = _split(c, 15.0, 0.0, paying, 15.0)
        withheld = np.maximum(c, 0.0) * (cn * wht + 15.0 * 15.0) / 1e4
        fed = npf.npv(g, soes + withheld)
        if i == 0:
            ref_prov, ref_fed = npf.npv(g, province), fed
            continue
        # public cost: the state's equity and withholding lines forgone, nothing else moves
        assert priced.forgone_pv_usd["province"][i] == pytest.approx(
            ref_prov - npf.npv(g, province), rel=1e-9, abs=1.0
        )
        assert priced.forgone_pv_usd["federation"][i] == pytest.approx(
            ref_fed - fed, rel=1e-9, abs=1.0
        )
    # a share bought at par leaves the private IRR where it was and scales its NPV
    assert priced.private_equity_irr[1] == pytest.approx(priced.private_equity_irr[0], abs=1e-9)
    assert priced.private_equity_npv_usd[1] == pytest.approx(
        priced.private_equity_npv_usd[0] * 54 / 60, rel=1e-9
    )
    # paying for carry and waiving withholding raise the private IRR and cost the state
    assert priced.private_equity_irr[2] > priced.private_equity_irr[0]
    assert priced.private_equity_irr[3] > priced.private_equity_irr[0]
    assert np.all(priced.cost_pv_usd()[1:] > 0)  # a plant that loses money


def test_ownership_levers_are_monotone(owners):
    for j, name in enumerate(OWNERSHIP):
        top = owners.levers.levers[name].range[1]
        rows = np.zeros((5, 3))
        rows[:, j] = np.linspace(0.0, top, 5)
        priced = price(owners, rows)
        assert np.all(np.diff(priced.private_equity_irr) >= -1e-9), name
        assert np.all(np.diff(priced.cost_pv_usd()) >= -1.0), name
        assert np.all(np.diff(priced.private_equity_npv_usd) >= -1.0), name  # losses shed


def test_the_project_hurdle_is_still_there(tmp_path):
    path = write_levers(tmp_path, 'use = ["free_carry_paid"]\n[targets]\nequity = "project"\n')
    setup = make_setup(api.load().scenario, load_levers(path), "cathode")
    priced = price(setup, np.array([[0.0], [10.0]]))
    np.testing.assert_array_equal(priced.equity_irr, priced.project_equity_irr)
    bad = write_levers(tmp_path, '[targets]\nequity = "mine"\n')
    with pytest.raises(ScenarioError, match=r"targets\.equity"):
        load_levers(bad)


@pytest.fixture(scope="module")
def profitable(tmp_path_factory):
    """A plant that covers its debt (a 10 % export duty on concentrate makes its feed cheap),
    with the tenor lever alone."""
    folder = tmp_path_factory.mktemp("tenor")
    case = folder / "duty.toml"
    case.write_text("[fiscal]\nexport_duty_conc_pct = 10.0\n", encoding="utf-8")
    table = load_levers(write_levers(folder, 'use = ["loan_tenor"]\n'))
    return make_setup(api.load(case).scenario, table, "cathode")


def test_longer_tenor_is_the_annuity_by_hand_and_raises_the_cover(profitable):
    rows = np.arange(0.0, 9.0)[:, None]  # 0..8 years added to 12
    p = package_params(profitable, rows)
    run = engine.evaluate(
        profitable.scenario, params=p, breakeven=False, detail=False, compare=False
    )
    debt = run.pathways["cathode"].case.debt
    f = profitable.scenario.finance
    first = schedule.timeline(profitable.scenario).build_years + f.grace_years
    r = f.interest_rate_pct / 100.0
    for i, extra in enumerate(rows[:, 0]):
        tenor = int(f.tenor_years + extra)
        opening = debt.balance_usd[i, first - 1]
        service = debt.service_usd[i, first : first + tenor]
        np.testing.assert_allclose(service, -npf.pmt(r, tenor, opening), rtol=1e-9)
        assert debt.balance_usd[i, first + tenor - 1] == pytest.approx(0.0, abs=1e-3)
        assert np.all(debt.service_usd[i, first + tenor :] == 0.0)
    priced = price(profitable, rows)
    assert np.all(np.diff(priced.dscr_min) > 0)  # a lower annuity on a positive cash flow
    assert np.all(np.diff(priced.equity_irr) > 0)
    assert priced.cost_pv_usd()[0] == 0.0
    # the lender's outlay rises with the tenor; the state as a 40 % shareholder gains the
    # earlier dividends, so the public cost net of them may fall
    assert np.all(np.diff(priced.spending_pv_usd[0]) > 0)
    # the lender's term premium: 1 point a year on the balance outstanding longer
    opening = np.concatenate([np.zeros((9, 1)), debt.balance_usd[:, :-1]], axis=1)
    extra_balance = np.maximum(opening - opening[:1], 0.0)
    g = profitable.base["project.discount_rate_pct"][0, 0] / 100.0
    hand = [npf.npv(g, 0.01 * row) for row in extra_balance]
    np.testing.assert_allclose(priced.spending_pv_usd[0], hand, rtol=1e-9, atol=1e-3)


def test_land_at_zero_rent_saves_the_rent_and_costs_the_province_it(tmp_path):
    setup = make_setup(
        api.load().scenario,
        load_levers(write_levers(tmp_path, 'use = ["land_rent_free"]\n')),
        "cathode",
    )
    assert setup.base["site.land_rent_usd_per_yr"][0, 0] == 700000.0  # the status quo
    rows = np.array([[0.0], [40.0], [100.0]])
    p = package_params(setup, rows)
    run = engine.evaluate(setup.scenario, params=p, breakeven=False, detail=False, compare=False)
    pre_tax = run.pathways["cathode"].case.lines["cash_flow_pre_tax"]
    operating = schedule.timeline(setup.scenario).operating.astype(float)
    for i, share in enumerate((0.0, 0.4, 1.0)):
        np.testing.assert_allclose(pre_tax[i] - pre_tax[0], 7e5 * share * operating, atol=1e-3)
    priced = price(setup, rows)
    g = setup.base["project.discount_rate_pct"][0, 0] / 100.0
    hand = [npf.npv(g, 7e5 * share * operating) for share in (0.0, 0.4, 1.0)]
    np.testing.assert_allclose(priced.spending_pv_usd[0], hand, rtol=1e-9)
    assert np.all(np.diff(priced.npv_usd) > 0) and np.all(np.diff(priced.cost_pv_usd()) > 0)


def test_feed_levers_run_through_the_integrated_chain(tmp_path):
    use = 'use = ["export_duty_concentrate", "processing_obligation"]\n'
    setup = make_setup(api.load().scenario, load_levers(write_levers(tmp_path, use)), "cathode")
    assert setup.scenario.mine_plan.regulated_terms  # switched on at the market's TC/RC
    assert setup.switches == {"mine_plan.regulated_terms": True}
    rows = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 30.0]])
    priced = price(setup, rows)
    ref = setup.reference.result
    assert priced.npv_usd[0] == pytest.approx(ref.plant["npv_usd"][0], rel=1e-12)
    assert priced.cost_pv_usd()[0] == 0.0
    # each moves value from the mine to the plant
    assert priced.npv_usd[1] > priced.npv_usd[0] and priced.npv_usd[2] > priced.npv_usd[0]
    assert priced.mine_npv_usd[1] < priced.mine_npv_usd[0]
    assert priced.mine_npv_usd[2] < priced.mine_npv_usd[0]
    # the public cost counts the mine's lower income tax, which the plant view alone misses
    p = package_params(setup, rows)
    plain = engine.evaluate(setup.scenario, params=p, breakeven=False, detail=False, compare=False)
    country = plain.pathways["cathode"].country["government_revenue_federation_pv_usd"]
    plant_view = country[0] - country
    mine_tax = plain.pathways["cathode"].chain["mine_income_tax_pv_usd"]
    assert mine_tax[1] < mine_tax[0] and mine_tax[2] < mine_tax[0]
    assert np.all(priced.forgone_pv_usd["federation"][1:] > plant_view[1:])


def test_an_obligation_needs_the_market_tc_as_the_case_s_regulated_tc(tmp_path):
    case = tmp_path / "tc.toml"
    case.write_text("[mine_plan]\nregulated_tc_usd_per_dmt = 85.0\n", encoding="utf-8")
    table = load_levers(write_levers(tmp_path, 'use = ["processing_obligation"]\n'))
    with pytest.raises(ScenarioError, match=r"processing_obligation\.path") as info:
        make_setup(api.load(case).scenario, table, "cathode")
    assert "regulated TC/RC" in str(info.value)


def test_localised_posts_are_pakistani_jobs(setup):
    j = setup.levers.names.index("localisation")
    rows = np.zeros((3, len(setup.levers.names)))
    rows[:, j] = (0.0, 50.0, 80.0)
    priced = price(setup, rows)
    staff = setup.reference.result.case.staff
    expat = sum(c for k, c in staff.items() if k in setup.scenario.labour.foreign_skills)
    assert expat == 98  # the case's expatriate posts
    # the programme (5 years) has run in full within the life: 50 % and 80 % of them move
    np.testing.assert_allclose(priced.jobs_foreign, [98.0, 49.0, 98.0 * 0.2])
    np.testing.assert_allclose(priced.jobs_domestic - priced.jobs_domestic[0], [0, 49.0, 78.4])
    np.testing.assert_allclose(
        priced.jobs_domestic + priced.jobs_foreign, float(sum(staff.values())[0, 0])
    )
