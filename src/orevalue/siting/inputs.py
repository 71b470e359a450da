"""The arrays the siting programme is built from, grouped by what they describe: the process
(yields, capacities and use per tonne), the sources, the candidate sites, and each utility a
site draws (power, water) with its options padded to one (sites, options) grid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from orevalue.siting.data import SitesData
from orevalue.siting.network import Network
from orevalue.siting.taxes import ZoneTax
from orevalue.siting.units import UnitEconomics

CONC, ANODE, BLISTER, PRODUCT = range(4)
SMELTER, REFINERY = 0, 1
STAGES = ("smelter", "refinery")
HOURS_PER_YEAR = 8760.0
DAYS_PER_YEAR = 365.0
#: Columns of :attr:`Process.use`.
POWER_MW, WATER_M3_PER_DAY, FUEL_GJ, CONSUMABLES_USD = range(4)


@dataclass(frozen=True)
class Process:
    """Per-tonne yields, stage capacities and use of the smelter and refinery.

    Rows of ``use`` are per wet tonne smelted, per tonne of anode refined and per tonne of
    blister refined; its columns MW average, m³/day, GJ of fuel and USD of consumables.
    """

    dry_frac: float  # dmt per wmt of concentrate
    anode_t_per_wmt: float
    acid_t_per_wmt: float
    product_t_per_t: np.ndarray  # (2,) refined product per t of anode, per t of blister refined
    capacity_t: np.ndarray  # (2, Z) dmt smelted, t refined product per year at steady utilisation
    use: np.ndarray  # (3, 4)
    size_pct: np.ndarray  # (Z,) sizes, % of the scenario's nameplate
    stage_names: tuple[str, str] = STAGES  # the two groups as messages name them

    def most_use(self, column: int) -> float:
        """A bound on one site's use of ``column`` (the largest smelter and refinery at full
        rate, plus 1 % and one unit): the big-M an option's switch is built with."""
        use, beta = self.use, self.product_t_per_t
        per_t = use[1:, column][beta > 0] / beta[beta > 0]
        most = use[0, column] * self.capacity_t[SMELTER, -1] / self.dry_frac + (
            per_t.max() * self.capacity_t[REFINERY, -1] if per_t.size else 0.0
        )
        return float(most * 1.01 + 1.0)


def process_of(units: UnitEconomics) -> Process:
    """The :class:`Process` of ``units``."""
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
    )
    return Process(
        dry_frac=1.0 - units.moisture_frac,
        anode_t_per_wmt=units.anode_t_per_wmt,
        acid_t_per_wmt=units.acid_t_per_wmt,
        product_t_per_t=np.array([units.product_t_per_t_anode, units.product_t_per_t_blister]),
        capacity_t=units.utilisation
        * np.stack([units.smelter_capacity_dmt, units.refinery_capacity_t]),
        use=use,
        size_pct=units.size_pct,
        stage_names=units.stage_names,
    )


@dataclass(frozen=True)
class Sources:
    """Where feed enters the network: mines (fixed output) and optional imports."""

    names: list[str]
    node: np.ndarray  # (S,) network node
    commodity: np.ndarray  # (S,) CONC or BLISTER
    is_import: np.ndarray  # (S,) bool
    supply_ub: np.ndarray  # (S,) t/yr (concentrate wmt); 0 when disabled
    port: np.ndarray  # (S,) index of the port an import lands at, -1 if none
    #: (S,) what an import costs over its FOB value, USD/wmt; None: the ocean freight in
    landed_usd_per_wmt: np.ndarray | None = None


def sources_of(data: SitesData, units: UnitEconomics, net: Network) -> Sources:
    """The :class:`Sources` of ``data``: a mine supplies the scenario's available feed, an
    import at most its ``max_dmt_per_yr``."""
    names, ports = list(data.sources), list(data.ports)
    moist = 1.0 - units.moisture_frac
    blend = set(units.feed_blend)
    commodity = np.array([CONC if data.sources[s].feed in blend else BLISTER for s in names])
    is_import = np.array([data.sources[s].kind == "import" for s in names])
    enabled = np.array([data.sources[s].enabled for s in names])
    # a mine of a blended feed supplies that feed's tonnes, the others the blend's
    conc_dmt = np.array(
        [
            units.feed_dmt_per_yr.get(data.sources[s].feed, units.conc_available_dmt_per_yr)
            for s in names
        ]
    )
    avail = np.where(commodity == CONC, conc_dmt / moist, units.blister_available_t_per_yr)
    landed = source_landed_usd_per_wmt(data, units)
    import_max = np.array(
        [(data.sources[s].max_dmt_per_yr or 0.0) / moist for s in names], dtype=float
    )
    port = [ports.index(data.source_node(s)) if data.source_node(s) in ports else -1 for s in names]
    return Sources(
        names=names,
        node=np.array([net.index[data.source_node(s)] for s in names], dtype=int),
        commodity=commodity,
        is_import=is_import,
        landed_usd_per_wmt=landed,
        supply_ub=np.where(is_import, import_max, avail) * enabled,
        port=np.array(port, dtype=int),
    )


def source_landed_usd_per_wmt(data: SitesData, units: UnitEconomics) -> np.ndarray:
    """(S,) what each source's feed costs over its FOB value if imported, USD/wmt: the
    source's ``landed_usd_per_wmt``, else the ocean leg plus the scenario's landed freight for
    a feed the case imports, else the ocean leg."""
    ocean = units.ocean_conc_usd_per_wmt
    return np.array(
        [
            src.landed_usd_per_wmt
            if src.landed_usd_per_wmt is not None
            else units.feed_landed_usd_per_wmt.get(src.feed, ocean)
            for src in data.sources.values()
        ],
        dtype=float,
    )


