"""The ``[uncertainty]`` table of a scenario: pydantic models, checks and clear errors.

Shape (every table may also carry ``source`` and ``tag``, like the rest of a scenario)::

    [uncertainty.inputs."site.acid_netback_usd_per_t"]     # any numeric input, by dotted path
    dist = "triangular"                                    # triangular | pert | uniform |
    low = -10.0                                            # normal | lognormal | discrete | fixed
    mode = 40.0                                            # (mode and mean default to the
    high = 120.0                                           #  scenario's own value)

    [uncertainty.correlation]                              # rank (Spearman) correlations
    method = "gaussian"                                    # or "iman-conover"
    inputs = ["site.location_factor", "project.owner_and_infra_pct"]
    matrix = [[1.0, 0.5], [0.5, 1.0]]

    [uncertainty.prices]                                   # price paths, mean-reverting
    half_life_years = 5.0
    [uncertainty.prices.cu_usd_per_t]
    process = "log"
    volatility_pct = 22.0
    [uncertainty.prices.tc_usd_per_dmt.regime]             # tight market vs normal
    ...

Problems are raised as :class:`orevalue.scenario.ScenarioError`, one line each naming the file,
line, field (``uncertainty.inputs.<path>.<key>``) and what is expected.
"""

from __future__ import annotations

import difflib
import math
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from orevalue import toml_text
from orevalue.params import Params
from orevalue.risk import copula
from orevalue.risk.distributions import (
    Discrete,
    Distribution,
    Fixed,
    LogNormal,
    Normal,
    Pert,
    Triangular,
    Uniform,
    normal_cdf,
)
from orevalue.scenario import Problem, Scenario, ScenarioError, default_text, split_provenance

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
#: Price series with a deck in ``[prices]``, plus the acid netback (a site value made a path).
DECK_SERIES = (
    "cu_usd_per_t",
    "au_usd_per_oz",
    "ag_usd_per_oz",
    "tc_usd_per_dmt",
    "rc_usc_per_lb",
    "cathode_premium_usd_per_t",
)
ACID_SERIES = "acid_netback_usd_per_t"
SERIES = (*DECK_SERIES, ACID_SERIES)
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
    model_config = ConfigDict(extra="forbid", frozen=True)


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


# ------------------------------------------------------------------ resolved specification


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


# ------------------------------------------------------------------ building and checking


