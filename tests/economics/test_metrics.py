"""Tests for orevalue.economics.metrics against numpy-financial and hand-worked values."""

from __future__ import annotations

import math

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from orevalue.economics.metrics import (
    _rate_grid,
    annuity_factor,
    discount_factors,
    irr,
    npv,
    payback_years,
)

amounts = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_subnormal=False)
rates = st.floats(min_value=-0.5, max_value=1.0, allow_nan=False)
flow_lists = st.lists(amounts, min_size=2, max_size=40)


@st.composite
def conventional_flows(draw) -> list[float]:
    """1-3 outflows, then inflows (some may be zero) whose sum beats the outflows; 2-40 years."""
    outflows = draw(st.lists(st.floats(1.0, 1e6), min_size=1, max_size=3))
    scale = sum(outflows)
    n_in = draw(st.integers(1, 40 - len(outflows)))
    # Inflows up to 3x the total outflow per year keep the IRR well below 10 (= 1000%/yr).
    # Inflows are 0 or >= 1 % of the outlay: npf.irr (polynomial roots) turns inaccurate when
    # the last flow is tiny but not zero, e.g. [-1, 0, 0, 2, 1e-20], and it is the oracle here.
    inflow = st.one_of(st.just(0.0), st.floats(0.01, 3.0))
    inflows = draw(st.lists(inflow, min_size=n_in, max_size=n_in))
    flows = [-x for x in outflows] + [u * scale for u in inflows]
    assume(sum(flows) > 1e-9 * scale)
    return flows


def scale_of(flows) -> float:
    return float(np.sum(np.abs(flows)))


def npv_loop(rate: float, flows) -> float:
    """Plain-Python NPV, independent of both implementations under comparison."""
    return math.fsum(f / (1.0 + rate) ** t for t, f in enumerate(flows))


def payback_loop(flows) -> float:
    """Reference payback: walk the years, interpolate in the year the cumulative turns >= 0."""
    cum, was_negative = 0.0, False
    for t, f in enumerate(flows):
        prev, cum = cum, cum + f
        if t > 0 and was_negative and cum >= 0:
            return (t - 1) + (-prev) / f
        was_negative = was_negative or cum < 0
    return math.nan if was_negative else 0.0


# --- discount factors and NPV -----------------------------------------------------------------


def test_discount_factors_shapes_and_values():
    r = np.array([0.0, 0.1, -0.2])
    expected = np.array([[1.0 / (1.0 + x) ** t for t in range(5)] for x in r])
    assert discount_factors(0.1, 5).shape == (1, 5)
    np.testing.assert_allclose(discount_factors(0.1, 5)[0], expected[1], rtol=1e-15)
    np.testing.assert_allclose(discount_factors(r, 5), expected, rtol=1e-15)
    np.testing.assert_allclose(discount_factors(r[:, None], 5), expected, rtol=1e-15)
    assert discount_factors(0.12, 1).tolist() == [[1.0]]  # year 0 is never discounted


@settings(max_examples=150, deadline=None)
@given(flows=flow_lists, rate=rates)
def test_npv_matches_numpy_financial(flows, rate):
    got = npv(rate, np.array([flows]))
    assert got.shape == (1,)
    tol = 1e-12 * scale_of(flows) * 2.0 ** len(flows)  # discount factors up to 2**39
    assert got[0] == pytest.approx(npf.npv(rate, flows), rel=1e-12, abs=tol)
    assert got[0] == pytest.approx(npv_loop(rate, flows), rel=1e-12, abs=tol)


@settings(max_examples=100, deadline=None)
@given(
    n_rows=st.integers(1, 6),
    n_years=st.integers(2, 40),
    data=st.data(),
)
def test_npv_batch_equals_per_row(n_rows, n_years, data):
    row = st.lists(amounts, min_size=n_years, max_size=n_years)
    cf = np.array(data.draw(st.lists(row, min_size=n_rows, max_size=n_rows)))
    r = np.array(data.draw(st.lists(rates, min_size=n_rows, max_size=n_rows)))
    one_rate = float(r[0])
    expected_one = [npf.npv(one_rate, row) for row in cf]
    expected_each = [npf.npv(x, row) for x, row in zip(r, cf, strict=True)]
    tol = 1e-12 * scale_of(cf) * 2.0**n_years
    np.testing.assert_allclose(npv(one_rate, cf), expected_one, rtol=1e-12, atol=tol)
    np.testing.assert_allclose(npv(r, cf), expected_each, rtol=1e-12, atol=tol)
    np.testing.assert_allclose(npv(r[:, None], cf), expected_each, rtol=1e-12, atol=tol)


