"""Plant view of one pathway: the plant buys its feed at export parity and sells its products.

Export parity: the mine is paid what exporting would have paid it at the same point, so the
plant keeps the treatment and refining charges, the metal recovered beyond the payable share,
the freight it saves, the premiums and the acid, and bears the costs. Every line is an array
(N samples, Y years) in real USD.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from orevalue import catalog, flowsheet
from orevalue.economics import costs, finance, schedule, taxes, terms
from orevalue.economics.ownership import HolderFlows, split_equity
from orevalue.economics.pricing import Market, Value
from orevalue.economics.supply import FeedSupply
from orevalue.economics.taxes import TAX_LINES
from orevalue.params import Params
from orevalue.scenario import Scenario

#: Parts of the margin after the first, ``free_<main element's name>`` ("free_copper"): the
#: main element recovered beyond what the feed's terms pay for. "precious_metals" are the
#: other elements' payable money gained.
OTHER_MARGIN_PARTS = (
    "precious_metals",
    "charges_retained",
    "premium",
    "acid",
    "freight_saved",
    "export_duty_avoided",
    "transfer_price_discount",
)
#: The investor's lines before financing: all a lean (risk) case computes.
INVESTOR_LINES = (
    "revenue",
    "feed_cost",
    "opex",
    "royalty",
    "ebitda",
    "capex",
    "sustaining_capex",
    "working_capital_change",
    "income_tax",
    "cash_flow_pre_tax",
    "cash_flow",
)
OPEX_PARTS = (
    "power",
    "fuel",
    "water",
    "consumables",
    "maintenance",
    "labour",
    "g_and_a",
    "security",
)


@dataclass
class PathwayFlows:
    """Tonnages of a pathway by sample and year."""

    stages: list[str]
    feeds_processed_dry_t: dict[str, np.ndarray]
    feeds_available_dry_t: dict[str, np.ndarray]
    streams: dict[str, flowsheet.Stream]
    capacity_t_per_yr: dict[str, np.ndarray]  # stage -> basis t/yr at nameplate, (N, 1)

    def mass_t(self, scenario: Scenario, p: Params, stream: str) -> np.ndarray:
        if stream in self.feeds_processed_dry_t:
            return self.feeds_processed_dry_t[stream]
        return flowsheet.stream_mass_t(scenario, p, stream, self.streams[stream])


@dataclass
class PlantCase:
    """Annual lines of the plant view for one pathway (USD, (N, Y)) and what they rest on."""

    flows: PathwayFlows
    lines: dict[str, np.ndarray]
    margin_parts: dict[str, np.ndarray]
    opex_parts: dict[str, np.ndarray]
    use: dict[str, np.ndarray]
    staff: dict[str, int]
    capex_initial_usd: np.ndarray
    labour_usd_per_yr: tuple[np.ndarray, np.ndarray]
    product_cu_t: np.ndarray
    supply: FeedSupply
    sold: dict[str, Value] = field(default_factory=dict)
    government: dict[str, np.ndarray] = field(default_factory=dict)
    government_unlevered: dict[str, np.ndarray] = field(default_factory=dict)
    debt: finance.Debt | None = None
    holders: dict[str, HolderFlows] = field(default_factory=dict)
    stakeholders: dict[str, np.ndarray] = field(default_factory=dict)


def pathway_flows(scenario: Scenario, p: Params, pathway: str, supply: FeedSupply) -> PathwayFlows:
    """Feeds, streams and stage capacities of ``pathway``."""
    stages = list(scenario.pathways[pathway].stages)
    consumed = flowsheet.consumed_feeds(scenario, stages)
    processed = {f: supply.processed_dry_t[f] for f in consumed}
    units = flowsheet.unit_balances(scenario, p, stages, consumed)  # per tonne, shared by:
    streams = flowsheet.scale(units, processed)
    flowsheet.check_conservation(scenario, stages, streams)
    nameplate = {f: supply.nameplate_dry_t[f] for f in consumed}
    at_nameplate = flowsheet.scale(units, nameplate)
    capacity = {
        s: flowsheet.basis_t(scenario, p, scenario.stages[s].basis, at_nameplate, nameplate)
        for s in stages
    }
    return PathwayFlows(stages, processed, supply.available_dry_t, streams, capacity)


def main_product(scenario: Scenario, pathway: str) -> str:
    """The product a pathway declares as its main one (margins are quoted per tonne of its
    main element)."""
    return scenario.pathways[pathway].main_product


def main_element(scenario: Scenario, pathway: str) -> str:
    """The element the pathway's main product is sold for (its terms' ``element``)."""
    return terms.main_element(scenario, main_product(scenario, pathway))


def margin_parts_keys(scenario: Scenario, pathway: str) -> tuple[str, ...]:
    """Names of the margin parts of ``pathway``: ``free_<element name>`` then the others."""
    name = catalog.elements()[main_element(scenario, pathway)].name
    return (f"free_{name}", *OTHER_MARGIN_PARTS)


def plant_case(
    scenario: Scenario,
    p: Params,
    pathway: str,
    tl: schedule.Timeline,
    market: Market,
    lean: bool = False,
    supply: FeedSupply | None = None,
) -> PlantCase:
    """Revenue, costs, taxes and cash flows of the plant built by ``pathway``.

    ``lean`` stops at the investor's cash flow before financing (what a risk run needs):
    no margin parts or resource use, no debt, no levered taxes, no owners, no government or
    stakeholder lines. ``supply`` shares the feeds' tonnages and values among the pathways of
    one evaluation (made here when not given).
    """
    supply = supply if supply is not None else FeedSupply(scenario, p, tl, market)
    flows = pathway_flows(scenario, p, pathway, supply)
    n, y = p.n_samples, tl.years.size
    zeros = np.zeros((n, y))
    operating = tl.operating.astype(float)
    if lean and not flows.stages:  # no plant: the investor has no lines but zeros
        none = np.zeros((n, 1))
        lines = dict.fromkeys(INVESTOR_LINES, zeros)
        return PlantCase(flows, lines, {}, {}, {}, {}, none, (none, none), zeros, supply)

    # capital
    capex_by_stage = {
        s: costs.stage_capex_usd(p, s, flows.capacity_t_per_yr[s]) for s in flows.stages
    }
    capex_base_initial = sum(capex_by_stage.values(), start=np.zeros((n, 1)))
    capex_base = capex_base_initial * schedule.capex_share(p, tl)
    duty_rate = p["fiscal.customs_duty_capital_goods_pct"] / 100.0
    customs_duty = capex_base * (
        p["local_content.capex_imported_equipment_pct"] / 100.0 * duty_rate
    )
    capex = capex_base + customs_duty
    capex_initial = capex.sum(axis=1, keepdims=True)
    sustaining = capex_base_initial * p["project.sustaining_capex_pct_per_yr"] / 100.0 * operating

    # operating costs: variable by stage (per tonne of its basis), fixed by year
    basis_cu = {
        st: flowsheet.basis_t(
            scenario, p, scenario.stages[st].basis, flows.streams, flows.feeds_processed_dry_t
        )
        for st in flows.stages
    }
    unit_cost = {st: costs.stage_unit_opex_usd_per_t(p, st) for st in flows.stages}
    staff = costs.headcount(scenario, flows.stages)
    domestic, foreign = costs.labour_usd_per_yr(scenario, p, staff)
    fixed = (
        {
            "maintenance": capex_base_initial
            * (p["project.maintenance_pct_of_capex_per_yr"] / 100.0),
            "labour": domestic + foreign,
            "g_and_a": p["services.g_and_a_usd_per_yr"],
            "security": p["site.security_usd_per_yr"],
        }
        if flows.stages
        else {}
    )  # USD per operating year, (N, 1)
    use = {k: zeros for k in ("power_mwh", "fuel_gj", "water_m3")}
    if lean:  # the total alone: each stage's unit costs summed before the tonnage
        opex_parts: dict[str, np.ndarray] = {}
        opex = sum(fixed.values(), start=np.zeros((n, 1))) * operating
        for st, cu_t in basis_cu.items():
            opex = opex + cu_t * sum(unit_cost[st].values(), start=np.zeros((n, 1)))
    else:
        opex_parts = {
            k: fixed[k] * operating
            if k in fixed
            else sum((cu_t * unit_cost[st][k] for st, cu_t in basis_cu.items()), start=zeros)
            for k in OPEX_PARTS
        }
        opex = sum(opex_parts.values(), start=zeros)
        for st, cu_t in basis_cu.items():
            for k, v in costs.stage_use(p, st, cu_t).items():
                use[k] = use[k] + v

    # sales and feed purchases
    sold: dict[str, Value] = {}
    for product in scenario.pathways[pathway].sells if flows.stages else []:
        mass = flows.mass_t(scenario, p, product) if terms.needs_mass(scenario, product) else None
        freight = terms.freight_usd_per_t(scenario, p, product, ocean_only=False)
        lot = terms.Lot(flows.streams[product], mass)
        sold[product] = terms.value(scenario, p, product, lot, market, freight)
    sales = sum(sold.values(), start=Value())
    # each feed at export parity, once: its value, and any export duty it would have paid
    parity = {f: supply.purchase(f) for f in flows.feeds_processed_dry_t}
    bought = sum((v for v, _ in parity.values()), start=Value())
    # export parity net of any export duty the feed would have paid abroad, then the
    # related-party transfer price
    duty = sum((d for _, d in parity.values()), start=zeros)
    arms_length = bought.total_usd - duty
    transfer = p["fiscal.transfer_price_pct_of_arms_length"] / 100.0
    mine_arms_length = sum(
        (
            v.total_usd - d
            for f, (v, d) in parity.items()
            if scenario.terms[scenario.feeds[f].terms].mine_sales
        ),
        start=zeros,
    )
    revenue = zeros + sales.total_usd
    feed_cost = zeros + arms_length * transfer
    main = main_element(scenario, pathway)
    others = [el for el in catalog.ELEMENTS if el != main]
    margin_parts = (
        {}
        if lean
        else {
            margin_parts_keys(scenario, pathway)[0]: zeros + sales.metal(main) - bought.metal(main),
            "precious_metals": _others_gained(sales, bought, others, zeros),
            "charges_retained": zeros + bought.charges_usd - sales.charges_usd,
            "premium": zeros + sales.premium_usd,
            "acid": zeros + sales.netback_usd,
            "freight_saved": zeros + bought.freight_usd - sales.freight_usd,
            "export_duty_avoided": duty,
            "transfer_price_discount": arms_length * (1.0 - transfer),
        }
    )

    # working capital: days of feed cost plus main metal in process, released at the end
    cu_in = sum((flows.streams[f][main] for f in flows.feeds_processed_dry_t), start=zeros)
    main_price, main_usd_per_t = market.element_price(main)
    if main_usd_per_t != 1.0:  # a price per oz or lb: USD per tonne
        main_price = main_price * main_usd_per_t
    wc_level = (
        feed_cost * (p["project.working_capital_days_of_feed"] / 365.0)
        + cu_in * (p["project.metal_in_process_pct"] / 100.0) * main_price
    )
    wc_change = np.diff(wc_level, axis=1, prepend=0.0)
    wc_change[:, -1] -= wc_level[:, -1]

    # taxes, finance and owners
    royalty = np.maximum(revenue, 0.0) * (p["fiscal.plant_royalty_pct_of_sales"] / 100.0)
    ebitda = revenue - feed_cost - opex - royalty
    in_service = zeros.copy()
    if flows.stages:
        in_service[:, tl.build_years] = capex_initial[:, 0]
    depreciation = (
        taxes.tax_depreciation_usd(
            in_service + sustaining,
            scenario.fiscal.depreciation_method,
            p["fiscal.depreciation_initial_allowance_pct"] / 100.0,
            p["fiscal.depreciation_declining_balance_pct"] / 100.0,
            scenario.fiscal.depreciation_straight_line_years,
        )
        if flows.stages
        else zeros
    )
    book = taxes.straight_line_book_depreciation_usd(
        capex, tl.build_years, scenario.project.operating_years
    )
    start_up = int(tl.years[tl.build_years]) if tl.build_years < tl.years.size else 9999
    exempt = taxes.holiday_share(
        tl.years, start_up, scenario.fiscal.holiday_years, scenario.fiscal.holiday_end_year
    )

    product_cu = flows.streams[main_product(scenario, pathway)][main] if flows.stages else zeros

    def finish(lines: dict[str, np.ndarray], **owners_and_state: object) -> PlantCase:
        return PlantCase(
            flows,
            lines,
            margin_parts,
            opex_parts,
            use,
            staff,
            capex_initial,
            (domestic, foreign),
            zeros + product_cu,
            supply,
            sold,
            **owners_and_state,  # type: ignore[arg-type]
        )

    def income_taxes(interest: np.ndarray | None) -> dict[str, np.ndarray]:
        """Taxes on income after ``interest`` (None: before financing)."""
        if not flows.stages:
            return {k: zeros for k in TAX_LINES}  # no plant, no income
        taxable = ebitda - depreciation
        accounting = ebitda - book - sustaining
        if interest is not None:
            taxable, accounting = taxable - interest, accounting - interest
        return _income_taxes(scenario, p, taxable, revenue, accounting, exempt)

    unlevered = income_taxes(None)
    tax_unlevered = sum(unlevered.values(), start=zeros)
    pre_tax = ebitda - capex - sustaining - wc_change
    cash_flow = pre_tax - tax_unlevered
    # the investor's lines before financing: all a risk run reads
    lines = {
        "revenue": revenue,
        "feed_cost": feed_cost,
        "opex": opex,
        "royalty": royalty,
        "ebitda": ebitda,
        "capex": capex,
        "sustaining_capex": sustaining,
        "working_capital_change": wc_change,
        "income_tax": tax_unlevered,
        "cash_flow_pre_tax": pre_tax,
        "cash_flow": cash_flow,
    }
    assert tuple(lines) == INVESTOR_LINES
    if lean:
        return finish(lines)
    cfads = ebitda - sustaining - wc_change - tax_unlevered
    f = scenario.finance
    debt = finance.debt_schedule(
        capex,
        cfads,
        debt_share=p["finance.debt_pct_of_capex"] / 100.0,
        rate=p["finance.interest_rate_pct"] / 100.0,
        first_repayment_col=tl.build_years + f.grace_years,
        tenor_years=f.tenor_years,
        sculpted=f.repayment == "sculpted",
        target_dscr=p["finance.target_dscr"],
    )
    levered = income_taxes(debt.interest_usd)
    tax = sum(levered.values(), start=zeros)
    equity_cf = pre_tax - tax + debt.drawdown_usd - debt.interest_usd - debt.principal_usd
    holders = split_equity(scenario, p, equity_cf) if flows.stages else {}
    lines.update(
        {
            "customs_duty": customs_duty,
            "depreciation": depreciation,
            "taxable_income": ebitda - depreciation,
            "income_tax_with_debt": tax,
            "cash_flow_pre_government": revenue
            - feed_cost
            - opex
            - capex_base
            - sustaining
            - wc_change,
            "debt_drawdown": debt.drawdown_usd,
            "interest": debt.interest_usd,
            "principal": debt.principal_usd,
            "cfads": cfads,
            "cash_flow_to_equity": equity_cf,
            "mine_sales_to_plant": mine_arms_length * transfer,
            "mine_sales_to_plant_arms_length": mine_arms_length,
        }
    )
    government = _government_lines(
        scenario.fiscal.plant_royalty_to, levered, royalty, customs_duty, holders, zeros
    )
    unlevered_holders = split_equity(scenario, p, cash_flow) if flows.stages else {}
    government_unlevered = _government_lines(
        scenario.fiscal.plant_royalty_to, unlevered, royalty, customs_duty, unlevered_holders, zeros
    )
    stakeholders = _stakeholders(
        p,
        opex_parts,
        capex_base,
        sustaining,
        wc_change,
        (domestic, foreign),
        operating,
        government,
        holders,
        debt,
        zeros,
    )
    return finish(
        lines,
        government=government,
        government_unlevered=government_unlevered,
        debt=debt,
        holders=holders,
        stakeholders=stakeholders,
    )


def _income_taxes(
    scenario: Scenario,
    p: Params,
    taxable: np.ndarray,
    turnover: np.ndarray,
    accounting_profit: np.ndarray,
    exempt: np.ndarray,
) -> dict[str, np.ndarray]:
    fiscal = scenario.fiscal
    return taxes.corporate_taxes_usd(
        taxable,
        turnover,
        accounting_profit,
        exempt,
        cit_rate=p["fiscal.corporate_income_tax_pct"] / 100.0,
        super_brackets=np.asarray(fiscal.super_tax_brackets, dtype=float),
        pkr_per_usd=p["fiscal.pkr_per_usd"],
        minimum_rate=p["fiscal.minimum_tax_pct_of_turnover"] / 100.0,
        minimum_carry_years=fiscal.minimum_tax_carry_forward_years,
        alternative_rate=p["fiscal.alternative_tax_pct"] / 100.0,
        alternative_carry_years=fiscal.alternative_tax_carry_forward_years,
        loss_carry_forward_years=fiscal.loss_carry_forward_years,
        holiday_losses_carry_forward=fiscal.holiday_losses_carry_forward,
        presumptive_rate=p["fiscal.presumptive_turnover_tax_pct"] / 100.0,
    )


def _government_lines(
    royalty_to: str,
    income_taxes: dict[str, np.ndarray],
    royalty: np.ndarray,
    customs_duty: np.ndarray,
    holders: dict[str, HolderFlows],
    zeros: np.ndarray,
) -> dict[str, np.ndarray]:
    """What the province and the federation receive from the plant, by instrument, (N, Y)."""
    out = dict(income_taxes)
    out["plant_royalty_province"] = royalty if royalty_to == "province" else 0.0 * royalty
    out["plant_royalty_federation"] = royalty if royalty_to == "federation" else 0.0 * royalty
    out["customs_duty"] = customs_duty
    out["dividend_withholding"] = sum((h.withholding_usd for h in holders.values()), start=zeros)
    for level in ("province", "federation"):
        out[f"state_equity_{level}"] = sum(
            (h.net_usd for h in holders.values() if h.holder == level), start=zeros
        )
    return out


#: Stakeholders whose share stays in Pakistan.
DOMESTIC_STAKEHOLDERS = (
    "wages_pakistani",
    "suppliers_pakistani",
    "province",
    "federation",
    "equity_pakistani_private",
    "lenders_pakistani",
)


def _stakeholders(
    p: Params,
    opex_parts: dict[str, np.ndarray],
    capex_base: np.ndarray,
    sustaining: np.ndarray,
    wc_change: np.ndarray,
    labour: tuple[np.ndarray, np.ndarray],
    operating: np.ndarray,
    government: dict[str, np.ndarray],
    holders: dict[str, HolderFlows],
    debt: finance.Debt,
    zeros: np.ndarray,
) -> dict[str, np.ndarray]:
    """Where each dollar of the plant's value (revenue less feed) goes, USD (N, Y).

    The parts add up to revenue - feed cost in every year: people, suppliers at home and
    abroad, governments (taxes, duties, royalties and state equity), private equity and
    lenders; working capital is timing and sums to zero over the life.
    """
    home = {
        k: p[f"local_content.{k}_domestic_pct"] / 100.0
        for k in ("power", "fuel", "water", "consumables", "maintenance", "g_and_a", "security")
    }
    capex_home = p["local_content.capex_domestic_pct"] / 100.0
    built = capex_base + sustaining
    domestic = sum((opex_parts[k] * home[k] for k in home), start=built * capex_home)
    foreign = sum((opex_parts[k] * (1.0 - home[k]) for k in home), start=built * (1 - capex_home))
    lenders = debt.interest_usd + debt.principal_usd - debt.drawdown_usd
    home_lenders = p["finance.lenders_domestic_pct"] / 100.0
    federal = (
        *TAX_LINES,
        "customs_duty",
        "dividend_withholding",
        "state_equity_federation",
        "plant_royalty_federation",
    )
    return {
        "wages_pakistani": labour[0] * operating,
        "wages_expatriate": labour[1] * operating,
        "suppliers_pakistani": domestic,
        "suppliers_foreign": foreign,
        "province": government["plant_royalty_province"] + government["state_equity_province"],
        "federation": sum((government[k] for k in federal), start=zeros),
        "equity_pakistani_private": sum(
            (h.net_usd for h in holders.values() if h.holder == "domestic_private"), start=zeros
        ),
        "equity_foreign": sum(
            (h.net_usd for h in holders.values() if h.holder == "foreign"), start=zeros
        ),
        "lenders_pakistani": lenders * home_lenders,
        "lenders_foreign": lenders * (1.0 - home_lenders),
        "working_capital": wc_change,
    }


def export_fob_usd(scenario: Scenario, p: Params, case: PlantCase) -> dict[str, np.ndarray]:
    """Export earnings by product, FOB Pakistani port (only ocean freight deducted), (N, Y).

    Feed not processed (before start-up, or beyond capacity) is exported as it is; acid is
    sold at home and is not counted.
    """
    out: dict[str, np.ndarray] = {}
    for feed in case.flows.feeds_available_dry_t:
        out[feed] = case.supply.fob_usd(feed, feed in case.flows.feeds_processed_dry_t)
    for product, value in case.sold.items():
        spec = scenario.terms[product]
        if not spec.exported:
            continue
        out[product] = value.total_usd + value.freight_usd  # back to FOB: ocean freight only
        if spec.freight != "none":
            mass = case.flows.mass_t(scenario, p, product)
            out[product] = out[product] - mass * p[terms.FREIGHT_PATHS[spec.freight][0]]
    return out


def _others_gained(
    sales: Value, bought: Value, elements: list[str], zeros: np.ndarray
) -> np.ndarray:
    """Payable money of ``elements`` sold less that bought, USD (N, Y): sales of each element
    added in the table's order, then purchases taken off."""
    out = zeros
    for el in elements:
        if el in sales.metal_usd:
            out = out + sales.metal_usd[el]
    for el in elements:
        if el in bought.metal_usd:
            out = out - bought.metal_usd[el]
    return out
