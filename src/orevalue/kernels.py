"""Year-by-year recursions, compiled with Numba.

A carry-forward (of losses or of tax credits) and the search for an IRR depend on the years
before, so numpy can only step through them one year at a time, an array pass per year. These
kernels loop over samples and years in compiled code instead. Each row's result depends on that
row alone, so results do not depend on how samples are chunked. They are compiled on first use
and cached on disk next to this module (Numba's ``cache=True``); a small call (one sample) runs
the same functions interpreted, which starts faster (:mod:`orevalue.jit`). The tax kernels
(carry-forward, depreciation, the corporate taxes and the investor's lines in one pass) are in
:mod:`orevalue.kernels_taxes`.
"""

from __future__ import annotations

import math

import numpy as np

from orevalue.jit import numba  # compiled where it pays: see orevalue.jit


@numba.njit
def _npv_and_slope(row: np.ndarray, rate: float) -> tuple[float, float]:
    """NPV of the flows ``row`` (Y,) at ``rate`` and its derivative by the rate (Horner)."""
    v = 1.0 / (1.0 + rate)
    years = row.size
    p, dp = row[years - 1], 0.0
    for t in range(years - 2, -1, -1):
        dp = dp * v + p
        p = p * v + row[t]
    return p, -dp * v * v


@numba.njit
def _refine(
    row: np.ndarray, a: float, b: float, fa: float, fb: float, max_iter: int, x0: float
) -> float:
    """Root of the NPV of ``row`` in (a, b), whose end values have opposite signs: from ``x0``
    (else the regula-falsi point), Newton steps, bisecting whenever Newton leaves the
    bracket."""
    x = x0 if a < x0 < b else a - fa * (b - a) / (fb - fa)
    if not (a < x < b):
        x = 0.5 * (a + b)
    sa = np.sign(fa)
    for _ in range(max_iter):
        f, df = _npv_and_slope(row, x)
        if np.sign(f) == sa:
            a = x
        else:
            b = x
        step = f / df
        tol = 1e-14 + 1e-12 * abs(x)
        converged = abs(step) <= tol  # last Newton step is tiny: accept it (error ~ step**2)
        xn = x - step
        if not (converged or a < xn < b):
            xn = 0.5 * (a + b)
        if f == 0.0:
            return x
        if converged or b - a <= tol:
            return xn
        x = xn
    return x  # iteration cap (ill-conditioned rows): best estimate inside the bracket


@numba.njit
def _bracket_root(
    row: np.ndarray,
    near: float,
    far: float,
    f_near: float,
    f_far: float,
    dp_near: float,
    dp_far: float,
    max_iter: int,
) -> float:
    """The root between two trial rates where the NPV changes sign (``near`` is nearer 0),
    refined from a Newton step off the end of smaller |NPV| (``dp`` are dP/dv there)."""
    if f_near == 0.0:
        return near
    if f_far == 0.0:
        return far
    end, f, dp = (near, f_near, dp_near) if abs(f_near) < abs(f_far) else (far, f_far, dp_far)
    v = 1.0 / (1.0 + end)
    x0 = end + f / (dp * v * v)  # dNPV/drate = -v^2 dP/dv
    if near < far:
        return _refine(row, near, far, f_near, f_far, max_iter, x0)
    return _refine(row, far, near, f_far, f_near, max_iter, x0)


@numba.njit
def _npv_and_bound(row: np.ndarray, rate: float) -> tuple[float, float, float, float]:
    """NPV of ``row`` at ``rate`` (the same Horner sums as :func:`_npv_and_slope`) and its
    derivative dP/dv, where v = 1 / (1 + rate) is the discount factor; with the sum A of the
    absolute flows discounted the same way, its derivative dA/dv and half its second.

    Every discount factor moves the same way with v, so between two discount factors the NPV
    and its derivatives move by at most as much as A and its derivatives do.
    """
    v = 1.0 / (1.0 + rate)
    years = row.size
    p, dp = row[years - 1], 0.0
    a, da, half_dda = abs(row[years - 1]), 0.0, 0.0
    for t in range(years - 2, -1, -1):
        half_dda = half_dda * v + da
        da = da * v + a
        a = a * v + abs(row[t])
        dp = dp * v + p
        p = p * v + row[t]
    return p, dp, da, half_dda


