"""Plant view of one pathway: the plant buys its feed at export parity and sells its products.

Export parity: the mine is paid what exporting would have paid it at the same point, so the
plant keeps the treatment and refining charges, the metal recovered beyond the payable share,
the freight it saves, the premiums and the acid, and bears the costs. Every line is an array
(N samples, Y years) in real USD.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from orevalue import flowsheet
from orevalue.economics import costs, fiscal, schedule
from orevalue.economics.pricing import (
    METAL_PRODUCTS,
    Market,
    Value,
    concentrate_value,
    metal_value,
    product_value,
)
from orevalue.params import Params
from orevalue.scenario import Scenario

MARGIN_PARTS = (
    "free_copper",
    "precious_metals",
    "charges_retained",
    "premium",
    "acid",
    "freight_saved",
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
    capacity_t_per_yr: dict[str, np.ndarray]  # stage -> basis Cu at nameplate, (N, 1)

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
    sold: dict[str, Value] = field(default_factory=dict)


def _feed_value(
    scenario: Scenario, p: Params, feed: str, dry_t: np.ndarray, market: Market, ocean: bool
) -> Value:
    """A feed's value at export parity: with only ocean freight deducted (``ocean``, the export
    FOB value) or with the freight the plant's site saves too (the plant's purchase price)."""
    kind = scenario.feeds[feed].terms
    if kind == "concentrate":
        freight = p["logistics.conc_ocean_usd_per_wmt"]
        if not ocean:
            freight = freight + p["site.conc_freight_site_to_port_usd_per_wmt"]
        return concentrate_value(p, feed, dry_t, market, freight)
    freight = p["logistics.product_ocean_usd_per_t"]
    if not ocean:
        freight = freight + p["site.product_freight_site_to_port_usd_per_t"]
    elements = flowsheet.feed_elements(p, feed, dry_t)
    return metal_value(p, kind, elements, dry_t, market, freight)


def pathway_flows(
    scenario: Scenario, p: Params, pathway: str, tl: schedule.Timeline
) -> PathwayFlows:
    """Feeds, streams and stage capacities of ``pathway``."""
    stages = list(scenario.pathways[pathway].stages)
    available = {
        f: schedule.feed_available_dry_t(scenario, p, f, tl) for f in scenario.active_feeds()
    }
    util = schedule.utilisation(p, tl)
    util_final = p.vector("project.utilisation_pct")[:, -1:] / 100.0
    processed: dict[str, np.ndarray] = {}
    nameplate: dict[str, np.ndarray] = {}
    for feed in flowsheet.consumed_feeds(scenario, stages):
        if scenario.feeds[feed].terms == "concentrate":
            cap = p["project.nameplate_conc_dmt_per_yr"]
            processed[feed] = np.minimum(available[feed], cap * util)
            nameplate[feed] = cap
        else:
            ramp = np.divide(util, util_final, out=np.zeros_like(util), where=util_final > 0)
            processed[feed] = available[feed] * np.minimum(ramp, 1.0)
            nameplate[feed] = p[f"feeds.{feed}.dry_t_per_yr"]
    streams = flowsheet.balance(scenario, p, stages, processed)
    flowsheet.check_conservation(scenario, stages, streams)
    at_nameplate = flowsheet.balance(scenario, p, stages, nameplate)
    capacity = {s: at_nameplate[scenario.stages[s].basis]["cu"] for s in stages}
    return PathwayFlows(stages, processed, available, streams, capacity)


def _sale_freight(p: Params, product: str) -> np.ndarray | float:
    if product in METAL_PRODUCTS:
        return (
            p["site.product_freight_site_to_port_usd_per_t"]
            + p["logistics.product_ocean_usd_per_t"]
        )
    return 0.0


def main_product(scenario: Scenario, pathway: str) -> str:
    """The copper product a pathway sells (margins are quoted per tonne of its copper)."""
    for product in scenario.pathways[pathway].sells:
        if product in (*METAL_PRODUCTS, "concentrate"):
            return product
    return scenario.pathways[pathway].sells[0]


def plant_case(
    scenario: Scenario, p: Params, pathway: str, tl: schedule.Timeline, market: Market
) -> PlantCase:
    """Revenue, costs, taxes and cash flows of the plant built by ``pathway``."""
    flows = pathway_flows(scenario, p, pathway, tl)
    n, y = p.n_samples, tl.years.size
    zeros = np.zeros((n, y))
    operating = tl.operating.astype(float)

    # capital
    capex_by_stage = {
        s: costs.stage_capex_usd(p, s, flows.capacity_t_per_yr[s]) for s in flows.stages
    }
    capex_initial = sum(capex_by_stage.values(), start=np.zeros((n, 1)))
    capex = capex_initial * schedule.capex_share(p, tl)
    sustaining = capex_initial * p["project.sustaining_capex_pct_per_yr"] / 100.0 * operating

    # operating costs
    opex_parts = {k: zeros.copy() for k in OPEX_PARTS}
    use = {"power_mwh": zeros.copy(), "fuel_gj": zeros.copy(), "water_m3": zeros.copy()}
    for s in flows.stages:
        basis_cu = flows.streams[scenario.stages[s].basis]["cu"]
        for k, v in costs.stage_variable_opex_usd(p, s, basis_cu).items():
            opex_parts[k] = opex_parts[k] + v
        for k, v in costs.stage_use(p, s, basis_cu).items():
            use[k] = use[k] + v
    staff = costs.headcount(scenario, flows.stages)
    domestic, foreign = costs.labour_usd_per_yr(scenario, p, staff)
    if flows.stages:
        opex_parts["maintenance"] = (
            capex_initial * p["project.maintenance_pct_of_capex_per_yr"] / 100.0 * operating
        )
        opex_parts["labour"] = (domestic + foreign) * operating
        opex_parts["g_and_a"] = p["services.g_and_a_usd_per_yr"] * operating
        opex_parts["security"] = p["site.security_usd_per_yr"] * operating
    opex = sum(opex_parts.values(), start=zeros)

    # sales and feed purchases
    sold: dict[str, Value] = {}
    for product in scenario.pathways[pathway].sells if flows.stages else []:
        elements = flows.streams[product]
        mass = flows.mass_t(scenario, p, product)
        sold[product] = product_value(p, product, elements, mass, market, _sale_freight(p, product))
    sales = sum(sold.values(), start=Value())
    bought = sum(
        (
            _feed_value(scenario, p, f, t, market, ocean=False)
            for f, t in flows.feeds_processed_dry_t.items()
        ),
        start=Value(),
    )
    revenue = zeros + sales.total_usd
    feed_cost = zeros + bought.total_usd
    margin_parts = {
        "free_copper": zeros + sales.cu_usd - bought.cu_usd,
        "precious_metals": zeros + sales.au_usd + sales.ag_usd - bought.au_usd - bought.ag_usd,
        "charges_retained": zeros + bought.charges_usd - sales.charges_usd,
        "premium": zeros + sales.premium_usd,
        "acid": zeros + sales.acid_usd,
        "freight_saved": zeros + bought.freight_usd - sales.freight_usd,
    }

    # working capital: days of feed cost plus copper in process, released at the end
    cu_in = sum((flows.streams[f]["cu"] for f in flows.feeds_processed_dry_t), start=zeros)
    wc_level = (
        feed_cost * p["project.working_capital_days_of_feed"] / 365.0
        + cu_in * p["project.metal_in_process_pct"] / 100.0 * market.cu_usd_per_t
    )
    wc_change = np.diff(wc_level, axis=1, prepend=0.0)
    wc_change[:, -1] -= wc_level[:, -1]

    # taxes
    royalty = fiscal.royalty_usd(revenue, p["fiscal.royalty_pct_of_sales"] / 100.0)
    in_service = zeros.copy()
    if flows.stages:
        in_service[:, tl.build_years] = capex_initial[:, 0]
    depreciation = fiscal.straight_line_depreciation_usd(
        in_service + sustaining, scenario.fiscal.depreciation_years
    )
    ebitda = revenue - feed_cost - opex - royalty
    taxable = ebitda - depreciation
    rate = fiscal.income_tax_rate(p["fiscal.corporate_income_tax_pct"], p["fiscal.super_tax_pct"])
    tax = fiscal.income_tax_usd(taxable, rate, scenario.fiscal.loss_carry_forward_years).tax_usd
    pre_tax = ebitda - capex - sustaining - wc_change
    lines = {
        "revenue": revenue,
        "feed_cost": feed_cost,
        "opex": opex,
        "royalty": royalty,
        "ebitda": ebitda,
        "capex": capex,
        "sustaining_capex": sustaining,
        "working_capital_change": wc_change,
        "depreciation": depreciation,
        "taxable_income": taxable,
        "income_tax": tax,
        "cash_flow_pre_tax": pre_tax,
        "cash_flow": pre_tax - tax,
    }
    product = main_product(scenario, pathway)
    product_cu = flows.streams[product]["cu"] if flows.stages else zeros
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
        sold,
    )


def export_fob_usd(
    scenario: Scenario, p: Params, case: PlantCase, market: Market
) -> dict[str, np.ndarray]:
    """Export earnings by product, FOB Pakistani port (only ocean freight deducted), (N, Y).

    Feed not processed (before start-up, or beyond capacity) is exported as it is; acid is
    sold at home and is not counted.
    """
    out: dict[str, np.ndarray] = {}
    for feed, available in case.flows.feeds_available_dry_t.items():
        unprocessed = available - case.flows.feeds_processed_dry_t.get(feed, 0.0)
        out[feed] = _feed_value(scenario, p, feed, unprocessed, market, ocean=True).total_usd
    for product, value in case.sold.items():
        if product == "acid":
            continue
        freight = p["logistics.product_ocean_usd_per_t"] if product in METAL_PRODUCTS else 0.0
        mass = case.flows.mass_t(scenario, p, product)
        out[product] = value.total_usd + value.freight_usd - mass * freight
    return out
