"""The designer: cheapest bankable package, Pareto front, lever ranking, jobs; every package
priced as a sample of one vectorised engine call (:mod:`orevalue.incentives.optimise` says how
the search works)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from orevalue import engine
from orevalue.incentives.evaluate import LEVELS, Priced, Setup, price
from orevalue.incentives.optimise import (
    Design,
    _cheapest,
    lever_grid,
    milp_candidates,
    pareto_front,
    random_packages,
    refine,
    sweep_rows,
)

METHOD = (
    "scipy.optimize.milp (HiGHS) on a linearisation over a lever grid, every candidate "
    "re-priced exactly by the engine and refined; the Pareto front from grid packages"
)


def _ranking(setup: Setup, sweep: Priced, where: list[tuple[int, int]]) -> list[dict[str, Any]]:
    """Each lever alone at its limit, and at its first unit: investor NPV and IRR gained per
    USD of public cost, what it is worth to the investor against what each level pays."""
    cost = sweep.cost_pv_usd()
    by_level = {lv: sweep.cost_pv_usd(lv) for lv in LEVELS}
    rows = []
    last = {j: row for row, (j, _) in enumerate(where, start=1)}  # the highest level's row
    for j, (name, lever) in enumerate(setup.levers.levers.items()):
        r = last[j]
        gain = float(sweep.investor_npv_usd[r] - sweep.investor_npv_usd[0])
        irr_gain = float(np.nan_to_num(sweep.equity_irr[r] - sweep.equity_irr[0]))
        c = float(cost[r])
        rows.append(
            {
                "lever": name,
                "label": lever.label,
                "unit": lever.unit,
                "amount": float(sweep.amounts[r, j]),
                "pays": lever.pays,
                "tag": lever.tag,
                "investor_npv_gain_usd": gain,
                "plant_npv_gain_usd": float(sweep.npv_usd[r] - sweep.npv_usd[0]),
                "mine_npv_change_usd": float(sweep.mine_npv_usd[r] - sweep.mine_npv_usd[0]),
                "equity_irr_gain_pct_points": 100.0 * irr_gain,
                "public_cost_pv_usd": c,
                **{f"public_cost_{lv}_pv_usd": float(by_level[lv][r]) for lv in LEVELS},
                "npv_gain_per_usd": gain / c if c > 0 else float("nan"),
                "irr_points_per_100m_usd": 100.0 * irr_gain / (c / 1e8) if c > 0 else float("nan"),
                "free": bool(c <= 0 and gain > 0),
            }
        )
    return sorted(
        rows,
        key=lambda r: (not r["free"], -np.nan_to_num(r["npv_gain_per_usd"], nan=-np.inf)),
    )


def _unit_values(setup: Setup) -> list[np.ndarray]:
    """Rows with one lever at its first unit (1 in its unit, or its top if smaller)."""
    n = len(setup.levers.levers)
    rows = []
    for j, lever in enumerate(setup.levers.levers.values()):
        row = np.zeros(n)
        row[j] = min(1.0, lever.range[1])
        rows.append(row)
    return rows


def _binding(at_limit: dict[str, float], irr_pct: float, dscr: float) -> list[str]:
    """What stops every package, at every lever's limit, and how far it is."""
    out = []
    irr = at_limit["equity_irr"]
    if not (np.isfinite(irr) and irr >= irr_pct / 100.0 - 1e-12):
        shown = f"{100 * irr:.1f} %" if np.isfinite(irr) else "undefined"
        out.append(f"even with every lever at its limit the equity IRR is {shown} < {irr_pct:g} %")
    d = at_limit["dscr_min"]
    if not (np.isfinite(d) and d >= dscr - 1e-12):
        shown = f"{d:.2f}" if np.isfinite(d) else "undefined"
        out.append(f"even with every lever at its limit the minimum DSCR is {shown} < {dscr:g}")
    return out


def _jobs(setup: Setup, metrics: dict[str, float], jobs: tuple[float, float]) -> dict[str, Any]:
    """Public cost per direct and per Pakistani operating job, beside each incentive regime's
    revenue forgone today (:func:`orevalue.engine.compare_regimes`)."""
    domestic, foreign = jobs
    cost = metrics["public_cost_pv_usd"]
    regimes = engine.compare_regimes(setup.scenario)
    beside = {
        name: {
            "revenue_forgone_pv_usd": rows[setup.pathway]["revenue_forgone_pv_usd"],
            "revenue_forgone_per_job_usd": rows[setup.pathway]["revenue_forgone_per_job_usd"],
        }
        for name, rows in regimes.items()
        if "revenue_forgone_pv_usd" in rows.get(setup.pathway, {})
    }
    total = domestic + foreign
    return {
        "jobs_operations_domestic": domestic,
        "jobs_operations_foreign": foreign,
        "public_cost_per_direct_job_usd": cost / total if total > 0 else float("nan"),
        "public_cost_per_pakistani_job_usd": cost / domestic if domestic > 0 else float("nan"),
        "regimes": beside,
    }


