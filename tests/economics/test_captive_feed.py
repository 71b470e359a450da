"""A captive-feed contract (``mine_plan.captive_share_pct``): the plant takes a share s of the
mine's concentrate, with the mine plan's tonnage and grades, first, and the balance of its need
at the feed's own figures. Share 0 is the case as it stands, share 100 the mine supplying the
feed (``supplies_feed = true``), in one call as well as alone; mass closes every year for every
element; the plant's invoice is the two lots at their prices, worked out by hand for one year."""

from __future__ import annotations

import numpy as np
import pytest

import orevalue
from orevalue import catalog, flowsheet
from orevalue.economics import chain, mine, schedule
from orevalue.economics.balance import pathway_balance
from orevalue.economics.pricing import Market
from orevalue.economics.supply import FeedSupply
from orevalue.params import Params

FEED = "concentrate"
YEAR = 2030  # first year of production: 55 % utilisation, the balance lot cut by capacity


def _load(tmp_path_factory, name: str, text: str) -> orevalue.Scenario:
    path = tmp_path_factory.mktemp("captive") / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return orevalue.load(path)


def _flat(results) -> dict[str, np.ndarray]:
    """Every metric of every pathway (plant, country, chain views) and of the mine view."""
    out = {f"mine.{k}": np.asarray(v, dtype=float) for k, v in results.mine.items()}
    for name, r in results.pathways.items():
        for view in ("plant", "country", "chain"):
            for k, v in (getattr(r, view) or {}).items():
                out[f"{name}.{view}.{k}"] = np.asarray(v, dtype=float)
    return out


def _evaluate(scenario, p: Params | None = None) -> dict[str, np.ndarray]:
    run = orevalue.evaluate(scenario, p, breakeven=False, detail=False, compare=False)
    return _flat(run)


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> dict[str, orevalue.Scenario]:
    return {
        "today": orevalue.load(),
        "supplies": _load(tmp_path_factory, "supplies", "[mine_plan]\nsupplies_feed = true\n"),
        "0": _load(tmp_path_factory, "s0", "[mine_plan]\ncaptive_share_pct = 0.0\n"),
        "100": _load(tmp_path_factory, "s100", "[mine_plan]\ncaptive_share_pct = 100.0\n"),
    }


@pytest.fixture(scope="module")
def ends(cases) -> dict[str, dict[str, np.ndarray]]:
    return {k: _evaluate(s) for k, s in cases.items()}


def _same(a: dict[str, np.ndarray], b: dict[str, np.ndarray], sample: int | None = None):
    assert set(a) == set(b) and len(a) > 100
    for key, value in a.items():
        other = b[key] if sample is None else b[key][sample : sample + 1]
        np.testing.assert_array_equal(value, other, err_msg=key)


def test_share_0_is_today_and_share_100_is_the_mine_supplying_the_feed(ends):
    _same(ends["today"], ends["0"])
    _same(ends["supplies"], ends["100"])
    # and the two differ: the share moves the plant and the mine
    assert ends["today"]["cathode.plant.npv_usd"][0] != ends["100"]["cathode.plant.npv_usd"][0]
    assert (
        ends["today"]["cathode.chain.mine_npv_usd"][0]
        != ends["100"]["cathode.chain.mine_npv_usd"][0]
    )


def test_shares_are_samples_of_one_call(cases, ends):
    today = cases["today"]
    shares = np.array([0.0, 100.0, 40.0])
    p = Params.from_scenario(today, 3).replace({"mine_plan.captive_share_pct": shares})
    mixed = _evaluate(today, p)
    _same(ends["today"], mixed, 0)
    _same(ends["supplies"], mixed, 1)
    alone = _evaluate(
        today, Params.from_scenario(today).replace({"mine_plan.captive_share_pct": 40.0})
    )
    for key, value in alone.items():
        np.testing.assert_allclose(mixed[key][2:], value, rtol=1e-12, atol=1e-6, err_msg=key)
    npv = mixed["cathode.plant.npv_usd"]
    assert npv[2] != npv[0] and npv[2] != npv[1]


def _supply(scenario, share: float, updates: dict | None = None) -> tuple[FeedSupply, Params]:
    p = Params.from_scenario(scenario).replace(
        {"mine_plan.captive_share_pct": share, **(updates or {})}
    )
    p = mine.with_mine_feed(scenario, p)
    tl = schedule.timeline(scenario)
    return FeedSupply(scenario, p, tl, Market.from_params(p, tl.years)), p


