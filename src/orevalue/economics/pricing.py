"""Money of a stream: the prices of a sample and year (:class:`Market`) and what a stream is
worth, split into the parts a margin is explained by (:class:`Value`).

The sales terms that turn tonnes into a :class:`Value` are small named functions in
:mod:`orevalue.economics.terms`, which a case's products and feeds pick by name.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from orevalue.catalog import (
    ELEMENTS,
    G_PER_OZ,
    LB_PER_T,
    OZ_PER_T,
    element_price_series,
    price_series,
)
from orevalue.params import Params

__all__ = ["G_PER_OZ", "LB_PER_T", "OZ_PER_T", "Market", "Value", "scale_payable_pct"]


class Market(Mapping[str, np.ndarray]):
    """Prices by sample and year, (N, Y), by series of ``data/price_series.toml``: each series
    the parameters give a deck for (a risk run writes ``prices.<series>.<year>`` for every
    year). A series with a site fallback (the acid netback) is present only as a path."""

    def __init__(self, series: Mapping[str, np.ndarray]):
        known = price_series()
        for name in series:
            if name not in known:
                raise KeyError(f"no price series '{name}'")
        self._series = dict(series)

    @classmethod
    def from_params(cls, p: Params, years: np.ndarray) -> Market:
        return cls(
            {
                name: p.deck(f"prices.{name}", years)
                for name in price_series()
                if p.deck_years(f"prices.{name}")
            }
        )

    def __getitem__(self, name: str) -> np.ndarray:
        return self._series[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._series)

    def __len__(self) -> int:
        return len(self._series)

    def element_price(self, element: str) -> tuple[np.ndarray, float]:
        """The price of ``element``'s content (N, Y) in its series' unit, and USD per tonne of
        element for one unit of that series (OZ_PER_T for USD/oz)."""
        series = element_price_series(element)
        return self._series[series.key], series.usd_per_t_factor

    def or_fallback(self, p: Params, name: str) -> np.ndarray:
        """Series ``name``, or its site fallback parameter (N, 1) where no path is given."""
        if name in self._series:
            return self._series[name]
        fallback = price_series()[name].fallback
        if fallback is None:
            raise KeyError(f"no deck for price series '{name}'")
        return p[fallback]


@dataclass(frozen=True)
class Value:
    """Money of a stream in USD, by part. ``total_usd`` = metal (by element) + premium +
    netback - charges - freight. Charges are TC, RC, refining charges and penalties."""

    metal_usd: dict[str, np.ndarray | float] = field(default_factory=dict)
    premium_usd: np.ndarray | float = 0.0
    netback_usd: np.ndarray | float = 0.0
    charges_usd: np.ndarray | float = 0.0
    freight_usd: np.ndarray | float = 0.0

    def metal(self, element: str) -> np.ndarray | float:
        """USD of ``element``'s payable content (0.0 where none)."""
        return self.metal_usd.get(element, 0.0)

    @cached_property
    def total_usd(self) -> np.ndarray:
        metal = [self.metal_usd[el] for el in ELEMENTS if el in self.metal_usd]
        parts = (*metal, self.premium_usd, self.netback_usd)
        total: np.ndarray | float = 0.0
        owned = False  # whether ``total`` is an array made here (then summed into in place)
        for part in parts:  # parts left at 0.0 are skipped: no work on whole (N, Y) arrays
            if owned and _fits(total, part):
                np.add(total, part, out=total)
            else:
                new = _plus(total, part)
                owned = owned or (new is not total and new is not part)
                total = new
        for part in (self.charges_usd, self.freight_usd):
            if _is_zero(part):
                continue
            if owned and _fits(total, part):
                np.subtract(total, part, out=total)
            else:
                total, owned = total - part, True
        if isinstance(total, np.ndarray) and not owned:
            return total.copy()  # never hand out a part itself
        return total

    def scaled(self, share: np.ndarray | float) -> Value:
        """Every part times ``share`` (a fraction of the lot, (N, Y) or a number)."""
        return Value(
            {el: _times(usd, share) for el, usd in self.metal_usd.items()},
            *(_times(getattr(self, f), share) for f in _MONEY_FIELDS),
        )

    def __add__(self, other: Value) -> Value:
        metal = dict(self.metal_usd)
        for el, usd in other.metal_usd.items():
            metal[el] = _plus(metal.get(el, 0.0), usd)
        return Value(
            metal,
            *(_plus(getattr(self, f), getattr(other, f)) for f in _MONEY_FIELDS),
        )


_MONEY_FIELDS = ("premium_usd", "netback_usd", "charges_usd", "freight_usd")


def _is_zero(x: np.ndarray | float) -> bool:
    return isinstance(x, float | int) and x == 0


def _fits(total: np.ndarray | float, part: np.ndarray | float) -> bool:
    """Whether ``total op part`` can be written into ``total``: a float array already of the
    result's shape (the same operation on the same numbers, so the same bits, no new array)."""
    return (
        isinstance(total, np.ndarray)
        and total.dtype == np.float64
        and np.broadcast_shapes(total.shape, np.shape(part)) == total.shape
    )


def _times(a: np.ndarray | float, b: np.ndarray | float) -> np.ndarray | float:
    """a x b, the scalar 0 kept as it is (a part not there stays not there)."""
    return a if _is_zero(a) else a * b


def _plus(a: np.ndarray | float, b: np.ndarray | float) -> np.ndarray | float:
    """a + b, returning the other operand itself where one is the scalar 0."""
    if _is_zero(b):
        return a
    if _is_zero(a):
        return b
    return a + b


def scale_payable_pct(p: Params, path: str, grade_g_per_t: np.ndarray) -> np.ndarray:
    """Payable % from a ``[[grade, pct], ...]`` step scale: the step at or below the grade."""
    steps = []
    while f"{path}.{len(steps)}.0" in p:
        steps.append(len(steps))
    grades = np.concatenate([p[f"{path}.{i}.0"] for i in steps], axis=1)  # (N, K)
    pcts = np.concatenate([p[f"{path}.{i}.1"] for i in steps], axis=1)
    index = (np.asarray(grade_g_per_t)[..., None] >= grades[:, None, :]).sum(axis=-1) - 1
    return np.take_along_axis(pcts, np.clip(index, 0, None), axis=1) * (index >= 0)
