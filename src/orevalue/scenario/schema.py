"""The scenario schema: one pydantic model per table of a scenario file, with units and bounds.

Every field carries a description (meaning and unit) that error messages, the template and the
brief read. The models are frozen and forbid unknown keys.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model

from orevalue import catalog
from orevalue.scenario.fields import (  # noqa: F401 (the schema's names, re-exported)
    ELEMENTS,
    NAME_PATTERN,
    NAME_RULE,
    PRICE_LIMIT,
    Element,
    Heads,
    NonNeg,
    Pair,
    Pct,
    Rng,
    Sourced,
    Year,
    YearKey,
    _Model,
    price_range,
)
from orevalue.scenario.mine import MinePlan
from orevalue.scenario.residues import Residues
from orevalue.scenario.sales_terms import (  # noqa: F401 (re-exported)
    TERMS_FUNCTIONS,
    ConcentrateTerms,
    ElementPriceTerms,
    MetalContentTerms,
    MetalPriceTerms,
    NetbackTerms,
    Penalty,
    ProductPriceTerms,
    SalesTerms,
    _SalesTerms,
)


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
    nameplate_conc_dmt_per_yr: Rng(0, 1e8) = Field(description="plant nameplate, dry t of feed/yr")
    owner_and_infra_pct: Rng(0, 500) = Field(
        description="owner's, infrastructure, contingency, % of EPC"
    )
    sustaining_capex_pct_per_yr: Rng(0, 100) = Field(
        description="sustaining capex, % of initial/yr"
    )
    maintenance_pct_of_capex_per_yr: Rng(0, 100) = Field(description="maintenance, % of capex/yr")
    working_capital_days_of_feed: float = Field(ge=0, le=365, description="days of feed cost held")
    metal_in_process_pct: Pct = Field(
        description="main metal in process, % of its annual throughput"
    )
    construction_peak_jobs_per_musd: Rng(0, 1000) = Field(
        description="construction peak workers per USD million of capex"
    )
    permit_delay_months: float = Field(
        default=0.0,
        ge=0,
        le=120,
        description="months of approval delay before construction starts: every cash flow "
        "moves later by this much (the plant NPV is discounted for it); 0 = none",
    )
    permit_holding_usd_per_month: Rng(0, 1e9) = Field(
        default=0.0,
        description="standing cost while approvals are pending (site team, land option, "
        "early works), USD per month of delay, capitalised in the first build year",
    )
    size_to_feed: bool = Field(
        default=False,
        description="size the plant's nameplate to its peak feed at the final utilisation "
        "(instead of nameplate_conc_dmt_per_yr)",
    )


def _grade_field(el: catalog.Element) -> tuple[Any, Any]:
    """A feed's grade of ``el`` in its table unit; an element the feed leaves out is at 0."""
    unit = "% of dry mass" if el.unit == "pct" else "g per dry t"
    return (float, Field(default=0.0, ge=0, le=el.max, description=f"{el.name}, {unit}"))


MINED = (
    "ore in the ground a pathway's own stages mine (a CIL mine and plant): never exported or "
    "bought; the mine royalty (mine.royalty_*_pct) is due on the metal they recover, at its price"
)
#: A feed: its terms and tonnage, then one grade per element of data/elements.toml
#: (``cu_pct``, ``au_g_per_t``, ...), then its moisture.
Feed = create_model(
    "Feed",
    __base__=_Model,
    __doc__="A feed the plant may buy: terms, tonnage, years, grades and moisture.",
    label=(str, ""),
    terms=(str, Field(description="sales terms the feed is bought on (a [terms] table)")),
    enabled=(bool, True),
    dry_t_per_yr=(Rng(0, 1e8), Field(description="dry tonnes per year available")),
    first_year=(Year, Field(description="first calendar year the feed is available")),
    last_year=(Year, Field(description="last calendar year the feed is available")),
    **{el.grade_field: _grade_field(el) for el in catalog.elements().values()},
    moisture_pct=(float, Field(ge=0, lt=100, description="moisture as shipped, % of wet mass")),
    imported=(
        bool,
        Field(
            default=False,
            description="bought abroad, CIF a Pakistani port, at its terms' CIF China value plus "
            "landed_freight_usd_per_wmt (else a domestic feed, bought at export parity: the "
            "ocean and site legs deducted)",
        ),
    ),
    mined=(bool, Field(default=False, description=MINED)),
    landed_freight_usd_per_wmt=(
        float,
        Field(
            default=0.0,
            ge=-1e4,
            le=1e5,  # gold's insured air freight is ~1 USD/oz, 32,000 USD/t
            description="an imported feed: freight the plant pays on top of its terms' CIF "
            "China value to land it at the site (origin to a Pakistani port less origin to "
            "China, plus port handling and port to site), USD per wet t",
        ),
    ),
)


