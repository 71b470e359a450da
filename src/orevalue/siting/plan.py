"""Reading a solved programme: stages and sizes, power and water, traffic on each leg, port
throughput, the infrastructure it needs and who pays, and the cost breakdown."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from orevalue.siting.inputs import source_landed_usd_per_wmt
from orevalue.siting.model import (
    ANODE,
    COMPONENTS,
    CONC,
    DAYS_PER_YEAR,
    HOURS_PER_YEAR,
    PRODUCT,
    Model,
)
from orevalue.siting.solve import Solution

TOL = 1e-6


@dataclass
class StagePlan:
    site: str
    stage: str
    size_pct: float
    nameplate_t_per_yr: float  # smelter: dmt concentrate; refinery: t refined product
    throughput_t_per_yr: float
    capex_usd: float


@dataclass
class SupplyPlan:
    site: str
    resource: str  # "power" | "water"
    option: str
    label: str
    amount: float  # MW average or m³/day
    energy_per_yr: float  # GWh/yr or m³/yr
    unit_cost_usd: float  # USD/kWh or USD/m³ (running cost or tariff)
    all_in_usd: float  # the same plus the capital charge of its capex, whoever pays
    capex_usd: float
    payer: str


@dataclass
class LegUse:
    leg: str
    from_node: str
    to_node: str
    mode: str
    km: float
    t_per_yr: dict[str, float]
    total_t_per_yr: float
    vehicles_per_day: float
    vehicle: str  # "trains" | "trucks"
    capacity_t_per_yr: float  # inf: no limit
    use_pct: float
    built: bool
    upgraded: bool


@dataclass
class PortUse:
    port: str
    label: str
    t_per_yr: dict[str, float]
    total_t_per_yr: float
    spare_t_per_yr: float
    use_pct: float


@dataclass
class AcidPlan:
    site: str
    t_per_yr: float
    netback_usd_per_t: float
    mode: str
    vehicles_per_day: float


@dataclass
class Investment:
    what: str
    where: str
    capex_usd: float
    payer: str
    kind: str  # "power" | "water" | "rail" | "road" | "plant"


@dataclass
class Plan:
    """A plan and what it needs; money in USD/yr against exporting the concentrate."""

    sites: list[str]
    stages: list[StagePlan]
    supplies: list[SupplyPlan]
    legs: list[LegUse]
    ports: list[PortUse]
    acid: list[AcidPlan]
    investments: list[Investment]
    conc_processed_dmt_per_yr: float
    conc_exported_wmt_per_yr: float
    anode_t_per_yr: float
    anode_exported_t_per_yr: float
    refined_t_per_yr: float  # t/yr of the refined main product
    product_t_per_yr: (
        float  # refined product plus anode exported: the tonnes margins are quoted per
    )
    components_usd_per_yr: dict[str, float]  # plan minus baseline, by component
    margin_usd_per_yr: float  # value added less every cost, incl. public infrastructure
    plant_margin_usd_per_yr: float  # the same without public infrastructure
    per_t_product: dict[str, float] = field(default_factory=dict)  # NaN without product
    delivered_cost_usd_per_t: float = float("nan")
    power_mw: float = 0.0  # average
    power_peak_mw: float = 0.0  # to install or connect
    water_m3_per_day: float = 0.0
    refined_product: str = ""  # what ``refined_t_per_yr`` counts (the focus pathway's product)
    commodities: tuple[str, ...] = ()  # the network's commodities by slot, as named in the case

    def to_dict(self) -> dict[str, Any]:
        """Plain values for JSON (infinite capacities become None); the refined tonnes under
        :func:`refined_key` of the product (``cathode_t_per_yr``)."""

        def clean(v: Any) -> Any:
            if isinstance(v, float) and not np.isfinite(v):
                return None
            if isinstance(v, dict):
                return {k: clean(x) for k, x in v.items()}
            if isinstance(v, list):
                return [clean(x) for x in v]
            return v

        values = asdict(self)
        product = values.pop("refined_product")
        names = values.pop("commodities")
        renamed = {"refined_t_per_yr": refined_key(product)}
        if len(names) > 1 and names[1] == product:  # one group: what it makes is the product
            values.pop("anode_t_per_yr")
            values.pop("anode_exported_t_per_yr")
        return clean({renamed.get(k, k): v for k, v in values.items()})


def refined_key(product: str) -> str:
    """Key of a plan's refined tonnes in site.json: ``<product>_t_per_yr``."""
    return f"{product}_t_per_yr"


def _val(x: np.ndarray, model: Model, name: str) -> np.ndarray:
    return x[model.blocks[name].idx()]


