"""Per-unit yields, values and costs of the smelter and the refinery, from a scenario.

The siting model is linear in tonnes: it needs, per wet tonne of concentrate smelted or per
tonne of anode or blister refined, what comes out, what it is worth FOB a Karachi-rate port and
what it uses. These come from the scenario's own flowsheet and sales terms at the first year of
full utilisation (the year the engine quotes margins for), so the siting screen and
``orevalue run`` price the same tonne alike. The smelter is the scenario's ``anode`` pathway;
the refinery is what its ``cathode`` pathway adds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orevalue import flowsheet
from orevalue.economics import costs, schedule, terms
from orevalue.economics.metrics import capital_recovery_factor
from orevalue.economics.pricing import Market
from orevalue.params import Params
from orevalue.scenario import Problem, Scenario, ScenarioError

SMELTER_PATHWAY = "anode"
REFINERY_PATHWAY = "cathode"


@dataclass(frozen=True)
class StageUse:
    """Use per unit processed: electricity MWh, fuel GJ, water m³, consumables USD."""

    power_mwh: float
    fuel_gj: float
    water_m3: float
    consumables_usd: float


@dataclass(frozen=True)
class UnitEconomics:
    """What one unit of feed yields, is worth and uses; capex of each candidate size.

    Concentrate is counted in wet tonnes (wmt) as it is shipped; anode, blister and cathode in
    tonnes. Values are FOB a Pakistani port at Karachi ocean rates, real USD of the base year.
    """

    year: int
    conc_feed: str
    blister_feed: str | None
    moisture_frac: float
    utilisation: float
    conc_target_dmt_per_yr: float
    conc_available_dmt_per_yr: float
    blister_available_t_per_yr: float
    # yields
    anode_t_per_wmt: float
    acid_t_per_wmt: float
    cathode_t_per_t_anode: float
    cathode_t_per_t_blister: float
    # values, USD per unit
    conc_usd_per_wmt: float
    anode_usd_per_t: float
    blister_usd_per_t: float
    refined_usd_per_t_anode: float
    refined_usd_per_t_blister: float
    ocean_conc_usd_per_wmt: float
    ocean_product_usd_per_t: float
    # use per unit
    smelter_use: StageUse  # per wmt concentrate
    refinery_use_anode: StageUse  # per t anode
    refinery_use_blister: StageUse  # per t blister
    # sizes (Z,): nameplate and capex at location factor 1, owner's costs included
    size_pct: np.ndarray
    smelter_capacity_dmt: np.ndarray
    refinery_capacity_t: np.ndarray
    smelter_capex_usd: np.ndarray
    refinery_capex_usd: np.ndarray
    # fixed costs per year (domestic staff before any site wage premium)
    smelter_labour_usd: tuple[float, float]  # (domestic, foreign)
    refinery_labour_usd: tuple[float, float]
    services_labour_usd: tuple[float, float]
    g_and_a_usd_per_yr: float
    maintenance_pct: float
    sustaining_pct: float
    imported_equipment_pct: float  # duty base, % of capex
    # money over time
    discount_rate_pct: float
    operating_years: int
    spend_shares: np.ndarray
    first_operating_year: int

    def capital_factor(self, premium_pct: np.ndarray | float) -> np.ndarray:
        """USD/yr of capital charge per USD of initial capex: capex grown to start-up at the
        discount rate (plus a security premium, % points) and recovered as an annuity over the
        operating life: the engine's own capital recovery factor."""
        given = np.asarray(premium_pct, dtype=float)
        rate = (self.discount_rate_pct + np.atleast_1d(given)) / 100.0
        factor = capital_recovery_factor(rate, self.spend_shares, self.operating_years)
        return factor.reshape(given.shape)

    def pv_share(self, premium_pct: float, first_year: float, last_year: float) -> float:
        """Present-value share of the operating life falling between two decimal years."""
        rate = (self.discount_rate_pct + premium_pct) / 100.0
        start = self.first_operating_year + np.arange(self.operating_years, dtype=float)
        inside = np.clip(np.minimum(start + 1.0, last_year) - np.maximum(start, first_year), 0, 1)
        weights = (1.0 + rate) ** -np.arange(self.operating_years)
        return float((inside * weights).sum() / weights.sum())


def _f(x: np.ndarray | float) -> float:
    return float(np.asarray(x).reshape(-1)[0])