@dataclass(frozen=True)
class Sites:
    """The candidate sites and what a stage costs at each, (K,) unless shown."""

    names: list[str]
    node: np.ndarray  # network node
    wage_factor: np.ndarray  # domestic wages relative to the scenario's
    fuel_usd_per_gj: np.ndarray
    acid_usd_per_t: np.ndarray  # netback of the acid made (negative: a disposal cost)
    security_usd_per_yr: np.ndarray
    capital_factor: np.ndarray  # USD/yr per USD of capex at the site's rate incl. premium
    capex_usd: np.ndarray  # (K, 2, Z) stage capex at the location factor
    turnover_frac: np.ndarray  # turnover tax, fraction of sales
    duty_frac: np.ndarray  # import duty, fraction of total capex


def sites_of(
    data: SitesData, units: UnitEconomics, net: Network, taxes: Sequence[ZoneTax]
) -> Sites:
    """The :class:`Sites` of ``data``, with each site's zone taxes (in site order)."""
    site = list(data.sites.values())
    lf = np.array([s.location_factor for s in site])
    premium = np.array([s.security_premium_pct for s in site])
    turnover = np.array([t.turnover_pct for t in taxes]) / 100.0
    duty = np.array([t.duty_pct for t in taxes]) / 100.0 * units.imported_equipment_pct / 100.0
    return Sites(
        names=list(data.sites),
        node=np.array([net.index[k] for k in data.sites], dtype=int),
        wage_factor=1.0 + np.array([s.wage_premium_pct for s in site]) / 100.0,
        fuel_usd_per_gj=np.array([s.fuel_usd_per_gj for s in site]),
        acid_usd_per_t=np.array([s.acid_netback_usd_per_t for s in site]),
        security_usd_per_yr=np.array([s.security_usd_per_yr for s in site]),
        capital_factor=units.capital_factor(premium),
        capex_usd=lf[:, None, None]
        * np.stack([units.smelter_capex_usd, units.refinery_capex_usd])[None],
        turnover_frac=turnover,
        duty_frac=duty,
    )


@dataclass(frozen=True)
class Resource:
    """A utility each site draws (power or water) and its options, padded to (K, O).

    Amounts are in ``unit`` (MW average, m³/day); the variable block is ``name``, its on/off
    switch ``name + "_on"``. Missing options have ``exists`` False and zero attributes.
    """

    name: str  # "power" | "water"
    unit: str
    use_column: int  # column of Process.use
    units_per_year: float  # priced units per unit of amount a year (kWh per MW, m³ per m³/day)
    max_field: str  # field of the option's most supply, for messages
    max_format: str  # format of that number in messages
    options: list[list[str]]  # option keys per site
    exists: np.ndarray  # (K, O) bool
    usd_per_unit: np.ndarray  # per kWh or m³
    capex_usd_per_amount: np.ndarray  # per MW or per m³/day
    fixed_capex_usd: np.ndarray
    max_amount: np.ndarray  # inf: no limit
    max_share_pct: np.ndarray | None  # most share of the site's need, None: not limited
    public: np.ndarray  # (K, O) bool: someone other than the plant pays the capex
    big_m: float  # most one site can draw


def _pad(options: list[dict], fields: tuple[str, ...], width: int) -> dict[str, np.ndarray]:
    """Option attributes as (K, width) arrays; missing options get NaN."""
    out = {f: np.full((len(options), width), np.nan) for f in fields}
    for k, opts in enumerate(options):
        for o, opt in enumerate(opts.values()):
            for f in fields:
                value = getattr(opt, f)
                out[f][k, o] = np.inf if value is None else float(value)
    return out


def power_of(data: SitesData, process: Process) -> Resource:
    """Each site's power options (MW average)."""
    opts = [s.power for s in data.sites.values()]
    fields = ("usd_per_kwh", "capex_usd_per_mw", "fixed_capex_usd", "max_mw", "max_share_pct")
    per_year = HOURS_PER_YEAR * 1000.0
    return _resource(opts, fields, "power", "MW", POWER_MW, per_year, process, ",.4g")


def water_of(data: SitesData, process: Process) -> Resource:
    """Each site's water options (m³/day)."""
    opts = [s.water for s in data.sites.values()]
    fields = ("usd_per_m3", "capex_usd_per_m3_per_day", "fixed_capex_usd", "max_m3_per_day")
    return _resource(
        opts, fields, "water", "m³/day", WATER_M3_PER_DAY, DAYS_PER_YEAR, process, ",.0f"
    )


def _resource(
    opts: list[dict],
    fields: tuple[str, ...],
    name: str,
    unit: str,
    column: int,
    units_per_year: float,
    process: Process,
    max_format: str,
) -> Resource:
    width = max(len(o) for o in opts)
    attr = _pad(opts, fields, width)
    exists = ~np.isnan(attr[fields[0]])
    payer = np.array([[o.payer for o in s.values()] + [""] * (width - len(s)) for s in opts])
    attr = {k: np.nan_to_num(v, nan=0.0, posinf=np.inf) for k, v in attr.items()}
    return Resource(
        name=name,
        unit=unit,
        use_column=column,
        units_per_year=units_per_year,
        max_field=fields[3],
        max_format=max_format,
        options=[list(o) for o in opts],
        exists=exists,
        usd_per_unit=attr[fields[0]],
        capex_usd_per_amount=attr[fields[1]],
        fixed_capex_usd=attr[fields[2]],
        max_amount=attr[fields[3]],
        max_share_pct=attr[fields[4]] if len(fields) > 4 else None,
        public=payer != "plant",
        big_m=process.most_use(column),
    )
