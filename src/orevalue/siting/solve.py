"""Solving the siting programme with HiGHS (highspy), and explaining infeasibility.

When no plan meets every constraint, each group of limits (supply, sizes, power, water, legs,
ports, number of sites, demand) is made elastic in turn: a slack per row, minimising the
shortfall. The first group whose slack alone restores feasibility names the constraint that
cannot be met, row by row, with the shortfall in its own unit.

Any other failure of the optimiser is explained too (:class:`SolverError`): a programme whose
numbers HiGHS cannot take (not finite, or beyond its limits) is refused before it is solved,
and the input values far outside any physical size that caused it are named, file and line.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np

from orevalue import toml_text
from orevalue.scenario import (
    Problem,
    ScenarioError,
    leaves,
    parse_toml,
    read_input,
    split_provenance,
)
from orevalue.siting.data import DEFAULT_SITES
from orevalue.siting.model import GROUPS, OBJECTIVE_SCALE, Model
from orevalue.siting.programme import Matrix

MIP_REL_GAP = 1e-7
TIME_LIMIT_S = 60.0
#: HiGHS reads costs and bounds of this size or more as infinite (its ``infinite_cost`` and
#: ``infinite_bound``) and refuses matrix coefficients above ``large_matrix_value``.
HIGHS_INFINITE = 1e20
HIGHS_LARGE_MATRIX = 1e15
#: An input value above this, or below the other but not zero, is far outside any physical
#: size and is named as the likely cause when the optimiser cannot solve the programme.
EXTREME_ABOVE = 1e15
EXTREME_BELOW = 1e-15
#: HiGHS ends with a plan to read in these states (at a limit, only if it found one).
_PLANNED = (
    highspy.HighsModelStatus.kOptimal,
    highspy.HighsModelStatus.kTimeLimit,
    highspy.HighsModelStatus.kIterationLimit,
    highspy.HighsModelStatus.kSolutionLimit,
)


class InfeasibleError(ScenarioError):
    """No plan meets every constraint; ``problems`` name the constraints that cannot be met."""


class SolverError(ScenarioError):
    """The optimiser could not solve the programme; ``problems`` name the input values that
    caused it where they can be traced, else what the optimiser reported and what to check."""


@dataclass(frozen=True)
class Solution:
    """A solved programme: variable values and the cost of each component, USD/yr."""

    x: np.ndarray
    objective_usd: float
    components_usd: dict[str, float]
    gap: float
    message: str


@dataclass(frozen=True)
class Outcome:
    """What HiGHS returned: whether it proved the programme infeasible, the plan (None: no
    plan), its status in words and the relative MIP gap of the plan."""

    infeasible: bool
    x: np.ndarray | None
    message: str
    mip_gap: float = 0.0


def _run(
    c: np.ndarray,
    a: Matrix,
    row_lb: np.ndarray,
    row_ub: np.ndarray,
    lb: np.ndarray,
    ub: np.ndarray,
    integrality: np.ndarray,
    gap: float,
) -> Outcome:
    """Minimise ``c @ x`` subject to ``row_lb <= a x <= row_ub``, ``lb <= x <= ub`` and
    ``x`` integral where ``integrality`` is 1, with HiGHS at the relative MIP ``gap``.

    Calls highspy's core object as ``scipy.optimize.milp`` does (the library's ``Highs``
    prints a banner); importing highspy alone costs about 0.3 s less than scipy.optimize.
    """
    highs = highspy._Highs()
    for name, value in (
        ("output_flag", False),
        ("mip_rel_gap", gap),
        ("time_limit", TIME_LIMIT_S),
    ):
        highs.setOptionValue(name, value)
    n_rows, n_cols = a.shape
    rowwise = 2  # HiGHS's kRowwise matrix format
    passed = highs.passModel(
        n_cols,
        n_rows,
        a.nnz,
        rowwise,
        1,  # minimise
        0.0,
        c,
        lb,
        ub,
        row_lb,
        row_ub,
        a.start,
        a.index,
        a.value,
        integrality.astype(np.int32),
    )
    if passed == highspy.HighsStatus.kError:
        return Outcome(False, None, "HiGHS refused the programme")
    highs.run()
    status, info = highs.getModelStatus(), highs.getInfo()
    message = highs.modelStatusToString(status)
    planned = status in _PLANNED and (
        status == highspy.HighsModelStatus.kOptimal or np.isfinite(info.objective_function_value)
    )
    if not planned:
        infeasible = status == highspy.HighsModelStatus.kInfeasible
        return Outcome(infeasible, None, f"HiGHS model status: {message}")
    gap_found = float(info.mip_gap) if integrality.any() else 0.0
    return Outcome(False, np.array(highs.getSolution().col_value), message, gap_found)


def solve(model: Model, gap: float = MIP_REL_GAP) -> Solution:
    """Optimal plan of ``model``; raises :class:`InfeasibleError` naming what cannot be met,
    :class:`SolverError` when the optimiser cannot solve it (see :func:`check_numbers`)."""
    c = model.objective()
    unusable = check_numbers(model, c)
    if unusable:
        raise SolverError(traced(model) or unusable)
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
    if res.infeasible:
        raise InfeasibleError(diagnose(model))
    if res.x is None:
        raise SolverError(traced(model) or [_stopped(model, res.message)])
    x = res.x
    x[model.integrality == 1] = np.round(x[model.integrality == 1])
    parts = {name: float(v @ x) for name, v in model.components.items()}
    return Solution(
        x=x,
        objective_usd=float(c @ x),
        components_usd=parts,
        gap=res.mip_gap,
        message=res.message,
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
    r_lo, r_hi = rows[lo_side], rows[hi_side]
    m = r_lo.size + r_hi.size
    a_rows, a_cols, a_vals = model.a.entries()
    a = Matrix.from_entries(
        np.concatenate([a_rows, r_lo, r_hi]),
        np.concatenate([a_cols, n + np.arange(m)]),
        np.concatenate([a_vals, np.ones(r_lo.size), -np.ones(r_hi.size)]),
        (model.a.shape[0], n + m),
    )
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
    return traced(model) or [Problem(model.data.source_file, "", "no plan meets the constraints")]


# ------------------------------------------------------------------ numbers HiGHS cannot take


def check_numbers(model: Model, cost_usd: np.ndarray) -> list[Problem]:
    """What in the programme HiGHS cannot take, in one problem: costs (``cost_usd``, USD/yr
    per unit of each variable), coefficients or bounds that are NaN, infinite where they must
    not be, or beyond its limits (it would fail on them, or silently read them as infinite)."""
    wrong = [
        f"{name.replace('_', ' ')} costs"
        for name, per_unit in model.components.items()
        if not _usable(per_unit * OBJECTIVE_SCALE, HIGHS_INFINITE)
    ]
    if not wrong and not _usable(cost_usd * OBJECTIVE_SCALE, HIGHS_INFINITE):
        wrong.append("costs")
    if not _usable(model.a.value, HIGHS_LARGE_MATRIX, inclusive=True):
        wrong.append("constraints")
    for label, lo, hi in (("limits", model.row_lb, model.row_ub), ("bounds", model.lb, model.ub)):
        given = np.r_[lo, hi]
        finite_big = np.isfinite(given) & (np.abs(given) >= HIGHS_INFINITE)
        if np.isnan(given).any() or finite_big.any() or (lo > hi).any():
            wrong.append(label)
    if not wrong:
        return []
    return [
        Problem(
            model.data.source_file,
            "",
            f"the siting plan's {_and(wrong)} are not finite or too large for the optimiser; "
            "check the scenario's and the sites file's values for any far outside their usual "
            "size (prices, costs, capacities, freight rates)",
        )
    ]


def _usable(values: np.ndarray, limit: float, inclusive: bool = False) -> bool:
    size = np.abs(values)
    within = size <= limit if inclusive else size < limit
    return bool((np.isfinite(values) & within).all())


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _stopped(model: Model, message: str) -> Problem:
    return Problem(
        model.data.source_file,
        "",
        f"the optimiser (HiGHS) stopped without a plan ({message}); check the scenario's and "
        "the sites file's values for any far outside their usual size (prices, costs, "
        "capacities, freight rates)",
    )


def _extreme(value: Any) -> bool:
    """Whether a number is far outside any physical size (not finite, huge or nearly 0)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    magnitude = abs(float(value))
    return not np.isfinite(magnitude) or magnitude > EXTREME_ABOVE or 0 < magnitude < EXTREME_BELOW