#: The blocks of the programme a plan is read from.
_BLOCKS = (
    "smelt",
    "refine",
    "build",
    "open",
    "flow",
    "export",
    "supply",
    "power",
    "power_on",
    "water",
    "water_on",
    "leg_build",
    "leg_up",
)


def _values(model: Model, x: np.ndarray) -> dict[str, np.ndarray]:
    """The solution's values of each block a plan is read from, shaped like the block."""
    return {name: _val(x, model, name) for name in _BLOCKS}


def _stage_plans(model: Model, v: dict[str, np.ndarray]) -> list[StagePlan]:
    """Each stage built: its site, size, nameplate, throughput (t/yr) and capex (USD)."""
    units, sites = model.units, model.sites
    moist = 1.0 - units.moisture_frac
    smelt, refine = v["smelt"], v["refine"]
    stages = []
    for k, g, z in np.argwhere(v["build"] > 0.5):
        throughput = (
            smelt[k] * moist
            if g == 0
            else refine[k] @ np.array([units.product_t_per_t_anode, units.product_t_per_t_blister])
        )
        nameplate = (units.smelter_capacity_dmt if g == 0 else units.refinery_capacity_t)[z]
        stages.append(
            StagePlan(
                sites[k],
                units.stage_names[g],
                float(units.size_pct[z]),
                float(nameplate),
                float(throughput),
                float(model.stage_capex_usd[k, g, z]),
            )
        )
    return stages


def _supply_plans(model: Model, v: dict[str, np.ndarray], resource: str) -> list[SupplyPlan]:
    """Each power (MW) or water (m³/day) option used, with its unit and all-in costs."""
    names = model.power_options if resource == "power" else model.water_options
    amount = v[resource]
    on = v[f"{resource}_on"]
    supplies = []
    for k, o in np.argwhere(amount > TOL):
        site = model.sites[k]
        opt = getattr(model.data.sites[site], resource)[names[k][o]]
        if resource == "power":
            unit_capex, cost = opt.capex_usd_per_mw, opt.usd_per_kwh
            per_year = amount[k, o] * HOURS_PER_YEAR / 1000.0
        else:
            unit_capex, cost = opt.capex_usd_per_m3_per_day, opt.usd_per_m3
            per_year = amount[k, o] * DAYS_PER_YEAR
        capex = opt.fixed_capex_usd * (on[k, o] > 0.5) + unit_capex * amount[k, o]
        factor = model.capital_factor[k] if opt.payer == "plant" else model.capital_factor_public
        units_per_year = per_year * 1e6 if resource == "power" else per_year  # kWh, m³
        all_in = cost + capex * factor / units_per_year
        supplies.append(
            SupplyPlan(
                site,
                resource,
                names[k][o],
                opt.label or names[k][o],
                float(amount[k, o]),
                float(per_year),
                float(cost),
                float(all_in),
                float(capex),
                opt.payer,
            )
        )
    return supplies


def _supply_investments(supplies: list[SupplyPlan]) -> list[Investment]:
    """The supply options that need capex, whoever pays."""
    return [
        Investment(s.label, s.site, s.capex_usd, s.payer, s.resource)
        for s in supplies
        if s.capex_usd > 0
    ]


def _leg_uses(model: Model, v: dict[str, np.ndarray]) -> list[LegUse]:
    """Traffic on each arc that carries anything: tonnes by commodity, vehicles, use of
    capacity."""
    net, econ = model.net, model.data.economics
    flow, names = v["flow"], model.units.commodities
    built, upgraded = v["leg_build"] > 0.5, v["leg_up"] > 0.5
    totals = flow.sum(axis=1)
    legs = []
    for a in np.flatnonzero(totals > TOL):
        leg = net.arc_leg[a]
        mode = str(net.leg_mode[leg])
        payload = econ.train_payload_t if mode == "rail" else econ.truck_payload_t
        cap = net.leg_capacity_t[leg] + net.leg_upgrade_capacity_t[leg] * upgraded[leg]
        legs.append(
            LegUse(
                net.legs[leg],
                net.nodes[net.arc_tail[a]],
                net.nodes[net.arc_head[a]],
                mode,
                float(net.leg_km[leg]),
                {c: float(flow[a, i]) for i, c in enumerate(names) if flow[a, i] > TOL},
                float(totals[a]),
                float(totals[a] / payload / DAYS_PER_YEAR),
                "trains" if mode == "rail" else "trucks",
                float(cap),
                float(100.0 * totals[a] / cap) if np.isfinite(cap) and cap > 0 else 0.0,
                bool(built[leg]),
                bool(upgraded[leg]),
            )
        )
    return legs


