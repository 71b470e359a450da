"""The siting mixed-integer programme, built as sparse matrices.

Decisions (all per year at steady state):

* ``flow[a, c]``     tonnes of commodity c on directed arc a (concentrate in wet tonnes);
* ``supply[s]``      tonnes a source puts in (a mine's output is fixed; imports are optional);
* ``export[p, c]``   tonnes leaving through export port p;
* ``smelt[k]``       wet tonnes of concentrate smelted at site k; ``refine[k, i]`` tonnes of
                     anode (i = 0) or blister (i = 1) refined there;
* ``build[k, g, z]`` binary: stage g (0 smelter, 1 refinery) of size z stands at site k;
  ``open[k]`` binary: site k hosts anything;
* ``power[k, o]``, ``water[k, o]`` MW average and m³/day from each option, with binaries
  ``power_on``/``water_on`` carrying the fixed capex and availability;
* ``leg_build[l]``, ``leg_up[l]`` binaries: build a missing leg, upgrade a limited one.

The objective is the annual value of the plan over exporting the concentrate as it is: the
value each stage adds (anode worth more than the concentrate it came from, cathode and bullion
more than the anode) less freight, power, water, fuel, labour, maintenance, security, the
capital charge of every capex (at the site's discount rate incl. its security premium), acid
disposal and taxes by zone. Constants (the concentrate's own value) are left out, so the
objective is the plant's margin plus the change in freight. Every cost is a named component, so
a plan's cost breakdown is the components times its solution.

The programme is assembled by named builders on one shared ``Programme``: the arrays they read
(``siting.inputs``), the constraints (``siting.constraints``) and the objective terms
(``siting.costs``); :func:`build_model` calls them in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from orevalue.scenario import Problem, Scenario, ScenarioError
from orevalue.siting import constraints as rows
from orevalue.siting import costs
from orevalue.siting.data import SitesData
from orevalue.siting.inputs import (
    ANODE,
    BLISTER,
    CONC,
    DAYS_PER_YEAR,
    HOURS_PER_YEAR,
    PRODUCT,
    REFINERY,
    SMELTER,
    STAGES,
    Process,
    Resource,
    Sites,
    Sources,
    power_of,
    process_of,
    sites_of,
    sources_of,
    water_of,
)
from orevalue.siting.network import N_COMMODITIES, Network, build_network
from orevalue.siting.programme import Block, Matrix, Programme, RowGroup
from orevalue.siting.taxes import NO_TAX, ZoneTax, zone_tax
from orevalue.siting.units import UnitEconomics, unit_economics

__all__ = [
    "ANODE",
    "BLISTER",
    "COMPONENTS",
    "CONC",
    "DAYS_PER_YEAR",
    "GROUPS",
    "HOURS_PER_YEAR",
    "OBJECTIVE_SCALE",
    "PRODUCT",
    "REFINERY",
    "SMELTER",
    "STAGES",
    "Block",
    "Model",
    "Options",
    "RowGroup",
    "build_model",
    "model_for",
]

#: Constraint groups an infeasible problem is diagnosed by, in the order they are tried.
GROUPS = ("sizes", "power", "water", "legs", "ports", "max_sites", "supply", "demand")
#: Cost components; "infrastructure_public" is left out of the plant objective.
COMPONENTS = (
    "value_added",
    "freight",
    "power",
    "water",
    "fuel_consumables",
    "labour",
    "maintenance",
    "g_and_a",
    "security",
    "capital",
    "acid",
    "taxes",
    "infrastructure_plant",
    "infrastructure_public",
)
OBJECTIVE_SCALE = 1e-6  # the solver sees USD million per year
#: Binary variable blocks.
BINARY = ("build", "open", "power_on", "water_on", "leg_build", "leg_up")


@dataclass(frozen=True)
class Options:
    """What the programme is asked: objective, demand, and which sites may host a stage.

    ``processed_pct``, ``refined_pct`` and ``max_sites`` default to the siting data's demand;
    ``sites`` (keys) limits the candidate sites; ``baseline`` builds nothing (exports only);
    ``force`` makes every allowed site host a smelter, and a refinery unless nothing need be
    refined (to rank sites even where no plan pays).
    """

    objective: Literal["system", "plant"] = "system"
    processed_pct: float | None = None
    refined_pct: float | None = None
    max_sites: int | None = None
    sites: tuple[str, ...] | None = None
    baseline: bool = False
    force: bool = False


@dataclass
class Model:
    """A built programme and everything needed to read its solution."""

    data: SitesData
    units: UnitEconomics
    net: Network
    options: Options
    blocks: dict[str, Block]
    components: dict[str, np.ndarray]  # USD/yr per unit of each variable
    a: Matrix
    row_lb: np.ndarray
    row_ub: np.ndarray
    row_groups: list[RowGroup]
    lb: np.ndarray
    ub: np.ndarray
    integrality: np.ndarray
    sites: list[str]
    ports: list[str]
    sources: list[str]
    source_commodity: np.ndarray
    power_options: list[list[str]]
    water_options: list[list[str]]
    zone_taxes: list[ZoneTax]
    capital_factor: np.ndarray  # (K,) per site, USD/yr per USD of capex
    capital_factor_public: float
    stage_capex_usd: np.ndarray  # (K, 2, Z)
    use: np.ndarray  # (3, 4): rows smelt/refine-anode/refine-blister; power MW, water m³/d ...
    power_big_m: float

    @property
    def n_vars(self) -> int:
        return self.lb.size

    def objective(self) -> np.ndarray:
        """USD/yr cost of each variable under the options' objective (value is negative)."""
        skip = {"infrastructure_public"} if self.options.objective == "plant" else set()
        return sum(
            (v for k, v in self.components.items() if k not in skip), start=np.zeros(self.n_vars)
        )


