"""Sales and feed purchases of the plant: the one step of the plant view that knows products.

The plant sells its products under their sales terms (``terms``) and buys its feed at export
parity: the mine is paid what exporting would have paid it at the same point, net of any
export duty the feed would have paid abroad, at the related-party transfer price. The margin
is explained by its parts (:func:`margin_parts_keys`): the main metal recovered beyond the
payable share (``free_<element name>``), the other payable metals gained, the charges
retained, premiums, acid, the freight saved, the duty avoided and the transfer price
discount. Every line is USD (N samples, Y years).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orevalue import catalog
from orevalue.economics import terms
from orevalue.economics.flows import PathwayFlows
from orevalue.economics.pricing import Market, Value
from orevalue.economics.supply import FeedSupply
from orevalue.params import Params
from orevalue.scenario import Scenario

#: Parts of the margin after the first, ``free_<main element's name>`` (data/elements.toml): the
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


def main_product(scenario: Scenario, pathway: str) -> str:
    """The product a pathway declares as its main one (margins are quoted per tonne of its
    main element)."""
    return scenario.pathways[pathway].main_product


def main_element(scenario: Scenario, pathway: str) -> str:
    """The element the pathway's main product is sold for (its terms' ``element``)."""
    return terms.main_element(scenario, main_product(scenario, pathway))


def metal_name(scenario: Scenario, pathway: str | None = None) -> str:
    """Name of the element ``pathway`` (default the focus pathway) sells its main product for
    ("copper", "antimony"), from data/elements.toml."""
    return catalog.elements()[main_element(scenario, pathway or scenario.focus_pathway)].name


def margin_parts_keys(scenario: Scenario, pathway: str) -> tuple[str, ...]:
    """Names of the margin parts of ``pathway``: ``free_<element name>`` then the others."""
    return (f"free_{metal_name(scenario, pathway)}", *OTHER_MARGIN_PARTS)


@dataclass(frozen=True)
class SalesAndFeed:
    """The plant's sales and feed purchases, USD (N, Y)."""

    sold: dict[str, Value]  # by product
    sales: Value  # all of them
    bought: Value  # the feeds at export parity, with the freight the site saves
    parity: dict[str, tuple[Value, np.ndarray]]  # feed -> (value, export duty it would pay)
    export_duty_usd: np.ndarray  # the duty the feeds would have paid abroad
    arms_length_usd: np.ndarray  # the feeds at parity, net of that duty
    transfer_share: np.ndarray  # transfer price over arm's length, fraction (N, 1)
    revenue_usd: np.ndarray
    feed_cost_usd: np.ndarray
    product_main_t: np.ndarray  # the main element in the main product, t (N, Y)
    main_element: str  # the element the main product is sold for
    margin_keys: tuple[str, ...]  # names of the margin parts (free_<element name> first)


def sales_and_feed(
    scenario: Scenario,
    p: Params,
    pathway: str,
    flows: PathwayFlows,
    supply: FeedSupply,
    market: Market,
    zeros: np.ndarray,
) -> SalesAndFeed:
    """Revenue from the products ``pathway`` sells and the cost of the feed it buys;
    ``zeros`` (N, Y) gives the lines their shape."""
    sold = {
        product: _sold(scenario, p, flows, product, market)
        for product in (scenario.pathways[pathway].sells if flows.stages else [])
    }
    sales = sum(sold.values(), start=Value())
    # each feed at export parity, once: its value, and any export duty it would have paid
    parity = {f: supply.purchase(f) for f in flows.feeds_processed_dry_t}
    key = ("bought", tuple(parity))
    if key not in supply.memo:  # the same feeds, the same sum: its total worked out once
        supply.memo[key] = sum((v for v, _ in parity.values()), start=Value())
    bought = supply.memo[key]
    duty = sum((d for _, d in parity.values()), start=zeros)
    arms_length = bought.total_usd - duty
    transfer = p["fiscal.transfer_price_pct_of_arms_length"] / 100.0
    main = main_element(scenario, pathway)
    product_main = flows.streams[main_product(scenario, pathway)][main] if flows.stages else zeros
    return SalesAndFeed(
        sold,
        sales,
        bought,
        parity,
        duty,
        arms_length,
        transfer,
        _line(zeros, sales.total_usd),
        _line(zeros, arms_length * transfer),
        _line(zeros, product_main),
        main,
        margin_parts_keys(scenario, pathway),
    )


def _sold(
    scenario: Scenario, p: Params, flows: PathwayFlows, product: str, market: Market
) -> Value:
    """Value of ``product`` on its terms; pathways of one evaluation that make the same
    stream (the same array: the streams of common stages) share one valuation of it."""
    stream = flows.streams[product]
    key = ("sold", product, id(stream), id(market))
    if key not in flows.memo:
        needs = terms.needs_mass(scenario, product)
        mass = flows.mass_t(scenario, p, product) if needs else None
        freight = terms.freight_usd_per_t(scenario, p, product, ocean_only=False)
        lot = terms.Lot(stream, mass)
        parts = terms.sales(scenario, p, product, lot, market, freight)
        value = terms.total(parts)
        flows.memo[key] = (stream, market, value)
        flows.memo[("sales", id(value))] = (value, parts)  # the value by the terms sold on
    return flows.memo[key][2]


