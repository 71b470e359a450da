"""The scenario schema: one pydantic model per table of a scenario file, with units and bounds.

Every field carries a description (meaning and unit) that error messages, the template and the
brief read. The models are frozen and forbid unknown keys.
"""

from __future__ import annotations

import typing
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

ELEMENTS = ("cu", "au", "ag", "s", "fe", "as")
Element = Literal["cu", "au", "ag", "s", "fe", "as"]
#: Products with sales terms; a pathway may sell only these.
SELLABLE = ("concentrate", "anode", "cathode", "rod", "gold", "silver", "acid")

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
    permit_delay_months: float = Field(
        default=0.0,
        ge=0,
        le=120,
        description="months of approval delay before construction starts: every cash flow "
        "moves later by this much (the plant NPV is discounted for it); 0 = none",
    )
    permit_holding_usd_per_month: NonNeg = Field(
        default=0.0,
        description="standing cost while approvals are pending (site team, land option, "
        "early works), USD per month of delay, capitalised in the first build year",
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
    localisation_pct: Pct = Field(
        default=0.0,
        description="share of the posts of foreign skills filled by trained Pakistanis once "
        "the training programme has run, %; 0 = none",
    )
    localisation_years: float = Field(
        default=5.0,
        gt=0,
        le=50,
        description="years from start-up over which that share grows, linearly, to its level",
    )
    localised_skill: str = Field(
        default="engineer", description="skill whose wage (and site premium) a localised post earns"
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
    capex_grant_pct: float = Field(
        default=0.0,
        ge=0,
        lt=100,
        description="capital grant from the state, % of initial capex before duty (paid as "
        "the capex is spent; off the depreciable cost); 0 = none",
    )


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
