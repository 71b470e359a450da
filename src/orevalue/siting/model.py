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
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy import sparse

from orevalue.scenario import Problem, Scenario, ScenarioError
from orevalue.siting.data import SitesData
from orevalue.siting.network import COMMODITIES, Network, build_network
from orevalue.siting.taxes import NO_TAX, ZoneTax, zone_tax
from orevalue.siting.units import UnitEconomics, unit_economics

CONC, ANODE, BLISTER, CATHODE = range(4)
SMELTER, REFINERY = 0, 1
STAGES = ("smelter", "refinery")
HOURS_PER_YEAR = 8760.0
DAYS_PER_YEAR = 365.0
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


@dataclass(frozen=True)
class Block:
    """A block of variables: flat indices ``start .. start + size`` shaped ``shape``."""

    start: int
    shape: tuple[int, ...]

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))

    def idx(self) -> np.ndarray:
        """Flat indices shaped like the block."""
        return self.start + np.arange(self.size).reshape(self.shape)


@dataclass
class RowGroup:
    """Rows added together: their group (for diagnosis) and how to name row ``i``."""

    start: int
    count: int
    group: str
    describe: Callable[[int], tuple[str, str, str]]  # i -> (field path, what it says, unit)


@dataclass
class _Rows:
    rows: list[np.ndarray] = field(default_factory=list)
    cols: list[np.ndarray] = field(default_factory=list)
    vals: list[np.ndarray] = field(default_factory=list)
    lb: list[np.ndarray] = field(default_factory=list)
    ub: list[np.ndarray] = field(default_factory=list)
    groups: list[RowGroup] = field(default_factory=list)
    n: int = 0

    def add(
        self,
        count: int,
        lb: float | np.ndarray,
        ub: float | np.ndarray,
        group: str = "structural",
        describe: Callable[[int], tuple[str, str, str]] | None = None,
    ) -> np.ndarray:
        """Add ``count`` rows with bounds; return their indices."""
        rows = self.n + np.arange(count)
        self.lb.append(np.broadcast_to(np.asarray(lb, dtype=float), (count,)).copy())
        self.ub.append(np.broadcast_to(np.asarray(ub, dtype=float), (count,)).copy())
        self.groups.append(RowGroup(self.n, count, group, describe or (lambda i: ("", "", ""))))
        self.n += count
        return rows

    def coef(self, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray | float) -> None:
        """Add coefficients; the three arguments broadcast together."""
        r, c, v = np.broadcast_arrays(np.asarray(rows), np.asarray(cols), np.asarray(vals, float))
        keep = v != 0
        self.rows.append(r[keep].ravel())
        self.cols.append(c[keep].ravel())
        self.vals.append(v[keep].ravel())

    def matrix(self, n_cols: int) -> sparse.csr_matrix:
        r = np.concatenate(self.rows) if self.rows else np.zeros(0, int)
        c = np.concatenate(self.cols) if self.cols else np.zeros(0, int)
        v = np.concatenate(self.vals) if self.vals else np.zeros(0)
        return sparse.csr_matrix((v, (r, c)), shape=(self.n, n_cols))


@dataclass
class Model:
    """A built programme and everything needed to read its solution."""

    data: SitesData
    units: UnitEconomics
    net: Network
    options: Options
    blocks: dict[str, Block]
    components: dict[str, np.ndarray]  # USD/yr per unit of each variable
    a: sparse.csr_matrix
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


def _layout(shapes: dict[str, tuple[int, ...]]) -> tuple[dict[str, Block], int]:
    blocks, start = {}, 0
    for name, shape in shapes.items():
        blocks[name] = Block(start, shape)
        start += blocks[name].size
    return blocks, start


def _pad(options: list[dict], fields: tuple[str, ...], width: int) -> dict[str, np.ndarray]:
    """Option attributes as (K, width) arrays; missing options get NaN."""
    out = {f: np.full((len(options), width), np.nan) for f in fields}
    for k, opts in enumerate(options):
        for o, opt in enumerate(opts.values()):
            for f in fields:
                value = getattr(opt, f)
                out[f][k, o] = np.inf if value is None else float(value)
    return out


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
    conc = [f for f in feeds if scenario.feeds[f].terms == "concentrate"]
    blister = [f for f in feeds if scenario.feeds[f].terms == "blister"]
    if len(conc) != 1 or len(blister) > 1:
        raise ScenarioError(
            [
                Problem(
                    data.source_file,
                    "sources",
                    "expected one concentrate feed, one blister at most",
                )
            ]
        )
    units = unit_economics(
        scenario, conc[0], blister[0] if blister else None, data.sizes.pct_of_nameplate
    )
    taxes = [
        zone_tax(scenario, s.zone, units, s.security_premium_pct, data.source_file)
        for s in data.sites.values()
    ]
    return build_model(data, units, options or Options(), taxes)