def traced(model: Model) -> list[Problem]:
    """The input values far outside any physical size that reach the programme: each value
    the sites file gives, naming file, line and field; and, in one problem, the siting figures
    the scenario's values make (the programme does not know the scenario's fields)."""
    file, found = model.data.source_file, []
    if file != DEFAULT_SITES:  # the values the user gave, with their lines
        text = read_input(file)
        given, _ = split_provenance(parse_toml(text, file))
        lines = toml_text.key_lines(text)
        for path, value in leaves(given).items():
            extreme = [v for v in (value if isinstance(value, list) else [value]) if _extreme(v)]
            if extreme:
                found.append(
                    Problem(
                        file,
                        path,
                        f"got {extreme[0]:.3g}, far outside any physical size: the siting "
                        "optimiser cannot work with it; give a value of the size the field's "
                        "description says",
                        toml_text.find_line(lines, path),
                    )
                )
    figures: list[str] = []
    checks: list[str] = []
    for item in dataclasses.fields(model.units):
        value = getattr(model.units, item.name)
        parts = dataclasses.astuple(value) if dataclasses.is_dataclass(value) else value
        try:
            flat = np.asarray(parts, dtype=float).ravel()
        except (TypeError, ValueError):
            continue
        extreme = [v for v in flat if _extreme(v)]
        if extreme:
            figures.append(f"{item.name} {extreme[0]:.3g}")
            checks.extend(_scenario_fields(item.name))
    if figures:
        more = f" and {len(figures) - 3} more" if len(figures) > 3 else ""
        shown = ", ".join(figures[:3]) + more
        fields = ", ".join(dict.fromkeys(checks))
        found.append(
            Problem(
                "the scenario",
                "",
                f"its values make siting figures far outside any physical size ({shown}): "
                f"check {fields} for values above {EXTREME_ABOVE:.0e} or nearly zero",
            )
        )
    return found


