"""Scenario: typed schema, loading, deep merge onto the default case, provenance, error messages.

A scenario file is TOML. Any leaf may be a plain value or a table
``{ value = ..., source = "...", tag = "S|D|E|S-w" }``; the source and tag travel with the value
into the results. A user file sets only what differs from the embedded default case.
"""

from __future__ import annotations

import difflib
import re
import tomllib
import typing
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from orevalue import toml_text

ELEMENTS = ("cu", "au", "ag", "s", "fe", "as")
Element = Literal["cu", "au", "ag", "s", "fe", "as"]
#: Products with sales terms; a pathway may sell only these.
SELLABLE = ("concentrate", "anode", "cathode", "rod", "gold", "silver", "acid")
DEFAULT_CASE = "balochistan-copper.toml"
PROVENANCE_KEYS = {"value", "source", "tag", "unit", "note"}

Pct = Annotated[float, Field(ge=0, le=100)]
NonNeg = Annotated[float, Field(ge=0)]
Year = Annotated[int, Field(ge=1900, le=2200)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Sourced(BaseModel):
    """A model read from input files: the source and tag of every leaf, and the file read."""

    _provenance: dict[str, dict[str, str]] = PrivateAttr(default_factory=dict)
    _source_file: str = PrivateAttr(default="<default>")

    @property
    def provenance(self) -> dict[str, dict[str, str]]:
        """Source and tag of every leaf, by dotted path."""
        return self._provenance

    @property
    def source_file(self) -> str:
        return self._source_file

    def with_source(self, provenance: dict[str, dict[str, str]], file: str) -> typing.Self:
        """This model, with the provenance of its leaves and the file it was read from."""
        self._provenance = provenance
        self._source_file = file
        return self


class Project(_Model):
    start_year: Year = Field(description="calendar year construction starts")
    operating_years: int = Field(ge=1, le=80, description="years of operation after construction")
    discount_rate_pct: float = Field(gt=-100, le=100, description="real discount rate, % per year")
    construction_spend_pct: list[Pct] = Field(
        min_length=1,
        max_length=10,
        description="share of initial capex spent in each build year, %",
    )
    utilisation_pct: list[Pct] = Field(
        min_length=1, description="utilisation of nameplate by operating year, %; the last holds"
    )
    nameplate_conc_dmt_per_yr: NonNeg = Field(description="smelter nameplate, dry t concentrate/yr")
    owner_and_infra_pct: NonNeg = Field(
        description="owner's, infrastructure, contingency, % of EPC"
    )
    sustaining_capex_pct_per_yr: NonNeg = Field(description="sustaining capex, % of initial/yr")
    maintenance_pct_of_capex_per_yr: NonNeg = Field(description="maintenance, % of capex/yr")
    working_capital_days_of_feed: float = Field(ge=0, le=365, description="days of feed cost held")
    metal_in_process_pct: Pct = Field(description="copper in process, % of annual Cu throughput")
    construction_peak_jobs_per_musd: NonNeg = Field(
        description="construction peak workers per USD million of capex"
    )


class Feed(_Model):
    label: str = ""
    terms: Literal["concentrate", "blister"] = Field(
        description="sales terms the feed is bought on"
    )
    enabled: bool = True
    dry_t_per_yr: NonNeg = Field(description="dry tonnes per year available")
    first_year: Year = Field(description="first calendar year the feed is available")
    last_year: Year = Field(description="last calendar year the feed is available")
    cu_pct: Pct = Field(description="copper, % of dry mass")
    au_g_per_t: float = Field(ge=0, le=1e6, description="gold, g per dry t")
    ag_g_per_t: float = Field(ge=0, le=1e6, description="silver, g per dry t")
    s_pct: Pct = Field(description="sulfur, % of dry mass")
    fe_pct: Pct = Field(description="iron, % of dry mass")
    as_pct: Pct = Field(description="arsenic, % of dry mass")
    moisture_pct: float = Field(ge=0, lt=100, description="moisture as shipped, % of wet mass")


class Stage(_Model):
    label: str = ""
    inputs: list[str] = Field(min_length=1, description="streams the stage takes in")
    basis: str = Field(description="stream whose copper sizes the stage")
    rest: str = Field(description="output stream taking what the splits leave")
    split: dict[str, dict[Element, Pct]] = Field(
        description="% of each input element reporting to each output stream"
    )
    power_mwh_per_t: NonNeg = Field(description="electricity, MWh per t basis copper")
    fuel_gj_per_t: NonNeg = Field(description="fuel, GJ per t basis copper")
    water_m3_per_t: NonNeg = Field(description="fresh water, m³ per t basis copper")
    consumables_usd_per_t: NonNeg = Field(description="consumables, USD per t basis copper")
    capex_ref_usd: NonNeg = Field(description="capital cost at the reference capacity, USD")
    capacity_ref_t_per_yr: float = Field(gt=0, description="reference capacity, t basis Cu/yr")
    capex_exponent: float = Field(ge=0, le=1.5, description="capacity scaling exponent")
    headcount: dict[str, Annotated[int, Field(ge=0)]] = Field(
        description="operating staff by skill"
    )


class StreamMass(_Model):
    element: Element = Field(description="element whose content fixes the stream's mass")
    pct: float = Field(gt=0, le=100, description="that element's share of the stream, %")


class Pathway(_Model):
    label: str = ""
    stages: list[str] = Field(description="stages built, in flow order")
    sells: list[str] = Field(min_length=1, description="streams sold")


class Site(_Model):
    name: str
    location_factor: float = Field(gt=0, le=5, description="capex multiplier for the site")
    power_usd_per_kwh: NonNeg = Field(description="electricity tariff, USD/kWh")
    fuel_usd_per_gj: NonNeg = Field(description="fuel price, USD/GJ")
    water_usd_per_m3: NonNeg = Field(description="water cost, USD/m³")
    acid_netback_usd_per_t: float = Field(description="acid price at the gate, USD/t (may be < 0)")
    wage_premium_pct: NonNeg = Field(description="remote/security premium on local wages, %")
    conc_freight_site_to_port_usd_per_wmt: float = Field(
        description="concentrate freight the site saves the mine to the export port, USD/wmt "
        "(negative where the site lies farther from the mine than the port)"
    )
    product_freight_site_to_port_usd_per_t: NonNeg = Field(
        description="product freight from the site to the export port, USD/t"
    )
    security_premium_pct: float = Field(
        default=0.0, ge=0, le=20, description="security premium on the discount rate, % points"
    )
    security_usd_per_yr: NonNeg = Field(
        default=0.0, description="security cost of operating at the site, USD/yr"
    )
    feed_mode: Literal["rail", "road"] = Field(description="how feed reaches the site")
    product_mode: Literal["rail", "road"] = Field(description="how metal products reach the port")
    acid_mode: Literal["rail", "road"] = Field(description="how acid leaves the site")


class Logistics(_Model):
    conc_mine_to_port_mode: Literal["rail", "road"] = Field(
        description="how exported concentrate reaches the port"
    )
    conc_ocean_usd_per_wmt: NonNeg = Field(description="export port to market, USD/wmt")
    product_ocean_usd_per_t: NonNeg = Field(description="metal products port to market, USD/t")


class ConcentrateTerms(_Model):
    cu_payable_pct: Pct = Field(description="share of Cu content paid, %")
    cu_min_deduction_pct_points: NonNeg = Field(description="minimum deduction, % points of Cu")
    au_payable_scale: list[tuple[NonNeg, Pct]] = Field(
        min_length=1, description="[grade g/t, payable %] steps, ascending"
    )
    ag_payable_scale: list[tuple[NonNeg, Pct]] = Field(
        min_length=1, description="[grade g/t, payable %] steps, ascending"
    )
    au_rc_usd_per_oz: float = Field(description="gold refining charge, USD/payable oz")
    ag_rc_usd_per_oz: float = Field(description="silver refining charge, USD/payable oz")
    as_threshold_pct: NonNeg = Field(description="arsenic above which a penalty applies, %")
    as_penalty_usd_per_dmt_per_0_1_pct: NonNeg = Field(
        description="arsenic penalty, USD per dmt per 0.1 % above the threshold"
    )


class MetalTerms(_Model):
    cu_payable_pct: Pct = Field(description="share of Cu content paid, %")
    au_payable_pct: Pct = Field(description="share of Au content paid, %")
    ag_payable_pct: Pct = Field(description="share of Ag content paid, %")
    rc_usd_per_t: float = Field(description="refining charge, USD per t of metal")


class RodTerms(_Model):
    premium_over_cathode_usd_per_t: float = Field(description="rod premium over cathode, USD/t")


class Terms(_Model):
    concentrate: ConcentrateTerms
    anode: MetalTerms
    blister: MetalTerms
    rod: RodTerms


Deck = Annotated[dict[Year, float], Field(min_length=1)]


class Prices(_Model):
    cu_usd_per_t: Deck = Field(description="copper (LME cash), USD/t, by year")
    au_usd_per_oz: Deck = Field(description="gold, USD/troy oz, by year")
    ag_usd_per_oz: Deck = Field(description="silver, USD/troy oz, by year")
    tc_usd_per_dmt: Deck = Field(description="treatment charge, USD/dry t concentrate, by year")
    rc_usc_per_lb: Deck = Field(description="refining charge, US cents/lb payable Cu, by year")
    cathode_premium_usd_per_t: Deck = Field(description="cathode premium over LME, USD/t")


class TermsCase(_Model):
    label: str = ""
    tc_usd_per_dmt: float = Field(description="treatment charge, USD/dmt")
    rc_usc_per_lb: float = Field(description="refining charge, US cents/lb")


class Labour(_Model):
    on_cost_pct: NonNeg = Field(description="on-costs on base wages, %")
    wage_usd_per_month: dict[str, NonNeg] = Field(description="base wage by skill, USD/month")
    foreign_skills: list[str] = Field(
        default=["expatriate"], description="skills filled from abroad (no site wage premium)"
    )


class Services(_Model):
    label: str = ""
    g_and_a_usd_per_yr: NonNeg = Field(description="G&A, insurance, laboratory, USD/yr")
    headcount: dict[str, Annotated[int, Field(ge=0)]] = Field(description="staff by skill")


class Fiscal(_Model):
    """Taxes on the plant: a regime preset (data/regimes.toml) with any field overridden."""

    regime: str = Field(description="fiscal regime preset the plant is taxed under")
    compare_regimes: list[str] = Field(
        default_factory=list, description="regimes the run also reports, side by side"
    )
    label: str = ""
    law: str = Field(default="", description="legal instruments the regime rests on")
    corporate_income_tax_pct: Pct = Field(description="corporate income tax, % of taxable income")
    super_tax_brackets: list[tuple[NonNeg, Pct]] = Field(
        min_length=1, description="s.4C super tax: [income threshold PKR m, rate %], ascending"
    )
    pkr_per_usd: float = Field(gt=0, description="exchange rate for PKR thresholds")
    minimum_tax_pct_of_turnover: Pct = Field(description="minimum tax, % of turnover")
    minimum_tax_carry_forward_years: int = Field(
        ge=0, le=50, description="years the excess carries"
    )
    alternative_tax_pct: Pct = Field(
        description="alternative corporate tax, % of accounting profit"
    )
    alternative_tax_carry_forward_years: int = Field(ge=0, le=50, description="years it carries")
    depreciation_method: Literal["declining_balance", "straight_line"] = Field(
        default="declining_balance", description="tax depreciation schedule after the allowance"
    )
    depreciation_straight_line_years: int = Field(
        default=10, ge=1, le=60, description="years of the straight-line schedule"
    )
    depreciation_initial_allowance_pct: Pct = Field(description="first-year allowance, % of cost")
    depreciation_declining_balance_pct: Pct = Field(description="reducing-balance rate, %/yr")
    loss_carry_forward_years: int = Field(ge=0, le=100, description="years a tax loss carries")
    holiday_years: float = Field(
        ge=0, le=100, description="income-tax holiday from start-up, years"
    )
    holiday_end_year: float = Field(ge=1900, description="holiday sunset as a decimal year")
    holiday_losses_carry_forward: bool = Field(description="losses of holiday years carry forward")
    presumptive_turnover_tax_pct: Pct = Field(
        description="final tax on turnover replacing income tax, %"
    )
    plant_royalty_pct_of_sales: Pct = Field(
        description="royalty or surcharge on the plant's sales, %"
    )
    plant_royalty_to: Literal["province", "federation"] = Field(
        default="province", description="government that collects the plant royalty"
    )
    customs_duty_capital_goods_pct: Pct = Field(description="duty on imported plant, %")
    export_duty_conc_pct: Pct = Field(description="duty on exported concentrate, % of FOB value")
    transfer_price_pct_of_arms_length: float = Field(
        gt=0, le=300, description="price the plant pays a related mine, % of arm's length"
    )


class Mine(_Model):
    """The mine selling the concentrate, as far as the country view needs it."""

    royalty_province_pct: Pct = Field(description="royalty to the province, % of concentrate sales")
    royalty_federal_pct: Pct = Field(description="federal NSR and surcharges, % of sales")
    income_tax_pct: Pct = Field(description="mine's marginal income-tax rate, %")
    value_kept_in_pakistan_pct: Pct = Field(
        description="share of mine revenue spent or paid in Pakistan, %"
    )


class Shareholder(_Model):
    label: str = ""
    holder: Literal["foreign", "province", "federation", "domestic_private"] = Field(
        description="who the shareholder is, for where dividends go"
    )
    share_pct: Pct = Field(description="share of the plant's equity, %")
    free_carried_pct: Pct = Field(
        description="part of that share carried free by the others, % points"
    )
    dividend_withholding_pct: Pct = Field(description="withholding tax on its dividends, %")


class Finance(_Model):
    debt_pct_of_capex: Pct = Field(description="senior debt, % of capex")
    interest_rate_pct: float = Field(ge=-5, le=50, description="real interest rate, %/yr")
    tenor_years: int = Field(ge=1, le=40, description="repayment period, years")
    grace_years: int = Field(ge=0, le=10, description="years after construction before repayment")
    repayment: Literal["annuity", "sculpted"] = Field(description="repayment profile")
    target_dscr: float = Field(gt=0, le=10, description="debt-service cover sculpting aims at")
    lenders_domestic_pct: Pct = Field(description="share of debt from Pakistani lenders, %")


class LocalContent(_Model):
    """Shares of spending that go to Pakistani suppliers, %."""

    capex_domestic_pct: Pct = Field(description="construction spending with Pakistani suppliers, %")
    capex_imported_equipment_pct: Pct = Field(
        description="imported equipment, % of capex (duty base)"
    )
    power_domestic_pct: Pct = Field(description="power bought in Pakistan, %")
    fuel_domestic_pct: Pct = Field(description="fuel bought in Pakistan, %")
    water_domestic_pct: Pct = Field(description="water bought in Pakistan, %")
    consumables_domestic_pct: Pct = Field(description="consumables bought in Pakistan, %")
    maintenance_domestic_pct: Pct = Field(description="maintenance bought in Pakistan, %")
    g_and_a_domestic_pct: Pct = Field(description="G&A bought in Pakistan, %")
    security_domestic_pct: Pct = Field(description="security bought in Pakistan, %")


class Scenario(_Model, Sourced):
    """A whole case: feeds, flowsheet, pathways, site, prices, labour and taxes."""

    # not starting with "." so that the results folder <out>/<name> stays inside <out>
    name: str = Field(
        min_length=1, pattern=r"^[A-Za-z0-9_-][A-Za-z0-9_.-]*$", description="short name for files"
    )
    title: str = ""
    base_year: Year = Field(description="year of the real USD")
    baseline_pathway: str = Field(description="pathway every other one is compared with")
    project: Project
    feeds: dict[str, Feed]
    stages: dict[str, Stage]
    streams: dict[str, StreamMass]
    pathways: dict[str, Pathway]
    site: Site
    logistics: Logistics
    terms: Terms
    prices: Prices
    terms_cases: dict[str, TermsCase]
    labour: Labour
    services: Services
    fiscal: Fiscal
    mine: Mine
    ownership: dict[str, Shareholder]
    finance: Finance
    local_content: LocalContent
    uncertainty: dict[str, Any] = Field(
        default_factory=dict, description="distributions of inputs for risk runs, by dotted path"
    )

    def active_feeds(self) -> dict[str, Feed]:
        return {k: f for k, f in self.feeds.items() if f.enabled}


# ------------------------------------------------------------------ errors


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario: where it is and what was expected."""

    file: str
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ScenarioError(Exception):
    """A scenario that cannot be evaluated; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        # in the order a reader meets them in the file
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0))
        super().__init__("\n".join(str(p) for p in self.problems))