def _need_pathways(scenario: Scenario) -> tuple[list[str], list[str]]:
    missing = [p for p in (SMELTER_PATHWAY, REFINERY_PATHWAY) if p not in scenario.pathways]
    if missing:
        raise ScenarioError(
            [
                Problem(scenario.source_file, f"pathways.{p}", "siting needs this pathway")
                for p in missing
            ]
        )
    smelter = list(scenario.pathways[SMELTER_PATHWAY].stages)
    refinery = [s for s in scenario.pathways[REFINERY_PATHWAY].stages if s not in smelter]
    return smelter, refinery


def _use(scenario: Scenario, p: Params, stages: list[str], streams: dict, per: float) -> StageUse:
    totals = np.zeros(4)
    for s in stages:
        basis = _f(flowsheet.basis_t(scenario, p, scenario.stages[s].basis, streams, {}))
        totals += basis * np.array(
            [
                _f(p[f"stages.{s}.power_mwh_per_t"]),
                _f(p[f"stages.{s}.fuel_gj_per_t"]),
                _f(p[f"stages.{s}.water_m3_per_t"]),
                _f(p[f"stages.{s}.consumables_usd_per_t"]),
            ]
        )
    return StageUse(*(float(x) for x in (totals / per if per > 0 else totals * 0.0)))


def _labour(scenario: Scenario, p: Params, heads: list[dict[str, int]]) -> tuple[float, float]:
    staff: dict[str, int] = {}
    for group in heads:
        for skill, count in group.items():
            staff[skill] = staff.get(skill, 0) + count
    domestic, foreign = costs.labour_usd_per_yr(scenario, p, staff)
    return _f(domestic), _f(foreign)