def test_mass_closes_every_year_for_every_element(cases):
    today = cases["today"]
    share = 0.4
    supply, p = _supply(today, 100.0 * share)
    tl = schedule.timeline(today)
    mine_lot, own_lot = supply.lots[FEED]
    q = mine.concentrate_params(today, p)[0]
    conc = mine.concentrate_dry_t_on(today, p, tl.years)
    # the mine's concentrate = the captive lot + what the contract leaves it to export, and
    # the balance lot is (1 - s) of the feed's own figures, every year
    own = schedule.feed_available_dry_t(today, p, FEED, tl)
    np.testing.assert_allclose(mine_lot.available, share * conc, rtol=1e-15)
    np.testing.assert_allclose(own_lot.available, (1.0 - share) * own, rtol=1e-15)
    for el in catalog.ELEMENTS:
        mine_el = flowsheet.feed_element_t(q, FEED, conc, el)
        captive = flowsheet.feed_element_t(q, FEED, mine_lot.available, el)
        left = flowsheet.feed_element_t(q, FEED, conc - mine_lot.available, el)
        np.testing.assert_allclose(captive + left, mine_el, rtol=1e-12, atol=1e-9)
    # the plant: what each lot brings is processed or exported as it is; what is processed
    # leaves in the plant's streams (the balance of inputs and outputs, each year)
    run = orevalue.evaluate(today, p, breakeven=False, detail=False, compare=False)
    flows = run.pathways["cathode"].case.flows
    stream = flows.streams[FEED]
    for el in catalog.ELEMENTS:
        by_lot = flowsheet.feed_element_t(q, FEED, mine_lot.processed, el) + (
            flowsheet.feed_element_t(p, FEED, own_lot.processed, el)
        )
        np.testing.assert_allclose(stream[el], by_lot, rtol=1e-12, atol=1e-9)
    # the mine company in the chain: its concentrate is what it sells the plant (the captive
    # lot and any more of the plant's need, up to its output) plus what it exports, each year
    case = mine.mine_case(today, run.params)
    axis, lines, _ = chain.two_companies(today, run.params, case, run.pathways["cathode"].case, tl)
    conc_axis = chain.on_axis(case.concentrate_dry_t, case.years.years, axis)
    unit = chain.on_axis(case.value_per_dry_t.total_usd, case.years.years, axis)
    exported_t = np.divide(
        lines["sales_exported"], unit, out=np.zeros_like(unit), where=np.abs(unit) > 0
    )
    to_plant = np.minimum(
        chain.on_axis(flows.feeds_processed_dry_t[FEED], tl.years, axis), conc_axis
    )
    np.testing.assert_allclose(to_plant + exported_t, conc_axis, rtol=1e-9, atol=1e-6)
    assert np.all(to_plant >= chain.on_axis(mine_lot.processed, tl.years, axis) - 1e-6)
    assert exported_t.sum() > 0
    producing = np.flatnonzero(flows.feeds_processed_dry_t[FEED][0] > 0)
    assert producing.size > 20
    for col in producing:
        closure = pathway_balance(today, p, "cathode", flows, int(col))["closure"]
        for el in ("cu", "au", "ag"):
            assert abs(closure[f"{el}_closure"][0]) < 1e-9, (el, col)


def _year_cost(scenario, share: float, updates: dict | None = None) -> tuple[float, FeedSupply]:
    supply, _ = _supply(scenario, share, updates)
    col = int(YEAR - schedule.timeline(scenario).years[0])
    return float(supply.purchase(FEED)[0].total_usd[0, col]), supply


