"""Sales terms of the products a case sells, one model per registered terms function
(:mod:`orevalue.economics.terms`), chosen by the ``function`` key of each ``[terms.*]`` table."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from orevalue.scenario.fields import (
    Element,
    Pair,
    Pct,
    Rng,
    _Model,
)


class _SalesTerms(_Model):
    """What every sales terms table gives besides its function's parameters."""

    label: str = ""
    freight: Literal["concentrate", "product", "none"] = Field(
        description="freight class paid: per wet t of concentrate, per t of product, or none"
    )
    exported: bool = Field(
        default=True, description="sold abroad (counted in export earnings) or at home"
    )
    feed_sizing: Literal["nameplate", "available"] = Field(
        default="available",
        description="a feed bought on these terms: up to the plant's nameplate at the year's "
        "utilisation, or all that is available (ramping with utilisation)",
    )
    mine_sales: bool = Field(
        default=False,
        description="a feed on these terms is the related mine's sales (its royalties, export "
        "duty and transfer price)",
    )
    export_allowed: str | None = Field(
        default=None,
        description="a trade rule: the price series (a share, %) of each year the lot may be "
        "exported; the rest of the year it is sold at home, on the terms `barred_sold_as` "
        "names or on these terms, and is not an export",
    )
    barred_sold_as: str | None = Field(
        default=None,
        description="terms (sold at home, freight none) a lot is sold on in the part of a year "
        "its export is barred; default: these terms, at home",
    )
    import_allowed: str | None = Field(
        default=None,
        description="a trade rule for an imported feed bought on these terms: the price series "
        "(a share, %) of each year it may be imported; the rest of the year none is bought",
    )
    reserves: bool = Field(
        default=False,
        description="bought by the central bank for its reserves (counted as reserves added, "
        "not as an export)",
    )


class Penalty(_Model):
    threshold_pct: Pct = Field(description="grade above which the penalty applies, %")
    usd_per_dmt_per_0_1_pct: Rng(0, 1e4) = Field(
        description="penalty, USD per dmt per 0.1 % above the threshold"
    )


class ConcentrateTerms(_SalesTerms):
    function: Literal["concentrate"]
    element: Element = Field(description="element paid on grade less a minimum deduction")
    tc_series: str = Field(description="price series of the treatment charge, per dmt")
    rc_series: str = Field(description="price series of the refining charge, per payable unit")
    tc_per_rc: float = Field(
        gt=0,
        le=1000,
        description="TC per unit of RC when the two move together (TC/10 convention: 10)",
    )
    payable_pct: Pct = Field(description="share of the main element's content paid, %")
    min_deduction_pct_points: Pct = Field(
        description="minimum deduction, % points of the main element's grade"
    )
    payable_scales: dict[Element, Annotated[list[Pair(Rng(0, 1e6), Pct)], Field(min_length=1)]] = (
        Field(
            default_factory=dict,
            description="by-products paid: [grade in the element's unit, payable %] steps, "
            "ascending from 0",
        )
    )
    rc_usd_per_unit: dict[Element, Rng(0, 1e5)] = Field(
        default_factory=dict,
        description="refining charge of each by-product, USD per payable unit of its price "
        "series (per oz)",
    )
    penalties: dict[Element, Penalty] = Field(
        default_factory=dict, description="penalties on elements above a threshold grade"
    )


class MetalContentTerms(_SalesTerms):
    function: Literal["metal_content"]
    element: Element = Field(description="element the product is sold for")
    payable_pct: dict[Element, Pct] = Field(description="share of each element's content paid, %")
    rc_usd_per_t: Rng(-1e5, 1e5) = Field(description="refining charge, USD per t of metal")


class MetalPriceTerms(_SalesTerms):
    function: Literal["metal_price"]
    element: Element = Field(description="element whose price the product's mass is paid at")
    premiums: list[str] = Field(
        default_factory=list, description="price series of premiums paid on top, per t"
    )


class ElementPriceTerms(_SalesTerms):
    function: Literal["element_price"]
    element: Element = Field(description="element whose content is paid at its price")
    payable_pct: Pct = Field(default=100.0, description="share of the content paid, %")
    refining_usd_per_unit: Rng(0, 1e5) = Field(
        default=0.0,
        description="refining charge, USD per payable unit of the element's price (per oz)",
    )
    premiums: list[str] = Field(
        default_factory=list,
        description="price series of premiums (or discounts) paid on top, per payable unit of "
        "the element's price (per oz), by year",
    )


class ProductPriceTerms(_SalesTerms):
    function: Literal["product_price"]
    element: Element = Field(description="element the product is sold for (margins per t of it)")
    price: str = Field(description="price series of the product, per t of product")


class NetbackTerms(_SalesTerms):
    function: Literal["netback"]
    price: str = Field(description="price series of the netback, per t of product")


#: Sales terms by function (economics/terms.py registers a function of each name).
SalesTerms = Annotated[
    ConcentrateTerms
    | MetalContentTerms
    | MetalPriceTerms
    | ElementPriceTerms
    | ProductPriceTerms
    | NetbackTerms,
    Field(discriminator="function"),
]
TERMS_FUNCTIONS = (
    "concentrate",
    "metal_content",
    "metal_price",
    "element_price",
    "product_price",
    "netback",
)


#: A price deck: one value per calendar year, in the unit of its series (USD/t, USD/oz,
#: USc/lb; premiums and netbacks may be negative), within ±1e6 of that unit.
