"""Siting data: candidate sites, ports, feed sources and the road/rail network, as a typed schema.

The embedded ``data/sites.toml`` is the default; a user file is merged onto it table by table,
like a scenario. Every leaf may be ``{ value, source, tag }``; provenance is kept by dotted path.
Bad input raises :class:`~orevalue.scenario.ScenarioError` naming file, line and field.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from orevalue.scenario import (
    Problem,
    ScenarioError,
    Sourced,
    deep_merge,
    leaves,
    parse_toml,
    read_input,
    split_provenance,
    unknown_name,
    validate_input,
)
from orevalue.scenario.checks import check_name

DEFAULT_SITES = "sites.toml"
#: Fiscal regime presets a zone may name (data/regimes.toml).
REGIMES = ("pakistan-standard", "sez", "epz", "gwadar-free-zone")

Pct = Annotated[float, Field(ge=0, le=100)]
NonNeg = Annotated[float, Field(ge=0)]
Lat = Annotated[float, Field(ge=-90, le=90)]
Lon = Annotated[float, Field(ge=-180, le=180)]
Payer = Literal["plant", "public", "mine"]
Mode = Literal["rail", "road"]


class _Model(BaseModel):
    # strict as the scenario's tables: a bool is not a number, a text is not a number, "yes"
    # is not a bool; real numbers only (an infinite or NaN cost plans nothing)
    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False, strict=True
    )


class PowerOption(_Model):
    label: str = ""
    usd_per_kwh: NonNeg = Field(description="energy price or running cost, USD/kWh")
    capex_usd_per_mw: NonNeg = Field(default=0.0, description="capex per MW of average supply")
    fixed_capex_usd: NonNeg = Field(default=0.0, description="capex to connect, USD")
    max_mw: NonNeg | None = Field(default=None, description="most it can supply, MW average")
    max_share_pct: Pct = Field(default=100.0, description="most of the site's power it may give")
    payer: Payer = Field(default="plant", description="who pays the capex")


class WaterOption(_Model):
    label: str = ""
    usd_per_m3: NonNeg = Field(description="running cost or tariff, USD/m³")
    capex_usd_per_m3_per_day: NonNeg = Field(default=0.0, description="capex per m³/day")
    fixed_capex_usd: NonNeg = Field(default=0.0, description="capex to connect, USD")
    max_m3_per_day: NonNeg | None = Field(default=None, description="most it can supply, m³/day")
    payer: Payer = Field(default="plant", description="who pays the capex")


class SiteData(_Model):
    label: str
    aliases: list[str] = Field(default_factory=list, description="other names for --site")
    lat: Lat
    lon: Lon
    zone: Literal["pakistan-standard", "sez", "epz", "gwadar-free-zone"] = Field(
        description="fiscal regime preset of the zone"
    )
    location_factor: float = Field(gt=0, le=5, description="capex multiplier for the site")
    wage_premium_pct: NonNeg = Field(description="remote/security premium on local wages, %")
    labour_pool: str = ""
    security_premium_pct: float = Field(ge=0, le=20, description="premium on the discount rate")
    security_usd_per_yr: NonNeg = Field(description="security cost of operating there, USD/yr")
    fuel_usd_per_gj: NonNeg = Field(description="fuel price at the site, USD/GJ")
    acid_netback_usd_per_t: float = Field(description="acid price at the gate, USD/t (< 0: cost)")
    acid_mode: Mode = Field(description="how acid leaves the site")
    power: dict[str, PowerOption] = Field(min_length=1, description="power options")
    water: dict[str, WaterOption] = Field(min_length=1, description="water options")


class Port(_Model):
    label: str = ""
    lat: Lat
    lon: Lon
    spare_t_per_yr: NonNeg = Field(description="throughput a new user may add, t/yr")
    ocean_extra_pct: float = Field(ge=-50, le=100, description="ocean freight above Karachi's, %")


class Source(_Model):
    label: str = ""
    feed: str = Field(description="scenario feed the source supplies")
    kind: Literal["mine", "import"] = "mine"
    node: str | None = Field(default=None, description="node the source stands at")
    lat: Lat | None = None
    lon: Lon | None = None
    enabled: bool = True
    max_dmt_per_yr: NonNeg | None = Field(default=None, description="most an import may bring")
    landed_usd_per_wmt: NonNeg | None = Field(
        default=None,
        description="what an import costs over its FOB value, USD/wmt (default: the "
        "scenario's ocean freight, plus its landed freight for a feed the case imports)",
    )


class Node(_Model):
    label: str = ""
    lat: Lat
    lon: Lon


class Leg(_Model):
    from_: str = Field(alias="from", description="node at one end")
    to: str = Field(description="node at the other end")
    mode: Mode
    km: float = Field(gt=0, description="length, km")
    cost_usd_per_t_km: NonNeg | None = Field(default=None, description="freight rate, USD/t-km")
    capacity_t_per_yr: NonNeg | None = Field(default=None, description="per direction, t/yr")
    build_capex_usd: NonNeg = Field(default=0.0, description="capex to build the leg, USD")
    upgrade_capex_usd: NonNeg = Field(default=0.0, description="capex of an upgrade, USD")
    upgrade_capacity_t_per_yr: NonNeg = Field(default=0.0, description="capacity it adds, t/yr")
    payer: Payer = Field(default="public", description="who pays to build or upgrade it")
    note: str = ""


class Demand(_Model):
    processed_pct: Pct = Field(description="concentrate to process, % of the scenario's")
    refined_pct: Pct = Field(description="anode to refine at home, % of the anode made")
    max_sites: int = Field(ge=1, description="most sites that may host a stage")


class Sizes(_Model):
    pct_of_nameplate: list[Annotated[float, Field(gt=0, le=1000)]] = Field(
        min_length=1, description="candidate stage sizes, % of the scenario's nameplate"
    )


class Economics(_Model):
    installed_to_average_power: float = Field(ge=1, le=5, description="MW installed per MW avg")
    train_payload_t: float = Field(gt=0, description="tonnes per train")
    truck_payload_t: float = Field(gt=0, description="tonnes per truck")
    rail_usd_per_t_km: NonNeg = Field(description="rail freight rate, USD/t-km")
    road_usd_per_t_km: NonNeg = Field(description="road freight rate, USD/t-km")


class SitesData(_Model, Sourced):
    """Everything the siting model reads besides the scenario."""

    demand: Demand
    sizes: Sizes
    economics: Economics
    sites: dict[str, SiteData] = Field(min_length=1)
    ports: dict[str, Port] = Field(min_length=1)
    sources: dict[str, Source] = Field(min_length=1)
    nodes: dict[str, Node] = Field(default_factory=dict)
    legs: dict[str, Leg] = Field(default_factory=dict)

    def coordinates(self) -> dict[str, tuple[float, float]]:
        """(lat, lon) of every node: sites, ports, sources standing alone, junctions."""
        out = {k: (s.lat, s.lon) for k, s in self.sites.items()}
        out.update({k: (p.lat, p.lon) for k, p in self.ports.items()})
        out.update({k: (n.lat, n.lon) for k, n in self.nodes.items()})
        for key, src in self.sources.items():
            if src.node is None and src.lat is not None and src.lon is not None:
                out[key] = (src.lat, src.lon)
        return out

    def source_node(self, key: str) -> str:
        """The node a source stands at (its own key when it has coordinates)."""
        src = self.sources[key]
        return src.node if src.node is not None else key


# ------------------------------------------------------------------ loading


def sites_file(scenario: Any | None = None) -> str:
    """The embedded siting data of a case: ``sites-<metal>.toml`` for a case whose focus
    product is sold for another metal than copper's (``sites-gold.toml``), where it exists;
    else ``sites.toml`` (the copper chain's network)."""
    if scenario is None:
        return DEFAULT_SITES
    from orevalue.economics.sales import metal_name

    try:
        metal = metal_name(scenario)
    except (KeyError, ValueError):
        return DEFAULT_SITES
    name = f"sites-{metal}.toml"
    return name if resources.files("orevalue.data").joinpath(name).is_file() else DEFAULT_SITES


def default_sites_text(name: str = DEFAULT_SITES) -> str:
    """The embedded siting data (``name``, default ``sites.toml``) as TOML text."""
    return resources.files("orevalue.data").joinpath(name).read_text(encoding="utf-8")


def load_sites(path: str | Path | None = None, scenario: Any | None = None) -> SitesData:
    """Load siting data: the embedded default of ``scenario``'s case (:func:`sites_file`;
    ``sites.toml`` without one), with the file at ``path`` merged onto it.

    Raises :class:`ScenarioError` listing every problem (file, line, field, what is allowed).
    """
    default = sites_file(scenario)
    values, provenance = split_provenance(parse_toml(default_sites_text(default), default))
    file, text = default, ""
    if path is not None:
        file, text = str(path), read_input(path)
        given, given_prov = split_provenance(parse_toml(text, file))
        values = deep_merge(values, given)
        label = f"set in {Path(file).name}"
        provenance.update({leaf: {"source": label, "tag": "user"} for leaf in leaves(given)})
        provenance.update(given_prov)
    data = validate_input(
        SitesData, values, file, text or default_sites_text(default), check_references
    )
    return data.with_source(provenance, file)


def check_references(data: SitesData) -> list[tuple[str, str]]:
    """Problems no single field shows: legs or sources naming unknown nodes, clashing names."""
    found: list[tuple[str, str]] = []
    for key in data.sites:  # a site's key names results folders (<scenario>-<site>)
        found += check_name(f"sites.{key}", key)
    groups = {
        "sites": set(data.sites),
        "ports": set(data.ports),
        "nodes": set(data.nodes),
        "sources": {k for k, s in data.sources.items() if s.node is None},
    }
    seen: dict[str, str] = {}
    for group, keys in groups.items():
        for key in sorted(keys):
            if key in seen:
                found.append((f"{group}.{key}", f"name already used in [{seen[key]}]"))
            seen.setdefault(key, group)
    nodes = data.coordinates()
    for key, src in data.sources.items():
        if src.node is None and (src.lat is None or src.lon is None):
            found.append((f"sources.{key}", "give either node or lat and lon"))
        elif src.node is not None and src.node not in nodes:
            found.append((f"sources.{key}.node", unknown_name("node", src.node, nodes)))
        if src.kind == "import" and src.max_dmt_per_yr is None:
            found.append((f"sources.{key}.max_dmt_per_yr", "an import needs a maximum"))
    for key, leg in data.legs.items():
        for end, node in (("from", leg.from_), ("to", leg.to)):
            if node not in nodes:
                found.append((f"legs.{key}.{end}", unknown_name("node", node, nodes)))
        if leg.from_ == leg.to:
            found.append((f"legs.{key}.to", "a leg must join two different nodes"))
        if leg.upgrade_capacity_t_per_yr > 0 and leg.capacity_t_per_yr is None:
            found.append((f"legs.{key}.upgrade_capacity_t_per_yr", "the leg has no limit"))
    sizes = data.sizes.pct_of_nameplate
    if sizes != sorted(set(sizes)):
        found.append(("sizes.pct_of_nameplate", "sizes must ascend without repeats"))
    names: dict[str, str] = {}
    for key, site in data.sites.items():
        for alias in (key, *site.aliases):
            slug = slugify(alias)
            if slug in names and names[slug] != key:
                found.append((f"sites.{key}.aliases", f"'{alias}' also names {names[slug]}"))
            names.setdefault(slug, key)
    return found


# ------------------------------------------------------------------ names


def slugify(name: str) -> str:
    """Lower-case name with spaces, underscores and slashes as single hyphens."""
    return re.sub(r"[\s_/]+", "-", name.strip().lower()).strip("-")


def resolve_site(data: SitesData, name: str) -> str:
    """The key of the site called ``name`` (its key, an alias or its label, any case).

    Raises :class:`ScenarioError` with one line naming the known sites.
    """
    wanted = slugify(name)
    for key, site in data.sites.items():
        if wanted in {slugify(n) for n in (key, site.label, *site.aliases)}:
            return key
    known = ", ".join(data.sites)
    raise ScenarioError(
        [Problem(data.source_file, "site", f"no site named '{name}'; known sites: {known}")]
    )
