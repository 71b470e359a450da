"""Investment metrics on cash-flow matrices: NPV, IRR, payback period and annuity factor.

Cash flows are arrays shaped (N, Y): N samples (rows), Y years (columns), real USD; column 0 is
year t = 0 and is not discounted. A 1-D array is treated as a single row. Everything is
vectorised over samples: the only Python loops run over years, solver iterations or row chunks.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

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
    # rows (a BLAS product may round differently by position, breaking chunk invariance)
    if r.size == 1 or (r.size == cf.shape[0] and np.all(r == r[0])):
        return np.einsum("ij,j->i", cf, (1.0 + r[0]) ** -t.astype(float))  # one rate
    factors = np.exp(np.multiply.outer(-np.log1p(r), t))
    if factors.shape == cf.shape:
        return np.einsum("ij,ij->i", cf, factors)
    return (cf * factors).sum(axis=1)


def _rate_grid(low: float, high: float, per_side: int = 150) -> np.ndarray:
    """Sorted trial rates from ``low`` to ``high``: geometric in |r| (dense near 0, which is
    included) plus points evenly spaced in log(1+r) so that rates close to -100% are covered."""
    mags = np.geomspace(1e-4, max(-low, high, 2e-4), per_side)
    even = np.expm1(np.linspace(np.log1p(low), np.log1p(high), 60))
    pts = np.concatenate([-mags, [0.0], mags, even])
    return np.unique(np.concatenate([[low], pts[(pts > low) & (pts < high)], [high]]))


def _npv_and_slope(ct: np.ndarray, rate: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """NPV and dNPV/drate for flows ``ct`` shaped (Y, m) at one rate per column (Horner)."""
    v = 1.0 / (1.0 + rate)
    p, dp = ct[-1].copy(), np.zeros_like(rate)
    for t in range(ct.shape[0] - 2, -1, -1):
        dp = dp * v + p
        p = p * v + ct[t]
    return p, -dp * v * v


def _refine(
    ct: np.ndarray, a: np.ndarray, b: np.ndarray, fa: np.ndarray, fb: np.ndarray
) -> np.ndarray:
    """Root of NPV in each bracket (a, b) whose end values fa, fb have opposite signs:
    regula-falsi start, then Newton steps, with bisection whenever Newton leaves the bracket."""
    out = np.empty_like(a)
    x = a - fa * (b - a) / (fb - fa)
    x = np.where((x > a) & (x < b), x, 0.5 * (a + b))
    sa, ids = np.sign(fa), np.arange(a.size)
    for _ in range(_MAX_ITER):
        f, df = _npv_and_slope(ct, x)
        same = np.sign(f) == sa
        a, b = np.where(same, x, a), np.where(same, b, x)
        step = f / df
        tol = 1e-14 + 1e-12 * np.abs(x)
        conv = np.abs(step) <= tol  # last Newton step is tiny: accept it (error ~ step**2)
        xn = x - step
        xn = np.where(conv | ((xn > a) & (xn < b)), xn, 0.5 * (a + b))
        xn = np.where(f == 0, x, xn)
        done = conv | (f == 0) | (b - a <= tol)
        out[ids[done]] = xn[done]
        keep = ~done
        if not keep.any():
            return out
        ct, a, b, x, sa, ids = ct[:, keep], a[keep], b[keep], xn[keep], sa[keep], ids[keep]
    out[ids] = x  # iteration cap (ill-conditioned rows): best estimate inside the bracket
    return out


def _irr_chunk(
    cf: np.ndarray, grid: np.ndarray, powers: np.ndarray, z: int, low: float
) -> np.ndarray:
    """IRR of rows ``cf`` (each with both signs); ``grid[z] == 0``, ``powers`` is (Y, G)."""
    n = cf.shape[0]
    vals = cf @ powers  # (n, G): NPV at every trial rate
    pos = vals > 0
    at_zero = vals[:, z] == 0
    best = np.where(at_zero, 0.0, np.nan)  # exact root at r = 0
    # Walk outward from r = 0, upward then downward, to the first grid point j where "NPV > 0"
    # differs from its value at r = 0: the root nearest 0 on that side is at j - step (if NPV is
    # exactly 0 there), at j (likewise), or inside the bracket between them.
    for step, view in ((1, pos[:, z + 1 :]), (-1, pos[:, z - 1 :: -1])):
        differs = view != pos[:, z : z + 1]  # C-ordered, so the row-wise argmax is fast
        k = differs.argmax(axis=1)
        rows = np.flatnonzero(differs[np.arange(n), k] & ~at_zero)
        j = z + step * (k[rows] + 1)
        near, far = j - step, j
        f_near, f_far = vals[rows, near], vals[rows, far]
        root = np.where(f_near == 0, grid[near], grid[far])
        root[root <= low] = np.nan  # an exact root at ``low`` is excluded
        br = np.flatnonzero((f_near != 0) & (f_far != 0))
        lo, hi = np.minimum(near[br], far[br]), np.maximum(near[br], far[br])
        r = rows[br]
        ct = np.ascontiguousarray(cf[r].T)
        # the bracket's end values again, row by row (Horner): the matrix product above may
        # round differently with the rows around, and the refined root must not
        f_lo, f_hi = _npv_and_slope(ct, grid[lo])[0], _npv_and_slope(ct, grid[hi])[0]
        root[br] = _refine(ct, grid[lo], grid[hi], f_lo, f_hi)
        old = best[rows]
        best[rows] = np.where(np.isnan(old) | (np.abs(root) < np.abs(old)), root, old)
    return best


def irr(
    cash_flows_usd: ArrayLike,
    low: float = -0.99,
    high: float = 10.0,
    *,
    chunk_rows: int = 4096,
) -> np.ndarray:
    """Internal rate of return of each row (fraction per year), shape (N,).

    The rate r in (low, high] with NPV(r) = 0, where -1 < low < 0 < high. With several roots,
    the one of smallest |r| is returned (numpy_financial.irr's rule). NaN for rows without a sign
    change, all-zero rows, rows with non-finite values, or rows without a root in range. Roots
    are bracketed on a grid of ~330 trial rates (dense near 0); two roots closer together than
    the grid spacing (~6-8% of |r|) cancel out and are not seen. Rows are processed
    ``chunk_rows`` at a time (the grid matrix takes about chunk_rows * 2.7 kB).
    """
    cf = _rows(cash_flows_usd)
    if not -1.0 < low < 0.0 < high:
        raise ValueError("need -1 < low < 0 < high")
    out = np.full(cf.shape[0], np.nan)
    ok = np.isfinite(cf).all(axis=1) & (cf > 0).any(axis=1) & (cf < 0).any(axis=1)
    # Rows whose flows change sign once (outflows, then inflows, zeros aside) have exactly one
    # root (Descartes' rule of signs in 1 / (1 + r)): no root can hide between grid points, so
    # a coarse grid brackets it. Other rows take the fine grid.
    single = ok & _one_sign_change(cf)
    chunk = max(1, int(chunk_rows))
    for rows_ok, grid in ((single, _coarse_grid(low, high)), (ok & ~single, _rate_grid(low, high))):
        idx = np.flatnonzero(rows_ok)
        if idx.size == 0:
            continue
        with np.errstate(over="ignore"):
            powers = (1.0 + grid) ** -np.arange(cf.shape[1])[:, None]  # (Y, G) discount factors
        keep = powers.max(axis=0) < 1e250  # rates near -100% overflow for very long flows
        grid, powers = grid[keep], powers[:, keep]
        z = int(np.searchsorted(grid, 0.0))
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            for start in range(0, idx.size, chunk):
                rows = idx[start : start + chunk]
                out[rows] = _irr_chunk(cf[rows], grid, powers, z, low)
    return out


def _one_sign_change(cf: np.ndarray) -> np.ndarray:
    """Rows whose non-zero flows change sign exactly once (all of one sign, then all of the
    other), shape (N,)."""
    y = cf.shape[1]
    neg, pos = cf < 0, cf > 0
    first_neg, first_pos = neg.argmax(axis=1), pos.argmax(axis=1)
    last_neg, last_pos = y - 1 - neg[:, ::-1].argmax(axis=1), y - 1 - pos[:, ::-1].argmax(axis=1)
    return (last_neg < first_pos) | (last_pos < first_neg)


def _coarse_grid(low: float, high: float) -> np.ndarray:
    """A few trial rates from ``low`` to ``high`` with 0 among them (enough to bracket a root
    known to be unique)."""
    pts = np.array(
        [-0.9, -0.6, -0.35, -0.2, -0.1, -0.04, 0.0, 0.04, 0.1, 0.2, 0.35, 0.6, 1.0, 2.0, 4.0]
    )
    return np.unique(np.concatenate([[low], pts[(pts > low) & (pts < high)], [high]]))


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
