"""Capital and operating costs of stages, built from the scenario's components."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from orevalue.params import Params
from orevalue.scenario import Scenario

HOURS_PER_YEAR = 8760.0


def stage_capex_usd(p: Params, stage: str, capacity_t_per_yr: np.ndarray) -> np.ndarray:
    """Initial capex of a stage, USD (N, 1), for a capacity in t/yr of its basis: reference cost
    x (capacity/reference)^exponent x
    site location factor x (1 + owner's and infrastructure share)."""
    s = f"stages.{stage}"
    ratio = np.maximum(capacity_t_per_yr, 0.0) / p[f"{s}.capacity_ref_t_per_yr"]
    direct = p[f"{s}.capex_ref_usd"] * ratio ** p[f"{s}.capex_exponent"]
    return direct * p["site.location_factor"] * (1.0 + p["project.owner_and_infra_pct"] / 100.0)


def stage_unit_opex_usd_per_t(p: Params, stage: str) -> dict[str, np.ndarray]:
    """Power, fuel, water and consumables of a stage, USD per tonne of its basis (an element of
    a stream, or a stream's mass), (N, 1)."""
    s = f"stages.{stage}"
    return {
        "power": p[f"{s}.power_mwh_per_t"] * (1000.0 * p["site.power_usd_per_kwh"]),
        "fuel": p[f"{s}.fuel_gj_per_t"] * p["site.fuel_usd_per_gj"],
        "water": p[f"{s}.water_m3_per_t"] * p["site.water_usd_per_m3"],
        "consumables": p[f"{s}.consumables_usd_per_t"],
    }


def stage_use(p: Params, stage: str, basis_t: np.ndarray) -> dict[str, np.ndarray]:
    """Physical use of a stage for ``basis_t`` tonnes of its basis: electricity MWh, fuel GJ,
    water m³."""
    s = f"stages.{stage}"
    return {
        "power_mwh": basis_t * p[f"{s}.power_mwh_per_t"],
        "fuel_gj": basis_t * p[f"{s}.fuel_gj_per_t"],
        "water_m3": basis_t * p[f"{s}.water_m3_per_t"],
    }


class Staffing(NamedTuple):
    """Operating staff of a set of stages and the factor their site services scale by."""

    staff: dict[str, np.ndarray]  # by skill, whole persons (N, 1)
    services_scale: np.ndarray  # stage staff at capacity / stage staff as given, (N, 1)


def stage_staff(
    scenario: Scenario, p: Params, stage: str, capacity_t_per_yr: np.ndarray
) -> dict[str, np.ndarray]:
    """Operating staff of ``stage`` by skill at ``capacity_t_per_yr`` (t/yr of its basis),
    whole persons (N, 1): its headcount, given for ``staff_capacity_t_per_yr`` (its
    ``capacity_ref_t_per_yr`` when not set), x (capacity / that capacity)^``staff_exponent``,
    rounded to whole persons skill by skill. Exponent 1 is staff in proportion to
    throughput, 0 a fixed crew; a smelter's jobs grow about as capacity^0.55 (CTE §4.2:
    1,200 jobs at 200 kt/yr, Adani 2,000 at 500 kt/yr)."""
    s = f"stages.{stage}"
    ref_path = f"{s}.staff_capacity_t_per_yr"
    ref = p[ref_path] if ref_path in p else p[f"{s}.capacity_ref_t_per_yr"]
    factor = (np.maximum(capacity_t_per_yr, 0.0) / ref) ** p.get(f"{s}.staff_exponent", 0.0)
    return {k: np.rint(n * factor) for k, n in scenario.stages[stage].headcount.items()}


def staffing(
    scenario: Scenario, p: Params, stages: list[str], capacity_t_per_yr: dict[str, np.ndarray]
) -> Staffing:
    """Operating staff by skill of ``stages`` at their capacities (:func:`stage_staff`) plus
    site services (if any stage), whole persons (N, 1).

    Site services follow the stages' workforce: their headcount (rounded skill by skill) and
    G&A are multiplied by the stages' staff at capacity over the stages' headcount as given
    (1 for a plant at the capacity its headcount is given for, or with no stage staff).
    """
    ones = np.ones((p.n_samples, 1))
    total: dict[str, np.ndarray] = {}
    given = 0.0
    at_capacity = np.zeros((p.n_samples, 1))
    for st in stages:
        for skill, count in stage_staff(scenario, p, st, capacity_t_per_yr[st]).items():
            total[skill] = total.get(skill, 0.0) + count
            at_capacity = at_capacity + count
        given += float(sum(scenario.stages[st].headcount.values()))
    scale = at_capacity / given if given > 0 else ones
    if stages:
        for skill, count in scenario.services.headcount.items():
            total[skill] = total.get(skill, 0.0) + np.rint(count * scale)
    return Staffing({k: v * ones for k, v in total.items()}, scale)


def labour_usd_per_yr(
    scenario: Scenario, p: Params, staff: Mapping[str, float | np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Loaded wage bill per year, USD (N, 1), for (domestic, foreign) staff.

    Base wage x 12 x (1 + on-cost); domestic staff also earn the site's wage premium.
    """
    loaded = 12.0 * (1.0 + p["labour.on_cost_pct"] / 100.0)
    premium = 1.0 + p["site.wage_premium_pct"] / 100.0
    domestic = np.zeros((p.n_samples, 1))
    foreign = np.zeros((p.n_samples, 1))
    for skill, count in staff.items():
        bill = count * p[f"labour.wage_usd_per_month.{skill}"] * loaded
        if skill in scenario.labour.foreign_skills:
            foreign = foreign + bill
        else:
            domestic = domestic + bill * premium
    return domestic, foreign
