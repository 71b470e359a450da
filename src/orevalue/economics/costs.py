"""Capital and operating costs of stages, built from the scenario's components."""

from __future__ import annotations

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


def headcount(scenario: Scenario, stages: list[str]) -> dict[str, int]:
    """Operating staff by skill for the given stages plus site services (if any stage)."""
    total: dict[str, int] = {}
    groups = [scenario.stages[s].headcount for s in stages]
    if stages:
        groups.append(scenario.services.headcount)
    for group in groups:
        for skill, count in group.items():
            total[skill] = total.get(skill, 0) + count
    return total


def labour_usd_per_yr(
    scenario: Scenario, p: Params, staff: dict[str, int]
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