@numba.njit
def _clear_distance(npv: float, slope: float, curvature: float) -> float:
    """The largest s > 0 with |npv + slope s| - curvature s^2 > 0 (inf if nothing bounds it;
    0, proving nothing, where the figures overflow)."""
    f, b = abs(npv), abs(slope)
    grows = (slope > 0.0) == (npv > 0.0)  # the linear part grows: only the curvature closes in
    if curvature <= 0.0:
        if grows:
            return np.inf
        return f / b if b > 0.0 else np.inf
    if b == 0.0:
        s = np.sqrt(f / curvature)
    else:  # scaled, so that neither b^2 nor curvature x f overflows or underflows
        t, u = f / b, b / curvature
        root = np.sqrt(1.0 + 4.0 * (t / u))
        s = 0.5 * u * (1.0 + root) if grows else 2.0 * t / (1.0 + root)
    return s if np.isfinite(s) else 0.0


@numba.njit
def _root_free_rate(
    rate: float, npv: float, dp: float, da: float, half_dda: float, years: int, upward: bool
) -> float:
    """How far from ``rate`` (up or down) the NPV surely keeps its sign, as a rate.

    In v = 1 / (1 + rate), A and its derivatives are positive and rise with v. Moving v by s
    changes the NPV by at most s dA/dv (first order), and departs from its tangent by at most
    s^2 max(A'')/2 (second order); either bound proves a distance free of roots. Moving v down
    (rate up) the maxima are those at v; moving v up by s they grow at most by the factor
    ((v + s)/v)^(Y-2) for A' and ^(Y-3) for A''. Nine tenths of the larger distance is kept.
    Where a figure is not finite (overflow far below 0) nothing is proved: ``rate`` itself.
    """
    if not (np.isfinite(npv) and np.isfinite(dp) and np.isfinite(da) and np.isfinite(half_dda)):
        return rate
    v = 1.0 / (1.0 + rate)
    first = abs(npv) / da if da > 0.0 else np.inf
    slope = -dp if upward else dp  # dNPV/ds along the walk
    second = _clear_distance(npv, slope, half_dda)
    if not upward:
        if np.isfinite(first):
            first = first / (1.0 + first / v) ** max(years - 2, 0)
        if half_dda > 0.0:
            grown = half_dda * ((v + second) / v) ** max(years - 3, 0)
            second = _clear_distance(npv, slope, grown)
    h = 0.9 * max(first, second)
    if not h >= 0.0:  # NaN
        return rate
    if upward:
        return np.inf if h >= v else 1.0 / (v - h) - 1.0
    return 1.0 / (v + h) - 1.0