# ------------------------------------------------------------------ loading


def default_text() -> str:
    """The embedded default case as TOML text."""
    return resources.files("orevalue.data").joinpath(DEFAULT_CASE).read_text(encoding="utf-8")


def _is_leaf_table(value: Any) -> bool:
    return isinstance(value, dict) and "value" in value and set(value) <= PROVENANCE_KEYS


def split_provenance(
    raw: dict[str, Any], prefix: str = ""
) -> tuple[dict[str, Any], dict[str, dict[str, str]]]:
    """Separate ``{value, source, tag}`` leaves into plain values and a provenance map.

    A sourced value that is itself a table (a headcount by skill) lends its source to each of
    its entries.
    """
    values: dict[str, Any] = {}
    prov: dict[str, dict[str, str]] = {}
    for key, item in raw.items():
        path = f"{prefix}{key}"
        if _is_leaf_table(item):
            values[key] = item["value"]
            meta = {k: str(v) for k, v in item.items() if k != "value"}
            prov[path] = meta
            if isinstance(item["value"], dict):
                prov.update(dict.fromkeys(leaves(item["value"], path + "."), meta))
        elif isinstance(item, dict):
            values[key], sub = split_provenance(item, path + ".")
            prov.update(sub)
        else:
            values[key] = item
    return values, prov


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; any other value in ``override`` replaces the one in ``base``."""
    out = dict(base)
    for key, item in override.items():
        if isinstance(item, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], item)
        else:
            out[key] = item
    return out


def leaves(values: Any, prefix: str = "") -> dict[str, Any]:
    """Dotted path -> value for every non-table value (lists are leaves)."""
    if isinstance(values, dict):
        out: dict[str, Any] = {}
        for key, item in values.items():
            out.update(leaves(item, f"{prefix}{key}."))
        return out
    return {prefix[:-1]: values}


def parse_toml(text: str, file: str) -> dict[str, Any]:
    """TOML text as a dict; a syntax error is a :class:`ScenarioError` naming file and line."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = toml_text.error_line(str(exc))
        raise ScenarioError([Problem(file, "", f"TOML syntax error: {exc}", line)]) from None


