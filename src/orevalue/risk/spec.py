"""The ``[uncertainty]`` table of a scenario, resolved into what a risk run samples.

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
line, field (``uncertainty.inputs.<path>.<key>``) and what is expected; pydantic's errors are
worded by the scenario's own translation (:mod:`orevalue.scenario.errors`).

The parts, one job each: :mod:`~orevalue.risk.schema` (the table's models),
:mod:`~orevalue.risk.series` (the price series), :mod:`~orevalue.risk.input_spec` and
:mod:`~orevalue.risk.price_spec` (resolving inputs and price paths),
:mod:`~orevalue.risk.checks` (bounds, matrices, what is read per sample) and
:mod:`~orevalue.risk.resolved` (the result). Their public names are importable from here.
"""

from __future__ import annotations

from pathlib import Path

from orevalue import toml_text
from orevalue.params import Params
from orevalue.risk.checks import TAIL, field_bounds, not_read_per_sample, outside_bounds
from orevalue.risk.input_spec import resolve_correlation, resolve_inputs, value_tag
from orevalue.risk.price_spec import resolve_prices
from orevalue.risk.resolved import (
    Linked,
    PricePaths,
    Regime,
    RiskSpec,
    Series,
    UncertainInput,
)
from orevalue.risk.schema import (
    DIST_KEYS,
    META,
    OPTIONAL_KEYS,
    PRICE_SETTINGS,
    CorrelationSpec,
    InputSpec,
    PriceCorrelationSpec,
    PricesSpec,
    RegimeSpec,
    SeriesSpec,
)
from orevalue.risk.series import ACID_SERIES, DECK_SERIES, SERIES
from orevalue.scenario import Problems, Scenario, case_text, close_match, is_case_file
from orevalue.scenario.xlsx import is_workbook, value_cells

__all__ = [
    "ACID_SERIES",
    "DECK_SERIES",
    "DIST_KEYS",
    "META",
    "OPTIONAL_KEYS",
    "PRICE_SETTINGS",
    "SERIES",
    "TAIL",
    "CorrelationSpec",
    "InputSpec",
    "Linked",
    "PriceCorrelationSpec",
    "PricePaths",
    "PricesSpec",
    "Regime",
    "RegimeSpec",
    "RiskSpec",
    "Series",
    "SeriesSpec",
    "UncertainInput",
    "build",
    "field_bounds",
    "outside_bounds",
    "value_tag",
]

TABLES = ("inputs", "correlation", "prices")


def build(scenario: Scenario, params: Params | None = None) -> RiskSpec:
    """Validate ``scenario.uncertainty`` against the scenario and resolve it.

    Raises :class:`ScenarioError` with every problem found.
    """
    p = params if params is not None else Params.from_scenario(scenario)
    raw = scenario.uncertainty or {}
    problems = Problems(scenario.source_file, lambda: _key_lines(scenario.source_file))
    for key in raw:
        if key not in (*TABLES, *META):
            close = close_match(key, TABLES)
            hint = f"; did you mean '{close}'?" if close else ""
            problems.add(f"uncertainty.{key}", f"unknown table{hint} (known: {', '.join(TABLES)})")
    inputs = resolve_inputs(scenario, p, raw.get("inputs", {}), problems)
    correlated: tuple[str, ...] = ()
    rank_corr = None
    method = "gaussian"
    if "correlation" in raw:
        correlated, rank_corr, method = resolve_correlation(raw["correlation"], inputs, problems)
    prices = None
    if "prices" in raw:
        prices = resolve_prices(scenario, p, raw["prices"], problems)
    if not problems.found:
        paths = [i.path for i in inputs.sampled] + list(inputs.fixed)
        for path in not_read_per_sample(scenario, p, paths):
            problems.add(
                f"uncertainty.inputs.{path}",
                "the model reads this setting once for the whole run, not per sample; "
                "it cannot be sampled (change it in the scenario instead)",
            )
    problems.raise_any()
    order = {path: i for i, path in enumerate(correlated)}
    sampled = sorted(inputs.sampled, key=lambda i: (i.path not in order, order.get(i.path, 0)))
    return RiskSpec(tuple(sampled), inputs.fixed, correlated, rank_corr, method, prices)


def _key_lines(file: str) -> dict[str, int]:
    """Line of each dotted key in the scenario file (the default case's own text for it;
    the cell of each field in an input workbook)."""
    if is_workbook(file):
        return value_cells(file)
    try:
        text = case_text(file) if is_case_file(file) else Path(file).read_text()
    except OSError:
        return {}
    return toml_text.key_lines(text)