@numba.njit
def irr_rows(
    cf: np.ndarray, grid: np.ndarray, zero: int, low: float, max_iter: int, out: np.ndarray
) -> None:
    """IRR of each row of ``cf`` (N, Y) into ``out`` (N,): the root nearest 0; NaN for rows
    with a flow that is not finite or without flows of both signs.

    Each row is first scaled by a power of 2 to a largest flow in [0.5, 1): exact (the root does
    not move by a bit), and no NPV or bound overflows or underflows for the size of the money.
    ``grid`` holds sorted trial rates with ``grid[zero] == 0``. On each side of r = 0 the root
    sought is in the bracket at the first trial rate where the sign of the NPV differs from its
    sign at 0; of the two sides the root of smaller |r| wins (the upper one on a tie). NaN where
    neither side changes sign or the root is at or below ``low``.

    Each side is walked outward from 0, jumping over the trial rates where the bound of
    :func:`_root_free_rate` proves the NPV keeps its sign, so the bracket found is the one a
    point-by-point walk finds. The two sides advance together, nearest first, and a side stops
    once its trial rates are farther from 0 than a root already found: no root there could win.
    """
    size, years = grid.size, cf.shape[1]
    # per side, upward [0] and downward [1]: the last trial rate reached, the NPV and the
    # derivatives of the bound there, the root found, and whether the walk goes on
    at = np.empty(2, np.int64)
    f, dp, da, half_dda, root = np.empty(2), np.empty(2), np.empty(2), np.empty(2), np.empty(2)
    live = np.empty(2, np.bool_)
    row = np.empty(years)
    for i in range(cf.shape[0]):
        largest, has_positive, has_negative, finite = 0.0, False, False, True
        for t in range(years):
            x = cf[i, t]
            finite = finite and np.isfinite(x)
            has_positive = has_positive or x > 0.0
            has_negative = has_negative or x < 0.0
            largest = max(largest, abs(x))
        if not (finite and has_positive and has_negative):
            out[i] = np.nan
            continue
        scale = math.ldexp(1.0, -math.frexp(largest)[1])
        for t in range(years):
            row[t] = cf[i, t] * scale
        f0, dp0, da0, half_dda0 = _npv_and_bound(row, 0.0)
        if f0 == 0.0:
            out[i] = 0.0
            continue
        positive = f0 > 0.0
        at[:], f[:], dp[:], da[:], half_dda[:], root[:] = zero, f0, dp0, da0, half_dda0, np.nan
        live[0], live[1] = zero < size - 1, zero > 0
        bound = np.inf  # |r| of the nearest root found so far
        while live[0] or live[1]:
            s = 0 if not live[1] or (live[0] and grid[at[0]] <= -grid[at[1]]) else 1
            if abs(grid[at[s]]) > bound:
                live[s] = False
                continue
            safe = _root_free_rate(grid[at[s]], f[s], dp[s], da[s], half_dda[s], years, s == 0)
            if abs(safe) > bound:  # no root on this side before one already found
                live[s] = False
                continue
            # the farthest trial rate short of ``safe``, at least the next one
            if s == 0:
                k = at[s] + 1
                while k + 1 < size and grid[k + 1] < safe:
                    k += 1
            else:
                k = at[s] - 1
                while k > 0 and grid[k - 1] > safe:
                    k -= 1
            fk, dpk, dak, half_ddak = _npv_and_bound(row, grid[k])
            if (fk > 0.0) != positive:  # only next to the last rate: the bracket
                r = _bracket_root(row, grid[at[s]], grid[k], f[s], fk, dp[s], dpk, max_iter)
                if r > low:
                    root[s] = r
                    bound = min(bound, abs(r))
                live[s] = False
            else:
                at[s], f[s], dp[s], da[s], half_dda[s] = k, fk, dpk, dak, half_ddak
                live[s] = 0 < k < size - 1
        best = root[0]
        if np.isnan(best) or abs(root[1]) < abs(best):
            best = root[1]
        out[i] = best


@numba.njit
def ou_paths(shocks: np.ndarray, phi: float, scale: float, out: np.ndarray) -> None:
    """Ornstein-Uhlenbeck deviations X_{k+1} = phi X_k + scale e_k into ``out`` (n, T + 1) from
    standard normal shocks e (n, T); column 0 is left as it is (the spot year)."""
    for i in range(shocks.shape[0]):
        for k in range(shocks.shape[1]):
            out[i, k + 1] = phi * out[i, k] + scale * shocks[i, k]


@numba.njit
def ou_paths_at(
    shocks: np.ndarray, phi: float, scale: float, index: np.ndarray, out: np.ndarray
) -> None:
    """The deviations of :func:`ou_paths` (the spot year's 0, then X_{k+1} = phi X_k +
    scale e_k) read at columns ``index`` (J,) of each path into ``out`` (n, J): one pass, the
    path of a sample in cache."""
    path = np.empty(shocks.shape[1] + 1)
    path[0] = 0.0
    for i in range(shocks.shape[0]):
        for k in range(shocks.shape[1]):
            path[k + 1] = phi * path[k] + scale * shocks[i, k]
        for j in range(index.size):
            out[i, j] = path[index[j]]


@numba.njit
def markov_states(
    start: bool, p_leave_true: float, p_leave_false: float, u: np.ndarray, out: np.ndarray
) -> None:
    """A two-state chain into ``out`` (n, T + 1) from uniforms ``u`` (n, T): column 0 is
    ``start``; each step the state flips where u is below the chance of leaving it."""
    for i in range(u.shape[0]):
        state = start
        out[i, 0] = state
        for k in range(u.shape[1]):
            leave = p_leave_true if state else p_leave_false
            if u[i, k] < leave:
                state = not state
            out[i, k + 1] = state
