"""The ``[uncertainty]`` table as pydantic models: distributions, correlations, price paths.

Each model checks what one table may hold on its own; what needs the scenario (does the path
exist, do the values fit its bounds) is checked when the specification is built.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from orevalue.risk.distributions import (
    Discrete,
    Distribution,
    Fixed,
    LogNormal,
    Normal,
    Pert,
    Triangular,
    Uniform,
)

#: Keys each distribution takes (besides ``dist``, ``source``, ``tag``, ``note``).
DIST_KEYS: dict[str, tuple[str, ...]] = {
    "triangular": ("low", "mode", "high"),
    "pert": ("low", "mode", "high", "shape"),
    "uniform": ("low", "high"),
    "normal": ("mean", "sd"),
    "lognormal": ("p10", "p90"),
    "discrete": ("values", "weights"),
    "fixed": ("value",),
}
#: Keys that may be left out (they default to the scenario's value, or PERT's 4).
OPTIONAL_KEYS = {"mode", "mean", "value", "shape", "weights"}
#: Keys of ``[uncertainty.prices]`` that are settings; every other key names a series.
PRICE_SETTINGS = (
    "enabled",
    "half_life_years",
    "start_year",
    "correlation",
    "source",
    "tag",
    "note",
)
META = ("source", "tag", "note")


class _Model(BaseModel):
    # ranges of real numbers only: an infinite bound or a NaN samples nothing meaningful;
    # strict as the scenario's tables: a bool is not a number, a text is not a number, "yes"
    # is not a bool (ints are still numbers where floats are expected; TOML lists are lists)
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)


class InputSpec(_Model):
    """One uncertain input: a distribution of the value at its dotted path."""

    dist: Literal["triangular", "pert", "uniform", "normal", "lognormal", "discrete", "fixed"]
    low: float | None = None
    mode: float | None = None
    high: float | None = None
    shape: float | None = Field(default=None, gt=0, description="PERT shape (4 = classic)")
    mean: float | None = None
    sd: float | None = Field(default=None, ge=0, description="standard deviation")
    p10: float | None = Field(default=None, gt=0, description="10th percentile (> 0)")
    p90: float | None = Field(default=None, gt=0, description="90th percentile (> 0)")
    values: list[float] | None = Field(default=None, min_length=1)
    weights: list[Annotated[float, Field(ge=0)]] | None = Field(default=None, min_length=1)
    value: float | None = None
    source: str = ""
    tag: str = ""
    note: str = ""

    @model_validator(mode="after")
    def _keys_fit_the_kind(self) -> InputSpec:
        wanted = DIST_KEYS[self.dist]
        given = self.model_fields_set - {"dist", *META}
        extra = sorted(given - set(wanted))
        if extra:
            raise ValueError(
                f"'{extra[0]}' does not apply to dist = \"{self.dist}\" "
                f"(it takes {', '.join(wanted)})"
            )
        missing = [k for k in wanted if k not in OPTIONAL_KEYS and getattr(self, k) is None]
        if missing:
            raise ValueError(f'dist = "{self.dist}" needs {", ".join(missing)}')
        d = self.dist
        if d in ("triangular", "pert", "uniform") and self.low > self.high:  # type: ignore[operator]
            raise ValueError(f"low ({self.low}) must not exceed high ({self.high})")
        if (
            d in ("triangular", "pert")
            and self.mode is not None
            and not (
                self.low <= self.mode <= self.high  # type: ignore[operator]
            )
        ):
            raise ValueError(f"mode ({self.mode}) must lie between low and high")
        if d == "pert" and self.low == self.high:
            raise ValueError("a PERT needs low < high")
        if d == "lognormal" and not self.p10 < self.p90:  # type: ignore[operator]
            raise ValueError(f"p10 ({self.p10}) must be below p90 ({self.p90})")
        if d == "discrete" and self.weights is not None:
            if len(self.weights) != len(self.values or []):
                raise ValueError("weights must have one entry per value")
            if sum(self.weights) <= 0:
                raise ValueError("weights must not all be zero")
        return self

    def distribution(self, base: float) -> Distribution:
        """The distribution, with ``mode``/``mean``/``value`` defaulting to ``base``."""
        d = self.dist
        if d == "triangular":
            mode = self.mode if self.mode is not None else base
            return Triangular(self.low, mode, self.high)  # type: ignore[arg-type]
        if d == "pert":
            mode = self.mode if self.mode is not None else base
            return Pert(self.low, mode, self.high, self.shape or 4.0)  # type: ignore[arg-type]
        if d == "uniform":
            return Uniform(self.low, self.high)  # type: ignore[arg-type]
        if d == "normal":
            return Normal(self.mean if self.mean is not None else base, self.sd)  # type: ignore[arg-type]
        if d == "lognormal":
            return LogNormal(self.p10, self.p90)  # type: ignore[arg-type]
        if d == "discrete":
            values = tuple(self.values or ())
            weights = tuple(self.weights) if self.weights else (1.0,) * len(values)
            return Discrete(values, weights)
        return Fixed(self.value if self.value is not None else base)


class CorrelationSpec(_Model):
    method: Literal["gaussian", "iman-conover"] = "gaussian"
    inputs: list[str] = Field(min_length=2, description="dotted paths of uncertain inputs")
    matrix: list[list[float]] = Field(description="rank correlations, one row per input")
    source: str = ""
    tag: str = ""
    note: str = ""


class RegimeSpec(_Model):
    """A two-state market (tight / normal) switching from year to year (a Markov chain)."""

    start: Literal["tight", "normal"] = Field(description="state in the start year")
    tight: float = Field(description="level in a tight year, in the series' unit")
    normal: float = Field(description="level in a normal year, in the series' unit")
    years_tight: float = Field(ge=1, description="mean length of a tight spell, years")
    years_normal: float = Field(ge=1, description="mean length of a normal spell, years")
    source: str = ""
    tag: str = ""
    note: str = ""


class SeriesSpec(_Model):
    """A price path: mean-reverting around the scenario's deck, or linked to another series."""

    process: Literal["log", "arithmetic"] | None = None
    volatility_pct: float | None = Field(
        default=None, ge=0, le=300, description="annual volatility of the log price, %"
    )
    volatility: float | None = Field(
        default=None, ge=0, description="annual volatility in the series' unit (arithmetic)"
    )
    half_life_years: float | None = Field(default=None, gt=0, description="mean reversion")
    linked_to: str | None = Field(default=None, description="series this one is a multiple of")
    ratio: float = Field(default=1.0, description="multiple of the linked series")
    regime: RegimeSpec | None = None
    source: str = ""
    tag: str = ""
    note: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> SeriesSpec:
        if self.linked_to is not None:
            extra = [
                k
                for k in ("process", "volatility_pct", "volatility", "half_life_years", "regime")
                if getattr(self, k) is not None
            ]
            if extra:
                raise ValueError(f"'{extra[0]}' does not apply to a series given by linked_to")
            return self
        if self.process is None:
            raise ValueError('needs process = "log" or "arithmetic" (or linked_to)')
        if self.process == "log":
            if self.volatility_pct is None:
                raise ValueError('process = "log" needs volatility_pct')
            if self.volatility is not None or self.regime is not None:
                key = "volatility" if self.volatility is not None else "regime"
                raise ValueError(f"'{key}' does not apply to process = \"log\"")
        else:
            if self.volatility is None:
                raise ValueError('process = "arithmetic" needs volatility (series units/year)')
            if self.volatility_pct is not None:
                raise ValueError("'volatility_pct' does not apply to process = \"arithmetic\"")
        return self


class PricesSpec(_Model):
    enabled: bool = True
    half_life_years: float = Field(default=5.0, gt=0, description="mean reversion half-life")
    start_year: int | None = Field(
        default=None, ge=1900, le=2200, description="spot year the paths start from"
    )
    correlation: dict[str, Any] | None = None
    source: str = ""
    tag: str = ""
    note: str = ""


class PriceCorrelationSpec(_Model):
    series: list[str] = Field(min_length=2)
    matrix: list[list[float]]
    source: str = ""
    tag: str = ""
    note: str = ""