def feed_grade(feed: BaseModel, element: str) -> float:
    """The grade of ``element`` in ``feed``, in its table unit (% or g/t)."""
    return float(getattr(feed, catalog.elements()[element].grade_field))


class Stage(_Model):
    label: str = ""
    inputs: list[str] = Field(min_length=1, description="streams the stage takes in")
    basis: str = Field(
        description='what sizes the stage: an element of a stream ("<stream>.<element>") or '
        'a stream\'s total mass ("<stream>")'
    )
    rest: str = Field(description="output stream taking what the splits leave")
    split: dict[str, dict[Element, Pct]] = Field(
        description="% of each input element reporting to each output stream"
    )
    power_mwh_per_t: Rng(0, 1000) = Field(description="electricity, MWh per t of the stage's basis")
    fuel_gj_per_t: Rng(0, 1e4) = Field(description="fuel, GJ per t of the stage's basis")
    water_m3_per_t: Rng(0, 1e5) = Field(description="fresh water, m³ per t of the stage's basis")
    consumables_usd_per_t: Rng(0, 1e6) = Field(
        description="consumables, USD per t of the stage's basis"
    )
    capex_ref_usd: Rng(0, 1e11) = Field(description="capital cost at the reference capacity, USD")
    capacity_ref_t_per_yr: float = Field(
        ge=1, le=1e9, description="reference capacity, t/yr of the stage's basis"
    )
    capex_exponent: float = Field(ge=0, le=1.5, description="capacity scaling exponent")
    headcount: dict[str, Heads] = Field(
        description="operating staff by skill at staff_capacity_t_per_yr, persons"
    )
    staff_capacity_t_per_yr: float | None = Field(
        default=None,
        ge=1,
        le=1e9,
        description="capacity the headcount is given for, t/yr of the stage's basis; "
        "capacity_ref_t_per_yr when not set",
    )
    staff_exponent: float = Field(
        default=0.0,
        ge=0,
        le=1.5,
        description="staff scaling exponent (dimensionless): staff by skill = headcount x "
        "(capacity / staff capacity)^exponent, whole persons; 1 = in proportion to "
        "throughput, 0 = a fixed crew; site services' staff and G&A follow the stages' staff",
    )


class StreamMass(_Model):
    element: Element = Field(description="element whose content fixes the stream's mass")
    pct: float = Field(gt=0, le=100, description="that element's share of the stream, %")


class Pathway(_Model):
    label: str = ""
    stages: list[str] = Field(description="stages built, in flow order")
    sells: list[str] = Field(min_length=1, description="streams sold")
    main_product: str = Field(
        description="the product margins are quoted for, per t of its terms' element"
    )


