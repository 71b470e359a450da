"""The resolved risk specification: what a risk run samples, as frozen values."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from orevalue.risk.distributions import Distribution


@dataclass(frozen=True)
class UncertainInput:
    """An input with its distribution, its value in the scenario and provenance tags."""

    path: str
    dist: Distribution
    base: float
    kind: str
    source: str = ""
    tag: str = ""  # tag of the range (the distribution's source)
    value_tag: str = ""  # tag of the scenario's own value: "E" marks an estimate
    bounds: tuple[float, float] = (-math.inf, math.inf)  # the field's limits (clip tails)


@dataclass(frozen=True)
class Regime:
    start_tight: bool
    tight: float
    normal: float
    p_leave_tight: float  # per year
    p_leave_normal: float


@dataclass(frozen=True)
class Series:
    name: str
    base_path: str  # "prices.<name>" deck, or "site.acid_netback_usd_per_t"
    is_deck: bool
    process: str  # "log" or "arithmetic"
    sigma: float  # per year: fraction of log price, or series units
    half_life_years: float
    regime: Regime | None = None
    tag: str = ""


@dataclass(frozen=True)
class Linked:
    name: str
    base: str
    ratio: float


@dataclass(frozen=True)
class PricePaths:
    start_year: int
    series: tuple[Series, ...]
    linked: tuple[Linked, ...]
    corr: np.ndarray  # shock correlations, (S, S)


@dataclass(frozen=True)
class RiskSpec:
    """Everything a risk run samples: inputs (fixed ones apart), correlation, price paths."""

    inputs: tuple[UncertainInput, ...]
    fixed: dict[str, float]
    correlated: tuple[str, ...] = ()
    rank_corr: np.ndarray | None = None
    method: str = "gaussian"
    prices: PricePaths | None = None
    notes: list[str] = field(default_factory=list)
