"""Saltelli's scheme without its libraries' import cost: scrambled Sobol' points and the
first-order and total Sobol indices, in NumPy.

Both give the same numbers, bit for bit, as the libraries the project used before (and its
tests compare against): :class:`scipy.stats.qmc.Sobol` (``scramble=True``, ``seed=``; Joe and
Kuo's direction numbers, linear matrix scrambling and a digital shift) and
:func:`SALib.analyze.sobol.analyze` (``calc_second_order=False``; Saltelli et al. 2010
estimators, bootstrap confidence intervals). Importing those two took 0.8 s (``scipy.stats``
and pandas), a fifth of a risk run's fixed cost; this module imports NumPy only.

References: S. Joe and F. Y. Kuo (2008), Constructing Sobol sequences with better
two-dimensional projections, SIAM J. Sci. Comput. 30, 2635-2654; J. Matousek (1998), On the
L2-discrepancy for anchored boxes, J. Complexity 14, 527-556 (scrambling); A. Saltelli et al.
(2010), Variance based sensitivity analysis of model output, Comput. Phys. Commun. 181,
259-270.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

#: Bits of each Sobol' coordinate (SciPy's default): points are multiples of 2**-30.
BITS = 30
#: Standard normal quantile at 0.975 (the 95 % confidence half-width of a bootstrap sd),
#: as ``scipy.stats.norm.ppf(0.975)`` gives it.
Z_95 = 1.959963984540054
#: Bootstrap resamples of the confidence intervals (SALib's default).
RESAMPLES = 100


def _direction_numbers(d: int) -> tuple[np.ndarray, np.ndarray]:
    """Primitive polynomials and initial direction numbers of the first ``d`` dimensions, from
    the table SciPy ships (read as a file: importing ``scipy.stats`` costs half a second)."""
    spec = importlib.util.find_spec("scipy")
    if spec is None or spec.origin is None:
        raise ImportError("scipy is not installed")
    path = Path(spec.origin).parent / "stats" / "_sobol_direction_numbers.npz"
    with np.load(path) as table:
        return table["poly"][:d].astype(np.uint32), table["vinit"][:d].astype(np.uint32)


def _initial_v(d: int) -> np.ndarray:
    """Direction numbers (d, BITS), each scaled to its bit: Bratley and Fox's (1988)
    recurrence over the primitive polynomial of degree m of each dimension, all dimensions at
    once (the first is all ones)."""
    poly, vinit = _direction_numbers(d)
    poly = poly.astype(np.uint64)
    degree = np.array([int(p).bit_length() - 1 for p in poly])
    degree[0] = BITS  # the first dimension is all ones, no recurrence
    v = np.zeros((d, BITS), dtype=np.uint64)
    columns = np.arange(min(BITS, vinit.shape[1]))
    v[:, columns] = np.where(columns < degree[:, None], vinit[:, columns], 0)
    v[0] = 1
    rows = np.arange(d)
    for j in range(BITS):
        active = degree <= j
        if not active.any():
            continue
        r, m, p = rows[active], degree[active], poly[active]
        new = v[r, j - m]
        for k in range(int(m.max())):
            term = (k < m) & (((p >> np.maximum(m - 1 - k, 0).astype(np.uint64)) & 1) == 1)
            new ^= np.where(term, np.uint64(2 << k) * v[r, j - k - 1], np.uint64(0))
        v[r, j] = new
    v = (v & 0xFFFFFFFF).astype(np.uint32)
    return v * (np.uint32(1) << np.arange(BITS - 1, -1, -1, dtype=np.uint32))


def _scramble(v: np.ndarray, ltm: np.ndarray) -> np.ndarray:
    """Left linear matrix scrambling of the direction numbers ``v`` (d, BITS) by the lower
    triangular bit matrices ``ltm`` (d, BITS, BITS), unit diagonal."""
    ltm = ltm.copy()
    ltm[:, np.arange(BITS), np.arange(BITS)] = 1
    # bit k of row p's word is ltm[d, p, BITS - 1 - k]; bit k of v[d, j] is (v >> k) & 1
    rows = ltm[:, :, ::-1].astype(np.int64)  # (d, p, k)
    bits = ((v[:, :, None] >> np.arange(BITS, dtype=np.uint32)) & 1).astype(np.int64)  # (d,j,k)
    parity = np.einsum("dpk,djk->dpj", rows, bits) & 1
    weights = np.int64(1) << np.arange(BITS - 1, -1, -1, dtype=np.int64)  # row p -> bit
    return np.einsum("dpj,p->dj", parity, weights).astype(np.uint32)


def sobol_points(d: int, n: int, seed: int) -> np.ndarray:
    """The first ``n`` points (n, d) of the scrambled Sobol' sequence in ``d`` dimensions,
    as ``scipy.stats.qmc.Sobol(d, scramble=True, seed=seed).random(n)``."""
    rng = np.random.default_rng(seed)
    shift = np.dot(
        rng.integers(2, size=(d, BITS), dtype=np.uint32),
        2 ** np.arange(BITS, dtype=np.uint32),
    )
    ltm = np.tril(rng.integers(2, size=(d, BITS, BITS), dtype=np.uint32))
    v = _scramble(_initial_v(d), ltm) if d else np.zeros((0, BITS), dtype=np.uint32)
    index = np.arange(n, dtype=np.uint64)
    gray = index ^ (index >> np.uint64(1))  # point i is the shift XOR v of gray(i)'s bits
    quasi = np.broadcast_to(shift.astype(np.uint32), (n, d)).copy()
    for bit in range(max(int(n - 1).bit_length(), 0)):
        take = ((gray >> np.uint64(bit)) & np.uint64(1)).astype(bool)
        quasi[take] ^= v[:, bit]
    return quasi * (1.0 / 2**BITS)


class _Estimators:
    """Saltelli et al.'s (2010) first-order and total estimators over the A and B rows ``a``,
    ``b`` (n,) or resampled (n, resamples), normalised by the variance of A and B together;
    the parts that do not depend on the factor are computed once, as SALib computes them for
    every factor (so the values are the same)."""

    def __init__(self, a: np.ndarray, b: np.ndarray):
        self.a, self.b = a, b
        y = np.r_[a, b]
        self.constant = bool(np.ptp(y) <= np.finfo(float).eps)
        self.var = np.var(y, axis=0)
        self.shape = y.shape[1:]

    def _ratio(self, numerator: np.ndarray) -> np.ndarray:
        if self.constant:
            return np.zeros(self.shape, dtype=np.float64)
        return np.divide(
            numerator,
            self.var,
            out=np.zeros_like(self.var, dtype=np.float64),
            where=self.var > np.finfo(float).eps,
        )

    def first(self, ab: np.ndarray) -> np.ndarray:
        """First-order index of the factor whose AB rows are ``ab``."""
        return self._ratio(np.mean(self.b * (ab - self.a), axis=0))

    def total(self, ab: np.ndarray) -> np.ndarray:
        """Total index of the factor whose AB rows are ``ab``."""
        return self._ratio(0.5 * np.mean((self.a - ab) ** 2, axis=0))


def indices(y: np.ndarray, groups: int, seed: int) -> dict[str, np.ndarray]:
    """First-order ``S1`` and total ``ST`` Sobol indices (dimensionless shares of the variance
    of ``y``) of each of ``groups`` factors, with 95 % bootstrap half-widths ``S1_conf`` and
    ``ST_conf``, from outputs ``y`` of a design with rows (A, AB_1 .. AB_groups, B) per base
    point; as ``SALib.analyze.sobol.analyze(problem, y, calc_second_order=False, seed=seed)``
    (its seed 0, the global NumPy state there, is ``default_rng(0)`` here)."""
    step = groups + 2
    if y.size % step:
        raise ValueError(f"{y.size} outputs are not a multiple of {step} rows per base point")
    n = y.size // step
    y = (y - y.mean()) / y.std()
    a, b = y[0 : y.size : step], y[step - 1 : y.size : step]
    ab = np.zeros((n, groups))
    for j in range(groups):
        ab[:, j] = y[j + 1 : y.size : step]
    r = np.random.default_rng(seed).integers(n, size=(n, RESAMPLES))
    out = {key: np.zeros(groups) for key in ("S1", "S1_conf", "ST", "ST_conf")}
    whole, resampled = _Estimators(a, b), _Estimators(a[r], b[r])
    spread = np.ptp(np.r_[a[r], b[r]]) != 0.0
    for j in range(groups):
        out["S1"][j] = whole.first(ab[:, j])
        out["ST"][j] = whole.total(ab[:, j])
        if spread:
            ab_r = ab[r, j]
            out["S1_conf"][j] = Z_95 * resampled.first(ab_r).std(ddof=1)
            out["ST_conf"][j] = Z_95 * resampled.total(ab_r).std(ddof=1)
    return out
