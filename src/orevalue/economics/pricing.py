"""Sales terms: what a stream is worth, split into the parts a margin is explained by.

Concentrate is paid for payable metal less treatment and refining charges and penalties; anode
and blister for metal content less a refining charge; cathode at the copper price plus a
premium; rod at cathode plus a conversion premium; bullion at the metal price; acid at a
site netback that may be negative. Freight is deducted at the rate the caller gives.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cached_property

import numpy as np

from orevalue.params import Params

LB_PER_T = 2204.62262185
G_PER_OZ = 31.1034768
OZ_PER_T = 1e6 / G_PER_OZ


@dataclass(frozen=True)
class Market:
    """Prices by sample and year, (N, Y): copper USD/t, gold and silver USD/oz, TC USD/dmt,
    RC US cents/lb, cathode premium USD/t; and the acid netback USD/t when it is a path (a risk
    run writes ``prices.acid_netback_usd_per_t.<year>``; otherwise the site's single value)."""

    cu_usd_per_t: np.ndarray
    au_usd_per_oz: np.ndarray
    ag_usd_per_oz: np.ndarray
    tc_usd_per_dmt: np.ndarray
    rc_usc_per_lb: np.ndarray
    cathode_premium_usd_per_t: np.ndarray
    acid_netback_usd_per_t: np.ndarray | None = None

    @classmethod
    def from_params(cls, p: Params, years: np.ndarray) -> Market:
        decks = {f.name: p.deck(f"prices.{f.name}", years) for f in fields(cls) if f.name != ACID}
        acid = p.deck(f"prices.{ACID}", years) if f"prices.{ACID}.{years[0]}" in p else None
        return cls(**decks, acid_netback_usd_per_t=acid)


ACID = "acid_netback_usd_per_t"


@dataclass(frozen=True)
class Value:
    """Money of a stream in USD, by part. ``total_usd`` = metal + premium + acid - charges -
    freight. Charges are TC, RC, refining charges and penalties."""

    cu_usd: np.ndarray | float = 0.0
    au_usd: np.ndarray | float = 0.0
    ag_usd: np.ndarray | float = 0.0
    premium_usd: np.ndarray | float = 0.0
    acid_usd: np.ndarray | float = 0.0
    charges_usd: np.ndarray | float = 0.0
    freight_usd: np.ndarray | float = 0.0

    @cached_property
    def total_usd(self) -> np.ndarray:
        parts = (self.cu_usd, self.au_usd, self.ag_usd, self.premium_usd, self.acid_usd)
        total: np.ndarray | float = 0.0
        for part in parts:  # parts left at 0.0 are skipped: no work on whole (N, Y) arrays
            total = _plus(total, part)
        for part in (self.charges_usd, self.freight_usd):
            if not _is_zero(part):
                total = total - part
        if isinstance(total, np.ndarray) and any(total is part for part in parts):
            return total.copy()  # never hand out a part itself
        return total

    def __add__(self, other: Value) -> Value:
        return Value(*(_plus(getattr(self, f), getattr(other, f)) for f in _VALUE_FIELDS))


_VALUE_FIELDS = tuple(f.name for f in fields(Value))


def _is_zero(x: np.ndarray | float) -> bool:
    return isinstance(x, float | int) and x == 0


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


def concentrate_value(
    p: Params, feed: str, dry_t: np.ndarray, market: Market, freight_usd_per_wmt: np.ndarray
) -> Value:
    """Value of ``dry_t`` of concentrate under the scenario's concentrate terms.

    Cu payable = min(grade x payable %, grade - minimum deduction); Au and Ag payable from their
    grade scales; charges = TC x dmt + RC x payable lb + Au/Ag RC x payable oz + As penalty;
    freight on wet tonnes.
    """
    t = "terms.concentrate"
    cu_pct = p[f"feeds.{feed}.cu_pct"]
    payable_cu_pct = np.minimum(
        cu_pct * p[f"{t}.cu_payable_pct"] / 100.0, cu_pct - p[f"{t}.cu_min_deduction_pct_points"]
    )
    # per-sample factors (N, 1) first, then one product with the (N, Y) tonnage each
    payable_cu_t = dry_t * (np.maximum(payable_cu_pct, 0.0) / 100.0)
    au_g = p[f"feeds.{feed}.au_g_per_t"]
    ag_g = p[f"feeds.{feed}.ag_g_per_t"]
    au_oz_per_t = au_g * scale_payable_pct(p, f"{t}.au_payable_scale", au_g) / 100.0 / G_PER_OZ
    ag_oz_per_t = ag_g * scale_payable_pct(p, f"{t}.ag_payable_scale", ag_g) / 100.0 / G_PER_OZ
    au_oz, ag_oz = dry_t * au_oz_per_t, dry_t * ag_oz_per_t
    excess_as = np.maximum(p[f"feeds.{feed}.as_pct"] - p[f"{t}.as_threshold_pct"], 0.0)
    per_dmt = (
        excess_as / 0.1 * p[f"{t}.as_penalty_usd_per_dmt_per_0_1_pct"]  # arsenic penalty
        + au_oz_per_t * p[f"{t}.au_rc_usd_per_oz"]
        + ag_oz_per_t * p[f"{t}.ag_rc_usd_per_oz"]
    )
    charges = dry_t * (market.tc_usd_per_dmt + per_dmt) + payable_cu_t * (
        market.rc_usc_per_lb * (LB_PER_T / 100.0)
    )
    wet_per_dry = 1.0 / (1.0 - p[f"feeds.{feed}.moisture_pct"] / 100.0)
    return Value(
        cu_usd=payable_cu_t * market.cu_usd_per_t,
        au_usd=au_oz * market.au_usd_per_oz,
        ag_usd=ag_oz * market.ag_usd_per_oz,
        charges_usd=charges,
        freight_usd=dry_t * (wet_per_dry * freight_usd_per_wmt),
    )


def metal_value(
    p: Params,
    terms: str,
    elements_t: dict[str, np.ndarray],
    mass_t: np.ndarray,
    market: Market,
    freight_usd_per_t: np.ndarray,
) -> Value:
    """Anode or blister: payable shares of Cu, Au, Ag content less a refining charge per t."""
    t = f"terms.{terms}"
    cu_t = elements_t["cu"] * (p[f"{t}.cu_payable_pct"] / 100.0)
    au_oz = elements_t["au"] * (OZ_PER_T * p[f"{t}.au_payable_pct"] / 100.0)
    ag_oz = elements_t["ag"] * (OZ_PER_T * p[f"{t}.ag_payable_pct"] / 100.0)
    return Value(
        cu_usd=cu_t * market.cu_usd_per_t,
        au_usd=au_oz * market.au_usd_per_oz,
        ag_usd=ag_oz * market.ag_usd_per_oz,
        charges_usd=mass_t * p[f"{t}.rc_usd_per_t"],
        freight_usd=mass_t * freight_usd_per_t,
    )


def product_value(
    p: Params,
    product: str,
    elements_t: dict[str, np.ndarray],
    mass_t: np.ndarray | None,
    market: Market,
    freight_usd_per_t: np.ndarray | float,
) -> Value:
    """Sales value of a product stream (anode, cathode, rod, gold, silver or acid); the
    products of :data:`MASS_PRICED` need the stream's mass, the others are paid by content."""
    if product == "anode":
        return metal_value(p, "anode", elements_t, mass_t, market, freight_usd_per_t)
    if product in ("cathode", "rod"):
        premium = market.cathode_premium_usd_per_t
        if product == "rod":
            premium = premium + p["terms.rod.premium_over_cathode_usd_per_t"]
        return Value(
            cu_usd=mass_t * market.cu_usd_per_t,
            premium_usd=mass_t * premium,
            freight_usd=mass_t * freight_usd_per_t,
        )
    if product == "gold":
        return Value(au_usd=elements_t["au"] * OZ_PER_T * market.au_usd_per_oz)
    if product == "silver":
        return Value(ag_usd=elements_t["ag"] * OZ_PER_T * market.ag_usd_per_oz)
    if product == "acid":
        netback = market.acid_netback_usd_per_t
        return Value(acid_usd=mass_t * (p[f"site.{ACID}"] if netback is None else netback))
    raise ValueError(f"no sales terms for product '{product}'")


METAL_PRODUCTS = ("anode", "cathode", "rod")
#: Products priced (or charged freight) by the mass of the stream.
MASS_PRICED = (*METAL_PRODUCTS, "acid")