def build(scenario: Scenario, params: Params | None = None) -> RiskSpec:
    """Validate ``scenario.uncertainty`` against the scenario and resolve it.

    Raises :class:`ScenarioError` with every problem found.
    """
    p = params if params is not None else Params.from_scenario(scenario)
    raw = scenario.uncertainty or {}
    file = scenario.source_file
    lines = _key_lines(file)
    problems: list[Problem] = []

    def problem(path: str, message: str) -> None:
        problems.append(Problem(file, path, message, toml_text.find_line(lines, path)))

    for key in raw:
        if key not in ("inputs", "correlation", "prices", *META):
            close = difflib.get_close_matches(key, ["inputs", "correlation", "prices"], n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problem(
                f"uncertainty.{key}", f"unknown table{hint} (known: inputs, correlation, prices)"
            )

    known = sorted(k for k in p if not k.startswith("uncertainty."))
    inputs: list[UncertainInput] = []
    fixed: dict[str, float] = {}
    invalid: set[str] = set()  # inputs with a problem reported already
    raw_inputs = raw.get("inputs", {})
    if not isinstance(raw_inputs, dict):
        problem("uncertainty.inputs", "expected a table of inputs by dotted path")
        raw_inputs = {}
    default_inputs = _default_inputs() if file != "balochistan-copper.toml" else {}
    for path, entry in raw_inputs.items():
        where = f"uncertainty.inputs.{path}"
        if path not in p or path.startswith("uncertainty."):
            close = difflib.get_close_matches(path, known, n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problem(where, f"no numeric input '{path}'{hint}")
            invalid.add(path)
            continue
        if not isinstance(entry, dict):
            problem(where, 'expected a table such as { dist = "triangular", low = 1, high = 2 }')
            invalid.add(path)
            continue
        entry = _drop_inherited(entry, default_inputs.get(path))
        try:
            spec = InputSpec.model_validate(entry)
        except ValidationError as exc:
            for err in exc.errors():
                problem(_err_path(where, err), _err_message(err))
            invalid.add(path)
            continue
        base = float(p[path][0, 0])
        dist = spec.distribution(base)
        if isinstance(dist, Triangular | Pert) and not dist.low <= dist.mode <= dist.high:
            problem(
                where,
                f"the scenario's value {base:g} lies outside low..high "
                f"({dist.low:g}..{dist.high:g}); give mode",
            )
            invalid.add(path)
            continue
        bound_problem = _outside_bounds(scenario, path, dist)
        if bound_problem:
            problem(where, bound_problem)
            invalid.add(path)
            continue
        if dist.is_fixed:
            fixed[path] = dist.mean
        else:
            tag = value_tag(scenario, path)
            low, _, high, _ = _field_bounds(scenario, path)
            meta = scenario.provenance.get(where, {})
            source = spec.source or meta.get("source", "")
            range_tag = spec.tag or meta.get("tag", "")
            inputs.append(
                UncertainInput(path, dist, base, spec.dist, source, range_tag, tag, (low, high))
            )

    correlated: tuple[str, ...] = ()
    rank_corr = None
    method = "gaussian"
    if "correlation" in raw:
        try:
            corr = CorrelationSpec.model_validate(raw["correlation"])
        except ValidationError as exc:
            for err in exc.errors():
                problem(_err_path("uncertainty.correlation", err), _err_message(err))
        else:
            uncertain = {i.path for i in inputs}
            for i, name in enumerate(corr.inputs):
                if name not in uncertain and name not in invalid:
                    why = (
                        "is fixed"
                        if name in fixed
                        else "has no distribution in [uncertainty.inputs]"
                    )
                    problem(f"uncertainty.correlation.inputs.{i}", f"'{name}' {why}")
            if len(set(corr.inputs)) != len(corr.inputs):
                problem("uncertainty.correlation.inputs", "an input is listed twice")
            matrix = np.asarray(corr.matrix, dtype=float) if _rectangular(corr.matrix) else None
            why = (
                "must be a list of equal-length rows"
                if matrix is None
                else copula.check_correlation(matrix)
            )
            if why is None and matrix is not None and matrix.shape[0] != len(corr.inputs):
                why = f"has {matrix.shape[0]} rows for {len(corr.inputs)} inputs"
            if why:
                problem("uncertainty.correlation.matrix", why)
            correlated, rank_corr, method = tuple(corr.inputs), matrix, corr.method

    prices = None
    if "prices" in raw:
        prices = _prices(scenario, p, raw["prices"], problem)

    if not problems:
        unread = _not_read_per_sample(scenario, p, [i.path for i in inputs] + list(fixed))
        for path in unread:
            problem(
                f"uncertainty.inputs.{path}",
                "the model reads this setting once for the whole run, not per sample; "
                "it cannot be sampled (change it in the scenario instead)",
            )
    if problems:
        raise ScenarioError(problems)
    order = {path: i for i, path in enumerate(correlated)}
    inputs.sort(key=lambda i: (i.path not in order, order.get(i.path, 0)))
    return RiskSpec(tuple(inputs), fixed, correlated, rank_corr, method, prices)


def _prices(scenario: Scenario, p: Params, raw: Any, problem: Any) -> PricePaths | None:
    where = "uncertainty.prices"
    if not isinstance(raw, dict):
        problem(where, "expected a table")
        return None
    settings = {k: v for k, v in raw.items() if k in PRICE_SETTINGS}
    try:
        spec = PricesSpec.model_validate(settings)
    except ValidationError as exc:
        for err in exc.errors():
            problem(_err_path(where, err), _err_message(err))
        return None
    if not spec.enabled:
        return None
    series: dict[str, SeriesSpec] = {}
    for name, entry in raw.items():
        if name in PRICE_SETTINGS:
            continue
        if name not in SERIES:
            close = difflib.get_close_matches(name, SERIES, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f" (known: {', '.join(SERIES)})"
            problem(f"{where}.{name}", f"no price series '{name}'{hint}")
            continue
        try:
            series[name] = SeriesSpec.model_validate(entry)
        except ValidationError as exc:
            for err in exc.errors():
                problem(_err_path(f"{where}.{name}", err), _err_message(err))
    first_deck_year = min(p.deck_years("prices.cu_usd_per_t"))
    start_year = spec.start_year if spec.start_year is not None else first_deck_year
    resolved: list[Series] = []
    linked: list[Linked] = []
    for name, s in series.items():
        if s.linked_to is not None:
            if s.linked_to not in series or series[s.linked_to].linked_to is not None:
                problem(
                    f"{where}.{name}.linked_to",
                    f"'{s.linked_to}' is not a simulated series in [uncertainty.prices]",
                )
                continue
            linked.append(Linked(name, s.linked_to, s.ratio))
            continue
        if s.process == "log" and name == ACID_SERIES:
            problem(f"{where}.{name}.process", 'the acid netback may be negative: use "arithmetic"')
            continue
        regime = None
        if s.regime is not None:
            r = s.regime
            regime = Regime(
                r.start == "tight", r.tight, r.normal, 1.0 / r.years_tight, 1.0 / r.years_normal
            )
        sigma = s.volatility_pct / 100.0 if s.process == "log" else s.volatility
        is_deck = name != ACID_SERIES
        base_path = f"prices.{name}" if is_deck else "site.acid_netback_usd_per_t"
        if (
            s.process == "log"
            and is_deck
            and np.any(p.deck(base_path, np.array([start_year])) <= 0)
        ):
            problem(f"{where}.{name}.process", 'the deck has values <= 0: use "arithmetic"')
            continue
        resolved.append(
            Series(
                name,
                base_path,
                is_deck,
                s.process or "log",
                float(sigma or 0.0),
                s.half_life_years or spec.half_life_years,
                regime,
                s.tag
                or scenario.provenance.get(f"{where}.{name}", {}).get("tag", "")
                or scenario.provenance.get(f"{where}.{name}.volatility", {}).get("tag", ""),
            )
        )
    names = [s.name for s in resolved]
    corr = np.eye(len(names))
    if spec.correlation is not None:
        try:
            c = PriceCorrelationSpec.model_validate(spec.correlation)
        except ValidationError as exc:
            for err in exc.errors():
                problem(_err_path(f"{where}.correlation", err), _err_message(err))
        else:
            for i, name in enumerate(c.series):
                if name not in names:
                    problem(
                        f"{where}.correlation.series.{i}",
                        f"'{name}' is not a simulated series (simulated: {', '.join(names)})",
                    )
            matrix = np.asarray(c.matrix, dtype=float) if _rectangular(c.matrix) else None
            why = (
                "must be a list of equal-length rows"
                if matrix is None
                else copula.check_correlation(matrix)
            )
            if why is None and matrix is not None and matrix.shape[0] != len(c.series):
                why = f"has {matrix.shape[0]} rows for {len(c.series)} series"
            if why:
                problem(f"{where}.correlation.matrix", why)
            elif all(n in names for n in c.series):
                index = [names.index(n) for n in c.series]
                corr[np.ix_(index, index)] = matrix
    if not resolved:
        return None
    return PricePaths(start_year, tuple(resolved), tuple(linked), corr)


# ------------------------------------------------------------------ helpers


def _key_lines(file: str) -> dict[str, int]:
    try:
        text = default_text() if file == "balochistan-copper.toml" else Path(file).read_text()
    except OSError:
        return {}
    return toml_text.key_lines(text)


def _default_inputs() -> dict[str, Any]:
    import tomllib

    values, _ = split_provenance(tomllib.loads(default_text()))
    return values.get("uncertainty", {}).get("inputs", {})


def _drop_inherited(entry: dict[str, Any], default: dict[str, Any] | None) -> dict[str, Any]:
    """A user file that changes an input's ``dist`` is merged key by key onto the default case:
    keys it inherited from the default's other kind of distribution are dropped."""
    if not default or entry.get("dist") == default.get("dist"):
        return entry
    wanted = set(DIST_KEYS.get(str(entry.get("dist")), ())) | {"dist", *META}
    return {k: v for k, v in entry.items() if k in wanted or k not in default or default[k] != v}


def _rectangular(matrix: list[list[float]]) -> bool:
    return bool(matrix) and all(len(row) == len(matrix[0]) for row in matrix)


def _err_path(prefix: str, err: Any) -> str:
    loc = [str(x) for x in err["loc"]]
    return ".".join([prefix, *loc])


def _err_message(err: Any) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "literal_error":
        return f"got {err['input']!r}; expected one of {err['ctx']['expected']}"
    if kind == "missing":
        return "required key is missing"
    message = str(err["msg"]).removeprefix("Value error, ")
    if kind == "value_error":
        return message
    return f"got {err['input']!r}; {message[0].lower() + message[1:]}"


def _field_bounds(scenario: Scenario, path: str) -> tuple[float, bool, float, bool]:
    """(low, low inclusive, high, high inclusive) that the schema allows at ``path``."""
    tp: Any = type(scenario)
    metadata: list[Any] = []
    for part in path.split("."):
        while typing.get_origin(tp) is Annotated:
            tp = typing.get_args(tp)[0]
        origin = typing.get_origin(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            info = tp.model_fields.get(part)
            if info is None:
                return (-math.inf, True, math.inf, True)
            tp, metadata = info.annotation, list(info.metadata)
        elif origin is dict:
            tp, metadata = typing.get_args(tp)[1], []
        elif origin in (list, tuple):
            args = typing.get_args(tp)
            tp = args[int(part)] if origin is tuple and len(args) > int(part) else args[0]
            metadata = []
        else:
            return (-math.inf, True, math.inf, True)
    while typing.get_origin(tp) is Annotated:
        args = typing.get_args(tp)
        tp = args[0]
        for extra in args[1:]:
            metadata.extend(getattr(extra, "metadata", [extra]))
    low, low_in, high, high_in = -math.inf, True, math.inf, True
    for m in metadata:
        if getattr(m, "ge", None) is not None:
            low, low_in = float(m.ge), True
        if getattr(m, "gt", None) is not None:
            low, low_in = float(m.gt), False
        if getattr(m, "le", None) is not None:
            high, high_in = float(m.le), True
        if getattr(m, "lt", None) is not None:
            high, high_in = float(m.lt), False
    return low, low_in, high, high_in


#: Probability mass an unbounded distribution may put outside its field's bounds (clipped).
TAIL = 1e-6


def _outside_bounds(scenario: Scenario, path: str, dist: Distribution) -> str | None:
    low, low_in, high, high_in = _field_bounds(scenario, path)
    allowed = _range(low, low_in, high, high_in)
    if not allowed:
        return None
    if isinstance(dist, Normal | LogNormal):  # unbounded: the tails beyond must be negligible
        if isinstance(dist, Normal):
            z_low = (low - dist.mean_value) / dist.sd if dist.sd else -math.inf
            z_high = (high - dist.mean_value) / dist.sd if dist.sd else math.inf
        else:
            z_low = (math.log(low) - dist.mu) / dist.sigma if low > 0 else -math.inf
            z_high = (math.log(high) - dist.mu) / dist.sigma if high < math.inf else math.inf
        tail = float(normal_cdf(np.array(z_low)) + 1.0 - normal_cdf(np.array(z_high)))
        if tail > TAIL:
            return (
                f"this distribution puts {tail:.2g} of its probability outside what {path} "
                f"allows ({allowed}); narrow it or use triangular, pert or uniform"
            )
        return None
    lo, hi = (float(v) for v in dist.ppf(np.array([0.0, 1.0])))
    too_low = lo < low or (lo == low and not low_in)
    too_high = hi > high or (hi == high and not high_in)
    if too_low or too_high:
        return f"values from {lo:g} to {hi:g} fall outside what {path} allows ({allowed})"
    return None


def _range(low: float, low_in: bool, high: float, high_in: bool) -> str:
    parts = []
    if low > -math.inf:
        parts.append(f"{'>=' if low_in else '>'} {low:g}")
    if high < math.inf:
        parts.append(f"{'<=' if high_in else '<'} {high:g}")
    return " and ".join(parts)


class _TrackingParams(Params):
    """Params that record which paths the model reads (to find settings read only from the
    scenario object, which sampling cannot change)."""

    def __init__(self, values: Any, n_samples: int = 1):
        super().__init__(values, n_samples)
        self.read: set[str] = set()

    def __getitem__(self, path: str) -> np.ndarray:
        self.read.add(path)
        return super().__getitem__(path)

    def get(self, path: str, default: float = 0.0) -> np.ndarray:  # type: ignore[override]
        self.read.add(path)
        return super().get(path, default)

    def vector(self, path: str) -> np.ndarray:
        self.read.update(k for k in self._values if k.startswith(path + "."))
        return super().vector(path)

    def deck(self, path: str, years: np.ndarray) -> np.ndarray:
        self.read.update(k for k in self._values if k.startswith(path + "."))
        return super().deck(path, years)


def _not_read_per_sample(scenario: Scenario, p: Params, paths: list[str]) -> list[str]:
    """Paths among ``paths`` the model never reads from the parameters."""
    if not paths:
        return []
    from orevalue.engine import evaluate

    tracking = _TrackingParams({k: p[k] for k in p}, 1)
    evaluate(scenario, tracking, breakeven=False, detail=False)
    return [path for path in paths if path not in tracking.read]


def value_tag(scenario: Scenario, path: str) -> str:
    """Provenance tag of the scenario's value at ``path`` (or of the list or table holding it)."""
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        prov = scenario.provenance.get(".".join(parts[:cut]))
        if prov is not None:
            return prov.get("tag", "")
    return ""