class Site(_Model):
    name: str
    location_factor: float = Field(gt=0, le=5, description="capex multiplier for the site")
    power_usd_per_kwh: Rng(0, 10) = Field(description="electricity tariff, USD/kWh")
    fuel_usd_per_gj: Rng(0, 1000) = Field(description="fuel price, USD/GJ")
    water_usd_per_m3: Rng(0, 1000) = Field(description="water cost, USD/m³")
    acid_netback_usd_per_t: Rng(-1e4, 1e4) = Field(
        description="acid price at the gate, USD/t (may be < 0)"
    )
    wage_premium_pct: Rng(0, 1000) = Field(description="remote/security premium on local wages, %")
    conc_freight_site_to_port_usd_per_wmt: Rng(-1e4, 1e4) = Field(
        description="concentrate freight the site saves the mine to the export port, USD/wmt "
        "(negative where the site lies farther from the mine than the port)"
    )
    product_freight_site_to_port_usd_per_t: Rng(0, 1e4) = Field(
        description="product freight from the site to the export port, USD/t"
    )
    security_premium_pct: float = Field(
        default=0.0, ge=0, le=20, description="security premium on the discount rate, % points"
    )
    security_usd_per_yr: Rng(0, 1e10) = Field(
        default=0.0, description="security cost of operating at the site, USD/yr"
    )
    land_rent_usd_per_yr: Rng(0, 1e10) = Field(
        default=0.0,
        description="rent of the plant's land, USD/yr, in its G&A (0: owned or in G&A; "
        "orevalue incentives prices land at zero rent)",
    )
    feed_mode: Literal["rail", "road"] = Field(description="how feed reaches the site")
    product_mode: Literal["rail", "road"] = Field(description="how metal products reach the port")
    acid_mode: Literal["rail", "road"] = Field(description="how acid leaves the site")


class Logistics(_Model):
    conc_mine_to_port_mode: Literal["rail", "road"] = Field(
        description="how exported concentrate reaches the port"
    )
    conc_ocean_usd_per_wmt: Rng(0, 1e4) = Field(description="export port to market, USD/wmt")
    product_ocean_usd_per_t: Rng(0, 1e4) = Field(description="metal products port to market, USD/t")


def _refuse_markers(value: Any) -> Any:
    """A ``[prices.<series>]`` table that still holds ``flat`` or ``replace`` here is one the
    merge (:func:`orevalue.scenario.tables.lay_decks`) could not resolve: say which rule it
    breaks. The two forms: ``flat = 80.0`` alone, or year knots with ``replace = true``."""
    if not isinstance(value, dict) or not {"flat", "replace"} & set(value):
        return value
    knots = [str(k) for k in value if k not in ("flat", "replace")]
    flat, replace = value.get("flat"), value.get("replace")
    if "flat" in value and knots:
        raise ValueError(
            f"flat sets every year, so it takes no year knots (got {', '.join(knots)}); give "
            "flat alone, or the knots with replace = true"
        )
    if "flat" in value and "replace" in value:
        raise ValueError("flat already replaces the series; give flat alone, without replace")
    if "flat" in value:
        if isinstance(flat, bool) or not isinstance(flat, int | float):
            raise ValueError(f"flat: got {flat!r}; expected a number in the series' unit")
        raise ValueError("flat needs a valid base_year to be laid at")
    if not isinstance(replace, bool):
        raise ValueError(f"replace: got {replace!r}; expected true or false")
    raise ValueError(
        "replace = true keeps only the year knots given, and none is: give them "
        "(2026 = 80.0, 2030 = 90.0) or use flat = VALUE"
    )


#: A price deck: value by calendar year, linear between the years given, flat before the
#: first and after the last. A scenario file's ``[prices.<series>]`` merges its knots into
#: the case's deck; ``flat = V`` (one value every year) or ``replace = true`` (its knots only)
#: replaces the case's deck instead (resolved by :func:`orevalue.scenario.tables.lay_decks`).
Deck = Annotated[
    dict[YearKey, Rng(-PRICE_LIMIT, PRICE_LIMIT)],
    BeforeValidator(_refuse_markers),
    Field(min_length=1),
]


#: Price decks by series of data/price_series.toml (names checked in checks.py).
Prices = dict[str, Deck]


