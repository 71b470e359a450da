"""The cheapest bankable package, the Pareto front and each lever's bang for buck.

Method: ``scipy.optimize.milp`` (HiGHS) on a linearisation over a lever grid. Each lever is
evaluated alone at every grid level in ONE vectorised engine call (a sample per level); the
equity IRR and minimum DSCR of a package are taken as the reference's plus the sum of each
lever's change alone, and its public cost likewise. A binary per (lever, level), one level per
lever, gives a small MILP: least public cost such that the linearised IRR and DSCR reach the
targets. The tax rules are not additive (a holiday is worth little once a grant has wiped out
the taxable profit; the minimum tax binds until it is exempted), so the MILP is solved for a
ladder of safety margins and every candidate is re-priced exactly by the engine, again in one
call; the cheapest truly bankable one is then refined continuously (along its ray and lever by
lever, each round one call). Why MILP and not ``minimize``: the engine is piecewise (tax floors,
holidays, loss carry-forward), so gradients mislead and SLSQP stalls on the kinks, while the
grid-MILP needs only a handful of vectorised evaluations and its answer is re-derived exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from orevalue.incentives.evaluate import Priced, Setup, price

#: Safety margins on the linearised IRR (fraction) and DSCR, one MILP each.
IRR_MARGINS = (-0.005, 0.0, 0.01, 0.02, 0.04, 0.08)
DSCR_MARGINS = (-0.05, 0.0, 0.1, 0.2, 0.4, 0.8)
#: HiGHS options: a gap of 0.1 % of the public cost is below what the refinement then moves.
#: A solve stopped by the time limit still hands back its best package, re-priced exactly.
MILP_OPTIONS = {"mip_rel_gap": 1e-3, "time_limit": 0.25}


@dataclass
class Design:
    """What the designer found (USD present values at the country's rate)."""

    pathway: str
    targets: dict[str, Any]
    method: str
    reference: dict[str, float]
    at_limit: dict[str, float]
    bankable: bool
    package: dict[str, float] | None  # lever -> amount, None when nothing is bankable
    package_metrics: dict[str, float] | None
    package_cost_by_lever: dict[str, float] = field(default_factory=dict)
    binding: list[str] = field(default_factory=list)
    ranking: list[dict[str, Any]] = field(default_factory=list)
    pareto: list[dict[str, Any]] = field(default_factory=list)
    evaluations: int = 0
    #: scenario field -> value of the package (for the overlay), empty when none is bankable
    fields: dict[str, float | bool] = field(default_factory=dict)
    levers: dict[str, dict[str, Any]] = field(default_factory=dict)  # the table searched
    seconds: float = 0.0
    #: the P(NPV < 0) check on a risk run, when asked for (:mod:`orevalue.incentives.riskcheck`)
    risk: dict[str, Any] | None = None


def lever_grid(setup: Setup, levels: int) -> list[np.ndarray]:
    """Grid of amounts of each lever: 0 and ``levels`` points over its range."""
    out = []
    for lever in setup.levers.levers.values():
        low, high = lever.range
        points = np.linspace(low, high, levels)
        out.append(np.unique(np.concatenate([[0.0], points])))
    return out


def sweep_rows(
    grid: list[np.ndarray], center: np.ndarray
) -> tuple[np.ndarray, list[tuple[int, int]], list[np.ndarray]]:
    """Rows of amounts around the package ``center``: itself, then each lever moved alone to
    each level of its grid (the centre's own amount added to the grid). Returns the rows, the
    (lever, level) of each row after the first, and the grids with the centre in them."""
    grids = [
        np.unique(np.concatenate([points, [c]])) for points, c in zip(grid, center, strict=True)
    ]
    rows, where = [np.asarray(center, float)], []
    for j, points in enumerate(grids):
        for k, x in enumerate(points):
            if x == center[j]:
                continue
            row = np.array(center, float)
            row[j] = x
            rows.append(row)
            where.append((j, k))
    return np.array(rows), where, grids


def _clean(values: np.ndarray, bad: float) -> np.ndarray:
    """NaN (no IRR, no cover) as ``bad``; an infinite cover (no loan) as 100."""
    return np.clip(np.where(np.isnan(values), bad, values), bad, 100.0)


def milp_candidates(
    grids: list[np.ndarray], sweep: Priced, where: list[tuple[int, int]], irr: float, dscr: float
) -> list[np.ndarray]:
    """Packages the linearised MILP picks around the centre (``sweep``'s first row), one per
    safety margin, duplicates dropped. ``irr`` is a fraction."""
    from scipy.optimize import LinearConstraint, milp

    offsets = np.concatenate([[0], np.cumsum([len(points) for points in grids])])
    n_vars = int(offsets[-1])
    cost, d_irr, d_dscr = np.zeros(n_vars), np.zeros(n_vars), np.zeros(n_vars)
    total = sweep.cost_pv_usd()
    irr0, dscr0 = _clean(sweep.equity_irr[:1], -1.0)[0], _clean(sweep.dscr_min[:1], -10.0)[0]
    for row, (j, k) in enumerate(where, start=1):
        var = offsets[j] + k
        cost[var] = total[row] - total[0]
        d_irr[var] = _clean(sweep.equity_irr[row : row + 1], -1.0)[0] - irr0
        d_dscr[var] = _clean(sweep.dscr_min[row : row + 1], -10.0)[0] - dscr0
    scale = max(float(np.abs(cost).max()), 1.0)
    for j, points in enumerate(grids):  # ties go to the smaller amount
        cost[offsets[j] : offsets[j + 1]] += 1e-6 * scale * np.arange(len(points))
    one_each = np.zeros((len(grids), n_vars))
    for j in range(len(grids)):
        one_each[j, offsets[j] : offsets[j + 1]] = 1.0
    out: dict[bytes, np.ndarray] = {}
    ones = np.ones(n_vars)
    for m_irr, m_dscr in zip(IRR_MARGINS, DSCR_MARGINS, strict=True):
        constraints = [
            LinearConstraint(one_each, 1.0, 1.0),
            LinearConstraint(d_irr[None, :], irr - irr0 + m_irr, np.inf),
        ]
        if not np.isposinf(sweep.dscr_min).all():  # a loan: its cover is a target
            constraints.append(LinearConstraint(d_dscr[None, :], dscr - dscr0 + m_dscr, np.inf))
        res = milp(
            cost / scale,
            constraints=constraints,
            integrality=ones,
            bounds=(0, 1),
            options=MILP_OPTIONS,
        )
        if res.status not in (0, 1) or res.x is None:  # 1: time limit, with a package
            continue
        pick = np.array(
            [
                points[int(np.argmax(res.x[offsets[j] : offsets[j + 1]]))]
                for j, points in enumerate(grids)
            ]
        )
        out[pick.tobytes()] = pick
    return list(out.values())


def _cheapest(priced: Priced, irr_pct: float, dscr: float) -> int | None:
    """The row of the cheapest package reaching both targets, or None."""
    ok = priced.bankable(irr_pct, dscr)
    if not ok.any():
        return None
    # cost to the nearest USD 1,000 (below that is rounding); ties (levers that cost nothing)
    # go to the package with less of them
    cost = np.where(ok, np.round(priced.cost_pv_usd() / 1e3), np.inf)
    return int(np.lexsort((priced.amounts.sum(axis=1), cost))[0])


#: How far each refining round looks below the package, as a share of each amount.
WIDTHS = (1.0, 1.0, 1.0 / 32, 1.0 / 32, 1.0 / 1024, 1.0 / 32768)


def refine(
    setup: Setup, amounts: np.ndarray, irr_pct: float, dscr: float, rounds: int = len(WIDTHS)
) -> tuple[np.ndarray, int]:
    """A bankable package made cheaper: each round prices, in one call, the package scaled
    down along its ray and each lever scaled down alone (by up to :data:`WIDTHS` of itself),
    and keeps the cheapest bankable row. Returns the package and the rows priced."""
    best, priced_rows = np.asarray(amounts, float), 0
    steps = np.linspace(0.0, 1.0, 33)
    for width in WIDTHS[:rounds]:
        scales = 1.0 - width * steps  # 1 .. 1 - width
        rows = [best * s for s in scales]
        for j in np.flatnonzero(best):
            for s in scales[1:]:
                row = best.copy()
                row[j] *= s
                rows.append(row)
        priced = price(setup, np.array(rows))
        priced_rows += len(rows)
        pick = _cheapest(priced, irr_pct, dscr)
        if pick is not None:
            best = priced.amounts[pick]
    dropped, more = drop_free(setup, best, irr_pct, dscr)
    return dropped, priced_rows + more


def drop_free(
    setup: Setup, amounts: np.ndarray, irr_pct: float, dscr: float
) -> tuple[np.ndarray, int]:
    """The package without the levers that change neither bankability nor the public cost
    (to USD 1,000): each dropped alone and all of them together, priced in one call."""
    active = np.flatnonzero(amounts)
    rows = [np.asarray(amounts, float)]
    for j in active:
        row = rows[0].copy()
        row[j] = 0.0
        rows.append(row)
    priced = price(setup, np.array(rows))
    ok = priced.bankable(irr_pct, dscr)
    cost = np.round(priced.cost_pv_usd() / 1e3)
    free = [j for i, j in enumerate(active, start=1) if ok[i] and cost[i] <= cost[0]]
    if not free:
        return rows[0], len(rows)
    together = rows[0].copy()
    together[free] = 0.0
    check = price(setup, together[None, :])
    if check.bankable(irr_pct, dscr)[0] and np.round(check.cost_pv_usd()[0] / 1e3) <= cost[0]:
        return together, len(rows) + 1
    pick = _cheapest(priced, irr_pct, dscr)
    return (priced.amounts[pick] if pick is not None else rows[0]), len(rows) + 1


def pareto_front(cost: np.ndarray, gain: np.ndarray) -> np.ndarray:
    """Indices of the packages no other beats on both public cost (lower) and investor NPV
    (higher), by rising cost."""
    order = np.lexsort((-gain, cost))
    best = np.maximum.accumulate(gain[order])
    keep = np.concatenate([[True], gain[order][1:] > best[:-1]])
    return order[keep]


def random_packages(grid: list[np.ndarray], n: int, seed: int = 0) -> np.ndarray:
    """``n`` packages on the grid, each lever on with probability 1/2 at a random level."""
    rng = np.random.default_rng(seed)
    cols = []
    for points in grid:
        level = rng.integers(1, len(points), n)
        on = rng.random(n) < 0.5
        cols.append(np.where(on, points[level], 0.0))
    return np.column_stack(cols)
