"""Bisection of monotone functions per sample, several steps per evaluation.

A break-even search bisects a function of one value per sample (the plant's NPV at a treatment
charge, say) whose every evaluation runs the whole plant model: the fixed cost of a call, not
the number of samples in it, is most of its time. So each call here evaluates, besides the
midpoint, the points the next steps could bisect at (the midpoints of both halves, of the four
quarters, ...: 2^k - 1 points for k steps), and then takes the k steps at once, choosing among
them. The points are the sequential search's own midpoints, each worked out as ``0.5 * (a + b)``
from the very bracket the sequential search would hold, and the sign decisions are its own: a
function whose value for a sample depends on that sample alone (as the engine's do) gives the
same root, to the bit, as one step per call. Several searches share each call (the break-even
TC and price of one pathway), and the first call also evaluates the range's ends.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

#: ``f`` of :func:`solve`: for each search, candidate points (m, n) (m may be 0), to values (m, n).
Batch = Callable[[list[np.ndarray]], list[np.ndarray]]


@dataclass(frozen=True)
class Bracket:
    """A search of [lo, hi] for a root, to ``tol``: a fixed number of halvings."""

    lo: float
    hi: float
    tol: float = 0.01

    @property
    def steps(self) -> int:
        return int(np.ceil(np.log2((self.hi - self.lo) / self.tol)))


def _tree(a: np.ndarray, b: np.ndarray, k: int) -> np.ndarray:
    """The midpoints k bisection steps of [a, b] may reach, (2^k - 1, n), level by level, each
    level left to right: ``0.5 * (left + right)`` of adjacent edges, as the sequential step."""
    edges = np.stack([a, b])
    levels = []
    for _ in range(k):
        mids = 0.5 * (edges[:-1] + edges[1:])
        levels.append(mids)
        merged = np.empty((2 * len(edges) - 1, a.size))
        merged[0::2], merged[1::2] = edges, mids
        edges = merged
    return np.concatenate(levels) if levels else np.empty((0, a.size))


def _walk(
    a: np.ndarray, b: np.ndarray, rising: np.ndarray, points: np.ndarray, values: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """The bracket after k steps, each keeping the half the function's sign points to."""
    cols = np.arange(a.size)
    pos = np.zeros(a.size, dtype=np.intp)  # the node's index within its level
    for level in range(k):
        row = (1 << level) - 1 + pos
        mid = points[row, cols]
        below = (values[row, cols] < 0) == rising
        a = np.where(below, mid, a)
        b = np.where(below, b, mid)
        pos = 2 * pos + below
    return a, b


def _levels(left: Sequence[int], budget: int, used: int, most: int) -> list[int]:
    """Steps per search in one call: one for each search with steps left, then one more at a
    time for the search with the most left, while the call's points (``used`` already) fit in
    ``budget`` and no search takes more than ``most``."""
    k = [min(1, s) for s in left]
    used += sum(k)
    while True:
        cap = [min(s, most) for s in left]
        open_ = [i for i in range(len(k)) if k[i] < cap[i] and used + (1 << k[i]) <= budget]
        if not open_:
            return k
        i = max(open_, key=lambda j: (left[j] - k[j], -j))
        used += 1 << k[i]
        k[i] += 1


def _evaluate(f: Batch, points: list[np.ndarray], limit: int) -> list[np.ndarray]:
    """``f`` on ``points`` in calls of at most ``limit`` points per sample (at least one): a
    search whose sample count makes even the least a call must hold too large (N samples,
    the ends and one midpoint of each search) is split, as each sample is its own."""
    sizes = [len(x) for x in points]
    if sum(sizes) <= max(limit, 1):
        return f(points)
    rows = [(i, j) for i, m in enumerate(sizes) for j in range(m)]
    out = [np.empty_like(x) for x in points]
    for start in range(0, len(rows), max(limit, 1)):
        part = rows[start : start + max(limit, 1)]
        take = [[j for i, j in part if i == s] for s in range(len(points))]
        values = f([x[t] for x, t in zip(points, take, strict=True)])
        for x, t, v in zip(out, take, values, strict=True):
            x[t] = v
    return out


def solve(
    f: Batch, brackets: Sequence[Bracket], n: int, budget: int, most: int = 2
) -> list[np.ndarray]:
    """Per-sample roots (n,) of monotone functions (rising or falling, sample by sample), one
    per bracket; NaN where the range holds no sign change. ``f`` evaluates every search's
    points in one call; ``budget`` bounds the points per sample of a call (at least one) and
    ``most`` the steps a search takes per call. A search whose range holds no sign change for
    any sample stops after the first call (its roots are NaN whatever the bracket)."""
    count = len(brackets)
    a = [np.full(n, br.lo) for br in brackets]
    b = [np.full(n, br.hi) for br in brackets]
    left = [max(0, br.steps) for br in brackets]
    k = _levels(left, budget, 2 * count, most)
    trees = [_tree(a[i], b[i], k[i]) for i in range(count)]
    ends = [np.concatenate([[a[i], b[i]], trees[i]]) for i in range(count)]
    values = _evaluate(f, ends, budget)
    ok = [np.sign(v[0]) * np.sign(v[1]) <= 0 for v in values]
    rising = [v[1] >= v[0] for v in values]
    values = [v[2:] for v in values]
    while True:
        for i in range(count):
            a[i], b[i] = _walk(a[i], b[i], rising[i], trees[i], values[i], k[i])
            left[i] = left[i] - k[i] if ok[i].any() else 0
        if not any(left):
            return [np.where(ok[i], 0.5 * (a[i] + b[i]), np.nan) for i in range(count)]
        k = _levels(left, budget, 0, most)
        trees = [_tree(a[i], b[i], k[i]) for i in range(count)]
        values = _evaluate(f, trees, budget)