def model_for(scenario: Scenario, data: SitesData, options: Options | None = None) -> Model:
    """Build the programme for ``scenario`` on the network in ``data``."""
    feeds = {src.feed for src in data.sources.values()}
    problems = [
        Problem(data.source_file, f"sources.{key}.feed", f"no feed '{src.feed}' in the scenario")
        for key, src in data.sources.items()
        if src.feed not in scenario.feeds
    ]
    if problems:
        raise ScenarioError(problems)
    # a feed's role is its terms function, not its name: paid on grade is a concentrate for
    # the smelter, paid on metal content a blister for the refinery
    role = {f: scenario.terms[scenario.feeds[f].terms].function for f in feeds}
    conc = [f for f in feeds if role[f] == "concentrate"]
    blister = [f for f in feeds if role[f] == "metal_content"]
    if not conc or len(blister) > 1:
        raise ScenarioError(
            [
                Problem(
                    data.source_file,
                    "sources",
                    "expected a concentrate feed (several are shipped as one blend), one "
                    "blister at most",
                )
            ]
        )
    blend = tuple(f for f in scenario.feeds if f in conc)  # in the case's order
    units = unit_economics(
        scenario,
        blend[0] if len(blend) == 1 else blend,
        blister[0] if blister else None,
        data.sizes.pct_of_nameplate,
    )
    taxes = [
        zone_tax(scenario, s.zone, units, s.security_premium_pct, data.source_file)
        for s in data.sites.values()
    ]
    return build_model(data, units, options or Options(), taxes)


def _programme(data: SitesData, net: Network, n_sizes: int) -> Programme:
    """The variables of the programme laid out (see the module docstring), binaries 0/1."""
    n_k, n_p, n_s, n_c = len(data.sites), len(data.ports), len(data.sources), N_COMMODITIES
    n_op = max(len(s.power) for s in data.sites.values())
    n_ow = max(len(s.water) for s in data.sites.values())
    shapes = {
        "flow": (net.n_arcs, n_c),
        "supply": (n_s,),
        "export": (n_p, n_c),
        "smelt": (n_k,),
        "refine": (n_k, 2),
        "build": (n_k, 2, n_sizes),
        "open": (n_k,),
        "power": (n_k, n_op),
        "power_on": (n_k, n_op),
        "water": (n_k, n_ow),
        "water_on": (n_k, n_ow),
        "leg_build": (len(net.legs),),
        "leg_up": (len(net.legs),),
    }
    return Programme.layout(shapes, BINARY, COMPONENTS)


def _demand_rows(
    prog: Programme, data: SitesData, units: UnitEconomics, options: Options, process: Process
) -> np.ndarray:
    """The demand, most-sites and forced-stage rows of ``options``; returns the sites allowed
    to host a stage."""
    demand = data.demand
    processed_pct = demand.processed_pct if options.processed_pct is None else options.processed_pct
    refined_pct = demand.refined_pct if options.refined_pct is None else options.refined_pct
    if units.single:  # one group: nothing is left to refine elsewhere
        refined_pct = 0.0
    most = demand.max_sites if options.max_sites is None else options.max_sites
    allowed = np.array([options.sites is None or k in options.sites for k in data.sites])
    allowed &= not options.baseline
    target = processed_pct / 100.0 * units.conc_target_dmt_per_yr
    refined = refined_pct / 100.0
    if options.baseline:
        target, refined = 0.0, 0.0
    rows.demand(prog, target, refined, processed_pct, process)
    rows.max_sites(prog, most)
    if options.force and not options.baseline:
        stages = [SMELTER, REFINERY] if refined_pct > 0 else [SMELTER]
        rows.force_stages(prog, np.flatnonzero(allowed), stages)
    return allowed