def sale_parts(flows: PathwayFlows, value: Value) -> list[terms.Sale]:
    """The parts of a product's ``value`` (from :func:`sales_and_feed`) by the terms it is
    sold on (:func:`orevalue.economics.terms.sales`)."""
    return flows.memo[("sales", id(value))][1]


def _line(zeros: np.ndarray, x: np.ndarray | float) -> np.ndarray:
    """``x`` as a line shaped like ``zeros`` (N, Y): itself where it has that shape already
    (no copy: lines are never changed in place), else broadcast."""
    if isinstance(x, np.ndarray) and x.shape == zeros.shape and x.dtype == zeros.dtype:
        return x
    return zeros + x


def margin_parts(sf: SalesAndFeed, zeros: np.ndarray) -> dict[str, np.ndarray]:
    """Revenue less feed cost by part (``sf.margin_keys``), USD (N, Y)."""
    sales, bought, main = sf.sales, sf.bought, sf.main_element
    others = [el for el in catalog.ELEMENTS if el != main]
    return {
        sf.margin_keys[0]: zeros + sales.metal(main) - bought.metal(main),
        "precious_metals": _others_gained(sales, bought, others, zeros),
        "charges_retained": zeros + bought.charges_usd - sales.charges_usd,
        "premium": zeros + sales.premium_usd,
        "acid": zeros + sales.netback_usd,
        "freight_saved": zeros + bought.freight_usd - sales.freight_usd,
        "export_duty_avoided": sf.export_duty_usd,
        "transfer_price_discount": sf.arms_length_usd * (1.0 - sf.transfer_share),
    }


def mine_sales_to_plant_usd(
    scenario: Scenario, sf: SalesAndFeed, zeros: np.ndarray
) -> dict[str, np.ndarray]:
    """The mine's sales to the plant (feeds on terms with ``mine_sales``), at the transfer
    price and at arm's length (export parity net of export duty), USD (N, Y)."""
    arms_length = sum(
        (
            v.total_usd - d
            for f, (v, d) in sf.parity.items()
            if scenario.terms[scenario.feeds[f].terms].mine_sales
        ),
        start=zeros,
    )
    return {
        "mine_sales_to_plant": arms_length * sf.transfer_share,
        "mine_sales_to_plant_arms_length": arms_length,
    }


def export_fob_usd(
    scenario: Scenario,
    p: Params,
    flows: PathwayFlows,
    supply: FeedSupply,
    sold: dict[str, Value],
) -> dict[str, np.ndarray]:
    """Export earnings by product, FOB Pakistani port (only ocean freight deducted), (N, Y).

    Feed not processed (before start-up, or beyond capacity) is exported as it is, but ore
    in the ground (a ``mined`` feed) never is; products sold at home (terms with
    ``exported = false``: acid) are not counted.
    """
    out: dict[str, np.ndarray] = {}
    for feed in flows.feeds_available_dry_t:
        if scenario.feeds[feed].mined:  # ore a stage mines: never exported as it is
            continue
        out[feed] = supply.fob_usd(feed, feed in flows.feeds_processed_dry_t)
    for product, value in sold.items():
        spec = scenario.terms[product]
        if not spec.exported:
            continue
        key = ("fob", product, id(value))  # a valuation shared by pathways: its FOB too
        if key not in flows.memo:
            parts = sale_parts(flows, value)
            sent = terms.exported(parts)  # under a trade rule, the share of each year exported
            fob = sent.total_usd + sent.freight_usd  # back to FOB: ocean freight only
            if spec.freight != "none":
                mass = flows.mass_t(scenario, p, product)
                ocean = mass * p[terms.FREIGHT_PATHS[spec.freight][0]] * parts[0].share
                owned = isinstance(fob, np.ndarray) and np.shape(fob) == np.shape(ocean)
                fob = np.subtract(fob, ocean, out=fob if owned else None)  # fob: new here
            flows.memo[key] = (value, fob)
        out[product] = flows.memo[key][1]
    return out


def reserves_usd(scenario: Scenario, flows: PathwayFlows, sold: dict[str, Value]) -> np.ndarray:
    """What the central bank pays for the products it buys for its reserves (the parts of
    them sold on terms with ``reserves``), USD (N, Y); 0.0 where none is."""
    out: np.ndarray | float = 0.0
    for value in sold.values():
        for part in sale_parts(flows, value):
            if scenario.terms[part.terms].reserves:
                out = out + part.value.total_usd
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
