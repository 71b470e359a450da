"""Statistics of a column of N sampled values read in fixed-size pieces (bounded memory).

Quantiles are exact (NumPy's default linear interpolation between order statistics). When the
finite values fit in ``limit`` they are loaded and passed to :func:`numpy.quantile`; otherwise
the order statistics are found by histogram refinement, a few passes over the pieces.

Histograms of several columns share their bin edges (so they can be compared bin by bin): the
edges span the lowest column's P0.5 to the highest column's P99.5 (exact quantiles, as above);
values outside are counted below or above, NaN samples apart. Counts are integers from one pass
over the same pieces, so they do not depend on how the pieces are cut.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

QUANTILES = (0.05, 0.10, 0.50, 0.90, 0.95)
#: Finite values held in memory at once for quantiles (32 MB of float64).
LIMIT = 1 << 22
BINS = 1 << 12
#: Histogram bins, and the quantiles of each spanning column its edges reach.
HIST_BINS = 40
HIST_SPAN = (0.005, 0.995)

Pieces = Callable[[], Iterator[np.ndarray]]


def describe(
    pieces: Pieces, quantiles: Iterable[float] = QUANTILES, limit: int = LIMIT
) -> dict[str, Any]:
    """Count, failures, mean, sd, min, max, quantiles ``p05``.. and the share below zero of
    the finite values yielded by ``pieces()`` (called once per pass)."""
    n = n_finite = n_negative = 0
    sums: list[float] = []
    low, high = math.inf, -math.inf
    for piece in pieces():
        n += piece.size
        x = piece[np.isfinite(piece)]
        n_finite += x.size
        if x.size:
            sums.append(float(x.sum()))
            n_negative += int(np.count_nonzero(x < 0))
            low, high = min(low, float(x.min())), max(high, float(x.max()))
    out: dict[str, Any] = {"n": n, "n_valid": n_finite, "n_failed": n - n_finite}
    if n_finite == 0:
        return out
    mean = math.fsum(sums) / n_finite
    squares = [float(np.square(piece[np.isfinite(piece)] - mean).sum()) for piece in pieces()]
    sd = math.sqrt(math.fsum(squares) / (n_finite - 1)) if n_finite > 1 else 0.0
    qs = list(quantiles)
    values = exact_quantiles(pieces, qs, n_finite, low, high, limit)
    out.update(mean=mean, sd=sd, min=low, max=high)
    out.update({f"p{round(q * 100):02d}": v for q, v in zip(qs, values, strict=True)})
    out["prob_negative"] = n_negative / n_finite
    return out


def exact_quantiles(
    pieces: Pieces,
    quantiles: list[float],
    n_finite: int,
    low: float,
    high: float,
    limit: int = LIMIT,
) -> list[float]:
    """Quantiles of the finite values (linear interpolation, as :func:`numpy.quantile`)."""
    if n_finite <= limit:
        values = np.concatenate([p[np.isfinite(p)] for p in pieces()])
        return [float(v) for v in np.quantile(values, quantiles)]
    ranks: set[int] = set()
    for q in quantiles:
        h = (n_finite - 1) * q
        ranks.update({math.floor(h), min(math.floor(h) + 1, n_finite - 1)})
    order = _order_statistics(pieces, sorted(ranks), low, high, limit)
    out = []
    for q in quantiles:
        h = (n_finite - 1) * q
        k = math.floor(h)
        a, b = order[k], order[min(k + 1, n_finite - 1)]
        out.append(a + (h - k) * (b - a))
    return out


def _order_statistics(
    pieces: Pieces, ranks: list[int], low: float, high: float, limit: int
) -> dict[int, float]:
    """Values of the given 0-based ranks among the finite values, each found by narrowing a
    value range [lo, hi] with histograms until the values inside it fit in ``limit``."""
    found: dict[int, float] = {}
    # each task: (lo, hi, count of values below lo, ranks inside)
    tasks = [(low, high, 0, ranks)]
    while tasks:
        lo, hi, below, wanted = tasks.pop()
        if lo == hi:
            found.update(dict.fromkeys(wanted, lo))
            continue
        inside = _count_in(pieces, lo, hi)
        if inside <= limit:
            vals = np.sort(np.concatenate(list(_values_in(pieces, lo, hi))))
            found.update({k: float(vals[k - below]) for k in wanted})
            continue
        edges = np.linspace(lo, hi, BINS + 1)
        counts = np.zeros(BINS, dtype=np.int64)
        for piece in pieces():
            x = piece[np.isfinite(piece) & (piece >= lo) & (piece <= hi)]
            counts += np.histogram(x, bins=edges)[0]
        cum = below + np.concatenate([[0], np.cumsum(counts)])
        by_bin: dict[int, list[int]] = {}
        for k in wanted:
            b = int(np.searchsorted(cum, k, side="right")) - 1
            by_bin.setdefault(min(b, BINS - 1), []).append(k)
        for b, ks in by_bin.items():
            # histogram bins are [edge, next) except the last, [edge, hi]
            top = edges[b + 1] if b == BINS - 1 else np.nextafter(edges[b + 1], -np.inf)
            tasks.append((float(edges[b]), float(top), int(cum[b]), ks))
    return found


def _count_in(pieces: Pieces, lo: float, hi: float) -> int:
    return sum(int(np.count_nonzero((p >= lo) & (p <= hi))) for p in pieces())


def _values_in(pieces: Pieces, lo: float, hi: float) -> Iterator[np.ndarray]:
    for p in pieces():
        yield p[(p >= lo) & (p <= hi)]


def histograms(
    columns: dict[str, Pieces],
    span: Iterable[str] | None = None,
    bins: int = HIST_BINS,
    tails: tuple[float, float] = HIST_SPAN,
    limit: int = LIMIT,
) -> dict[str, Any]:
    """Histograms of ``columns`` (name -> pieces) on common bin edges.

    The edges divide [lowest ``tails[0]`` quantile, highest ``tails[1]`` quantile] of the
    ``span`` columns (default: all; all too when those have no finite value) into ``bins``
    equal bins, each [edge, next edge) but the last, which holds its upper edge too (as
    :func:`numpy.histogram`). Returns ``edges`` (None, and no counts, when no column has a
    finite value), ``bins``, ``tails`` and per column (``columns``) ``n``, ``counts``,
    ``below`` and ``above`` the edges, and ``nan`` (non-finite values):
    ``sum(counts) + below + above + nan == n``.
    """
    names = list(columns)
    spanning = names if span is None else [name for name in span if name in columns]
    low, high = _span(columns, spanning, tails, limit)
    if low > high and spanning != names:  # no finite value in the spanning columns
        low, high = _span(columns, names, tails, limit)
    edges: np.ndarray | None = None
    if low <= high:
        if low == high:  # one value everywhere: a bin around it
            pad = max(0.5, abs(low) * 1e-9)
            low, high = low - pad, high + pad
        edges = np.linspace(low, high, bins + 1)
    out: dict[str, Any] = {
        "edges": None if edges is None else edges.tolist(),
        "bins": bins,
        "tails": list(tails),
        "columns": {},
    }
    for name in names:
        n = nan = below = above = 0
        counts = np.zeros(bins, dtype=np.int64)
        for piece in columns[name]():
            n += piece.size
            x = piece[np.isfinite(piece)]
            nan += piece.size - x.size
            if edges is not None:  # else no column has a finite value
                below += int(np.count_nonzero(x < edges[0]))
                above += int(np.count_nonzero(x > edges[-1]))
                counts += np.histogram(x, bins=edges)[0]
        out["columns"][name] = {
            "n": n,
            "counts": [int(c) for c in counts] if edges is not None else [],
            "below": below,
            "above": above,
            "nan": nan,
        }
    return out


def _span(
    columns: dict[str, Pieces], names: list[str], tails: tuple[float, float], limit: int
) -> tuple[float, float]:
    """Lowest ``tails[0]`` and highest ``tails[1]`` quantile of the columns ``names``
    (inf, -inf when none has a finite value)."""
    low, high = math.inf, -math.inf
    for name in names:
        n_finite, lo, hi = _finite_range(columns[name])
        if n_finite:
            q_low, q_high = exact_quantiles(columns[name], list(tails), n_finite, lo, hi, limit)
            low, high = min(low, q_low), max(high, q_high)
    return low, high


def _finite_range(pieces: Pieces) -> tuple[int, float, float]:
    """Count, min and max of the finite values."""
    n_finite, low, high = 0, math.inf, -math.inf
    for piece in pieces():
        x = piece[np.isfinite(piece)]
        if x.size:
            n_finite += x.size
            low, high = min(low, float(x.min())), max(high, float(x.max()))
    return n_finite, low, high
