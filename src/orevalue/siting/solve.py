"""Solving the siting programme with scipy.optimize.milp (HiGHS), and explaining infeasibility.

When no plan meets every constraint, each group of limits (supply, sizes, power, water, legs,
ports, number of sites, demand) is made elastic in turn: a slack per row, minimising the
shortfall. The first group whose slack alone restores feasibility names the constraint that
cannot be met, row by row, with the shortfall in its own unit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from orevalue.scenario import Problem, ScenarioError
from orevalue.siting.model import GROUPS, OBJECTIVE_SCALE, Model

MIP_REL_GAP = 1e-7
TIME_LIMIT_S = 60.0


class InfeasibleError(ScenarioError):
    """No plan meets every constraint; ``problems`` name the constraints that cannot be met."""


@dataclass(frozen=True)
class Solution:
    """A solved programme: variable values and the cost of each component, USD/yr."""

    x: np.ndarray
    objective_usd: float
    components_usd: dict[str, float]
    gap: float
    message: str


def _run(
    c: np.ndarray,
    a: sparse.csr_matrix,
    row_lb: np.ndarray,
    row_ub: np.ndarray,
    lb: np.ndarray,
    ub: np.ndarray,
    integrality: np.ndarray,
    gap: float,
):  # type: ignore[no-untyped-def]
    return milp(
        c,
        integrality=integrality,
        bounds=Bounds(lb, ub),
        constraints=LinearConstraint(a, row_lb, row_ub) if a.shape[0] else (),
        options={"mip_rel_gap": gap, "time_limit": TIME_LIMIT_S, "disp": False},
    )


def solve(model: Model, gap: float = MIP_REL_GAP) -> Solution:
    """Optimal plan of ``model``; raises :class:`InfeasibleError` naming what cannot be met."""
    c = model.objective()
    res = _run(
        c * OBJECTIVE_SCALE,
        model.a,
        model.row_lb,
        model.row_ub,
        model.lb,
        model.ub,
        model.integrality,
        gap,
    )
    if res.status == 2:
        raise InfeasibleError(diagnose(model))
    if res.x is None:
        raise RuntimeError(f"siting: HiGHS stopped without a plan: {res.message}")
    x = np.asarray(res.x)
    x[model.integrality == 1] = np.round(x[model.integrality == 1])
    parts = {name: float(v @ x) for name, v in model.components.items()}
    return Solution(
        x=x,
        objective_usd=float(c @ x),
        components_usd=parts,
        gap=float(getattr(res, "mip_gap", 0.0) or 0.0),
        message=str(res.message),
    )


def _elastic(model: Model, groups: set[str]) -> np.ndarray | None:
    """Slack of each row of ``groups`` in the least-shortfall plan, or None if even that is
    infeasible."""
    picked = [g for g in model.row_groups if g.group in groups]
    rows = np.concatenate([g.start + np.arange(g.count) for g in picked]) if picked else []
    rows = np.asarray(rows, dtype=int)
    n = model.n_vars
    if rows.size == 0:
        return None
    # a slack on each side that can bind: s_lo lowers a >= bound, s_hi raises a <= bound
    lo_side = np.isfinite(model.row_lb[rows])
    hi_side = np.isfinite(model.row_ub[rows])
    cols = []
    for side, sign in ((lo_side, 1.0), (hi_side, -1.0)):
        r = rows[side]
        cols.append(
            sparse.csr_matrix(
                (np.full(r.size, sign), (r, np.arange(r.size))), shape=(model.a.shape[0], r.size)
            )
        )
    slack = sparse.hstack(cols).tocsr()
    a = sparse.hstack([model.a, slack]).tocsr()
    m = slack.shape[1]
    scale = np.concatenate(
        [
            np.maximum(np.abs(model.row_lb[rows[lo_side]]), 1.0),
            np.maximum(np.abs(model.row_ub[rows[hi_side]]), 1.0),
        ]
    )
    c = np.concatenate([np.zeros(n), 1.0 / scale])
    res = _run(
        c,
        a,
        model.row_lb,
        model.row_ub,
        np.concatenate([model.lb, np.zeros(m)]),
        np.concatenate([model.ub, np.full(m, np.inf)]),
        np.concatenate([model.integrality, np.zeros(m, dtype=np.uint8)]),
        1e-6,
    )
    if res.x is None:
        return None
    out = np.zeros(model.a.shape[0])
    s = np.asarray(res.x)[n:]
    k = rows[lo_side].size
    np.add.at(out, rows[lo_side], s[:k])
    np.add.at(out, rows[hi_side], s[k:])
    return out


def diagnose(model: Model) -> list[Problem]:
    """The constraints an infeasible programme cannot meet, each with its shortfall."""
    present = {g.group for g in model.row_groups}
    tried = [{g} for g in GROUPS if g in present] + [set(GROUPS) & present]
    for groups in tried:
        slack = _elastic(model, groups)
        if slack is None:
            continue
        found: list[Problem] = []
        for g in model.row_groups:
            if g.group not in groups:
                continue
            for i in range(g.count):
                s = slack[g.start + i]
                scale = max(abs(model.row_ub[g.start + i]), abs(model.row_lb[g.start + i]), 1.0)
                if not np.isfinite(scale):
                    scale = 1.0
                if s > 1e-6 * scale + 1e-9:
                    path, what, unit = g.describe(i)
                    found.append(
                        Problem(
                            model.data.source_file,
                            path,
                            f"cannot be met: {what}; the plan needs {s:,.4g} {unit} more",
                        )
                    )
        if found:
            return found
    return [Problem(model.data.source_file, "", "no plan meets the constraints")]
