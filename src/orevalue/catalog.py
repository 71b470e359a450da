"""Tables of the metal-neutral core: the elements tracked and the price series a case may give.

Both are data (``data/elements.toml``, ``data/price_series.toml``): a new element or series is
a row there; the feed schema, the balance, the price decks and the risk spec read them from
here. This module sits below the scenario schema and imports nothing of orevalue.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

#: Troy ounce, g (exact by definition).
G_PER_OZ = 31.1034768
OZ_PER_T = 1e6 / G_PER_OZ
LB_PER_T = 2204.62262185
#: A grade in each unit, per dry tonne: divide by this to get tonnes of element per tonne.
GRADE_DIVISOR = {"pct": 100.0, "g_per_t": 1e6}
#: Units of a price's quantity, per tonne of element: USD/oz prices a tonne as OZ_PER_T oz.
QUANTITY_PER_T = {"t": 1.0, "dmt": 1.0, "oz": OZ_PER_T, "lb": LB_PER_T}
#: Money units of a price, per USD.
MONEY_PER_USD = {"USD": 1.0, "USc": 100.0}


@dataclass(frozen=True)
class Element:
    """One element of ``data/elements.toml``."""

    key: str
    name: str  # what reports call it ("copper")
    unit: Literal["pct", "g_per_t"]  # unit of its grade in a feed
    max: float  # largest grade allowed, in that unit
    source: str = ""

    @property
    def grade_field(self) -> str:
        """The feed field holding its grade: ``cu_pct``, ``au_g_per_t``."""
        return f"{self.key}_{self.unit}"

    @property
    def grade_divisor(self) -> float:
        return GRADE_DIVISOR[self.unit]


@dataclass(frozen=True)
class PriceSeries:
    """One price series of ``data/price_series.toml``."""

    key: str
    unit: str  # "USD/t", "USD/oz", "USc/lb", "USD/dmt"
    prices: Literal["element", "charge", "premium", "netback", "product", "share"]
    description: str
    element: str | None = None  # the element priced, for prices = "element"
    fallback: str | None = None  # the parameter used where no deck or path is given

    @property
    def usd_per_t_factor(self) -> float:
        """USD per tonne of the priced quantity for one unit of the series: 1 for USD/t,
        OZ_PER_T for USD/oz, LB_PER_T / 100 for US c/lb."""
        money, _, quantity = self.unit.partition("/")
        return QUANTITY_PER_T[quantity] / MONEY_PER_USD[money]


def _table(name: str) -> dict[str, dict]:
    text = resources.files("orevalue.data").joinpath(name).read_text(encoding="utf-8")
    return tomllib.loads(text)


@cache
def elements() -> dict[str, Element]:
    """The elements tracked, by key, in the table's order."""
    out = {}
    for key, row in _table("elements.toml").items():
        unit = row["unit"]
        if unit not in GRADE_DIVISOR:
            raise ValueError(f"elements.toml: {key}: unit must be one of {list(GRADE_DIVISOR)}")
        out[key] = Element(
            key, row["name"], unit, float(row.get("max", 100.0)), row.get("source", "")
        )
    return out


@cache
def price_series() -> dict[str, PriceSeries]:
    """The price series a case may give, by key."""
    out = {}
    for key, row in _table("price_series.toml").items():
        out[key] = PriceSeries(
            key,
            row["unit"],
            row["prices"],
            row.get("description", ""),
            row.get("element"),
            row.get("fallback"),
        )
        if out[key].prices == "element" and out[key].element not in elements():
            raise ValueError(f"price_series.toml: {key}: no element '{out[key].element}'")
    return out


def element_price_series(element: str) -> PriceSeries:
    """The series that prices ``element``'s content."""
    for series in price_series().values():
        if series.prices == "element" and series.element == element:
            return series
    raise KeyError(f"no price series prices element '{element}'")


ELEMENTS: tuple[str, ...] = tuple(elements())
#: Series given by year in a case's ``[prices]`` (all but those with a site fallback).
DECK_SERIES: tuple[str, ...] = tuple(k for k, s in price_series().items() if s.fallback is None)