# --- IRR ----------------------------------------------------------------------------------------


@pytest.mark.filterwarnings("error::RuntimeWarning")
@settings(max_examples=200, deadline=None)
@given(flows=conventional_flows())
def test_irr_matches_numpy_financial_on_conventional_flows(flows):
    expected = npf.irr(flows)
    assume(np.isfinite(expected))
    got = irr(np.array([flows]))
    assert got.shape == (1,)
    assert got[0] == pytest.approx(expected, abs=1e-6 * (1.0 + abs(expected)))
    assert abs(npv_loop(got[0], flows)) <= 1e-9 * scale_of(flows)


def test_irr_degenerate_rows_are_nan_in_a_mixed_batch():
    good_a = [-100.0, 39.0, 59.0, 55.0, 20.0]
    good_b = [-250.0, -50.0, 80.0, 90.0, 200.0]
    cf = np.array(
        [
            good_a,
            [10.0, 20.0, 30.0, 40.0, 50.0],  # all positive
            [-10.0, -20.0, -30.0, -40.0, -50.0],  # all negative
            [0.0, 0.0, 0.0, 0.0, 0.0],  # all zero
            good_b,
            [-100.0, 0.0, 0.0, 0.0, 0.0],  # one sign only, with zeros
            [-100.0, np.nan, 50.0, 60.0, 70.0],  # missing value
            [-100.0, 1e-3, 0.0, 0.0, 0.0],  # root at -99.999 %/yr, below ``low``
            [-1.0, 100.0, 0.0, 0.0, 0.0],  # root at 9900 %/yr, above ``high``
        ]
    )
    with np.errstate(all="raise"):
        got = irr(cf)
    assert got.shape == (9,)
    assert np.isnan(got[[1, 2, 3, 5, 6, 7, 8]]).all()
    assert got[0] == pytest.approx(npf.irr(good_a), abs=1e-10)
    assert got[4] == pytest.approx(npf.irr(good_b), abs=1e-10)


def test_irr_search_interval_is_respected():
    assert irr([-1.0, 100.0], high=100.0)[0] == pytest.approx(99.0, rel=1e-10)
    assert np.isnan(irr([-1.0, 100.0], high=98.0)[0])
    assert irr([-100.0, 1e-3], low=-0.999999)[0] == pytest.approx(-0.99999, rel=1e-9)
    assert irr([-1.0, 11.0])[0] == pytest.approx(10.0, rel=1e-12)  # root at ``high`` counts
    with pytest.raises(ValueError):
        irr([-1.0, 2.0], low=0.01)


def test_irr_two_roots_returns_the_one_nearest_zero():
    # -100 + 230 v - 132 v**2 = 0 at v = 1/1.1 and v = 1/1.2: IRRs of 10 % and 20 %.
    for flows in ([-100.0, 230.0, -132.0], [100.0, -230.0, 132.0]):
        got = irr(flows)[0]
        assert got == pytest.approx(0.10, abs=1e-10)
        assert got == pytest.approx(npf.irr(flows), abs=1e-10)
        assert npv_loop(0.20, flows) == pytest.approx(0.0, abs=1e-9)  # the other root exists


@pytest.mark.parametrize(
    ("r1", "r2"),
    [(-0.05, 0.20), (-0.30, 0.10), (0.02, 0.50), (-0.40, -0.15), (0.15, 3.0)],
)
def test_irr_nearest_root_on_either_side_of_zero(r1, r2):
    # Coefficients (in v = 1/(1+r)) of (v - v1)(v - v2), scaled to a 100 USD outlay.
    v1, v2 = 1.0 / (1.0 + r1), 1.0 / (1.0 + r2)
    flows = [100.0 * v1 * v2, -100.0 * (v1 + v2), 100.0]
    expected = r1 if abs(r1) < abs(r2) else r2
    got = irr(flows)[0]
    assert got == pytest.approx(expected, abs=1e-10)
    assert got == pytest.approx(npf.irr(flows), abs=1e-8)


@pytest.mark.parametrize(
    "flows",
    [
        [-100, 39, 59, 55, 20],
        [-100, 0, 0, 74],
        [-100, 100, 0, -7],
        [-100, 100, 0, 7],
        [-5, 10.5, 1, -8, 1],
        [-100, 50, -60, 120, -20, 30],
    ],
)
def test_irr_numpy_financial_examples(flows):
    assert irr(flows)[0] == pytest.approx(npf.irr(flows), abs=1e-9)


