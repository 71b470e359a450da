"""The optional third test of bankability: P(plant NPV < 0) <= p on a risk run.

Each check is one Monte Carlo run (all samples vectorised) of the scenario with the package's
fields laid over it, the scenario's own uncertainty table giving the distributions. When the
package found on IRR and DSCR misses it, the package moves along the ray towards every lever at
its limit, bisected on the risk run (a few runs, each vectorised).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from orevalue.incentives.evaluate import Setup, price
from orevalue.incentives.optimise import Design, lever_grid
from orevalue.incentives.overlay import package_fields
from orevalue.scenario import Scenario

#: The scenario with an overlay (a raw table like a scenario file's) laid over it.
Variant = Callable[[dict[str, Any]], Scenario]
#: Numbers of a distribution a lever moves as it moves the value (the spread's ends).
MOVED = ("low", "high", "mode", "p10", "p90", "mean")
#: Bisection steps along the ray when the package misses the loss probability.
STEPS = 6


def _nest(path: str, value: Any, into: dict[str, Any]) -> None:
    *tables, leaf = path.split(".")
    node = into
    for t in tables:
        node = node.setdefault(t, {})
    node[leaf] = value


def package_overlay(setup: Setup, amounts: np.ndarray) -> dict[str, Any]:
    """The package as an overlay: its fields, and each uncertain field's distribution moved
    as the lever moves the value (a subsidy of 30 % takes 30 % off both ends of the tariff's
    range), so that the risk run samples around the promised value."""
    out: dict[str, Any] = {}
    for path, value in package_fields(setup, amounts).items():
        _nest(path, value, out)
    inputs = (setup.scenario.uncertainty or {}).get("inputs", {})
    moved: dict[str, Any] = {}
    for j, lever in enumerate(setup.levers.levers.values()):
        spec = inputs.get(lever.path)
        if not isinstance(spec, dict) or amounts[j] == 0:
            continue
        x = np.array([[float(amounts[j])]])
        moved[lever.path] = {
            k: float(lever.apply(np.array([[float(v)]]), x)[0, 0])
            for k, v in spec.items()
            if k in MOVED and isinstance(v, int | float)
        }
    if moved:
        out["uncertainty"] = {"inputs": moved}
    return out


def loss_probability(
    variant: Variant, setup: Setup, amounts: np.ndarray, pathway: str, samples: int, seed: int
) -> float:
    """P(plant NPV < 0) of ``pathway`` with the package ``amounts`` laid over the scenario."""
    from orevalue.risk.analysis import RiskOptions, run_risk

    options = RiskOptions(samples=samples, seed=seed, tornado=False, sobol_base=0)
    summary = run_risk(variant(package_overlay(setup, amounts)), options)
    return float(summary["pathways"][pathway]["npv_usd"]["prob_negative"])


def check_loss(
    setup: Setup, design: Design, variant: Variant, p_max: float, samples: int, seed: int = 1
) -> dict[str, Any]:
    """Check (and, along the ray to the limit, meet) P(NPV < 0) <= ``p_max``; updates
    ``design`` when the package moves. Returns what was found."""
    limit = np.array([points[-1] for points in lever_grid(setup, 2)])
    at_limit = loss_probability(variant, setup, limit, design.pathway, samples, seed)
    if at_limit > p_max:
        design.binding.append(
            f"even with every lever at its limit P(NPV < 0) is {at_limit:.2f} > {p_max:g}"
        )
    out: dict[str, Any] = {
        "max_loss_probability": p_max,
        "samples": samples,
        "seed": seed,
        "at_limit_loss_probability": at_limit,
    }
    if design.package is None:
        out["met"] = False
        return out
    start = np.array(list(design.package.values()))
    prob = loss_probability(variant, setup, start, design.pathway, samples, seed)
    out["package_loss_probability"] = prob
    if prob <= p_max:
        out["met"] = True
        return out
    if at_limit > p_max:  # nothing within the ranges keeps the loss probability down
        design.bankable, design.package, design.package_metrics = False, None, None
        design.fields, design.package_cost_by_lever = {}, {}
        out["met"] = False
        return out
    low, high = 0.0, 1.0  # along the ray start + t (limit - start): missed at low, met at high
    for _ in range(STEPS):
        mid = 0.5 * (low + high)
        trial = start + mid * (limit - start)
        if loss_probability(variant, setup, trial, design.pathway, samples, seed) <= p_max:
            high = mid
        else:
            low = mid
    moved = start + high * (limit - start)
    design.package = dict(zip(design.package, map(float, moved), strict=True))
    design.fields = package_fields(setup, moved)
    _reprice(setup, design, moved)
    out.update(met=True, moved_along_ray_to_limit=high)
    out["package_loss_probability"] = loss_probability(
        variant, setup, moved, design.pathway, samples, seed
    )
    return out


def _reprice(setup: Setup, design: Design, amounts: np.ndarray) -> None:
    """The package's metrics and outlays after it moved."""
    priced = price(setup, amounts[None, :])
    metrics = design.package_metrics or {}
    jobs = dict(metrics.get("jobs", {}))
    metrics = {**priced.row(0), "jobs": jobs}
    cost = metrics["public_cost_pv_usd"]
    domestic = jobs.get("jobs_operations_domestic", 0.0)
    total = domestic + jobs.get("jobs_operations_foreign", 0.0)
    jobs["public_cost_per_direct_job_usd"] = cost / total if total > 0 else float("nan")
    jobs["public_cost_per_pakistani_job_usd"] = cost / domestic if domestic > 0 else float("nan")
    design.package_metrics = metrics
    names = list(setup.levers.levers)
    design.package_cost_by_lever = dict(
        zip(names, map(float, priced.spending_pv_usd[:, 0]), strict=True)
    )