def unit_economics(
    scenario: Scenario, conc_feed: str, blister_feed: str | None, size_pct: list[float]
) -> UnitEconomics:
    """Yields, values, use, capex by size and fixed costs of the two stages for ``scenario``.

    ``conc_feed`` is the concentrate the smelter takes; ``blister_feed`` (or None) a metal feed
    the refinery takes directly.
    """
    smelter, refinery = _need_pathways(scenario)
    p = Params.from_scenario(scenario).replace(
        {"site.location_factor": 1.0, "site.wage_premium_pct": 0.0}
    )
    tl = schedule.timeline(scenario)
    col = schedule.steady_index(scenario, tl)
    year = int(tl.years[col])
    market = Market.from_params(p, np.array([year]))
    one = np.ones((1, 1))
    ocean_conc = _f(p["logistics.conc_ocean_usd_per_wmt"])
    ocean_prod = _f(p["logistics.product_ocean_usd_per_t"])
    moisture = _f(p[f"feeds.{conc_feed}.moisture_pct"]) / 100.0

    streams = flowsheet.balance(scenario, p, smelter + refinery, {conc_feed: one})
    anode_t = _f(flowsheet.stream_mass_t(scenario, p, "anode", streams["anode"]))
    acid_t = (
        _f(flowsheet.stream_mass_t(scenario, p, "acid", streams["acid"]))
        if "acid" in streams
        else 0.0
    )
    sells = [s for s in scenario.pathways[REFINERY_PATHWAY].sells if s != "acid"]

    def refined_value(st: dict) -> tuple[float, float]:
        total, cathode = 0.0, 0.0
        for product in sells:
            mass = flowsheet.stream_mass_t(scenario, p, product, st[product])
            shipped = scenario.terms[product].freight == "product"
            freight = ocean_prod if shipped else 0.0
            lot = terms.Lot(st[product], mass)
            total += _f(terms.value(scenario, p, product, lot, market, freight).total_usd)
            if shipped:
                cathode += _f(mass)
        return total, cathode

    refined_per_dmt, cathode_per_dmt = refined_value(streams)
    conc_lot = terms.Lot(flowsheet.feed_elements(p, conc_feed, one), one, conc_feed)
    conc_terms = scenario.feeds[conc_feed].terms
    conc_per_dmt = _f(terms.value(scenario, p, conc_terms, conc_lot, market, ocean_conc).total_usd)
    anode_lot = terms.Lot(streams["anode"], anode_t * one)
    anode_value = _f(terms.value(scenario, p, "anode", anode_lot, market, ocean_prod).total_usd)

    blister = dict.fromkeys(("value", "refined", "cathode"), 0.0)
    blister_streams: dict = {}
    blister_avail = 0.0
    if blister_feed is not None:
        elements = flowsheet.feed_elements(p, blister_feed, one)
        blister["value"] = _f(
            terms.value(
                scenario,
                p,
                scenario.feeds[blister_feed].terms,
                terms.Lot(elements, one, blister_feed),
                market,
                ocean_prod,
            ).total_usd
        )
        blister_streams = flowsheet.balance(scenario, p, refinery, {blister_feed: one})
        blister["refined"], blister["cathode"] = refined_value(blister_streams)
        blister_avail = _f(schedule.feed_available_dry_t(scenario, p, blister_feed, tl)[:, col])

    # capacities and capex by size, location factor 1
    pct = np.asarray(size_pct, dtype=float)
    nameplate = _f(p["project.nameplate_conc_dmt_per_yr"])
    blister_nameplate = (
        _f(p[f"feeds.{blister_feed}.dry_t_per_yr"])
        if blister_feed is not None and scenario.feeds[blister_feed].enabled
        else 0.0
    )

    def basis_cu(stage: str) -> float:
        basis = scenario.stages[stage].basis
        cu = _f(flowsheet.basis_t(scenario, p, basis, streams, {})) * nameplate
        if blister_streams and basis.partition(".")[0] in blister_streams:
            cu += _f(flowsheet.basis_t(scenario, p, basis, blister_streams, {})) * blister_nameplate
        return cu

    def capex(stages: list[str]) -> np.ndarray:
        total = np.zeros((1, pct.size))
        for s in stages:
            total = total + costs.stage_capex_usd(p, s, basis_cu(s) * pct[None, :] / 100.0)
        return total[0]

    refinery_nameplate_t = cathode_per_dmt * nameplate + blister["cathode"] * blister_nameplate
    util = _f(p.vector("project.utilisation_pct")[:, -1]) / 100.0
    available = _f(schedule.feed_available_dry_t(scenario, p, conc_feed, tl)[:, col])
    services = dict(scenario.services.headcount)
    return UnitEconomics(
        year=year,
        conc_feed=conc_feed,
        blister_feed=blister_feed,
        moisture_frac=moisture,
        utilisation=util,
        conc_target_dmt_per_yr=min(available, nameplate * util),
        conc_available_dmt_per_yr=available,
        blister_available_t_per_yr=blister_avail,
        anode_t_per_wmt=anode_t * (1.0 - moisture),
        acid_t_per_wmt=acid_t * (1.0 - moisture),
        cathode_t_per_t_anode=cathode_per_dmt / anode_t,
        cathode_t_per_t_blister=blister["cathode"],
        conc_usd_per_wmt=conc_per_dmt * (1.0 - moisture),
        anode_usd_per_t=anode_value / anode_t,
        blister_usd_per_t=blister["value"],
        refined_usd_per_t_anode=refined_per_dmt / anode_t,
        refined_usd_per_t_blister=blister["refined"],
        ocean_conc_usd_per_wmt=ocean_conc,
        ocean_product_usd_per_t=ocean_prod,
        smelter_use=_use(scenario, p, smelter, streams, 1.0 / (1.0 - moisture)),
        refinery_use_anode=_use(scenario, p, refinery, streams, anode_t),
        refinery_use_blister=_use(scenario, p, refinery, blister_streams, 1.0)
        if blister_streams
        else StageUse(0.0, 0.0, 0.0, 0.0),
        size_pct=pct,
        smelter_capacity_dmt=nameplate * pct / 100.0,
        refinery_capacity_t=refinery_nameplate_t * pct / 100.0,
        smelter_capex_usd=capex(smelter),
        refinery_capex_usd=capex(refinery),
        smelter_labour_usd=_labour(scenario, p, [scenario.stages[s].headcount for s in smelter]),
        refinery_labour_usd=_labour(scenario, p, [scenario.stages[s].headcount for s in refinery]),
        services_labour_usd=_labour(scenario, p, [services]),
        g_and_a_usd_per_yr=_f(p["services.g_and_a_usd_per_yr"]),
        maintenance_pct=_f(p["project.maintenance_pct_of_capex_per_yr"]),
        sustaining_pct=_f(p["project.sustaining_capex_pct_per_yr"]),
        imported_equipment_pct=_f(p["local_content.capex_imported_equipment_pct"]),
        discount_rate_pct=_f(p["project.discount_rate_pct"]),
        operating_years=scenario.project.operating_years,
        spend_shares=p.vector("project.construction_spend_pct")[0] / 100.0,
        first_operating_year=int(tl.years[tl.build_years]),
    )
