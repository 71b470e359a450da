"""``[uncertainty.prices]`` resolved against the scenario's decks: which series follow a
mean-reverting path (with a tight/normal regime or not), which are multiples of another, and
the correlation of their yearly shocks."""

from __future__ import annotations

from typing import Any

import numpy as np

from orevalue import catalog
from orevalue.engine import element_price_path
from orevalue.params import Params
from orevalue.risk.checks import correlation_matrix
from orevalue.risk.resolved import Linked, PricePaths, Regime, Series
from orevalue.risk.schema import PRICE_SETTINGS, PriceCorrelationSpec, PricesSpec, SeriesSpec
from orevalue.risk.series import ACID_SERIES, SERIES
from orevalue.scenario import Problems, Scenario, close_match
from orevalue.scenario.fields import price_range

WHERE = "uncertainty.prices"


def resolve_prices(
    scenario: Scenario, p: Params, raw: Any, problems: Problems
) -> PricePaths | None:
    """The price paths ``raw`` (``[uncertainty.prices]``) asks for; None when it is switched
    off, simulates no series, or is not a valid table."""
    if not isinstance(raw, dict):
        problems.add(WHERE, "expected a table")
        return None
    settings = {k: v for k, v in raw.items() if k in PRICE_SETTINGS}
    spec = problems.validate(PricesSpec, settings, WHERE)
    if spec is None or not spec.enabled:
        return None
    series = _series_specs(raw, problems)
    # paths start at the first year of the deck of the focus pathway's main element (the
    # earliest year of the case's decks when no series prices that element)
    try:
        first_deck_year = min(p.deck_years(element_price_path(scenario, scenario.focus_pathway)))
    except KeyError:
        first_deck_year = min(min(p.deck_years(f"prices.{name}")) for name in scenario.prices)
    start_year = spec.start_year if spec.start_year is not None else first_deck_year
    resolved: list[Series] = []
    linked: list[Linked] = []
    for name, s in series.items():
        if s.linked_to is not None:
            if s.linked_to not in series or series[s.linked_to].linked_to is not None:
                problems.add(
                    f"{WHERE}.{name}.linked_to",
                    f"'{s.linked_to}' is not a simulated series in [uncertainty.prices]",
                )
                continue
            linked.append(Linked(name, s.linked_to, s.ratio))
            continue
        path = _simulated(scenario, p, name, s, spec, start_year, problems)
        if path is not None:
            resolved.append(path)
    names = [s.name for s in resolved]
    # series whose own table has a problem, reported already: not again in the correlation
    reported = set(raw) - set(PRICE_SETTINGS) - set(names) - {x.name for x in linked}
    corr = np.eye(len(names))
    if spec.correlation is not None:
        _correlate(spec.correlation, names, corr, problems, reported)
    if not resolved:
        return None
    return PricePaths(start_year, tuple(resolved), tuple(linked), corr)


def _series_specs(raw: dict[str, Any], problems: Problems) -> dict[str, SeriesSpec]:
    """Each series table of ``[uncertainty.prices]`` that names a known series and is valid."""
    series: dict[str, SeriesSpec] = {}
    for name, entry in raw.items():
        if name in PRICE_SETTINGS:
            continue
        if name not in SERIES:
            close = close_match(name, SERIES)
            hint = f"; did you mean '{close}'?" if close else f" (known: {', '.join(SERIES)})"
            problems.add(f"{WHERE}.{name}", f"no price series '{name}'{hint}")
            continue
        spec = problems.validate(SeriesSpec, entry, f"{WHERE}.{name}")
        if spec is not None:
            series[name] = spec
    return series


def _simulated(
    scenario: Scenario,
    p: Params,
    name: str,
    s: SeriesSpec,
    spec: PricesSpec,
    start_year: int,
    problems: Problems,
) -> Series | None:
    """The series ``name`` as a simulated path; None, with the problem added, if it cannot be."""
    if s.process == "log" and name == ACID_SERIES:
        problems.add(
            f"{WHERE}.{name}.process", 'the acid netback may be negative: use "arithmetic"'
        )
        return None
    if catalog.price_series()[name].prices == "share" and not _share_ok(name, s, problems):
        return None
    regime = None
    if s.regime is not None:
        r = s.regime
        regime = Regime(
            r.start == "tight", r.tight, r.normal, 1.0 / r.years_tight, 1.0 / r.years_normal
        )
    sigma = s.volatility_pct / 100.0 if s.process == "log" else s.volatility
    is_deck = name != ACID_SERIES
    base_path = f"prices.{name}" if is_deck else "site.acid_netback_usd_per_t"
    if s.process == "log" and is_deck and np.any(p.deck(base_path, np.array([start_year])) <= 0):
        problems.add(f"{WHERE}.{name}.process", 'the deck has values <= 0: use "arithmetic"')
        return None
    return Series(
        name,
        base_path,
        is_deck,
        s.process or "log",
        float(sigma or 0.0),
        s.half_life_years or spec.half_life_years,
        regime,
        s.tag
        or scenario.provenance.get(f"{WHERE}.{name}", {}).get("tag", "")
        or scenario.provenance.get(f"{WHERE}.{name}.volatility", {}).get("tag", ""),
    )


def _share_ok(name: str, s: SeriesSpec, problems: Problems) -> bool:
    """A share of the year (a trade rule) moves only by its regime, between levels 0 to 100 %."""
    if s.process != "arithmetic" or s.volatility:
        problems.add(
            f"{WHERE}.{name}.volatility",
            'a share of the year switches by its regime only: process = "arithmetic", '
            "volatility = 0",
        )
        return False
    low, high = price_range(name)
    for level in ("tight", "normal"):
        value = getattr(s.regime, level, high)
        if not low <= value <= high:
            problems.add(
                f"{WHERE}.{name}.regime.{level}",
                f"got {value:g}; expected {low:g} to {high:g} (% of a year)",
            )
            return False
    return True


def _correlate(
    raw: Any, names: list[str], corr: np.ndarray, problems: Problems, reported: set[str]
) -> None:
    """``[uncertainty.prices.correlation]`` written into ``corr`` (rows and columns in the
    order of ``names``, the simulated series) where it is valid; a series of ``reported``
    (its own table has a problem already said) is not named again."""
    where = f"{WHERE}.correlation"
    c = problems.validate(PriceCorrelationSpec, raw, where)
    if c is None:
        return
    for i, name in enumerate(c.series):
        if name not in names and name not in reported:
            problems.add(
                f"{where}.series.{i}",
                f"'{name}' is not a simulated series (simulated: {', '.join(names)})",
            )
    matrix, why = correlation_matrix(c.matrix, len(c.series), "series")
    if why:
        problems.add(f"{where}.matrix", why)
    elif all(n in names for n in c.series):
        index = [names.index(n) for n in c.series]
        corr[np.ix_(index, index)] = matrix