class TermsCase(_Model):
    """An alternative case of sales terms: a label and flat values of price series, each
    named as in data/price_series.toml (``tc_usd_per_dmt = 73.94``), held over the life in
    place of the series' deck. The names are checked against the table
    (:mod:`orevalue.scenario.checks`)."""

    model_config = ConfigDict(extra="allow")
    # the range of every series; one that is never negative is checked in checks.py
    __pydantic_extra__: dict[str, Rng(-PRICE_LIMIT, PRICE_LIMIT)] = Field(init=False)

    label: str = ""

    @property
    def prices(self) -> dict[str, float]:
        """The series this case sets, by name: flat value in the series' unit."""
        return dict(self.__pydantic_extra__ or {})

    @classmethod
    def extra_description(cls, name: str) -> str:
        """Meaning and unit of a series a case may set (``treatment charge, USD/dmt``): what
        data/price_series.toml says it prices, in its unit; "" for an unknown name."""
        series = catalog.price_series().get(name)
        if series is None:
            return ""
        what = series.description.split(",")[0]
        return f"{what}, {series.unit.replace('USc/', 'US cents/')}"

    @classmethod
    def extra_range(cls, name: str) -> str:
        """The values a series a case sets may take ("0 to 1e+06"), as ``init`` shows them."""
        low, high = price_range(name)
        return f"{low:g} to {high:g}"


class Labour(_Model):
    on_cost_pct: Rng(0, 1000) = Field(description="on-costs on base wages, %")
    wage_usd_per_month: dict[str, Rng(0, 1e6)] = Field(description="base wage by skill, USD/month")
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
    g_and_a_usd_per_yr: Rng(0, 1e10) = Field(description="G&A, insurance, laboratory, USD/yr")
    headcount: dict[str, Heads] = Field(description="staff by skill")


class Fiscal(_Model):
    """Taxes on the plant: a regime preset (data/regimes.toml) with any field overridden."""

    regime: str = Field(description="fiscal regime preset the plant is taxed under")
    compare_regimes: list[str] = Field(
        default_factory=list, description="regimes the run also reports, side by side"
    )
    label: str = ""
    law: str = Field(default="", description="legal instruments the regime rests on")
    corporate_income_tax_pct: Pct = Field(description="corporate income tax, % of taxable income")
    super_tax_brackets: list[Pair(Rng(0, 1e9), Pct)] = Field(
        min_length=1, description="s.4C super tax: [income threshold PKR m, rate %], ascending"
    )
    pkr_per_usd: float = Field(gt=0, le=1e5, description="exchange rate for PKR thresholds")
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
    holiday_end_year: float = Field(
        ge=1900, le=2200, description="holiday sunset as a decimal year"
    )
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

    # the name rule, so that the results folder <out>/<name> stays inside <out>
    name: str = Field(
        min_length=1,
        pattern=NAME_PATTERN,
        description="short name for files; the file's stem when not given",
    )
    title: str = ""
    base_year: Year = Field(description="year of the real USD")
    baseline_pathway: str = Field(description="pathway every other one is compared with")
    focus_pathway: str = Field(
        description="pathway the verdict, the brief and the risk tables are written for"
    )
    project: Project
    feeds: dict[str, Feed]
    stages: dict[str, Stage]
    streams: dict[str, StreamMass]
    pathways: dict[str, Pathway]
    site: Site
    logistics: Logistics
    terms: dict[str, SalesTerms]
    prices: Prices
    terms_cases: dict[str, TermsCase]
    labour: Labour
    services: Services
    fiscal: Fiscal
    mine: Mine
    mine_plan: MinePlan | None = None
    ownership: dict[str, Shareholder]
    finance: Finance
    local_content: LocalContent
    residues: Residues | None = None
    uncertainty: dict[str, Any] = Field(
        default_factory=dict, description="distributions of inputs for risk runs, by dotted path"
    )

    def active_feeds(self) -> dict[str, Feed]:
        return {k: f for k, f in self.feeds.items() if f.enabled}