def test_irr_exact_roots_on_the_grid():
    assert irr([-100.0, 100.0])[0] == 0.0
    assert irr([-100.0, 50.0, 50.0])[0] == 0.0
    assert irr([100.0, -50.0, -50.0])[0] == 0.0
    grid = _rate_grid(-0.99, 10.0)
    for g in grid[[5, 40, len(grid) // 2 - 3, len(grid) // 2 + 7, -20, -1]]:
        assert irr([-1.0, 1.0 + g])[0] == pytest.approx(g, rel=1e-12, abs=1e-15)


def test_irr_batch_equals_rows_alone_and_any_slicing():
    rng = np.random.default_rng(20240611)
    n, y = 300, 25
    cf = rng.uniform(-50.0, 120.0, size=(n, y))
    cf[:, :2] = -rng.uniform(200.0, 900.0, size=(n, 2))
    cf[::7] = rng.normal(size=(len(cf[::7]), y)) * 100.0  # non-conventional rows
    cf[::11] = np.abs(cf[::11])  # no sign change
    cf[5] = 0.0
    alone = np.array([irr(row)[0] for row in cf])
    for chunk in (1, 7, 64, 10_000):
        sliced = np.concatenate([irr(cf[a : a + chunk]) for a in range(0, n, chunk)])
        np.testing.assert_array_equal(sliced, alone)
    np.testing.assert_array_equal(irr(cf), alone)
    conventional = [i for i in range(n) if i % 7 and i % 11 and i != 5]
    expected = [npf.irr(cf[i]) for i in conventional]
    np.testing.assert_allclose(alone[conventional], expected, atol=1e-8)
    assert np.isnan(alone[::11]).all() and np.isnan(alone[5])


# --- payback ------------------------------------------------------------------------------------


def test_payback_hand_cases():
    cf = np.array(
        [
            [-100.0, 50.0, 50.0, 50.0],  # reaches exactly 0 at the end of year 2
            [-100.0, 40.0, 40.0, 40.0],  # -20 after year 2, +40 in year 3: half-way
            [10.0, 20.0, 30.0, 0.0],  # never negative
            [-100.0, 10.0, 10.0, 10.0],  # never recovers
            [0.0, -100.0, 150.0, 0.0],  # negative from year 1, recovers 2/3 into year 2
            [-100.0, 150.0, -100.0, 10.0],  # first recovery counts
        ]
    )
    expected = [2.0, 2.5, 0.0, math.nan, 1.0 + 100.0 / 150.0, 100.0 / 150.0]
    np.testing.assert_allclose(payback_years(cf), expected, rtol=1e-15, equal_nan=True)
    assert payback_years([-100.0, 40.0, 40.0, 40.0]).shape == (1,)
    assert np.isnan(payback_years([-100.0, np.nan, 200.0])[0])


@pytest.mark.filterwarnings("error::RuntimeWarning")
@settings(max_examples=150, deadline=None)
@given(rows=st.lists(flow_lists.map(lambda f: (f + [0.0] * 40)[:12]), min_size=1, max_size=5))
def test_payback_matches_reference_loop_and_rows_alone(rows):
    cf = np.array(rows)
    expected = [payback_loop(row) for row in rows]
    got = payback_years(cf)
    np.testing.assert_allclose(got, expected, rtol=1e-12, equal_nan=True)
    np.testing.assert_array_equal(got, [payback_years(row)[0] for row in cf])


# --- annuity factor -----------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:invalid value encountered in divide:RuntimeWarning")
@pytest.mark.parametrize("rate", [0.0, 1e-9, 0.03, 0.08, 0.12, 0.5, -0.05])
@pytest.mark.parametrize("n_years", [1, 10, 25])
def test_annuity_factor_closed_form_and_numpy_financial(rate, n_years):
    got = annuity_factor(rate, n_years)
    assert isinstance(got, float)
    closed = n_years if rate == 0 else (1.0 - (1.0 + rate) ** -n_years) / rate
    assert got == pytest.approx(closed, rel=1e-6 if rate == 1e-9 else 1e-13)
    assert got == pytest.approx(npf.pv(rate, n_years, -1.0), rel=1e-6 if rate == 1e-9 else 1e-12)
    # Capital charge: the level payment that repays 1000 USD over n years.
    assert 1000.0 / got == pytest.approx(npf.pmt(rate, n_years, -1000.0), rel=1e-6)


def test_annuity_factor_vectorised_and_zero_rate():
    r = np.array([0.0, 0.1, 0.0])
    n = np.array([5, 10, 7])
    expected = [5.0, (1.0 - 1.1**-10) / 0.1, 7.0]
    np.testing.assert_allclose(annuity_factor(r, n), expected, rtol=1e-13)
    assert annuity_factor(0.0, 30) == 30.0
    # Tiny rates: still ~n, without the cancellation of the naive closed form.
    assert annuity_factor(1e-15, 20) == pytest.approx(20.0, rel=1e-12)


def test_capital_recovery_factor_makes_npv_zero():
    """-capex in the build years + the charge over the operating years has NPV 0 at r."""
    from orevalue.economics.metrics import capital_recovery_factor

    rate, shares, life = 0.12, np.array([0.25, 0.45, 0.30]), 25
    charge = capital_recovery_factor(rate, shares, life)[0]
    flows = np.concatenate([-shares, np.full(life, charge)])
    assert npf.npv(rate, flows) == pytest.approx(0.0, abs=1e-12)
    assert capital_recovery_factor(0.0, shares, life)[0] == pytest.approx(1 / life)


def grid_scan_irr(flows: np.ndarray, grid: np.ndarray) -> float:
    """Reference IRR by brute force: the NPV at every trial rate of the grid; on each side of
    0 the first trial rate where its sign differs from the sign at 0 brackets a root, found by
    SciPy's brentq; the root of smaller |r| wins (the upper one on a tie)."""
    from scipy.optimize import brentq

    def f(r: float) -> float:
        return float(np.sum(flows / (1.0 + r) ** np.arange(flows.size)))

    zero = int(np.searchsorted(grid, 0.0))
    f0 = f(0.0)
    if f0 == 0.0:
        return 0.0
    roots = []
    for step in (1, -1):
        j = zero + step
        while 0 <= j < grid.size and (f(grid[j]) > 0) == (f0 > 0):
            j += step
        if 0 <= j < grid.size:
            near, far = grid[j - step], grid[j]
            roots.append(brentq(f, min(near, far), max(near, far), xtol=1e-14, rtol=1e-13))
    roots = [r for r in roots if r > -0.99]
    return min(roots, key=abs) if roots else float("nan")


@settings(max_examples=150, deadline=None)
@given(
    st.floats(-0.6, 2.0).filter(lambda r: abs(r) > 0.002),
    st.floats(1.12, 1.6),
    st.lists(st.floats(0.1, 1.0), min_size=1, max_size=25),
    st.booleans(),
)
def test_irr_skipping_walk_finds_the_root_of_a_point_by_point_scan(r1, ratio, q, far_root):
    # NPV in v = 1/(1+r) as (v - v1)(v - v2) Q(v), Q with positive coefficients (no root at
    # v > 0): two roots close together on one side of 0 (beyond the grid's spacing, so a
    # point-by-point scan brackets the nearer), and maybe a third on the other side; a walk
    # that skipped too far would step over the pair, whose signs cancel
    r2 = (1.0 + r1) * ratio - 1.0 if r1 > 0 else (1.0 + r1) / ratio - 1.0
    factors = [np.array([-1.0 / (1.0 + r1), 1.0]), np.array([-1.0 / (1.0 + r2), 1.0])]
    if far_root:
        other = -min(0.5 * r1, 0.5) if r1 > 0 else 3.0 * abs(r1)
        factors.append(np.array([-1.0 / (1.0 + other), 1.0]))
    coef = np.array(q)  # coefficient of v**t at index t
    for factor in factors:
        coef = np.convolve(coef, factor)
    flows = 100.0 * coef / np.abs(coef).max()
    expected = grid_scan_irr(flows, _rate_grid(-0.99, 10.0))
    got = irr(flows)[0]
    if math.isnan(expected):
        assert math.isnan(got)
    else:
        assert got == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("scale", [1.0, 1e150, 1e-200])
def test_irr_of_long_or_huge_flows_is_the_scans(scale):
    # 193 years with the flows at the end: far below 0 the NPV's derivatives overflow, which
    # must prove nothing (a walk that trusted them skipped the root at -85 %); the size of the
    # money must not matter either
    flows = np.array([0.0] * 190 + [66.67, -16.67, 1.0])
    expected = grid_scan_irr(flows, _rate_grid(-0.99, 10.0))
    assert expected == pytest.approx(-0.85, abs=1e-3)
    assert irr(flows * scale)[0] == pytest.approx(expected, abs=1e-9)
