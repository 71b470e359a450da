"""Break-even solving, several bisection steps per evaluation: the sequential roots, to the bit.

The reference is the sequential bisection the engine used before (one midpoint per evaluation),
copied here as it was; the searches are compared with ``==`` (NaN where both are NaN).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import orevalue
from orevalue import bisection
from orevalue.bisection import Bracket
from orevalue.economics import metrics, plant_batch, schedule
from orevalue.economics import mine as mine_economics
from orevalue.economics.plant import INVESTOR, plant_case
from orevalue.economics.pricing import Market
from orevalue.engine import (
    BREAKEVEN_PRICE_RANGE,
    BREAKEVEN_PRICE_TOL,
    BREAKEVEN_TC_RANGE,
    breakeven_price,
    breakeven_tc_usd_per_dmt,
    breakevens,
    charge_paths,
    discount_rate,
    element_price_path,
    long_run_price,
)
from orevalue.params import Params


def sequential(f, lo, hi, n, tol=0.01):  # type: ignore[no-untyped-def]
    """The engine's bisection before the batched one (``engine._solve_bracketed``), verbatim."""
    a, b = np.full(n, lo), np.full(n, hi)
    fa, fb = f(a), f(b)
    ok = np.sign(fa) * np.sign(fb) <= 0
    rising = fb >= fa
    for _ in range(int(np.ceil(np.log2((hi - lo) / tol)))):
        mid = 0.5 * (a + b)
        below = (f(mid) < 0) == rising
        a = np.where(below, mid, a)
        b = np.where(below, b, mid)
    return np.where(ok, 0.5 * (a + b), np.nan)


def same(x: np.ndarray, y: np.ndarray) -> bool:
    return bool(np.array_equal(x, y, equal_nan=True))


def monotone(root: np.ndarray, slope: np.ndarray, flat: np.ndarray, step: np.ndarray):  # type: ignore[no-untyped-def]
    """Per sample (last axis): slope x (distance beyond a zero stretch [root, root + flat]),
    rounded down to multiples of ``step`` where ``step`` > 0 (flat stretches off zero too):
    rising for slope > 0, falling for slope < 0, constant for slope = 0."""

    def f(x: np.ndarray) -> np.ndarray:
        d = np.maximum(x - root - flat, 0.0) + np.minimum(x - root, 0.0)
        d = np.where(step > 0, np.floor(d / np.where(step > 0, step, 1.0)), d)
        return slope * d

    return f


samples = st.integers(1, 6)
floats = st.floats(-30.0, 30.0, allow_nan=False)


@st.composite
def problems(draw):  # type: ignore[no-untyped-def]
    """Several monotone functions of n samples, each with its bracket."""
    n = draw(samples)
    out = []
    for _ in range(draw(st.integers(1, 3))):
        vec = lambda elements: np.array(draw(st.lists(elements, min_size=n, max_size=n)))  # noqa: E731
        root = vec(floats)
        slope = vec(st.sampled_from([-3.0, -1.0, -1e-3, 0.0, 1e-3, 0.5, 2.0]))
        flat = vec(st.sampled_from([0.0, 0.0, 1.0, 7.5]))
        step = vec(st.sampled_from([0.0, 0.0, 0.25, 3.0]))
        lo = draw(st.floats(-25.0, 0.0))
        hi = lo + draw(st.floats(0.5, 40.0))
        tol = draw(st.sampled_from([1e-6, 1e-3, 0.01, 0.3, 1.0, 100.0]))
        out.append((monotone(root, slope, flat, step), Bracket(lo, hi, tol)))
    return n, out


@settings(max_examples=300, deadline=None)
@given(problems(), st.integers(0, 20), st.integers(1, 5))
def test_batched_bisection_returns_the_sequential_roots(problem, budget, most) -> None:  # type: ignore[no-untyped-def]
    n, searches = problem
    calls = []

    def batch(points: list[np.ndarray]) -> list[np.ndarray]:
        calls.append(sum(len(x) for x in points))
        return [f(x) for (f, _), x in zip(searches, points, strict=True)]

    got = bisection.solve(batch, [br for _, br in searches], n, budget, most)
    for (f, br), root in zip(searches, got, strict=True):
        assert same(root, sequential(f, br.lo, br.hi, n, br.tol))
    assert all(c <= max(budget, 1) for c in calls)  # each call holds what the budget allows


def test_batched_bisection_takes_the_steps_the_budget_allows() -> None:
    """Break-even TC (18 steps over 1,500 USD/dmt to 0.01) and price (16 steps over 5.9 to
    1e-4) of one sample, 9 points a call, at most 2 steps a search a call: the first call
    holds the 4 ends, 2 TC steps (3 points) and 1 price step; then 7 calls of 2 + 2 steps
    (6 points) leave 2 TC steps and 1 price step for a ninth call: 9 evaluations instead of
    the sequential 2 x 2 + 18 + 16 = 38."""
    tc, price = Bracket(-500.0, 1000.0, 0.01), Bracket(0.1, 6.0, 1e-4)
    assert (tc.steps, price.steps) == (18, 16)
    calls = []

    def batch(points: list[np.ndarray]) -> list[np.ndarray]:
        calls.append([len(x) for x in points])
        tc, price = points
        return [tc - 239.3, price - 2.5]

    bisection.solve(batch, [tc, price], 1, 9)
    assert calls == [[5, 3]] + [[3, 3]] * 7 + [[3, 1]]