#: The scenario's fields each siting figure comes from (the first entry its name starts with).
_CAPEX = ("stages.*.capex_ref_usd", "stages.*.capacity_ref_t_per_yr", "stages.*.capex_exponent")
_USE = ("stages.* use per tonne",)
SCENARIO_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("conc_usd", ("prices.*", "terms.concentrate")),
    ("anode_usd", ("prices.*", "terms.anode")),
    ("blister_usd", ("prices.*", "terms.blister")),
    ("refined_usd", ("prices.*", "terms.*")),
    ("ocean", ("logistics.*",)),
    ("smelter_capex", _CAPEX),
    ("refinery_capex", _CAPEX),
    ("conc_", ("project.nameplate_conc_dmt_per_yr", "feeds.concentrate")),
    ("blister_", ("feeds.blister",)),
    ("smelter_capacity", ("project.nameplate_conc_dmt_per_yr",)),
    ("refinery_capacity", ("project.nameplate_conc_dmt_per_yr",)),
    ("smelter_use", _USE),
    ("refinery_use", _USE),
    ("smelter_labour", ("labour.*",)),
    ("refinery_labour", ("labour.*",)),
    ("services_labour", ("labour.*", "services.*")),
    ("g_and_a", ("services.*",)),
)


def _scenario_fields(figure: str) -> tuple[str, ...]:
    """The scenario's fields a siting figure (a :class:`UnitEconomics` field) comes from."""
    for start, fields in SCENARIO_FIELDS:
        if figure.startswith(start):
            return fields
    return ("project.*",)