def _leg_investments(model: Model, v: dict[str, np.ndarray]) -> list[Investment]:
    """Legs built or upgraded that the plan uses, with their capex and payer."""
    net, data = model.net, model.data
    built, upgraded = v["leg_build"] > 0.5, v["leg_up"] > 0.5
    totals = v["flow"].sum(axis=1)
    used = np.zeros(len(net.legs), dtype=bool)
    used[net.arc_leg[totals > TOL]] = True
    investments = []
    for leg in np.flatnonzero((built | upgraded) & used):
        key = net.legs[leg]
        spec = data.legs[key]
        capex = spec.build_capex_usd if built[leg] else spec.upgrade_capex_usd
        verb = "build" if built[leg] else "upgrade"
        what = f"{verb} {spec.mode} {spec.from_}-{spec.to} ({spec.km:g} km)"
        investments.append(Investment(what, key, float(capex), spec.payer, spec.mode))
    return investments


def _port_uses(model: Model, v: dict[str, np.ndarray]) -> list[PortUse]:
    """Tonnes through each port used (exports by commodity and imported feed), against its
    spare capacity."""
    data = model.data
    export, imports = v["export"], v["supply"]
    ports = []
    for p, key in enumerate(model.ports):
        moved = {
            c: float(export[p, i])
            for i, c in enumerate(model.units.commodities)
            if export[p, i] > TOL
        }
        for s, src in enumerate(model.sources):
            if (
                data.sources[src].kind == "import"
                and data.source_node(src) == key
                and imports[s] > TOL
            ):
                moved["import"] = moved.get("import", 0.0) + float(imports[s])
        if moved:
            spare = data.ports[key].spare_t_per_yr
            total = sum(moved.values())
            ports.append(
                PortUse(
                    key,
                    data.ports[key].label or key,
                    moved,
                    total,
                    spare,
                    100 * total / spare if spare else 0.0,
                )
            )
    return ports


def _acid_plans(model: Model, v: dict[str, np.ndarray]) -> list[AcidPlan]:
    """Sulphuric acid of each smelter: t/yr, netback and the vehicles carrying it away."""
    data, econ = model.data, model.data.economics
    smelt = v["smelt"]
    acid = []
    for k in np.flatnonzero(smelt > TOL) if model.units.acid_t_per_wmt > 0 else []:
        s = data.sites[model.sites[k]]
        tonnes = float(smelt[k] * model.units.acid_t_per_wmt)
        payload = econ.train_payload_t if s.acid_mode == "rail" else econ.truck_payload_t
        acid.append(
            AcidPlan(
                model.sites[k],
                tonnes,
                s.acid_netback_usd_per_t,
                s.acid_mode,
                tonnes / payload / DAYS_PER_YEAR,
            )
        )
    return acid


def _stage_investments(stages: list[StagePlan]) -> list[Investment]:
    """The plant of each stage built, paid by the plant."""
    return [
        Investment(f"{st.stage} ({st.size_pct:g} % size)", st.site, st.capex_usd, "plant", "plant")
        for st in stages
    ]


def read_plan(model: Model, sol: Solution, baseline: Solution) -> Plan:
    """The plan in ``sol``, with its costs measured against ``baseline`` (exports only)."""
    v, units = _values(model, sol.x), model.units
    smelt, refine = v["smelt"], v["refine"]
    export = v["export"]
    stages = _stage_plans(model, v)
    supplies = _supply_plans(model, v, "power") + _supply_plans(model, v, "water")
    investments = [
        *_supply_investments(supplies),
        *_leg_investments(model, v),
        *_stage_investments(stages),
    ]
    parts = {k: sol.components_usd[k] - baseline.components_usd.get(k, 0.0) for k in COMPONENTS}
    margin = -sum(parts.values())
    refined = float(
        refine[:, 0].sum() * units.product_t_per_t_anode
        + refine[:, 1].sum() * units.product_t_per_t_blister
    )
    anode_exported = float(export[:, ANODE].sum())
    if units.single:  # one group: what it makes is the product, not an intermediate
        refined, anode_exported = anode_exported, 0.0
    product = refined + anode_exported
    per = 1.0 / product if product > TOL else float("nan")
    power = v["power"].sum()
    return Plan(
        sites=[model.sites[k] for k in np.flatnonzero(v["open"] > 0.5)],
        stages=stages,
        supplies=supplies,
        legs=_leg_uses(model, v),
        ports=_port_uses(model, v),
        acid=_acid_plans(model, v),
        investments=investments,
        conc_processed_dmt_per_yr=float(smelt.sum() * (1.0 - units.moisture_frac)),
        conc_exported_wmt_per_yr=float(export[:, CONC].sum()),
        anode_t_per_yr=float(smelt.sum() * units.anode_t_per_wmt),
        anode_exported_t_per_yr=anode_exported,
        refined_t_per_yr=refined,
        refined_product=units.product,
        commodities=units.commodities,
        product_t_per_yr=product,
        components_usd_per_yr=parts,
        margin_usd_per_yr=margin,
        plant_margin_usd_per_yr=margin + parts["infrastructure_public"],
        per_t_product={k: v * per for k, v in parts.items()},
        delivered_cost_usd_per_t=sum(v for k, v in parts.items() if k != "value_added") * per,
        power_mw=float(power),
        power_peak_mw=float(power * model.data.economics.installed_to_average_power),
        water_m3_per_day=float(v["water"].sum()),
    )


