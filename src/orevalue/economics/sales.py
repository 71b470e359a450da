"""Sales and feed purchases of the plant: the one step of the plant view that knows products.

The plant sells its products under their sales terms (``pricing``) and buys its feed at export
parity: the mine is paid what exporting would have paid it at the same point, net of any
export duty the feed would have paid abroad, at the related-party transfer price. The margin
is explained by its parts (:data:`MARGIN_PARTS`): the metal recovered beyond the payable
share, the charges retained, premiums, acid, the freight saved, the duty avoided and the
transfer price discount. Every line is USD (N samples, Y years).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orevalue.economics.flows import PathwayFlows
from orevalue.economics.pricing import MASS_PRICED, METAL_PRODUCTS, Market, Value, product_value
from orevalue.economics.supply import FeedSupply
from orevalue.params import Params
from orevalue.scenario import Scenario

MARGIN_PARTS = (
    "free_copper",
    "precious_metals",
    "charges_retained",
    "premium",
    "acid",
    "freight_saved",
    "export_duty_avoided",
    "transfer_price_discount",
)


def main_product(scenario: Scenario, pathway: str) -> str:
    """The copper product a pathway sells (margins are quoted per tonne of its copper)."""
    for product in scenario.pathways[pathway].sells:
        if product in (*METAL_PRODUCTS, "concentrate"):
            return product
    return scenario.pathways[pathway].sells[0]


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
    product_cu_t: np.ndarray  # copper in the main product, t (N, Y)


def _sale_freight(p: Params, product: str) -> np.ndarray | float:
    if product in METAL_PRODUCTS:
        return (
            p["site.product_freight_site_to_port_usd_per_t"]
            + p["logistics.product_ocean_usd_per_t"]
        )
    return 0.0


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
    sold: dict[str, Value] = {}
    for product in scenario.pathways[pathway].sells if flows.stages else []:
        elements = flows.streams[product]
        mass = flows.mass_t(scenario, p, product) if product in MASS_PRICED else None
        sold[product] = product_value(p, product, elements, mass, market, _sale_freight(p, product))
    sales = sum(sold.values(), start=Value())
    # each feed at export parity, once: its value, and any export duty it would have paid
    parity = {f: supply.purchase(f) for f in flows.feeds_processed_dry_t}
    bought = sum((v for v, _ in parity.values()), start=Value())
    duty = sum((d for _, d in parity.values()), start=zeros)
    arms_length = bought.total_usd - duty
    transfer = p["fiscal.transfer_price_pct_of_arms_length"] / 100.0
    product_cu = flows.streams[main_product(scenario, pathway)]["cu"] if flows.stages else zeros
    return SalesAndFeed(
        sold,
        sales,
        bought,
        parity,
        duty,
        arms_length,
        transfer,
        zeros + sales.total_usd,
        zeros + arms_length * transfer,
        zeros + product_cu,
    )


def margin_parts(sf: SalesAndFeed, zeros: np.ndarray) -> dict[str, np.ndarray]:
    """Revenue less feed cost by part (:data:`MARGIN_PARTS`), USD (N, Y)."""
    sales, bought = sf.sales, sf.bought
    return {
        "free_copper": zeros + sales.cu_usd - bought.cu_usd,
        "precious_metals": zeros + sales.au_usd + sales.ag_usd - bought.au_usd - bought.ag_usd,
        "charges_retained": zeros + bought.charges_usd - sales.charges_usd,
        "premium": zeros + sales.premium_usd,
        "acid": zeros + sales.acid_usd,
        "freight_saved": zeros + bought.freight_usd - sales.freight_usd,
        "export_duty_avoided": sf.export_duty_usd,
        "transfer_price_discount": sf.arms_length_usd * (1.0 - sf.transfer_share),
    }


def mine_sales_to_plant_usd(
    scenario: Scenario, sf: SalesAndFeed, zeros: np.ndarray
) -> dict[str, np.ndarray]:
    """The mine's concentrate sold to the plant, at the transfer price and at arm's length
    (export parity net of export duty), USD (N, Y)."""
    arms_length = sum(
        (
            v.total_usd - d
            for f, (v, d) in sf.parity.items()
            if scenario.feeds[f].terms == "concentrate"
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

    Feed not processed (before start-up, or beyond capacity) is exported as it is; acid is
    sold at home and is not counted.
    """
    out: dict[str, np.ndarray] = {}
    for feed in flows.feeds_available_dry_t:
        out[feed] = supply.fob_usd(feed, feed in flows.feeds_processed_dry_t)
    for product, value in sold.items():
        if product == "acid":
            continue
        out[product] = value.total_usd + value.freight_usd  # back to FOB: ocean freight only
        if product in METAL_PRODUCTS:
            mass = flows.mass_t(scenario, p, product)
            out[product] = out[product] - mass * p["logistics.product_ocean_usd_per_t"]
    return out