def build_model(
    data: SitesData,
    units: UnitEconomics,
    options: Options | None = None,
    zone_taxes: Sequence[ZoneTax] | None = None,
) -> Model:
    """Assemble objective components, constraint matrix and bounds with scipy.sparse.

    ``zone_taxes`` gives each site's taxes (in site order); None taxes nothing.
    """
    options = options or Options()
    net = build_network(data)
    sites, ports, sources = list(data.sites), list(data.ports), list(data.sources)
    n_k, n_p, n_s, n_c = len(sites), len(ports), len(sources), len(COMMODITIES)
    n_z, n_a, n_l, n_n = units.size_pct.size, net.n_arcs, len(net.legs), net.n_nodes
    power_opts = [data.sites[k].power for k in sites]
    water_opts = [data.sites[k].water for k in sites]
    n_op = max(len(o) for o in power_opts)
    n_ow = max(len(o) for o in water_opts)
    blocks, n_vars = _layout(
        {
            "flow": (n_a, n_c),
            "supply": (n_s,),
            "export": (n_p, n_c),
            "smelt": (n_k,),
            "refine": (n_k, 2),
            "build": (n_k, 2, n_z),
            "open": (n_k,),
            "power": (n_k, n_op),
            "power_on": (n_k, n_op),
            "water": (n_k, n_ow),
            "water_on": (n_k, n_ow),
            "leg_build": (n_l,),
            "leg_up": (n_l,),
        }
    )
    b = {name: blk.idx() for name, blk in blocks.items()}
    demand = data.demand
    processed_pct = demand.processed_pct if options.processed_pct is None else options.processed_pct
    refined_pct = demand.refined_pct if options.refined_pct is None else options.refined_pct
    max_sites = demand.max_sites if options.max_sites is None else options.max_sites
    allowed = np.array([options.sites is None or k in options.sites for k in sites], dtype=bool) & (
        not options.baseline
    )

    # ---------------------------------------------------------------- site parameters
    site = [data.sites[k] for k in sites]
    lf = np.array([s.location_factor for s in site])
    premium = np.array([s.security_premium_pct for s in site])
    wage = 1.0 + np.array([s.wage_premium_pct for s in site]) / 100.0
    fuel = np.array([s.fuel_usd_per_gj for s in site])
    acid = np.array([s.acid_netback_usd_per_t for s in site])
    taxes = list(zone_taxes) if zone_taxes is not None else [NO_TAX] * n_k
    turnover = np.array([t.turnover_pct for t in taxes]) / 100.0
    duty = np.array([t.duty_pct for t in taxes]) / 100.0 * units.imported_equipment_pct / 100.0
    cf = units.capital_factor(premium)
    cf_pub = float(units.capital_factor(0.0))
    capex = lf[:, None, None] * np.stack([units.smelter_capex_usd, units.refinery_capex_usd])[None]
    capacity = units.utilisation * np.stack(
        [units.smelter_capacity_dmt, units.refinery_capacity_t]
    )  # (2, Z): dmt and t cathode per year at steady utilisation
    uses = [units.smelter_use, units.refinery_use_anode, units.refinery_use_blister]
    use = np.array(
        [
            [
                u.power_mwh / HOURS_PER_YEAR,
                u.water_m3 / DAYS_PER_YEAR,
                u.fuel_gj,
                u.consumables_usd,
            ]
            for u in uses
        ]
    )  # per unit smelted (wmt) / refined (t anode) / refined (t blister)
    moist = 1.0 - units.moisture_frac
    alpha, gamma = units.anode_t_per_wmt, units.acid_t_per_wmt
    beta = np.array([units.cathode_t_per_t_anode, units.cathode_t_per_t_blister])

    # ---------------------------------------------------------------- sources
    commodity = np.array(
        [CONC if data.sources[s].feed == units.conc_feed else BLISTER for s in sources]
    )
    is_import = np.array([data.sources[s].kind == "import" for s in sources])
    enabled = np.array([data.sources[s].enabled for s in sources])
    avail = np.where(
        commodity == CONC,
        units.conc_available_dmt_per_yr / moist,
        units.blister_available_t_per_yr,
    )
    import_max = np.array(
        [(data.sources[s].max_dmt_per_yr or 0.0) / moist for s in sources], dtype=float
    )
    supply_ub = np.where(is_import, import_max, avail) * enabled
    source_node = np.array([net.index[data.source_node(s)] for s in sources], dtype=int)
    port_node = np.array([net.index[p] for p in ports], dtype=int)
    site_node = np.array([net.index[k] for k in sites], dtype=int)
    flow_big_m = max(float(supply_ub.sum()), 1.0) * 1.01

    # ---------------------------------------------------------------- bounds
    lb = np.zeros(n_vars)
    ub = np.full(n_vars, np.inf)
    integrality = np.zeros(n_vars, dtype=np.uint8)
    for name in ("build", "open", "power_on", "water_on", "leg_build", "leg_up"):
        integrality[b[name]] = 1
        ub[b[name]] = 1.0
    ub[b["supply"]] = supply_ub
    ub[b["smelt"][~allowed]] = 0.0
    ub[b["refine"][~allowed]] = 0.0
    ub[b["build"][~allowed]] = 0.0
    ub[b["open"][~allowed]] = 0.0
    if units.blister_feed is None or not (commodity == BLISTER).any():
        ub[b["refine"][:, 1]] = 0.0
    p_attr = _pad(
        power_opts,
        ("usd_per_kwh", "capex_usd_per_mw", "fixed_capex_usd", "max_mw", "max_share_pct"),
        n_op,
    )
    w_attr = _pad(
        water_opts,
        ("usd_per_m3", "capex_usd_per_m3_per_day", "fixed_capex_usd", "max_m3_per_day"),
        n_ow,
    )
    p_exists = ~np.isnan(p_attr["usd_per_kwh"])
    w_exists = ~np.isnan(w_attr["usd_per_m3"])
    for name, exists in (("power", p_exists), ("power_on", p_exists)):
        ub[b[name][~exists]] = 0.0
    for name, exists in (("water", w_exists), ("water_on", w_exists)):
        ub[b[name][~exists]] = 0.0
    p_payer = np.array(
        [[o.payer for o in opts.values()] + [""] * (n_op - len(opts)) for opts in power_opts]
    )
    w_payer = np.array(
        [[o.payer for o in opts.values()] + [""] * (n_ow - len(opts)) for opts in water_opts]
    )
    p_attr = {k: np.nan_to_num(v, nan=0.0, posinf=np.inf) for k, v in p_attr.items()}
    w_attr = {k: np.nan_to_num(v, nan=0.0, posinf=np.inf) for k, v in w_attr.items()}
    needs_build = net.leg_build_capex_usd > 0
    can_upgrade = (net.leg_upgrade_capex_usd > 0) & (net.leg_upgrade_capacity_t > 0)
    ub[b["leg_build"][~needs_build]] = 0.0
    ub[b["leg_up"][~can_upgrade]] = 0.0

    # ---------------------------------------------------------------- rows
    rows = _Rows()
    # flow balance of every commodity at every node
    bal = rows.add(n_n * n_c, 0.0, 0.0).reshape(n_n, n_c)
    arc_c = np.arange(n_c)[None, :]
    rows.coef(bal[net.arc_head[:, None], arc_c], b["flow"], 1.0)
    rows.coef(bal[net.arc_tail[:, None], arc_c], b["flow"], -1.0)
    rows.coef(bal[source_node, commodity], b["supply"], 1.0)
    rows.coef(bal[port_node[:, None], arc_c], b["export"], -1.0)
    rows.coef(bal[site_node, CONC], b["smelt"], -1.0)
    rows.coef(bal[site_node, ANODE], b["smelt"], alpha)
    rows.coef(bal[site_node, ANODE], b["refine"][:, 0], -1.0)
    rows.coef(bal[site_node, BLISTER], b["refine"][:, 1], -1.0)
    rows.coef(bal[site_node[:, None], CATHODE], b["refine"], beta[None, :])

    # a mine's whole output must be processed or exported
    mines = np.flatnonzero(~is_import & (supply_ub > 0))
    r = rows.add(
        mines.size,
        supply_ub[mines],
        np.inf,
        "supply",
        lambda i: (
            f"sources.{sources[mines[i]]}",
            f"all {supply_ub[mines[i]]:,.0f} t/yr from {sources[mines[i]]} must be processed or "
            "exported",
            "t/yr",
        ),
    )
    rows.coef(r, b["supply"][mines], 1.0)

    # stage capacity: throughput within the size built (steady utilisation)
    r = rows.add(
        n_k * 2,
        -np.inf,
        0.0,
        "sizes",
        lambda i: (
            "sizes.pct_of_nameplate",
            f"the {STAGES[i % 2]} at {sites[i // 2]} can be at most "
            f"{units.size_pct[-1]:g} % of the scenario's nameplate",
            "t/yr",
        ),
    ).reshape(n_k, 2)
    rows.coef(r[:, SMELTER], b["smelt"], moist)
    rows.coef(r[:, REFINERY, None], b["refine"], beta[None, :])
    rows.coef(r[:, :, None], b["build"], -capacity[None, :, :])
    # one size per stage, only at an open site
    r = rows.add(n_k * 2, -np.inf, 0.0).reshape(n_k, 2)
    rows.coef(r[:, :, None], b["build"], 1.0)
    rows.coef(r, b["open"][:, None], -1.0)

    # power: need met by options; availability and shares
    def need(resource: int, group_rows: np.ndarray, option_block: str) -> None:
        rows.coef(group_rows, b["smelt"], use[0, resource])
        rows.coef(group_rows[:, None], b["refine"], use[1:, resource][None, :])
        rows.coef(group_rows[:, None], b[option_block], -1.0)

    max_need = (
        np.array(
            [
                use[0, i] * capacity[SMELTER, -1] / moist
                + (use[1:, i][beta > 0] / beta[beta > 0]).max() * capacity[REFINERY, -1]
                for i in range(2)
            ]
        )
        * 1.01
        + 1.0
    )
    need(0, rows.add(n_k, -np.inf, 0.0), "power")
    need(1, rows.add(n_k, -np.inf, 0.0), "water")
    for block, on, big in (("power", "power_on", max_need[0]), ("water", "water_on", max_need[1])):
        r = rows.add(b[block].size, -np.inf, 0.0).reshape(b[block].shape)
        rows.coef(r, b[block], 1.0)
        rows.coef(r, b[on], -big)
    names_p = [list(o) for o in power_opts]
    names_w = [list(o) for o in water_opts]
    kk, oo = np.nonzero(np.isfinite(p_attr["max_mw"]) & p_exists)
    r = rows.add(
        kk.size,
        -np.inf,
        p_attr["max_mw"][kk, oo],
        "power",
        lambda i: (
            f"sites.{sites[kk[i]]}.power.{names_p[kk[i]][oo[i]]}.max_mw",
            f"power option '{names_p[kk[i]][oo[i]]}' at {sites[kk[i]]} supplies at most "
            f"{p_attr['max_mw'][kk[i], oo[i]]:,.4g} MW",
            "MW",
        ),
    )
    rows.coef(r, b["power"][kk, oo], 1.0)
    kk2, oo2 = np.nonzero((p_attr["max_share_pct"] < 100) & p_exists)
    r = rows.add(
        kk2.size,
        -np.inf,
        0.0,
        "power",
        lambda i: (
            f"sites.{sites[kk2[i]]}.power.{names_p[kk2[i]][oo2[i]]}.max_share_pct",
            f"power option '{names_p[kk2[i]][oo2[i]]}' at {sites[kk2[i]]} gives at most "
            f"{p_attr['max_share_pct'][kk2[i], oo2[i]]:g} % of the site's power",
            "MW",
        ),
    )
    rows.coef(r, b["power"][kk2, oo2], 1.0)
    rows.coef(r[:, None], b["power"][kk2], -p_attr["max_share_pct"][kk2, oo2][:, None] / 100.0)
    kw, ow = np.nonzero(np.isfinite(w_attr["max_m3_per_day"]) & w_exists)
    r = rows.add(
        kw.size,
        -np.inf,
        w_attr["max_m3_per_day"][kw, ow],
        "water",
        lambda i: (
            f"sites.{sites[kw[i]]}.water.{names_w[kw[i]][ow[i]]}.max_m3_per_day",
            f"water option '{names_w[kw[i]][ow[i]]}' at {sites[kw[i]]} supplies at most "
            f"{w_attr['max_m3_per_day'][kw[i], ow[i]]:,.0f} m³/day",
            "m³/day",
        ),
    )
    rows.coef(r, b["water"][kw, ow], 1.0)

    # legs: capacity per direction (plus an upgrade); a missing leg carries nothing unbuilt
    limited = np.flatnonzero(np.isfinite(net.leg_capacity_t[net.arc_leg]))
    arc_leg = net.arc_leg[limited]
    most = net.leg_capacity_t[arc_leg] + net.leg_upgrade_capacity_t[arc_leg] * can_upgrade[arc_leg]
    r = rows.add(
        limited.size,
        -np.inf,
        net.leg_capacity_t[arc_leg],
        "legs",
        lambda i: (
            f"legs.{net.legs[arc_leg[i]]}.capacity_t_per_yr",
            f"leg {net.legs[arc_leg[i]]} carries at most {most[i]:,.0f} t/yr each way "
            "(upgrade included)",
            "t/yr",
        ),
    )
    rows.coef(r[:, None], b["flow"][limited], 1.0)
    rows.coef(r, b["leg_up"][arc_leg], -net.leg_upgrade_capacity_t[arc_leg] * can_upgrade[arc_leg])
    missing = np.flatnonzero(needs_build[net.arc_leg])
    r = rows.add(missing.size, -np.inf, 0.0)
    rows.coef(r[:, None], b["flow"][missing], 1.0)
    rows.coef(r, b["leg_build"][net.arc_leg[missing]], -flow_big_m)

    # ports: spare throughput for exports and imports
    spare = np.array([data.ports[p].spare_t_per_yr for p in ports])
    r = rows.add(
        n_p,
        -np.inf,
        spare,
        "ports",
        lambda i: (
            f"ports.{ports[i]}.spare_t_per_yr",
            f"{ports[i]} can take at most {spare[i]:,.0f} t/yr more",
            "t/yr",
        ),
    )
    rows.coef(r[:, None], b["export"], 1.0)
    imports = np.flatnonzero(is_import)
    import_port = np.array(
        [
            ports.index(data.source_node(sources[s]))
            if data.source_node(sources[s]) in ports
            else -1
            for s in imports
        ],
        dtype=int,
    )
    on_port = import_port >= 0
    rows.coef(r[import_port[on_port]], b["supply"][imports[on_port]], 1.0)

    # demand: concentrate processed, anode refined
    target = processed_pct / 100.0 * units.conc_target_dmt_per_yr
    refined = refined_pct / 100.0
    if options.baseline:
        target, refined = 0.0, 0.0
    r = rows.add(
        2,
        -np.inf,
        np.array([-target, 0.0]),
        "demand",
        lambda i: (
            ("demand.processed_pct", "demand.refined_pct")[i],
            (
                f"process at least {target:,.0f} dmt/yr of concentrate "
                f"({processed_pct:g} % of the scenario's)",
                f"refine at least {100 * refined:g} % of the anode made",
            )[i],
            ("dmt/yr", "t/yr")[i],
        ),
    )
    rows.coef(r[0], b["smelt"], -moist)
    rows.coef(r[1], b["smelt"], refined * alpha)
    rows.coef(r[1], b["refine"][:, 0], -1.0)
    r = rows.add(
        1,
        -np.inf,
        float(max_sites),
        "max_sites",
        lambda i: ("demand.max_sites", f"at most {max_sites} site(s) may host a stage", "sites"),
    )
    rows.coef(r[0], b["open"], 1.0)
    if options.force and not options.baseline:
        hosts = np.flatnonzero(allowed)
        stages = [SMELTER, REFINERY] if refined_pct > 0 else [SMELTER]
        r = rows.add(hosts.size * len(stages), 1.0, np.inf).reshape(hosts.size, len(stages))
        rows.coef(r[:, :, None], b["build"][hosts][:, stages], 1.0)

    # ---------------------------------------------------------------- objective components
    comp = {name: np.zeros(n_vars) for name in COMPONENTS}

    def put(name: str, idx: np.ndarray, values: np.ndarray | float) -> None:
        i, v = np.broadcast_arrays(np.asarray(idx), np.asarray(values, dtype=float))
        np.add.at(comp[name], i.ravel(), v.ravel())

    smelt_gain = alpha * units.anode_usd_per_t - units.conc_usd_per_wmt
    refine_gain = np.array(
        [
            units.refined_usd_per_t_anode - units.anode_usd_per_t,
            units.refined_usd_per_t_blister - units.blister_usd_per_t,
        ]
    )
    put("value_added", b["smelt"], -smelt_gain)
    put("value_added", b["refine"], -refine_gain[None, :])
    put("value_added", b["supply"][imports], units.ocean_conc_usd_per_wmt)
    put("freight", b["flow"], net.leg_cost_usd_per_t[net.arc_leg][:, None])
    extra = np.array([data.ports[p].ocean_extra_pct for p in ports]) / 100.0
    ocean = np.array([units.ocean_conc_usd_per_wmt] + [units.ocean_product_usd_per_t] * 3)
    put("freight", b["export"], extra[:, None] * ocean[None, :])
    put("acid", b["smelt"], -acid * gamma)
    put("fuel_consumables", b["smelt"], use[0, 2] * fuel + use[0, 3])
    put("fuel_consumables", b["refine"], use[1:, 2][None, :] * fuel[:, None] + use[1:, 3][None, :])
    labour = np.array([units.smelter_labour_usd, units.refinery_labour_usd])  # (2, dom/for)
    put("labour", b["build"], (labour[None, :, 0] * wage[:, None] + labour[None, :, 1])[:, :, None])
    svc = units.services_labour_usd
    put("labour", b["open"], svc[0] * wage + svc[1])
    put("g_and_a", b["open"], units.g_and_a_usd_per_yr)
    put("security", b["open"], np.array([s.security_usd_per_yr for s in site]))
    put("maintenance", b["build"], capex * units.maintenance_pct / 100.0)
    put("capital", b["build"], capex * (cf[:, None, None] + units.sustaining_pct / 100.0))
    put("taxes", b["build"], capex * duty[:, None, None] * cf[:, None, None])
    put("taxes", b["smelt"], turnover * alpha * units.anode_usd_per_t)
    put("taxes", b["refine"], turnover[:, None] * np.maximum(refine_gain, 0.0)[None, :])
    for block, on, attr, payer, energy, unit_capex, fixed in (
        (
            "power",
            "power_on",
            p_attr,
            p_payer,
            "usd_per_kwh",
            "capex_usd_per_mw",
            "fixed_capex_usd",
        ),
        (
            "water",
            "water_on",
            w_attr,
            w_payer,
            "usd_per_m3",
            "capex_usd_per_m3_per_day",
            "fixed_capex_usd",
        ),
    ):
        per_year = HOURS_PER_YEAR * 1000.0 if block == "power" else DAYS_PER_YEAR
        public = payer != "plant"
        put(block, b[block], attr[energy] * per_year)
        put(block, b[block], np.where(public, 0.0, attr[unit_capex] * cf[:, None]))
        put(block, b[on], np.where(public, 0.0, attr[fixed] * cf[:, None]))
        put("infrastructure_public", b[block], np.where(public, attr[unit_capex] * cf_pub, 0.0))
        put("infrastructure_public", b[on], np.where(public, attr[fixed] * cf_pub, 0.0))
    leg_public = net.leg_payer != "plant"
    for block, cost in (
        ("leg_build", net.leg_build_capex_usd),
        ("leg_up", net.leg_upgrade_capex_usd),
    ):
        put("infrastructure_public", b[block], np.where(leg_public, cost, 0.0) * cf_pub)
        put("infrastructure_plant", b[block], np.where(leg_public, 0.0, cost) * cf_pub)

    return Model(
        data=data,
        units=units,
        net=net,
        options=options,
        blocks=blocks,
        components=comp,
        a=rows.matrix(n_vars),
        row_lb=np.concatenate(rows.lb),
        row_ub=np.concatenate(rows.ub),
        row_groups=rows.groups,
        lb=lb,
        ub=ub,
        integrality=integrality,
        sites=sites,
        ports=ports,
        sources=sources,
        source_commodity=commodity,
        power_options=names_p,
        water_options=names_w,
        zone_taxes=taxes,
        capital_factor=cf,
        capital_factor_public=cf_pub,
        stage_capex_usd=capex,
        use=use,
        power_big_m=float(max_need[0]),
    )