def conc_freight_usd(model: Model, sol: Solution) -> float:
    """Freight of all the concentrate the plan moves (to sites and ports), USD/yr."""
    flow = _val(sol.x, model, "flow")
    export = _val(sol.x, model, "export")
    cost = model.net.leg_cost_usd_per_t[model.net.arc_leg]
    extra = np.array([model.data.ports[p].ocean_extra_pct for p in model.ports]) / 100.0
    return float(
        cost @ flow[:, CONC] + (extra * model.units.ocean_conc_usd_per_wmt) @ export[:, CONC]
    )


def imports_landed_usd(model: Model, sol: Solution) -> float:
    """What the imports of a plan cost over their FOB value, USD/yr
    (:func:`~orevalue.siting.inputs.source_landed_usd_per_wmt`)."""
    supply = _val(sol.x, model, "supply")
    landed = source_landed_usd_per_wmt(model.data, model.units)
    imports = np.array([model.data.sources[s].kind == "import" for s in model.sources])
    return float((landed * supply)[imports].sum())


def smelted_wmt(model: Model, sol: Solution) -> float:
    """Wet tonnes of concentrate smelted per year."""
    return float(_val(sol.x, model, "smelt").sum())


def product_freight_usd_per_t(model: Model, sol: Solution) -> float:
    """Freight per tonne of metal product (cathode, and anode that is exported) from a
    single-site plan's site to the export ports, with the ports' extra ocean freight."""
    metal = [ANODE, PRODUCT]
    flow = _val(sol.x, model, "flow")[:, metal]
    export = _val(sol.x, model, "export")[:, metal]
    cost = model.net.leg_cost_usd_per_t[model.net.arc_leg]
    extra = np.array([model.data.ports[p].ocean_extra_pct for p in model.ports]) / 100.0
    shipped = export.sum()
    total = (cost @ flow).sum() + (extra * model.units.ocean_product_usd_per_t) @ export.sum(axis=1)
    return float(total / shipped) if shipped > TOL else 0.0


def dominant_mode(model: Model, sol: Solution, commodity: int) -> str | None:
    """The mode carrying most tonne-km of a commodity, or None if it does not move."""
    flow = _val(sol.x, model, "flow")[:, commodity]
    tkm = flow * model.net.leg_km[model.net.arc_leg]
    modes = model.net.leg_mode[model.net.arc_leg]
    by_mode = {m: float(tkm[modes == m].sum()) for m in ("rail", "road")}
    best = max(by_mode, key=by_mode.__getitem__)
    return best if by_mode[best] > TOL else None


def routes(plan: Plan, share: float = 0.01) -> dict[str, list[str]]:
    """Each commodity's routes as node chains ("a → b → c (rail 1,363 km)"), following the
    legs that carry at least ``share`` of its largest flow."""
    out: dict[str, list[str]] = {}
    for commodity in plan.commodities:
        arcs = [u for u in plan.legs if commodity in u.t_per_yr]
        if not arcs:
            continue
        top = max(u.t_per_yr[commodity] for u in arcs)
        arcs = [u for u in arcs if u.t_per_yr[commodity] >= share * top]
        nexts: dict[str, list[LegUse]] = {}
        for u in arcs:
            nexts.setdefault(u.from_node, []).append(u)
        heads = {u.to_node for u in arcs}
        chains = []
        stack = [(n, [n], [], 0.0) for n in nexts if n not in heads]
        while stack:
            node, path, modes, km = stack.pop()
            following = [u for u in nexts.get(node, []) if u.to_node not in path]
            if not following:
                mode = "+".join(sorted(set(modes)))
                chains.append(f"{' → '.join(path)} ({mode} {km:,.0f} km)")
                continue
            for u in following:
                stack.append((u.to_node, [*path, u.to_node], [*modes, u.mode], km + u.km))
        out[commodity] = sorted(chains)
    return out
