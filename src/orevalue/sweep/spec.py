"""``--vary`` specifications: which numeric input a sweep varies, and over which values.

A specification is ``PATH=LOW:HIGH:STEP`` (a range, both ends included), ``PATH=V1,V2,...``
(the values listed) or, for a Latin hypercube, ``PATH=LOW:HIGH`` (a continuous range).
``PATH`` is any numeric input of the scenario by its dotted path (``site.location_factor``,
a deck year such as ``prices.cu_usd_per_t.2030``) or a whole price deck by its series name
(``prices.tc_usd_per_dmt``), which is then flat at the value in every year.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from orevalue.params import Params
from orevalue.scenario import Problem, Scenario, ScenarioError, close_match

#: What a bad specification is named by in its messages.
OPTION = "--vary"
#: Most values one range may give (a typo in the step should not fill the memory).
MAX_VALUES = 100_000


@dataclass(frozen=True)
class Vary:
    """One varied input: its path, whether it is a whole deck, and its values.

    ``values`` are the grid values (a range's steps or the list given); ``low``/``high`` the
    range a Latin hypercube samples (for a list, its values are drawn by equal strata).
    """

    path: str
    deck: bool
    values: tuple[float, ...]
    low: float
    high: float
    continuous: bool  # a LOW:HIGH range (no step): only a Latin hypercube can take it
    text: str  # the specification as given

    @property
    def listed(self) -> bool:
        """Whether the values were listed one by one (drawn as categories by a hypercube)."""
        return "," in self.text.partition("=")[2]


def _problem(text: str, message: str) -> Problem:
    return Problem(OPTION, text, message)


def _numbers(text: str, spec: str) -> list[float]:
    out = []
    for part in spec.split(","):
        try:
            value = float(part)
        except ValueError:
            raise ValueError(f"'{part.strip()}' is not a number") from None
        if not math.isfinite(value):
            raise ValueError(f"'{part.strip()}' is not a finite number")
        out.append(value)
    return out


def _range(text: str, spec: str) -> tuple[tuple[float, ...], float, float, bool]:
    """(values, low, high, continuous) of ``LOW:HIGH[:STEP]``; raises ValueError."""
    parts = spec.split(":")
    if len(parts) not in (2, 3):
        raise ValueError("expected LOW:HIGH:STEP, LOW:HIGH or V1,V2,...")
    numbers = [_numbers(text, p)[0] for p in parts]
    low, high = numbers[0], numbers[1]
    if high < low:
        raise ValueError(f"the range runs upside down ({low:g} > {high:g}); give LOW:HIGH")
    if len(numbers) == 2:
        return (low, high), low, high, True
    step = numbers[2]
    if step == 0:
        raise ValueError("the step is 0; give a positive step")
    if step < 0:
        raise ValueError(f"the step {step:g} is negative; give a positive step")
    count = math.floor((high - low) / step * (1 + 1e-12)) + 1
    if count > MAX_VALUES:
        raise ValueError(f"{count:,} values; at most {MAX_VALUES:,} in one range")
    values = low + step * np.arange(count)
    return tuple(float(v) for v in values), low, high, False


def known_paths(p: Params) -> list[str]:
    """Every path a sweep can vary: the numeric inputs and the price decks' series names."""
    plain = [k for k in p if not k.startswith("uncertainty.")]
    decks = {k.rpartition(".")[0] for k in plain if p.deck_years(k.rpartition(".")[0])}
    return sorted({*plain, *decks})


def parse_one(text: str, p: Params) -> Vary:
    """One ``--vary`` specification checked against the scenario's inputs ``p``; raises
    :class:`ScenarioError` naming the option and the specification."""
    path, eq, spec = (s.strip() for s in text.partition("="))
    if not eq or not path or not spec:
        raise ScenarioError([_problem(text, "expected PATH=LOW:HIGH:STEP or PATH=V1,V2,...")])
    deck = path not in p and bool(p.deck_years(path))
    if (path not in p and not deck) or path.startswith("uncertainty."):
        close = close_match(path, known_paths(p))
        hint = f"; did you mean '{close}'?" if close else ""
        raise ScenarioError([_problem(text, f"no numeric input '{path}'{hint}")])
    try:
        if ":" in spec:
            values, low, high, continuous = _range(text, spec)
        else:
            values = tuple(_numbers(text, spec))
            low, high, continuous = min(values), max(values), False
    except ValueError as exc:
        raise ScenarioError([_problem(text, str(exc))]) from None
    return Vary(path, deck, values, low, high, continuous, text)


def parse(texts: list[str], scenario: Scenario, p: Params | None = None) -> list[Vary]:
    """Every ``--vary`` specification, checked (each path once, values the schema allows);
    raises :class:`ScenarioError` with every problem found."""
    from orevalue.risk.checks import field_bounds

    p = p if p is not None else Params.from_scenario(scenario)
    out: list[Vary] = []
    problems: list[Problem] = []
    if not texts:
        problems.append(
            _problem("", "give at least one, e.g. --vary 'site.location_factor=0.6:1:0.1'")
        )
    for text in texts:
        try:
            vary = parse_one(text, p)
        except ScenarioError as exc:
            problems += exc.problems
            continue
        if any(v.path == vary.path for v in out):
            problems.append(_problem(text, f"'{vary.path}' is varied twice"))
            continue
        years = p.deck_years(vary.path) if vary.deck else []
        bounds_path = f"{vary.path}.{years[0]}" if years else vary.path
        lo, lo_in, hi, hi_in = field_bounds(scenario, bounds_path)
        bad = [
            v
            for v in (vary.low, vary.high)
            if v < lo or v > hi or (v == lo and not lo_in) or (v == hi and not hi_in)
        ]
        if bad:
            allowed = f"{'[' if lo_in else '('}{lo:g}, {hi:g}{']' if hi_in else ')'}"
            problems.append(_problem(text, f"{bad[0]:g} is outside what it allows, {allowed}"))
            continue
        out.append(vary)
    if problems:
        raise ScenarioError(problems)
    return out