def read_input(path: str | Path) -> str:
    """The text of an input file; a missing or unreadable file is a :class:`ScenarioError`."""
    file = str(path)
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([Problem(file, "", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem(file, "", f"cannot read: {exc}")]) from None


ModelT = typing.TypeVar("ModelT", bound=BaseModel)


def validate_input(
    model: type[ModelT],
    values: dict[str, Any],
    file: str,
    text: str,
    check: typing.Callable[[ModelT], list[tuple[str, str]]],
) -> ModelT:
    """``values`` validated as ``model``, then cross-checked by ``check``; every problem, with
    its line in ``text`` where known, is raised together as a :class:`ScenarioError`."""
    lines = toml_text.key_lines(text) if text else {}
    try:
        data = model.model_validate(values)
    except ValidationError as exc:
        raise ScenarioError(
            [problem_from_error(err, file, lines, model) for err in exc.errors()]
        ) from None
    problems = [Problem(file, p, m, toml_text.find_line(lines, p)) for p, m in check(data)]
    if problems:
        raise ScenarioError(problems)
    return data


REGIMES_FILE = "regimes.toml"


def _regime_table() -> dict[str, Any]:
    text = resources.files("orevalue.data").joinpath(REGIMES_FILE).read_text(encoding="utf-8")
    return tomllib.loads(text)


def regime_names() -> list[str]:
    """Names of the fiscal regime presets shipped with orevalue."""
    return list(_regime_table())


def regime_preset(name: str) -> tuple[dict[str, Any], dict[str, dict[str, str]]]:
    """Values and provenance of a regime preset, its ``inherit`` chain resolved."""
    table = _regime_table()
    chain: list[dict[str, Any]] = []
    while name:
        if name not in table or len(chain) > len(table):
            raise KeyError(name)
        chain.append(table[name])
        name = table[name].get("inherit", "")
    raw: dict[str, Any] = {}
    for layer in reversed(chain):
        raw = deep_merge(raw, {k: v for k, v in layer.items() if k != "inherit"})
    values, prov = split_provenance(raw, "fiscal.")
    return values, prov


def _with_regime(
    base: dict[str, Any],
    layers: list[tuple[str, dict[str, Any]]],
    provenance: dict[str, dict[str, str]],
    file: str,
) -> dict[str, Any]:
    """``base`` with the fiscal preset that the last layer naming a regime picks laid under it."""
    name = base.get("fiscal", {}).get("regime", "")
    where = file
    for label, raw in layers:
        regime = (
            raw.get("fiscal", {}).get("regime") if isinstance(raw.get("fiscal"), dict) else None
        )
        if isinstance(regime, dict):
            regime = regime.get("value")
        if regime is not None:
            name, where = regime, label.removeprefix("set in ")
    try:
        values, prov = regime_preset(str(name))
    except KeyError:
        problem = unknown_name("regime", str(name), regime_names())
        raise ScenarioError([Problem(where, "fiscal.regime", problem)]) from None
    provenance.update(prov)
    return deep_merge(base, {"fiscal": deep_merge(values, base.get("fiscal", {}))})


#: Fiscal fields that belong to the case, not to a regime: kept when the regime changes.
CASE_FISCAL_FIELDS = ("compare_regimes", "transfer_price_pct_of_arms_length")


def with_regime(scenario: Scenario, name: str) -> Scenario:
    """``scenario`` taxed under the preset ``name``; fiscal fields the scenario set itself
    (tagged "user") and the case's own fields are kept."""
    values, prov = regime_preset(name)
    current = scenario.fiscal.model_dump()
    keep = {
        k
        for k in current
        if k in CASE_FISCAL_FIELDS
        or scenario.provenance.get(f"fiscal.{k}", {}).get("tag") == "user"
    }
    fiscal = Fiscal.model_validate({**values, **{k: current[k] for k in keep}, "regime": name})
    variant = scenario.model_copy(update={"fiscal": fiscal})
    kept = {f"fiscal.{k}" for k in keep}
    provenance = {**scenario.provenance}
    provenance.update({k: v for k, v in prov.items() if ".".join(k.split(".")[:2]) not in kept})
    provenance["fiscal.regime"] = {"source": "regime comparison", "tag": "user"}
    return variant.with_source(provenance, scenario.source_file)


@dataclass(frozen=True)
class Overlay:
    """Values laid over a scenario after its file: a site's costs or a fiscal regime preset.

    ``values`` is a raw table like a scenario file's (leaves may be ``{ value, source, tag }``);
    ``label`` names it in provenance ("site preset gwadar").
    """

    label: str
    values: dict[str, Any]


def load(path: str | Path | None = None, overlays: tuple[Overlay, ...] = ()) -> Scenario:
    """Load a scenario file merged onto the default case (the default case when ``path`` is
    None), then lay ``overlays`` over it in order.

    Raises :class:`ScenarioError` listing every problem, each naming file, line, field and
    what is allowed.
    """
    raw_default, provenance = split_provenance(parse_toml(default_text(), DEFAULT_CASE))
    default_values = _with_regime(raw_default, [], provenance, DEFAULT_CASE)
    if path is None and not overlays:
        return _validate(default_values, provenance, DEFAULT_CASE, "")
    file, text = DEFAULT_CASE, ""
    layers: list[tuple[str, dict[str, Any]]] = []
    if path is not None:
        file, text = str(path), read_input(path)
        layers.append((f"set in {Path(file).name}", parse_toml(text, file)))
    layers.extend((overlay.label, overlay.values) for overlay in overlays)
    merged = _with_regime(raw_default, layers, provenance, file)
    # a value counts as the user's when it differs from what it replaces: the default case
    # with the chosen regime's preset under it
    default_leaves = {
        **leaves(_validate(default_values, {}, DEFAULT_CASE, "").model_dump(mode="json")),
        **leaves(merged),
    }
    for label, raw in layers:
        values, given_prov = split_provenance(raw)
        merged = deep_merge(merged, values)
        for leaf, value in leaves(values).items():
            if default_leaves.get(leaf, object()) != value:
                provenance[leaf] = {"source": label, "tag": "user"}
        for leaf, given in given_prov.items():
            # a { value, source, tag } overrides what it gives and keeps the rest
            provenance[leaf] = {**provenance.get(leaf, {}), **given}
    return _validate(merged, provenance, file, text)


def _validate(
    values: dict[str, Any], provenance: dict[str, dict[str, str]], file: str, text: str
) -> Scenario:
    return validate_input(Scenario, values, file, text, check_references).with_source(
        provenance, file
    )


# ------------------------------------------------------------------ messages

_MESSAGES = {
    "greater_than_equal": "must be >= {ge}",
    "greater_than": "must be > {gt}",
    "less_than_equal": "must be <= {le}",
    "less_than": "must be < {lt}",
    "float_parsing": "expected a number",
    "float_type": "expected a number",
    "int_parsing": "expected a whole number",
    "int_type": "expected a whole number",
    "int_from_float": "expected a whole number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "string_type": "expected text in quotes",
    "list_type": "expected a list [ ... ]",
    "tuple_type": "expected a pair [a, b]",
    "dict_type": "expected a table",
    "model_type": "expected a table",
    "model_attributes_type": "expected a table",
    "missing": "required field is missing",
    "too_short": "expected at least {min_length} item(s)",
    "too_long": "expected at most {max_length} item(s)",
    "string_pattern_mismatch": "expected letters, digits, '-', '_' or '.', not starting with '.'",
}


_VALIDATOR_STEP = re.compile(r"^function-(after|before|wrap|plain)\[")


def _location(loc: tuple[Any, ...]) -> list[str]:
    # pydantic inserts validator names ("function-after[...]") and key markers ("[key]");
    # user keys such as a feed named "funcx" or "a[1]" are kept
    return [
        str(p)
        for p in loc
        if not (isinstance(p, str) and (p == "[key]" or _VALIDATOR_STEP.match(p)))
    ]


def problem_from_error(
    err: Any, file: str, lines: dict[str, int], root: type[BaseModel] | None = None
) -> Problem:
    """One line for one pydantic error: file, line, dotted path, the bad value, what is
    allowed, with a did-you-mean for unknown fields. ``root`` is the schema validated (the
    scenario's by default)."""
    root = root or Scenario
    parts = _location(err["loc"])
    path = ".".join(parts)
    kind = err["type"]
    if kind == "extra_forbidden":
        known = _known_keys(parts[:-1], root)
        close = difflib.get_close_matches(parts[-1], known, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        allowed = f" (known: {', '.join(sorted(known))})" if known and not close else ""
        message = f"unknown field{hint}{allowed}"
    elif kind == "literal_error":
        message = f"got {err['input']!r}; expected one of {err['ctx']['expected']}"
    else:
        template = _MESSAGES.get(kind)
        text = template.format(**err.get("ctx", {})) if template else err["msg"]
        message = text if kind == "missing" else f"got {err['input']!r}; {text}"
        unit = field_description(parts, root)
        if unit and kind != "missing":
            message += f" ({unit})"
    return Problem(file, path, message, toml_text.find_line(lines, path))


def _model_at(parts: list[str], root: type[BaseModel] | None = None) -> Any:
    """The schema type found by walking ``parts`` down from ``root`` (the scenario's)."""
    tp: Any = root or Scenario
    for part in parts:
        while typing.get_origin(tp) is Annotated:
            tp = typing.get_args(tp)[0]
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            field = tp.model_fields.get(part)
            if field is None:
                return None
            tp = field.annotation
        elif typing.get_origin(tp) is dict:
            tp = typing.get_args(tp)[1]
        else:
            return None
    while typing.get_origin(tp) is Annotated:
        tp = typing.get_args(tp)[0]
    return tp


def _known_keys(parts: list[str], root: type[BaseModel] | None = None) -> list[str]:
    tp = _model_at(parts, root)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return list(tp.model_fields)
    if typing.get_origin(tp) is dict and typing.get_args(tp)[0] is Element:
        return list(ELEMENTS)
    return []


def describe(parts: list[str]) -> str:
    """Description (meaning and unit) of the schema field at ``parts``, if it is one."""
    owner = _model_at(parts[:-1])
    if isinstance(owner, type) and issubclass(owner, BaseModel) and parts:
        field = owner.model_fields.get(parts[-1])
        return field.description or "" if field is not None else ""
    return ""


def field_description(parts: list[str], root: type[BaseModel] | None = None) -> str:
    for cut in range(len(parts), 0, -1):
        owner = _model_at(parts[: cut - 1], root)
        if isinstance(owner, type) and issubclass(owner, BaseModel):
            field = owner.model_fields.get(parts[cut - 1])
            if field is not None and field.description:
                return field.description
    return ""


# ------------------------------------------------------------------ cross-references


def produced_streams(scenario: Scenario, stage_names: list[str]) -> set[str]:
    """Streams the given stages put out (their splits and their rest streams)."""
    out: set[str] = set()
    for name in stage_names:
        stage = scenario.stages[name]
        out.update(stage.split)
        out.add(stage.rest)
    return out


def stage_order(scenario: Scenario, stage_names: list[str]) -> list[str]:
    """``stage_names`` ordered so every stage runs after the stages making its inputs.

    Raises ValueError when the stages feed each other in a cycle.
    """
    makers = {out: name for name in stage_names for out in produced_streams(scenario, [name])}
    order: list[str] = []
    pending = list(stage_names)
    while pending:
        ready = [
            n
            for n in pending
            if all(
                makers.get(i) in (None, *order) or makers.get(i) == n
                for i in scenario.stages[n].inputs
            )
        ]
        if not ready:
            raise ValueError(f"stages {', '.join(pending)} feed each other in a cycle")
        order.extend(ready)
        pending = [n for n in pending if n not in ready]
    return order


def check_references(s: Scenario) -> list[tuple[str, str]]:
    """Problems no single field shows: names that point nowhere, sums over 100 %."""
    found: list[tuple[str, str]] = []
    try:
        stage_order(s, list(s.stages))
    except ValueError as exc:
        found.append(("stages", str(exc)))
    feeds = set(s.feeds)
    all_outputs = produced_streams(s, list(s.stages))
    for name, feed in s.feeds.items():
        total = feed.cu_pct + feed.s_pct + feed.fe_pct + feed.as_pct
        total += (feed.au_g_per_t + feed.ag_g_per_t) / 1e4
        if total > 100 + 1e-9:
            found.append((f"feeds.{name}", f"element grades add up to {total:.4g} %; at most 100"))
        if feed.last_year < feed.first_year:
            found.append((f"feeds.{name}.last_year", "must not be before first_year"))
    for name, stage in s.stages.items():
        for element in ELEMENTS:
            total = sum(split.get(element, 0.0) for split in stage.split.values())
            if total > 100 + 1e-9:
                found.append(
                    (
                        f"stages.{name}.split",
                        f"{element} recoveries add up to {total:.6g} %; at most 100",
                    )
                )
        for i, stream in enumerate(stage.inputs):
            if stream not in feeds and stream not in all_outputs:
                found.append((f"stages.{name}.inputs.{i}", unknown_name("stream", stream, feeds)))
        if stage.basis not in all_outputs:
            found.append((f"stages.{name}.basis", unknown_name("stream", stage.basis, all_outputs)))
        if stage.rest in stage.split:
            found.append((f"stages.{name}.rest", "must differ from the split outputs"))
        own = produced_streams(s, [name])
        for i, stream in enumerate(stage.inputs):
            if stream in own:
                found.append(
                    (f"stages.{name}.inputs.{i}", f"'{stream}' is this stage's own output")
                )
        for skill in stage.headcount:
            if skill not in s.labour.wage_usd_per_month:
                found.append(
                    (
                        f"stages.{name}.headcount.{skill}",
                        unknown_name("skill", skill, s.labour.wage_usd_per_month),
                    )
                )
    for skill in s.services.headcount:
        if skill not in s.labour.wage_usd_per_month:
            found.append(
                (
                    f"services.headcount.{skill}",
                    unknown_name("skill", skill, s.labour.wage_usd_per_month),
                )
            )
    for name in s.streams:
        if name not in all_outputs and name not in feeds:
            found.append((f"streams.{name}", "no stage puts out this stream"))
    if s.baseline_pathway not in s.pathways:
        found.append(("baseline_pathway", unknown_name("pathway", s.baseline_pathway, s.pathways)))
    elif s.pathways[s.baseline_pathway].stages:
        found.append(("baseline_pathway", "the baseline pathway must build no stages"))
    for name, pathway in s.pathways.items():
        for i, stage_name in enumerate(pathway.stages):
            if stage_name not in s.stages:
                found.append(
                    (f"pathways.{name}.stages.{i}", unknown_name("stage", stage_name, s.stages))
                )
        built = [st for st in pathway.stages if st in s.stages]
        if len(built) < len(pathway.stages):
            continue  # what it sells cannot be checked until its stages are known
        available = feeds | produced_streams(s, built)
        active = set(s.active_feeds()) | produced_streams(s, built)
        for st in built:
            if not any(i in active for i in s.stages[st].inputs):
                found.append(
                    (
                        f"pathways.{name}.stages",
                        f"stage '{st}' takes {', '.join(s.stages[st].inputs)}; "
                        "no active feed or stage of this pathway makes any of them",
                    )
                )
            if s.stages[st].basis not in available:
                found.append(
                    (
                        f"pathways.{name}.stages",
                        f"stage '{st}' needs '{s.stages[st].basis}', which no stage here makes",
                    )
                )
        for i, product in enumerate(pathway.sells):
            if product not in SELLABLE:
                found.append(
                    (
                        f"pathways.{name}.sells.{i}",
                        unknown_name("product with sales terms", product, SELLABLE),
                    )
                )
            elif product not in available:
                found.append(
                    (
                        f"pathways.{name}.sells.{i}",
                        f"'{product}' is not produced by this pathway's stages",
                    )
                )
    last_repayment = s.finance.grace_years + s.finance.tenor_years
    if last_repayment > s.project.operating_years:
        found.append(
            (
                "finance.tenor_years",
                f"grace {s.finance.grace_years} + tenor {s.finance.tenor_years} years outlive "
                f"the {s.project.operating_years} operating years",
            )
        )
    total = sum(h.share_pct for h in s.ownership.values())
    if abs(total - 100.0) > 1e-6:
        found.append(("ownership", f"shares add up to {total:.6g} %; expected 100"))
    for name, holder in s.ownership.items():
        if holder.free_carried_pct > holder.share_pct:
            found.append((f"ownership.{name}.free_carried_pct", "must not exceed share_pct"))
    if sum(h.share_pct - h.free_carried_pct for h in s.ownership.values()) <= 0:
        found.append(("ownership", "somebody must pay for the equity: every share is carried"))
    for i, name in enumerate(s.fiscal.compare_regimes):
        if name not in regime_names():
            found.append(
                (f"fiscal.compare_regimes.{i}", unknown_name("regime", name, regime_names()))
            )
    brackets = [t for t, _ in s.fiscal.super_tax_brackets]
    if brackets != sorted(brackets):
        found.append(("fiscal.super_tax_brackets", "thresholds must ascend"))
    for field in ("construction_spend_pct",):
        total = sum(getattr(s.project, field))
        if abs(total - 100.0) > 1e-6:
            found.append((f"project.{field}", f"shares add up to {total:.6g} %; expected 100"))
    for name, scale in (
        ("au_payable_scale", s.terms.concentrate.au_payable_scale),
        ("ag_payable_scale", s.terms.concentrate.ag_payable_scale),
    ):
        grades = [g for g, _ in scale]
        if grades != sorted(grades) or grades[0] != 0:
            found.append((f"terms.concentrate.{name}", "grades must start at 0 and ascend"))
    return found


def unknown_name(kind: str, name: str, known: Any) -> str:
    names = sorted(str(k) for k in known)
    close = difflib.get_close_matches(str(name), names, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else f"; known: {', '.join(names) or 'none'}"
    return f"no {kind} named '{name}'{hint}"
