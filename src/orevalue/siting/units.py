"""Per-unit yields, values and costs of the smelter and the refinery, from a scenario.

The siting model is linear in tonnes: it needs, per wet tonne of concentrate smelted or per
tonne of anode or blister refined, what comes out, what it is worth FOB a Karachi-rate port and
what it uses. These come from the scenario's own flowsheet and sales terms at the first year of
full utilisation (the year the engine quotes margins for), so the siting screen and
``orevalue run`` price the same tonne alike. The refinery pathway is the case's focus pathway
(``focus_pathway``); the smelter pathway is the longest other pathway whose stages begin the
refinery pathway's, and its main product is the intermediate the refinery takes (for the
copper case: ``anode`` feeding ``cathode``). The refinery is what the focus pathway adds.
A focus pathway with no such first part (gold's refinery, antimony's roaster line) is one
group: all its stages at one site, making the product itself. Several concentrate feeds (gold's
scrap and doré, antimony's local and imported concentrate) travel as one blend, in the shares
the engine processes them in that year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orevalue import flowsheet
from orevalue.economics import costs, schedule, terms
from orevalue.economics.metrics import capital_recovery_factor
from orevalue.economics.plant import main_product
from orevalue.economics.pricing import Market
from orevalue.economics.sales import metal_name
from orevalue.economics.supply import FeedSupply
from orevalue.params import Params
from orevalue.scenario import Problem, Scenario, ScenarioError


@dataclass(frozen=True)
class SitingPathways:
    """The two pathways siting plans with: ``refinery`` (the case's focus pathway) and
    ``smelter`` (its first part, selling ``intermediate``, the refinery's feed). A case whose
    focus pathway has no first part sold on its own (a gold refinery, an antimony roaster and
    refinery) plans one group (``single``): every stage of the focus pathway at one site, its
    ``smelter`` and ``refinery`` both the focus pathway and ``intermediate`` its product."""

    smelter: str
    refinery: str
    intermediate: str
    single: bool = False


def siting_pathways(scenario: Scenario) -> SitingPathways:
    """The pathways of :class:`SitingPathways` read from ``scenario``: the focus pathway and
    the longest other pathway whose stages are the first stages of the focus pathway's."""
    focus = scenario.focus_pathway
    stages = list(scenario.pathways[focus].stages) if focus in scenario.pathways else []
    prefixes = [
        name
        for name, path in scenario.pathways.items()
        if name != focus
        and 0 < len(path.stages) < len(stages)
        and list(path.stages) == stages[: len(path.stages)]
    ]
    if not prefixes and stages:  # one group: the whole focus pathway at one site
        return SitingPathways(focus, focus, main_product(scenario, focus), single=True)
    if not prefixes:
        raise ScenarioError(
            [
                Problem(
                    scenario.source_file,
                    f"pathways.{focus}",
                    "siting needs a focus pathway that builds at least one stage",
                )
            ]
        )
    smelter = max(prefixes, key=lambda n: len(scenario.pathways[n].stages))
    return SitingPathways(smelter, focus, main_product(scenario, smelter))


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
    product: str  # the refined main product (the focus pathway's main product)
    metal: str  # the element the product is sold for, by name ("copper", "gold")
    single: bool  # one stage group (:class:`SitingPathways`): no refinery of an intermediate
    stage_names: tuple[str, str]  # the two groups as reports name them
    feed_word: str  # what the plant takes, as reports name it ("concentrate", "feed")
    feed_blend: dict[str, float]  # dry share of each feed in the concentrate commodity
    feed_dmt_per_yr: dict[str, float]  # each blended feed's dry t/yr processed (steady year)
    #: an imported feed's cost over its FOB value, USD/wmt: the ocean leg and its landed freight
    feed_landed_usd_per_wmt: dict[str, float]
    commodities: tuple[str, ...]  # names of the network's slots: concentrate feed, smelter
    # product, metal feed, refined product, as the case names its feeds and products
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
    product_t_per_t_anode: float
    product_t_per_t_blister: float
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
    """The smelter's stages and the stages the refinery adds (:func:`siting_pathways`); no
    refinery stages for one group."""
    ways = siting_pathways(scenario)
    smelter = list(scenario.pathways[ways.smelter].stages)
    if ways.single:
        return smelter, []
    refinery = [s for s in scenario.pathways[ways.refinery].stages if s not in smelter]
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


@dataclass(frozen=True)
class _Basis:
    """What every unit figure is worked out from: the scenario's parameters at location
    factor 1 and no wage premium, its timeline, the first year of full utilisation (column
    ``col``), that year's market and the ocean freight (USD per wmt or per t)."""

    scenario: Scenario
    p: Params
    tl: schedule.Timeline
    col: int
    year: int
    market: Market
    ocean_conc: float
    ocean_prod: float
    one: np.ndarray  # one unit of feed, shaped (1 sample, 1 year)


def _basis(scenario: Scenario) -> _Basis:
    """The :class:`_Basis` of ``scenario``."""
    p = Params.from_scenario(scenario).replace(
        {"site.location_factor": 1.0, "site.wage_premium_pct": 0.0}
    )
    tl = schedule.timeline(scenario)
    col = schedule.steady_index(scenario, tl)
    year = int(tl.years[col])
    return _Basis(
        scenario,
        p,
        tl,
        col,
        year,
        Market.from_params(p, np.array([year])),
        _f(p["logistics.conc_ocean_usd_per_wmt"]),
        _f(p["logistics.product_ocean_usd_per_t"]),
        np.ones((1, 1)),
    )


def _refined_value(b: _Basis, streams: dict, exported_only: bool = True) -> tuple[float, float]:
    """Sales value (USD) of what the refinery pathway sells from ``streams`` (what it exports,
    or everything with ``exported_only`` False), and the tonnes of metal product in it."""
    s = b.scenario
    sells = [
        x for x in s.pathways[s.focus_pathway].sells if s.terms[x].exported or not exported_only
    ]
    total, refined = 0.0, 0.0
    for product in sells:
        mass = flowsheet.stream_mass_t(s, b.p, product, streams[product])
        shipped = s.terms[product].freight == "product"
        freight = b.ocean_prod if shipped else 0.0
        lot = terms.Lot(streams[product], mass)
        total += _f(terms.value(s, b.p, product, lot, b.market, freight).total_usd)
        if shipped:
            refined += _f(mass)
    return total, refined


def _blister_terms(
    b: _Basis, refinery: list[str], blister_feed: str | None
) -> tuple[dict[str, float], dict, float]:
    """Per tonne of blister fed to the refinery: its value, the value refined and the tonnes
    of refined product; the refinery's streams from it; dry t/yr of blister available. Zeros and no
    streams without a blister feed."""
    blister = dict.fromkeys(("value", "refined", "product"), 0.0)
    if blister_feed is None:
        return blister, {}, 0.0
    one = b.one
    elements = flowsheet.feed_elements(b.p, blister_feed, one)
    lot = terms.Lot(elements, one, blister_feed)
    kind = b.scenario.feeds[blister_feed].terms
    blister["value"] = _f(terms.value(b.scenario, b.p, kind, lot, b.market, b.ocean_prod).total_usd)
    streams = flowsheet.balance(b.scenario, b.p, refinery, {blister_feed: one})
    blister["refined"], blister["product"] = _refined_value(b, streams)
    available = _f(schedule.feed_available_dry_t(b.scenario, b.p, blister_feed, b.tl)[:, b.col])
    return blister, streams, available


def _capex_by_size(
    b: _Basis,
    stages: list[str],
    pct: np.ndarray,
    conc: tuple[dict, float],
    blister: tuple[dict, float],
) -> np.ndarray:
    """Capex (USD, location factor 1) of ``stages`` at each size (% of nameplate), each stage
    sized on its basis (a stream's element or its total mass) at nameplate: ``conc`` and
    ``blister`` are each feed's (streams per dry tonne, dry t/yr at nameplate); no blister
    streams, no blister."""
    (streams, nameplate), (blister_streams, blister_nameplate) = conc, blister

    def basis_t(stage: str) -> float:
        basis = b.scenario.stages[stage].basis
        tonnes = _f(flowsheet.basis_t(b.scenario, b.p, basis, streams, {})) * nameplate
        if blister_streams and basis.partition(".")[0] in blister_streams:
            blister_t = flowsheet.basis_t(b.scenario, b.p, basis, blister_streams, {})
            tonnes += _f(blister_t) * blister_nameplate
        return tonnes

    total = np.zeros((1, pct.size))
    for s in stages:
        total = total + costs.stage_capex_usd(b.p, s, basis_t(s) * pct[None, :] / 100.0)
    return total[0]


def _headcount_labour(scenario: Scenario, p: Params, stages: list[str]) -> tuple[float, float]:
    """(domestic, foreign) staff USD/yr of ``stages``."""
    return _labour(scenario, p, [scenario.stages[s].headcount for s in stages])


def feed_blend(scenario: Scenario, feeds: tuple[str, ...]) -> dict[str, float]:
    """Dry t/yr of each of ``feeds`` a plant processes in the first year of full utilisation,
    as the engine allocates them (:class:`~orevalue.economics.supply.FeedSupply`: the
    feeds in the case's order fill the nameplate); the shares of the blend siting ships."""
    b = _basis(scenario)
    supply = FeedSupply(scenario, b.p, b.tl, b.market)
    return {
        f: _f(supply.processed_dry_t[f][:, b.col]) if f in supply.processed_dry_t else 0.0
        for f in feeds
    }


def _blend_lot(b: _Basis, shares: dict[str, float]) -> tuple[dict, float, float]:
    """One dry tonne of the blend: its feeds' tonnes (the flowsheet's inputs), its value on
    each feed's terms FOB (ocean freight deducted), USD, and its wet tonnes."""
    inputs, value, wet = {}, 0.0, 0.0
    for feed, share in shares.items():
        dry = share * b.one
        inputs[feed] = dry
        lot = terms.Lot(flowsheet.feed_elements(b.p, feed, dry), dry, feed)
        kind = b.scenario.feeds[feed].terms
        value += _f(terms.value(b.scenario, b.p, kind, lot, b.market, b.ocean_conc).total_usd)
        wet += share / (1.0 - _f(b.p[f"feeds.{feed}.moisture_pct"]) / 100.0)
    return inputs, value, wet


def _shares(processed: dict[str, float]) -> dict[str, float]:
    """Dry shares of the blend from each feed's tonnes (equal shares when none is processed)."""
    total = sum(processed.values())
    if total <= 0:
        return dict.fromkeys(processed, 1.0 / len(processed))
    return {f: t / total for f, t in processed.items()}


def _feed_of(
    b: _Basis, feeds: tuple[str, ...]
) -> tuple[dict[str, float], dict[str, float], dict, float, float]:
    """The concentrate the smelter takes, one feed or a blend: each feed's dry t/yr
    processed in the steady year, their shares, one dry tonne's inputs to the flowsheet, its
    value (USD, FOB) and its moisture (fraction of the wet tonne)."""
    if len(feeds) == 1:
        only = feeds[0]
        processed = {only: _f(schedule.feed_available_dry_t(b.scenario, b.p, only, b.tl)[:, b.col])}
        shares = {only: 1.0}
    else:
        processed = feed_blend(b.scenario, feeds)
        shares = _shares(processed)
    inputs, value, wet_per_dry = _blend_lot(b, shares)
    moisture = (
        _f(b.p[f"feeds.{feeds[0]}.moisture_pct"]) / 100.0
        if len(feeds) == 1
        else 1.0 - 1.0 / wet_per_dry
    )
    return processed, shares, inputs, value, moisture


def _landed(b: _Basis, feeds: tuple[str, ...]) -> dict[str, float]:
    """Each feed the case imports: its cost over its FOB value, USD/wmt (the ocean leg its
    CIF China value holds plus its landed freight)."""
    return {
        f: b.ocean_conc + _f(b.p[f"feeds.{f}.landed_freight_usd_per_wmt"])
        for f in feeds
        if b.scenario.feeds[f].imported
    }


def _names(
    ways: SitingPathways,
    smelter: list[str],
    feeds: tuple[str, ...],
    blister_feed: str | None,
    product: str,
) -> tuple[tuple[str, str], str, tuple[str, ...]]:
    """What reports call the two stage groups, the feed, and the network's four commodity
    slots (feed, intermediate, metal feed, refined product), in the case's own words."""
    mid = ways.intermediate
    if ways.single:
        word = "concentrate" if len(feeds) == 1 else "feed"
        slots = ("+".join(feeds), mid, f"{mid} feed", f"{mid} refined")
        return ("+".join(smelter), "none"), word, slots
    metal_feed = blister_feed if blister_feed is not None else f"{mid} feed"
    return ("smelter", "refinery"), "concentrate", ("+".join(feeds), mid, metal_feed, product)


def unit_economics(
    scenario: Scenario,
    conc_feed: str | tuple[str, ...],
    blister_feed: str | None,
    size_pct: list[float],
) -> UnitEconomics:
    """Yields, values, use, capex by size and fixed costs of the two stages for ``scenario``.

    ``conc_feed`` is the concentrate the smelter takes, or several feeds shipped as one blend
    (each in the share the engine processes them, :func:`feed_blend`); ``blister_feed`` (or
    None) a metal feed the refinery takes directly.
    """
    feeds = (conc_feed,) if isinstance(conc_feed, str) else tuple(conc_feed)
    ways = siting_pathways(scenario)
    smelter, refinery = _need_pathways(scenario)
    mid = ways.intermediate  # what the smelter makes, the refinery takes
    b = _basis(scenario)
    p, market, one = b.p, b.market, b.one
    processed, shares, inputs, conc_per_dmt, moisture = _feed_of(b, feeds)

    streams = flowsheet.balance(scenario, p, smelter + refinery, inputs)
    anode_t = _f(flowsheet.stream_mass_t(scenario, p, mid, streams[mid]))
    acid = streams.get("acid")
    acid_t = _f(flowsheet.stream_mass_t(scenario, p, "acid", acid)) if acid is not None else 0.0
    if ways.single:  # the product and the by-products the focus pathway sells, all at home
        refined_per_dmt, product_per_dmt = 0.0, 0.0
        anode_value = _refined_value(b, streams, exported_only=False)[0]
    else:
        refined_per_dmt, product_per_dmt = _refined_value(b, streams)
        anode_lot = terms.Lot(streams[mid], anode_t * one)
        anode_value = _f(terms.value(scenario, p, mid, anode_lot, market, b.ocean_prod).total_usd)
    blister, blister_streams, blister_avail = _blister_terms(b, refinery, blister_feed)

    # capacities and capex by size, location factor 1
    pct = np.asarray(size_pct, dtype=float)
    nameplate = _f(p["project.nameplate_conc_dmt_per_yr"])
    blister_nameplate = (
        _f(p[f"feeds.{blister_feed}.dry_t_per_yr"])
        if blister_feed is not None and scenario.feeds[blister_feed].enabled
        else 0.0
    )
    conc, blister_basis = (streams, nameplate), (blister_streams, blister_nameplate)
    refinery_nameplate_t = product_per_dmt * nameplate + blister["product"] * blister_nameplate
    util = _f(p.vector("project.utilisation_pct")[:, -1]) / 100.0
    available = sum(processed.values())
    product = main_product(scenario, scenario.focus_pathway)
    metal = metal_name(scenario)
    names, word, commodities = _names(ways, smelter, feeds, blister_feed, product)
    return UnitEconomics(
        year=b.year,
        product=product,
        metal=metal,
        single=ways.single,
        stage_names=names,
        feed_word=word,
        feed_blend=shares,
        feed_dmt_per_yr=processed,
        feed_landed_usd_per_wmt=_landed(b, feeds),
        commodities=commodities,
        conc_feed="+".join(feeds),
        blister_feed=blister_feed,
        moisture_frac=moisture,
        utilisation=util,
        conc_target_dmt_per_yr=min(available, nameplate * util),
        conc_available_dmt_per_yr=available,
        blister_available_t_per_yr=blister_avail,
        anode_t_per_wmt=anode_t * (1.0 - moisture),
        acid_t_per_wmt=acid_t * (1.0 - moisture),
        product_t_per_t_anode=product_per_dmt / anode_t,
        product_t_per_t_blister=blister["product"],
        conc_usd_per_wmt=conc_per_dmt * (1.0 - moisture),
        anode_usd_per_t=anode_value / anode_t,
        blister_usd_per_t=blister["value"],
        refined_usd_per_t_anode=refined_per_dmt / anode_t,
        refined_usd_per_t_blister=blister["refined"],
        ocean_conc_usd_per_wmt=b.ocean_conc,
        ocean_product_usd_per_t=b.ocean_prod,
        smelter_use=_use(scenario, p, smelter, streams, 1.0 / (1.0 - moisture)),
        refinery_use_anode=_use(scenario, p, refinery, streams, anode_t),
        refinery_use_blister=_use(scenario, p, refinery, blister_streams, 1.0)
        if blister_streams
        else StageUse(0.0, 0.0, 0.0, 0.0),
        size_pct=pct,
        smelter_capacity_dmt=nameplate * pct / 100.0,
        refinery_capacity_t=refinery_nameplate_t * pct / 100.0,
        smelter_capex_usd=_capex_by_size(b, smelter, pct, conc, blister_basis),
        refinery_capex_usd=_capex_by_size(b, refinery, pct, conc, blister_basis),
        smelter_labour_usd=_headcount_labour(scenario, p, smelter),
        refinery_labour_usd=_headcount_labour(scenario, p, refinery),
        services_labour_usd=_labour(scenario, p, [dict(scenario.services.headcount)]),
        g_and_a_usd_per_yr=_f(p["services.g_and_a_usd_per_yr"]),
        maintenance_pct=_f(p["project.maintenance_pct_of_capex_per_yr"]),
        sustaining_pct=_f(p["project.sustaining_capex_pct_per_yr"]),
        imported_equipment_pct=_f(p["local_content.capex_imported_equipment_pct"]),
        discount_rate_pct=_f(p["project.discount_rate_pct"]),
        operating_years=scenario.project.operating_years,
        spend_shares=p.vector("project.construction_spend_pct")[0] / 100.0,
        first_operating_year=int(b.tl.years[b.tl.build_years]),
    )
