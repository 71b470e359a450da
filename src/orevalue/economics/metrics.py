"""Investment metrics on cash-flow matrices: NPV, IRR, payback period and annuity factor.

Cash flows are arrays shaped (N, Y): N samples (rows), Y years (columns), real USD; column 0 is
year t = 0 and is not discounted. A 1-D array is treated as a single row. Everything is
vectorised over samples; the IRR's search, row by row, runs compiled (:mod:`orevalue.kernels`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from orevalue import kernels

__all__ = ["annuity_factor", "discount_factors", "irr", "npv", "payback_years"]

_MAX_ITER = 100  # cap on safeguarded-Newton iterations in the IRR refinement


def _rows(cash_flows_usd: ArrayLike) -> np.ndarray:
    cf = np.asarray(cash_flows_usd, dtype=float)
    if cf.ndim not in (1, 2):
        raise ValueError(f"cash flows must be shaped (N, Y) or (Y,), got {cf.shape}")
    return cf.reshape(1, -1) if cf.ndim == 1 else cf


def discount_factors(rate: ArrayLike, n_years: int) -> np.ndarray:
    """Discount factors 1/(1+rate)**t for t = 0..n_years-1 (dimensionless).

    ``rate`` is a fraction per year (> -1): a float, or an array shaped (N,) or (N, 1).
    Returns shape (1, Y) for a scalar rate, otherwise (N, Y).
    """
    r = np.asarray(rate, dtype=float).reshape(-1, 1)
    return 1.0 / (1.0 + r) ** np.arange(n_years)


def npv(rate: ArrayLike, cash_flows_usd: ArrayLike) -> np.ndarray:
    """Net present value (USD) of each row, shape (N,); year 0 is not discounted.

    ``rate`` (fraction per year) is a float or one rate per row, shaped (N,) or (N, 1).
    Matches ``numpy_financial.npv(rate, row)`` row by row.
    """
    cf = _rows(cash_flows_usd)
    r = np.asarray(rate, dtype=float).reshape(-1)
    t = np.arange(cf.shape[1])
    # einsum's row-by-row sums of products: each row's result is the same whatever the other
    # rows (a BLAS product may round differently by position, breaking chunk invariance); the
    # factors are (1 + r)^-t whether the rows share one rate or not, so a row's NPV is the same
    # bits alone or among rows of other rates (siting values its sites as one batch)
    if r.size == 1 or (r.size == cf.shape[0] and np.all(r == r[0])):
        return np.einsum("ij,j->i", cf, (1.0 + r[0]) ** -t.astype(float))  # one rate
    factors = (1.0 + r[:, None]) ** -t.astype(float)
    if factors.shape == cf.shape:
        return np.einsum("ij,ij->i", cf, factors)
    return (cf * factors).sum(axis=1)


def _rate_grid(low: float, high: float, per_side: int = 150) -> np.ndarray:
    """Sorted trial rates from ``low`` to ``high``: geometric in |r| (dense near 0, which is
    included) plus points evenly spaced in log(1+r) so that rates close to -100% are covered."""
    mags = np.geomspace(1e-4, max(-low, high, 2e-4), per_side)
    even = np.expm1(np.linspace(np.log1p(low), np.log1p(high), 60))
    pts = np.concatenate([-mags, [0.0], mags, even])
    grid = np.sort(np.concatenate([[low], pts[(pts > low) & (pts < high)], [high]]))
    # np.unique's own steps (sort, drop repeats); np.unique itself imports numpy.ma, 17 ms of
    # a cold start
    return grid[np.concatenate([[True], grid[1:] != grid[:-1]])]


def irr(
    cash_flows_usd: ArrayLike,
    low: float = -0.99,
    high: float = 10.0,
    max_iter: int = _MAX_ITER,
) -> np.ndarray:
    """Internal rate of return of each row (fraction per year), shape (N,).

    The rate r in (low, high] with NPV(r) = 0, where -1 < low < 0 < high. With several roots,
    the one of smallest |r| is returned (numpy_financial.irr's rule). NaN for rows without a sign
    change, all-zero rows, rows with non-finite values, or rows without a root in range. Roots
    are bracketed by walking a grid of ~330 trial rates (dense near 0) outward from 0; two roots
    closer together than the grid spacing (~6-8% of |r|) cancel out and are not seen.
    """
    cf = _rows(cash_flows_usd)
    if not -1.0 < low < 0.0 < high:
        raise ValueError("need -1 < low < 0 < high")
    grid = _rate_grid(low, high)
    with np.errstate(over="ignore"):  # rates near -100% overflow for very long flows
        grid = grid[(1.0 + grid) ** -(cf.shape[1] - 1.0) < 1e250]
    out = np.empty(cf.shape[0])
    zero = int(np.searchsorted(grid, 0.0))
    kernels.irr_rows(np.ascontiguousarray(cf), grid, zero, low, max_iter, out)
    return out


def payback_years(cash_flows_usd: ArrayLike) -> np.ndarray:
    """Undiscounted payback period (years from t = 0) of each row, shape (N,).

    With C_t the cumulative flow through year t, let t >= 1 be the first year with C_t >= 0
    after some earlier C_s < 0. Year t's flow f_t is taken to arrive evenly over (t-1, t], so
    payback = (t - 1) + (-C_{t-1}) / f_t; e.g. [-100, 40, 40, 40] -> 2.5. Rows whose cumulative
    flow is never negative give 0.0; rows that never recover, or hold non-finite values, give NaN.
    """
    cf = _rows(cash_flows_usd)
    cum = np.cumsum(cf, axis=1)
    was_neg = np.logical_or.accumulate(cum < 0, axis=1)
    cross = cum >= 0
    cross[:, 0] = False
    cross[:, 1:] &= was_neg[:, :-1]
    hit = cross.any(axis=1)
    t = cross.argmax(axis=1)
    rows = np.arange(cf.shape[0])
    with np.errstate(all="ignore"):  # the quotient is only used where ``hit`` (then it is <= 1)
        out = np.where(hit, t - 1 - cum[rows, t - 1] / cf[rows, t], np.nan)
    out[~was_neg[:, -1]] = 0.0
    out[~np.isfinite(cf).all(axis=1)] = np.nan
    return out


def annuity_factor(rate: ArrayLike, n_years: ArrayLike) -> np.ndarray | float:
    """Present value (per unit payment) of 1 paid at the end of each of years 1..n_years.

    Equals (1 - (1+rate)**-n) / rate, and n when rate == 0; rate is a fraction per year (> -1).
    A capital charge is capex / annuity_factor(rate, n). Scalars in give a float out.
    """
    r = np.asarray(rate, dtype=float)
    n = np.asarray(n_years, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        af = np.where(r == 0, n, -np.expm1(-n * np.log1p(r)) / r)
    return af if af.ndim else float(af)


def capital_recovery_factor(
    rate: ArrayLike, spend_shares: ArrayLike, operating_years: int
) -> np.ndarray:
    """USD per year, over the operating life, that recovers 1 USD of initial capex spent in
    the build years by ``spend_shares`` (fractions, first build year first) at ``rate``.

    Capex of build year t is carried to the end of the last build year (t = build - 1) and
    recovered by equal payments at the ends of the ``operating_years`` that follow, so
    -capex + payments has an NPV of exactly zero at ``rate``.
    """
    r = np.atleast_1d(np.asarray(rate, dtype=float))
    shares = np.asarray(spend_shares, dtype=float)
    build = shares.shape[-1]
    growth = (1.0 + r[..., None]) ** (build - 1 - np.arange(build))
    carried = (np.broadcast_to(shares, growth.shape) * growth).sum(axis=-1)
    return carried / annuity_factor(r, operating_years)
