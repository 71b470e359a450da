"""Sales terms: small functions, registered by name, that value a lot of a stream or a feed.

A case's ``[terms.<name>]`` table names its function (``function = "metal_content"``) and
gives that function's parameters; a product is sold on the terms of its own name, a feed on
the terms it names. The numeric parameters are read from :class:`Params` at
``terms.<name>.<field>`` (so a risk run can sample them); the rest (which element, which price
series) from the scenario's declaration. Adding a product on existing terms is a table in the
case; a new kind of contract is one function here, registered with :func:`register`.

Functions: ``concentrate`` (payable main metal and by-products less TC/RC, by-product
refining charges and penalties, freight on wet tonnes), ``metal_content`` (anode, blister:
payable shares of contents less a refining charge per tonne), ``metal_price`` (mass x an
element price plus premium series), ``element_price`` (content of one element x its price,
less any refining charge per unit: bullion, doré), ``product_price`` (mass x a price series
of the product itself, per t of product: a compound such as an oxide) and ``netback`` (a gate
price by mass, e.g. acid).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from orevalue import catalog, kernels_terms
from orevalue.economics.pricing import Market, Value, scale_payable_pct
from orevalue.params import Params

#: Freight rates each freight class pays: (to market by sea, the site's leg to the port).
FREIGHT_PATHS = {
    "concentrate": (
        "logistics.conc_ocean_usd_per_wmt",
        "site.conc_freight_site_to_port_usd_per_wmt",
    ),
    "product": ("logistics.product_ocean_usd_per_t", "site.product_freight_site_to_port_usd_per_t"),
}


@dataclass(frozen=True)
class Lot:
    """What is sold: element tonnes, mass (dry) t, and the feed it is (for grades and moisture;
    None for a stream of the flowsheet). Arrays (N, Y) or (N, 1)."""

    elements_t: Any  # Mapping element -> tonnes
    mass_t: np.ndarray | None
    feed: str | None = None

    def grade(self, p: Params, element: str) -> np.ndarray:
        """Grade of ``element`` in its table unit (% or g/t), per sample (N, 1) for a feed."""
        if self.feed is None:
            raise ValueError("grades are known only for a feed")
        return p[f"feeds.{self.feed}.{catalog.elements()[element].grade_field}"]


TermsFunction = Callable[[Params, str, Any, Lot, Market, "np.ndarray | float"], Value]


@dataclass(frozen=True)
class Registered:
    function: TermsFunction
    needs_mass: bool  # the stream's mass is read (priced or charged by mass)


TERMS: dict[str, Registered] = {}


def register(name: str, needs_mass: bool) -> Callable[[TermsFunction], TermsFunction]:
    """Register a terms function under ``name`` (what a case's ``function = ...`` names)."""

    def add(fn: TermsFunction) -> TermsFunction:
        TERMS[name] = Registered(fn, needs_mass)
        return fn

    return add


def needs_mass(scenario: Any, terms: str) -> bool:
    return TERMS[scenario.terms[terms].function].needs_mass


def value(
    scenario: Any,
    p: Params,
    terms: str,
    lot: Lot,
    market: Market,
    freight_usd_per_t: np.ndarray | float,
) -> Value:
    """Value of ``lot`` under the case's ``terms.<terms>``, freight deducted at the rate given
    (per wet t for concentrate, per t otherwise); under a trade rule, the parts of
    :func:`sales` together."""
    return total(sales(scenario, p, terms, lot, market, freight_usd_per_t))


@dataclass(frozen=True)
class Sale:
    """The part of a lot sold on one terms: their name, whether it is exported, the share of
    the lot (1.0, or a fraction (N, Y) under a trade rule) and its value."""

    terms: str
    exported: bool
    share: np.ndarray | float
    value: Value


def sales(
    scenario: Any,
    p: Params,
    terms: str,
    lot: Lot,
    market: Market,
    freight_usd_per_t: np.ndarray | float,
) -> list[Sale]:
    """``lot`` sold on ``terms.<terms>``: one sale, or under a trade rule (``export_allowed``,
    a share a of each year, %) two: a x the lot on these terms, exported, and (1 - a) x the
    lot sold at home: on the terms ``barred_sold_as`` names (at the gate), or else on these
    at export parity (their value less the freight the lot would have paid: a home buyer of
    an exportable pays its netback, not more)."""
    spec = scenario.terms[terms]
    whole = _priced(p, terms, spec, lot, market, freight_usd_per_t)
    if spec.export_allowed is None:
        return [Sale(terms, spec.exported, 1.0, whole)]
    share = market[spec.export_allowed] / 100.0
    barred = 1.0 - share
    home, at_home = spec.barred_sold_as, whole  # on these terms: at export parity
    if home is not None:  # terms sold at home, at the gate
        at_home = _priced(p, home, scenario.terms[home], lot, market, 0.0)
    return [
        Sale(terms, True, share, whole.scaled(share)),
        Sale(home or terms, False, barred, at_home.scaled(barred)),
    ]


def total(parts: list[Sale]) -> Value:
    """The value of a lot's parts together (the one part itself where there is one)."""
    return parts[0].value if len(parts) == 1 else parts[0].value + parts[1].value


def exported(parts: list[Sale]) -> Value:
    """The value of the parts of a lot that are exported (the one part itself where one is,
    an empty value where none is)."""
    sent = [x.value for x in parts if x.exported]
    return sent[0] if len(sent) == 1 else sum(sent, start=Value())


def _priced(
    p: Params, terms: str, spec: Any, lot: Lot, market: Market, freight: np.ndarray | float
) -> Value:
    return TERMS[spec.function].function(p, f"terms.{terms}", spec, lot, market, freight)


def freight_usd_per_t(scenario: Any, p: Params, terms: str, ocean_only: bool) -> np.ndarray | float:
    """Freight a lot sold on ``terms`` pays: the sea leg, plus the site's leg to the port unless
    ``ocean_only``; 0.0 for terms without freight (sold at the gate, or carried by hand)."""
    kind = scenario.terms[terms].freight
    if kind == "none":
        return 0.0
    ocean, site = FREIGHT_PATHS[kind]
    return p[ocean] if ocean_only else p[ocean] + p[site]


# ------------------------------------------------------------------ the terms functions


@register("concentrate", needs_mass=False)
def concentrate(
    p: Params, t: str, spec: Any, lot: Lot, market: Market, freight: np.ndarray | float
) -> Value:
    """Concentrate: the main element payable = min(grade x payable %, grade - minimum
    deduction); each by-product payable from its grade scale; charges = TC x dmt + RC (in its
    series' unit, per payable main element) + each by-product's RC x payable units + penalties
    per 0.1 % above a threshold; freight on wet tonnes."""
    dry_t = lot.mass_t
    main = spec.element
    grade = lot.grade(p, main)
    payable_pct = np.minimum(
        grade * p[f"{t}.payable_pct"] / 100.0, grade - p[f"{t}.min_deduction_pct_points"]
    )
    divisor = catalog.elements()[main].grade_divisor
    pay = np.maximum(payable_pct, 0.0) / divisor  # payable main tonnes per dry t, (N, 1)
    per_dmt: np.ndarray | float = 0.0
    for el in spec.penalties:
        excess = np.maximum(_grade_pct(p, lot, el) - p[f"{t}.penalties.{el}.threshold_pct"], 0.0)
        penalty = excess / 0.1 * p[f"{t}.penalties.{el}.usd_per_dmt_per_0_1_pct"]
        per_dmt = penalty if isinstance(per_dmt, float) else per_dmt + penalty
    units, prices = [], []  # by-products: payable units per dry t (N, 1), their prices
    for el in spec.payable_scales:
        g = lot.grade(p, el)
        scale = scale_payable_pct(p, f"{t}.payable_scales.{el}", g)
        units_per_t = g * scale / 100.0 / _grade_per_price_unit(el)
        units.append(units_per_t)
        prices.append(market.element_price(el)[0])
        if el in spec.rc_usd_per_unit:
            rc = units_per_t * p[f"{t}.rc_usd_per_unit.{el}"]
            per_dmt = rc if isinstance(per_dmt, float) else per_dmt + rc
    wet_per_dry = 1.0 / (1.0 - p[f"feeds.{lot.feed}.moisture_pct"] / 100.0)
    main_price, main_factor = market.element_price(main)
    tc, rc = market[spec.tc_series], market[spec.rc_series]
    rc_factor = catalog.price_series()[spec.rc_series].usd_per_t_factor
    freight_per_dry = wet_per_dry * freight
    # the lines worked out cell by cell in one pass (kernels_terms: numpy's operations, in
    # numpy's order, so the same bits as a pass per step)
    shape = np.broadcast_shapes(
        *(np.shape(a) for a in (dry_t, pay, main_price, tc, per_dmt, rc, freight_per_dry)),
        *(np.shape(a) for a in (*units, *prices)),
    )
    elements = [main, *spec.payable_scales]
    metal = np.empty((len(elements), *shape))
    charges, freight_usd, total = np.empty(shape), np.empty(shape), np.empty(shape)
    k = len(units)
    view = functools.partial(np.broadcast_to, shape=shape)
    kernels_terms.concentrate_lines(
        view(np.asarray(dry_t, dtype=float)),
        view(pay),
        float(main_factor),
        view(main_price),
        k,
        _stacked(units, shape),
        tuple(view(x) for x in prices) if k else (view(main_price),),
        view(tc),
        view(np.asarray(per_dmt, dtype=float)),
        view(rc),
        float(rc_factor),
        view(np.asarray(freight_per_dry, dtype=float)),
        np.array([elements.index(el) for el in catalog.ELEMENTS if el in elements]),
        metal,
        charges,
        freight_usd,
        total,
    )
    value = Value(
        dict(zip(elements, metal, strict=True)), charges_usd=charges, freight_usd=freight_usd
    )
    value.__dict__["total_usd"] = total  # what Value.total_usd sums, summed in the pass
    return value


def _stacked(columns: list[np.ndarray], shape: tuple[int, ...]) -> np.ndarray:
    """Per-sample columns stacked (K, N, 1), as a view (K, *shape); one of zeros if none."""
    if not columns:
        return np.broadcast_to(0.0, (1, *shape))
    common = np.broadcast_shapes(*(np.shape(c) for c in columns))
    stacked = np.stack([np.broadcast_to(c, common) for c in columns])
    return np.broadcast_to(stacked, (len(columns), *shape))


def _out(made: np.ndarray, other: np.ndarray | float) -> np.ndarray | None:
    """``made`` (an array just made here, read by nobody else) as the ``out=`` of an operation
    with ``other`` where it has the result's shape already, else None (a new array)."""
    if np.broadcast_shapes(made.shape, np.shape(other)) == made.shape:
        return made
    return None


def _grade_per_price_unit(element: str) -> float:
    """Grade units of ``element`` per unit of its price, per tonne of feed: a g/t grade of a
    metal priced per troy oz is G_PER_OZ g/t per oz/t."""
    row = catalog.elements()[element]
    series = catalog.element_price_series(element)
    if row.unit == "g_per_t" and series.unit.endswith("/oz"):
        return catalog.G_PER_OZ
    return row.grade_divisor / series.usd_per_t_factor


def _grade_pct(p: Params, lot: Lot, element: str) -> np.ndarray:
    """Grade of ``element`` in % of dry mass (a g/t grade / 1e4)."""
    grade = lot.grade(p, element)
    divisor = catalog.elements()[element].grade_divisor
    return grade if divisor == 100.0 else grade / (divisor / 100.0)


@register("metal_content", needs_mass=True)
def metal_content(
    p: Params, t: str, spec: Any, lot: Lot, market: Market, freight: np.ndarray | float
) -> Value:
    """Anode or blister: the payable share of each element's content x its price, less a
    refining charge per tonne of metal; freight per tonne."""
    metal = {}
    for el in spec.payable_pct:
        price, usd_per_t = market.element_price(el)
        # tonnes to the price's unit (oz for a USD/oz price; x 1.0 for USD/t) and payable
        share = usd_per_t * p[f"{t}.payable_pct.{el}"] / 100.0
        usd = lot.elements_t[el] * share
        metal[el] = np.multiply(usd, price, out=_out(usd, price))
    return Value(
        metal,
        charges_usd=lot.mass_t * p[f"{t}.rc_usd_per_t"],
        freight_usd=lot.mass_t * freight,
    )


@register("metal_price", needs_mass=True)
def metal_price(
    p: Params, t: str, spec: Any, lot: Lot, market: Market, freight: np.ndarray | float
) -> Value:
    """Refined metal sold by its mass: mass x the element's price, plus the sum of the premium
    series, USD/t (a semi-finished product: its metal's premium and its own on top); freight
    per tonne."""
    price, _ = market.element_price(spec.element)
    premium: np.ndarray | float = 0.0
    made = False  # premium is an array made here (summed into and scaled in place)
    for series in spec.premiums:
        if isinstance(premium, float):
            premium = market[series]
        elif made and _out(premium, market[series]) is not None:
            np.add(premium, market[series], out=premium)
        else:
            premium, made = premium + market[series], True
    if not isinstance(premium, float):
        premium = np.multiply(lot.mass_t, premium, out=_out(premium, lot.mass_t) if made else None)
    return Value(
        {spec.element: lot.mass_t * price},
        premium_usd=premium,
        freight_usd=lot.mass_t * freight,
    )


@register("element_price", needs_mass=False)
def element_price(
    p: Params, t: str, spec: Any, lot: Lot, market: Market, freight: np.ndarray | float
) -> Value:
    """Bullion or doré: content of one element in the unit of its price series (oz for gold)
    x the payable share x the price, plus the premium series per payable unit (a discount by
    year where negative: bars before their Good Delivery listing), less a refining charge per
    payable unit (USD/oz)."""
    price, per_t = market.element_price(spec.element)
    units = lot.elements_t[spec.element] * per_t
    payable = p[f"{t}.payable_pct"]
    if (payable != 100.0).any():  # all paid (refined bullion): the content as it is
        units = units * (payable / 100.0)
    charges: np.ndarray | float = 0.0
    refining = p[f"{t}.refining_usd_per_unit"]
    if refining.any():
        charges = units * refining
    premium: np.ndarray | float = 0.0
    for series in spec.premiums:
        premium = premium + units * market[series]
    return Value({spec.element: units * price}, charges_usd=charges, premium_usd=premium)


@register("product_price", needs_mass=True)
def product_price(
    p: Params, t: str, spec: Any, lot: Lot, market: Market, freight: np.ndarray | float
) -> Value:
    """A product priced per tonne of itself (an oxide, not its element's content): mass x the
    ``price`` series, USD/t, booked as money of the element it is sold for; freight per t."""
    return Value({spec.element: lot.mass_t * market[spec.price]}, freight_usd=lot.mass_t * freight)


@register("netback", needs_mass=True)
def netback(
    p: Params, t: str, spec: Any, lot: Lot, market: Market, freight: np.ndarray | float
) -> Value:
    """A product sold at the gate: mass x the netback series (or its site value)."""
    return Value(netback_usd=lot.mass_t * market.or_fallback(p, spec.price))


def main_element(scenario: Any, product: str) -> str:
    """The element a product is sold for (its terms' ``element``)."""
    element = getattr(scenario.terms[product], "element", None)
    if element is None:
        raise ValueError(f"the terms of '{product}' name no element")
    return element