def test_a_search_without_a_sign_change_stops_after_the_ends() -> None:
    calls = []

    def batch(points: list[np.ndarray]) -> list[np.ndarray]:
        calls.append([len(x) for x in points])
        tc, price = points
        return [tc - 239.3, price + 50.0]  # no price root in [0.1, 6]

    tc, price = bisection.solve(batch, [Bracket(-500.0, 1000.0), Bracket(0.1, 6.0, 1e-4)], 1, 9)
    assert np.isnan(price[0]) and abs(tc[0] - 239.3) < 0.01
    assert calls == [[5, 3]] + [[3, 0]] * 8  # 16 TC steps left, 2 a call


@pytest.fixture(scope="module", params=["balochistan-copper", "balochistan-antimony"])
def varied(request):  # type: ignore[no-untyped-def]
    """A case, its timeline and three samples of its parameters with other discount rates
    and long-run prices (break-evens on both sides of the ranges, NaN among them)."""
    scenario = orevalue.load(case=request.param)
    p = Params.from_scenario(scenario, 3)
    price = element_price_path(scenario, "cathode" if "copper" in request.param else "ingot")
    last = max(p.deck_years(price))
    scale = p[f"{price}.{last}"][0, 0]
    p = p.replace(
        {
            "project.discount_rate_pct": np.array([4.0, 10.0, 25.0]),
            f"{price}.{last}": np.array([1.0, 1.3, 0.8]) * scale,
        }
    )
    p = mine_economics.with_mine_feed(scenario, p)
    return scenario, p, schedule.timeline(scenario)


def building(scenario):  # type: ignore[no-untyped-def]
    return [name for name, pathway in scenario.pathways.items() if pathway.stages]


def test_a_batch_evaluates_each_candidate_as_an_evaluation_of_it_alone(varied) -> None:  # type: ignore[no-untyped-def]
    """The claim the batched search rests on: each sample's NPV in a tiled evaluation mixing
    both searches' candidates is, to the bit, the NPV of an evaluation of that candidate
    alone (the N samples, one deck set flat)."""
    scenario, p, tl = varied
    name = building(scenario)[-1]
    tc_path, rc_path, tc_per_rc = charge_paths(scenario)
    price_path = element_price_path(scenario, name)
    rate = discount_rate(p)
    decks = [{tc_path: 1.0, rc_path: tc_per_rc}, {price_path: 1.0}]
    f = plant_batch.npv_batch(scenario, p, name, tl, rate, decks)
    tcs = np.array([[-500.0, 80.0, 1000.0], [239.25, -17.5, 400.0]])
    scale = long_run_price(p, price_path)
    prices = scale * np.array([[0.1, 1.0, 6.0], [2.0, 0.75, 1.1], [3.3, 0.2, 0.95]])
    got_tc, got_price = f([tcs, prices])

    def alone(q: Params) -> np.ndarray:
        case = plant_case(
            scenario, q, name, tl, Market.from_params(q, tl.years), stop_after=INVESTOR
        )
        return metrics.npv(rate, case.lines["cash_flow"])

    for j, tc in enumerate(tcs):
        want = alone(p.flat_deck(tc_path, tc).flat_deck(rc_path, tc / tc_per_rc))
        assert same(got_tc[j], want)
    for j, price in enumerate(prices):
        assert same(got_price[j], alone(p.flat_deck(price_path, price)))


def test_break_evens_equal_the_sequential_search_to_the_bit(varied) -> None:  # type: ignore[no-untyped-def]
    """Break-even TC and price of every building pathway, solved together in batches, against
    the sequential bisection of the engine before (its own objective functions, verbatim)."""
    scenario, p, tl = varied
    rate = discount_rate(p)
    tc_path, rc_path, tc_per_rc = charge_paths(scenario)
    finite = 0
    for name in building(scenario):

        def npv_tc(tc: np.ndarray, name: str = name) -> np.ndarray:
            q = p.flat_deck(tc_path, tc).flat_deck(rc_path, tc / tc_per_rc)
            case = plant_case(
                scenario, q, name, tl, Market.from_params(q, tl.years), stop_after=INVESTOR
            )
            return metrics.npv(rate, case.lines["cash_flow"])

        path = element_price_path(scenario, name)

        def npv_price(price: np.ndarray, name: str = name, path: str = path) -> np.ndarray:
            q = p.flat_deck(path, price)
            case = plant_case(
                scenario, q, name, tl, Market.from_params(q, tl.years), stop_after=INVESTOR
            )
            return metrics.npv(rate, case.lines["cash_flow"])

        scale = long_run_price(p, path)
        lo, hi = (scale * m for m in BREAKEVEN_PRICE_RANGE)
        want_tc = sequential(npv_tc, *BREAKEVEN_TC_RANGE, p.n_samples)
        want_price = sequential(npv_price, lo, hi, p.n_samples, tol=scale * BREAKEVEN_PRICE_TOL)
        got = breakevens(scenario, p, name, tl)
        assert same(got["tc"], want_tc) and same(got["price"], want_price)
        assert same(breakeven_tc_usd_per_dmt(scenario, p, name, tl), want_tc)
        assert same(breakeven_price(scenario, p, name, tl), want_price)
        finite += int(np.isfinite(want_tc).sum() + np.isfinite(want_price).sum())
    assert finite >= 3  # roots found, not NaN alone