def test_the_plant_s_invoice_is_the_two_lots_at_their_prices_by_hand(cases):
    today = cases["today"]
    col = int(YEAR - schedule.timeline(today).years[0])
    s = 0.4
    # by hand, 2030: Phase 1 mills 45 Mt/yr at 0.48 % Cu, 86.6 % recovered to 28 % Cu
    mine_t = 45e6 * 0.0048 * 0.866 / 0.28
    room = 930_000.0 * 0.55  # nameplate x the first year's utilisation
    captive = s * mine_t  # taken first: 267,223 t
    balance = min((1.0 - s) * 857_000.0, room - captive)  # the rest of the room: 244,277 t
    # the price of a dry t of each lot by hand from the 2030 prices and the concentrate terms:
    # Cu payable min(28 x 96.5 %, 28 - 1) = 27 %; Au 97 % at 10 g/t and above; Ag 90 % at 30
    # g/t and above; TC per dmt, RC per payable lb, Au RC 5 USD/oz and Ag RC 0.40 USD/oz
    # payable; no As penalty at 0.05 %; ocean freight 28 USD/wmt at 9 % moisture, the site at
    # the port. The mine's concentrate: 0.28 g/t Au x 63.1 % and 1.5 g/t Ag x 60 % per t ore,
    # in 0.48 % x 86.6 % / 28 % t of concentrate per t ore
    market = Market.from_params(Params.from_scenario(today), schedule.timeline(today).years)
    price = {k: float(market[k][0, col]) for k in market}
    pull = 0.0048 * 0.866 / 0.28

    def per_dmt(au_g_per_t: float, ag_g_per_t: float) -> float:
        au_oz, ag_oz = au_g_per_t * 0.97 / 31.1034768, ag_g_per_t * 0.90 / 31.1034768
        payable_lb = 0.27 * 2204.62262185
        metal = 0.27 * price["cu_usd_per_t"] + au_oz * price["au_usd_per_oz"]
        metal += ag_oz * price["ag_usd_per_oz"]
        charges = price["tc_usd_per_dmt"] + 5.0 * au_oz + 0.40 * ag_oz
        charges += price["rc_usc_per_lb"] / 100.0 * payable_lb
        return metal - charges - 28.0 / (1.0 - 0.09)

    u_mine = per_dmt(0.28 * 0.631 / pull, 1.5 * 0.60 / pull)  # 11.9 g/t Au, 60.6 g/t Ag
    u_own = per_dmt(10.8, 40.0)
    # the plant taking each lot alone pays that price a dry t
    cost_100, all_mine = _year_cost(today, 100.0)
    cost_0, all_own = _year_cost(today, 0.0)
    assert cost_100 == pytest.approx(u_mine * all_mine.processed_dry_t[FEED][0, col], rel=1e-9)
    assert cost_0 == pytest.approx(u_own * all_own.processed_dry_t[FEED][0, col], rel=1e-9)
    assert u_mine > u_own  # the mine plan's concentrate is the richer
    cost, supply = _year_cost(today, 100.0 * s)
    lots = supply.lots[FEED]
    assert lots[0].processed[0, col] == pytest.approx(captive, rel=1e-12)
    assert lots[1].processed[0, col] == pytest.approx(balance, rel=1e-12)
    assert cost == pytest.approx(captive * u_mine + balance * u_own, rel=1e-12)
    # at a regulated TC/RC of 80 USD/dmt and 8 c/lb against 60 and 6: every dmt pays 20 USD
    # more TC, every payable lb 2 c more RC (payable Cu = min(28 x 96.5 %, 28 - 1) = 27 %)
    regulated = today.model_copy(
        update={"mine_plan": today.mine_plan.model_copy(update={"regulated_terms": True})}
    )
    at_60, _ = _year_cost(regulated, 100.0 * s)
    at_80, _ = _year_cost(
        regulated,
        100.0 * s,
        {"mine_plan.regulated_tc_usd_per_dmt": 80.0, "mine_plan.regulated_rc_usc_per_lb": 8.0},
    )
    tonnes = captive + balance
    payable_lb = tonnes * 0.27 * 2204.62262185
    assert at_60 - at_80 == pytest.approx(20.0 * tonnes + 0.02 * payable_lb, rel=1e-9)


def test_a_regulated_rc_is_cents_per_lb_of_payable_copper(cases):
    """The obligation's RC alone: 3 c/lb more on one year's payable copper (share 0)."""
    today = cases["today"]
    col = int(YEAR - schedule.timeline(today).years[0])
    regulated = today.model_copy(
        update={"mine_plan": today.mine_plan.model_copy(update={"regulated_terms": True})}
    )
    at_6, supply = _year_cost(regulated, 0.0)
    at_9, _ = _year_cost(regulated, 0.0, {"mine_plan.regulated_rc_usc_per_lb": 9.0})
    dmt = 930_000.0 * 0.55  # 857 kt/yr available, the year's room 511,500 t
    assert supply.processed_dry_t[FEED][0, col] == pytest.approx(dmt, rel=1e-12)
    payable_lb = dmt * min(28.0 * 0.965, 28.0 - 1.0) / 100.0 * 2204.62262185
    assert at_6 - at_9 == pytest.approx(0.03 * payable_lb, rel=1e-9)  # USD 9.13 m