def _objective(
    prog: Programme,
    data: SitesData,
    units: UnitEconomics,
    net: Network,
    parts: tuple[Sites, Sources, Process],
    resources: Sequence[Resource],
    cf_pub: float,
) -> None:
    """Every objective term, component by component; ``cf_pub`` is the capital factor at the
    public rate (no security premium), USD/yr per USD."""
    sites, sources, process = parts
    extra = np.array([p.ocean_extra_pct for p in data.ports.values()]) / 100.0
    costs.value_added(prog, units, sources)
    costs.freight(prog, net, extra, units)
    costs.running_costs(prog, sites, process)
    costs.site_fixed_costs(prog, sites, units)
    costs.capital_costs(prog, sites, units)
    costs.turnover_taxes(prog, sites, units)
    for res in resources:
        costs.resource_costs(prog, res, sites.capital_factor, cf_pub)
    costs.leg_costs(prog, net, cf_pub)


def build_model(
    data: SitesData,
    units: UnitEconomics,
    options: Options | None = None,
    zone_taxes: Sequence[ZoneTax] | None = None,
) -> Model:
    """Assemble objective components, constraint matrix and bounds.

    ``zone_taxes`` gives each site's taxes (in site order); None taxes nothing.
    """
    options = options or Options()
    net = build_network(data)
    taxes = list(zone_taxes) if zone_taxes is not None else [NO_TAX] * len(data.sites)
    process = process_of(units)
    sources = sources_of(data, units, net)
    sites = sites_of(data, units, net, taxes)
    power, water = power_of(data, process), water_of(data, process)
    ports = list(data.ports)
    port_node = np.array([net.index[p] for p in ports], dtype=int)
    prog = _programme(data, net, units.size_pct.size)

    rows.flow_balance(prog, net, sources, sites.node, port_node, process)
    rows.mine_output(prog, sources)
    rows.stage_capacity(prog, sites.names, process)
    rows.one_size_per_stage(prog)
    for res in (power, water):
        rows.resource_need(prog, res, process)
    for res in (power, water):
        rows.option_switch(prog, res)
    for res in (power, water):
        rows.option_limit(prog, res, sites.names)
        rows.option_share(prog, res, sites.names)
    rows.leg_capacity(prog, net)
    rows.missing_leg(prog, net, max(float(sources.supply_ub.sum()), 1.0) * 1.01)
    spare = np.array([p.spare_t_per_yr for p in data.ports.values()])
    rows.port_throughput(prog, ports, spare, sources)
    allowed = _demand_rows(prog, data, units, options, process)

    has_blister = units.blister_feed is not None and bool((sources.commodity == BLISTER).any())
    rows.site_bounds(prog, allowed, sources, has_blister)
    if units.single:  # one group: no second stage refines anything
        prog.ub[prog.var["refine"]] = 0.0
        prog.ub[prog.var["build"][:, REFINERY]] = 0.0
    for res in (power, water):
        rows.option_bounds(prog, res)
    rows.leg_bounds(prog, net)
    cf_pub = float(units.capital_factor(0.0))
    _objective(prog, data, units, net, (sites, sources, process), (power, water), cf_pub)

    row_lb, row_ub = prog.row_bounds()
    return Model(
        data=data,
        units=units,
        net=net,
        options=options,
        blocks=prog.blocks,
        components=prog.components,
        a=prog.matrix(),
        row_lb=row_lb,
        row_ub=row_ub,
        row_groups=prog.row_groups,
        lb=prog.lb,
        ub=prog.ub,
        integrality=prog.integrality,
        sites=sites.names,
        ports=ports,
        sources=sources.names,
        source_commodity=sources.commodity,
        power_options=power.options,
        water_options=water.options,
        zone_taxes=taxes,
        capital_factor=sites.capital_factor,
        capital_factor_public=cf_pub,
        stage_capex_usd=sites.capex_usd,
        use=process.use,
        power_big_m=power.big_m,
    )
