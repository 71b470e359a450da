"""The plant's capital and operating costs by year, from its stages' cost rules (``costs``).

Two steps of the plant view: :func:`capital` and :func:`operating_costs`. The operating cost
total is all the investor's lines need; :func:`opex_by_part` and :func:`resource_use` break it
down for the margins and the country view. USD (N, Y) unless a name says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orevalue.arrays import add_into
from orevalue.economics import costs, residues, schedule
from orevalue.economics.flows import PathwayFlows
from orevalue.params import Params
from orevalue.scenario import Scenario

#: Operating cost parts: variable ones per tonne of a stage's basis, then fixed ones.
OPEX_PARTS = (
    "power",
    "fuel",
    "water",
    "consumables",
    "maintenance",
    "labour",
    "g_and_a",
    "security",
    "residues",
)


@dataclass(frozen=True)
class Capital:
    """Capital of the plant: totals USD (N, 1), lines by year USD (N, Y)."""

    base_initial_usd: np.ndarray  # initial capex before customs duty, (N, 1)
    base_usd: np.ndarray  # by construction year, before customs duty
    customs_duty_usd: np.ndarray  # on the imported equipment
    capex_usd: np.ndarray  # base + customs duty
    initial_usd: np.ndarray  # total initial capex with duty, (N, 1)
    sustaining_usd: np.ndarray  # a share of the base initial capex per operating year


def permit_holding_usd(p: Params, y: int) -> np.ndarray:
    """Standing cost of the approval delay, USD (N, Y): months of delay times the holding
    cost per month, spent in the first build year (capitalised with the plant)."""
    out = np.zeros((p.n_samples, y))
    months = p.get("project.permit_delay_months")
    out[:, :1] = months * p.get("project.permit_holding_usd_per_month")
    return out


def capital(p: Params, tl: schedule.Timeline, flows: PathwayFlows) -> Capital:
    """Initial capex of the stages at their capacity, spread over the build years, customs
    duty on its imported share, and sustaining capex in the operating years. The investor's
    capex is net of a state capital grant (``finance.capex_grant_pct`` of the base capex)
    and carries the standing cost of any approval delay (:func:`permit_holding_usd`)."""
    n = p.n_samples
    by_stage = [costs.stage_capex_usd(p, s, flows.capacity_t_per_yr[s]) for s in flows.stages]
    base_initial = sum(by_stage, start=np.zeros((n, 1)))
    share = schedule.capex_share(p, tl)  # a new array each call: scaled in place
    base = np.multiply(base_initial, share, out=_shaped(share, base_initial, share))
    duty_rate = p["fiscal.customs_duty_capital_goods_pct"] / 100.0
    duty = base * (p["local_content.capex_imported_equipment_pct"] / 100.0 * duty_rate)
    capex = base + duty
    if flows.stages:  # the state's grant off, the delay's standing cost on (0 by default)
        grant_pct = p.get("finance.capex_grant_pct")
        if grant_pct.any():  # (taking off a grant of 0 changes nothing: skipped)
            capex = add_into(capex, base * (grant_pct / 100.0), subtract=True)
        holding = permit_holding_usd(p, 1)
        if holding.any():
            capex = add_into(capex, permit_holding_usd(p, base.shape[1]))
    sustaining = (
        base_initial * p["project.sustaining_capex_pct_per_yr"] / 100.0 * tl.operating.astype(float)
    )
    return Capital(base_initial, base, duty, capex, capex.sum(axis=1, keepdims=True), sustaining)


@dataclass(frozen=True)
class OperatingCosts:
    """What the operating costs rest on and their total, USD (N, Y)."""

    basis_t: dict[str, np.ndarray]  # stage -> its basis (an element or a stream's mass), t (N, Y)
    unit_usd_per_t: dict[str, dict[str, np.ndarray]]  # stage -> variable part -> (N, 1)
    fixed_usd_per_yr: dict[str, np.ndarray]  # fixed part -> USD per operating year, (N, 1)
    staff: dict[str, np.ndarray]  # operating headcount by skill, whole persons (N, 1)
    labour_usd_per_yr: tuple[np.ndarray, np.ndarray]  # (domestic, foreign), (N, 1)
    operating: np.ndarray  # 1 in an operating year, else 0, (Y,)
    total_usd: np.ndarray
    #: wages moved home by localisation, (to nationals, off expatriates), USD (N, Y)
    localised_usd: tuple[np.ndarray, np.ndarray] | None = None
    #: slag, lime and gypsum handling, net (economics/residues.py), USD (N, Y)
    residues_usd: np.ndarray | None = None

    def wages_usd(self) -> tuple[np.ndarray, np.ndarray]:
        """The (domestic, foreign) wage bill by year, USD (N, Y)."""
        domestic, foreign = self.labour_usd_per_yr
        domestic, foreign = domestic * self.operating, foreign * self.operating
        if self.localised_usd is not None:
            domestic, foreign = domestic + self.localised_usd[0], foreign - self.localised_usd[1]
        return domestic, foreign


def localisation_usd(
    scenario: Scenario, p: Params, tl: schedule.Timeline, staff: dict[str, np.ndarray]
) -> tuple[np.ndarray, np.ndarray] | None:
    """Wages a localisation programme moves home, USD (N, Y): (paid to the nationals who take
    foreign posts, no longer paid to expatriates). The share of foreign posts localised grows
    linearly from start-up to ``labour.localisation_pct`` over ``labour.localisation_years``;
    a localised post earns the wage of ``labour.localised_skill`` with the site premium. None
    when nothing is localised in any sample."""
    share_pct = p.get("labour.localisation_pct")
    if not np.any(share_pct > 0):
        return None
    years = p.get("labour.localisation_years", 5.0)
    share = share_pct / 100.0 * np.clip((tl.op_index + 1.0) / years, 0.0, 1.0) * tl.operating
    loaded = 12.0 * (1.0 + p["labour.on_cost_pct"] / 100.0)
    foreign = [k for k in staff if k in scenario.labour.foreign_skills]
    posts = sum((staff[k] for k in foreign), start=np.zeros((p.n_samples, 1)))
    expat_bill = sum((staff[k] * p[f"labour.wage_usd_per_month.{k}"] for k in foreign), start=0.0)
    local_wage = p[f"labour.wage_usd_per_month.{scenario.labour.localised_skill}"]
    premium = 1.0 + p["site.wage_premium_pct"] / 100.0
    return share * posts * local_wage * loaded * premium, share * expat_bill * loaded


def operating_costs(
    scenario: Scenario, p: Params, tl: schedule.Timeline, flows: PathwayFlows, capital: Capital
) -> OperatingCosts:
    """Variable costs by stage (per tonne of its basis) and fixed costs by year.

    What scales with the plant: staff by skill and the labour bill follow each stage's
    capacity by its ``staff_exponent`` (:func:`costs.staffing`); site services' staff and
    G&A follow the stages' workforce; maintenance is a share of the initial capex, which
    scales by ``capex_exponent`` (:func:`costs.stage_capex_usd`); power, fuel, water and
    consumables are per tonne. Security is a site cost, the same at any size.

    The total adds each stage's unit costs before multiplying by its tonnage: one pass over
    the (N, Y) lines per stage, the parts left to :func:`opex_by_part`.
    """
    n = p.n_samples
    operating = tl.operating.astype(float)
    basis = flows.basis_t(scenario, p)
    unit_cost = {st: costs.stage_unit_opex_usd_per_t(p, st) for st in flows.stages}
    staff, services_scale = costs.staffing(scenario, p, flows.stages, flows.capacity_t_per_yr)
    domestic, foreign = costs.labour_usd_per_yr(scenario, p, staff)
    fixed = (
        {
            "maintenance": capital.base_initial_usd
            * (p["project.maintenance_pct_of_capex_per_yr"] / 100.0),
            "labour": domestic + foreign,
            "g_and_a": p["services.g_and_a_usd_per_yr"] * services_scale
            + p.get("site.land_rent_usd_per_yr"),
            "security": p["site.security_usd_per_yr"],
        }
        if flows.stages
        else {}
    )
    # the total is a new (N, Y) array, summed into in place (the same additions in order)
    total = sum(fixed.values(), start=np.zeros((n, 1))) * operating
    scratch = np.empty_like(total)
    for st, basis_t in basis.items():
        unit = sum(unit_cost[st].values(), start=np.zeros((n, 1)))
        total = add_into(total, np.multiply(basis_t, unit, out=_shaped(scratch, basis_t, unit)))
    localised = localisation_usd(scenario, p, tl, staff) if flows.stages else None
    if localised is not None:
        total = add_into(total, localised[0])
        total = add_into(total, localised[1], subtract=True)
    handling = residues.handling_usd(scenario, p, flows)
    if handling is not None:
        total = add_into(total, handling)
    return OperatingCosts(
        basis, unit_cost, fixed, staff, (domestic, foreign), operating, total, localised, handling
    )


def _shaped(scratch: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray | None:
    """``scratch`` where it has the shape of ``a op b``, else None (a new array)."""
    return scratch if np.broadcast_shapes(np.shape(a), np.shape(b)) == scratch.shape else None


def opex_by_part(opex: OperatingCosts, zeros: np.ndarray) -> dict[str, np.ndarray]:
    """Operating costs by part (:data:`OPEX_PARTS`), USD (N, Y); they add up to the total."""
    parts = {
        k: opex.fixed_usd_per_yr[k] * opex.operating
        if k in opex.fixed_usd_per_yr
        else sum(
            (t * opex.unit_usd_per_t[st][k] for st, t in opex.basis_t.items()),
            start=zeros,
        )
        for k in OPEX_PARTS
        if k != "residues"
    }
    if opex.localised_usd is not None:
        parts["labour"] = parts["labour"] + opex.localised_usd[0] - opex.localised_usd[1]
    parts["residues"] = zeros + (opex.residues_usd if opex.residues_usd is not None else 0.0)
    return parts


def resource_use(p: Params, opex: OperatingCosts, zeros: np.ndarray) -> dict[str, np.ndarray]:
    """Electricity MWh, fuel GJ and water m³ the stages use, (N, Y)."""
    use = {k: zeros for k in ("power_mwh", "fuel_gj", "water_m3")}
    for st, basis_t in opex.basis_t.items():
        for k, v in costs.stage_use(p, st, basis_t).items():
            use[k] = use[k] + v
    return use