def _search(
    setup: Setup, grid: list[np.ndarray], first: Priced, first_where: list[tuple[int, int]]
) -> tuple[np.ndarray | None, int]:
    """Sequential MILP: linearise around the centre (first the reference, from ``first``),
    solve for each margin, re-price the candidates exactly; move the centre to the cheapest
    bankable one and linearise again, until no cheaper package is found (at most 3 rounds).
    Returns the best package (None: none bankable) and the rows priced."""
    t = setup.levers.targets
    irr, dscr = t.equity_irr_pct / 100.0, t.min_dscr
    sweep, where = first, first_where
    grids = [np.unique(np.concatenate([points, [0.0]])) for points in grid]
    best, best_cost, rows = None, np.inf, 0
    for _ in range(3):
        candidates = milp_candidates(grids, sweep, where, irr, dscr)
        if not candidates:
            break
        cand = price(setup, np.array(candidates))
        rows += len(candidates)
        pick = _cheapest(cand, t.equity_irr_pct, dscr)
        if pick is None or cand.cost_pv_usd()[pick] >= best_cost - 1.0:
            break
        best, best_cost = cand.amounts[pick], float(cand.cost_pv_usd()[pick])
        around, where, grids = sweep_rows(grid, best)
        sweep = price(setup, around)
        rows += len(around)
    return best, rows


#: Steps :func:`design` reports to its ``progress`` callback: (stage, done, STEPS).
STEPS = 4


def design(
    setup: Setup,
    levels: int = 9,
    n_random: int = 3000,
    seed: int = 0,
    progress: Callable[[str, int, int], None] | None = None,
) -> Design:
    """The cheapest package reaching the targets of ``setup.levers``, the Pareto front of
    public cost against investor NPV, and each lever's bang for buck. ``progress`` is called
    as ``("incentives", done, STEPS)`` after each engine stage (an exception it raises stops
    the design: that is how a caller cancels)."""
    step = progress or (lambda _stage, _done, _total: None)
    step("incentives", 0, STEPS)
    t = setup.levers.targets
    irr, dscr = t.equity_irr_pct / 100.0, t.min_dscr
    names = setup.levers.names
    grid = lever_grid(setup, levels)
    rows, where, _ = sweep_rows(grid, np.zeros(len(grid)))
    limit = np.array([points[-1] for points in grid])
    units = np.array(_unit_values(setup))
    extra = random_packages(grid, n_random, seed)
    # one call: the reference, each lever alone, first units, all at the limit, random ones
    priced = price(setup, np.vstack([rows, units, limit[None, :], extra]))
    n_sweep, n_units = len(rows), len(units)
    sweep = _subset(priced, np.arange(n_sweep))
    at_limit = priced.row(n_sweep + n_units)
    step("incentives", 1, STEPS)
    found, searched = _search(setup, grid, sweep, where)
    step("incentives", 2, STEPS)
    evaluations = len(priced.amounts) + searched
    pick = _cheapest(priced, t.equity_irr_pct, dscr)  # the grid packages: a check on the MILP
    if pick is not None:
        cost = priced.cost_pv_usd()[pick]
        if found is None or cost < price(setup, found[None, :]).cost_pv_usd()[0]:
            found = priced.amounts[pick]
    result = Design(
        setup.pathway,
        {"equity_irr_pct": t.equity_irr_pct, "min_dscr": t.min_dscr, "equity": t.equity},
        METHOD,
        priced.row(0),
        at_limit,
        found is not None,
        None,
        None,
    )
    last = n_sweep + n_units
    jobs_at = (float(priced.jobs_domestic[last]), float(priced.jobs_foreign[last]))
    if found is not None:
        found, more = refine(setup, found, t.equity_irr_pct, dscr)
        evaluations += more
        step("incentives", 3, STEPS)
        final = price(setup, found[None, :])
        result.package = dict(zip(names, map(float, found), strict=True))
        result.package_metrics = final.row(0)
        jobs_at = (float(final.jobs_domestic[0]), float(final.jobs_foreign[0]))
        result.package_metrics["jobs"] = _jobs(setup, final.row(0), jobs_at)
        result.package_cost_by_lever = dict(
            zip(names, map(float, final.spending_pv_usd[:, 0]), strict=True)
        )
    else:
        result.binding = _binding(at_limit, t.equity_irr_pct, dscr)
        result.at_limit["jobs"] = _jobs(setup, at_limit, jobs_at)
    result.ranking = _ranking(setup, sweep, where)
    unit = _subset(priced, np.arange(n_sweep, n_sweep + n_units))
    for row in result.ranking:
        j = names.index(row["lever"])
        first = float(unit.amounts[j, j])
        gain = float(unit.investor_npv_usd[j] - priced.investor_npv_usd[0])
        row["investor_npv_per_unit_usd"] = gain / first if first > 0 else float("nan")
    result.pareto = _pareto(priced, names, irr, dscr)
    result.evaluations = evaluations
    step("incentives", STEPS, STEPS)
    return result


def _subset(priced: Priced, idx: np.ndarray) -> Priced:
    """The packages ``idx`` of ``priced``."""
    return Priced(
        priced.amounts[idx],
        priced.dscr_min[idx],
        priced.npv_usd[idx],
        {k: v[idx] for k, v in priced.forgone_pv_usd.items()},
        priced.spending_pv_usd[:, idx],
        priced.jobs_domestic[idx],
        priced.jobs_foreign[idx],
        priced.payer,
        priced.project_equity_irr[idx],
        priced.private_equity_irr[idx],
        priced.private_equity_npv_usd[idx],
        priced.mine_npv_usd[idx],
        priced.equity,
    )


def _pareto(priced: Priced, names: list[str], irr: float, dscr: float) -> list[dict[str, Any]]:
    """The Pareto front of public cost against investor NPV over every package priced."""
    cost = priced.cost_pv_usd()
    ok = priced.bankable(100.0 * irr, dscr)  # irr a fraction here
    front = pareto_front(cost, np.nan_to_num(priced.investor_npv_usd, nan=-np.inf))
    return [
        {
            **priced.row(int(i)),
            "bankable": bool(ok[i]),
            "package": {n: float(a) for n, a in zip(names, priced.amounts[i], strict=True) if a},
        }
        for i in front
    ]
