"""Flowsheet balance: element flows through the stages a pathway builds.

Streams map element -> tonnes (arrays of any common shape, usually (N, Y)). Each stage
sums its input streams and splits every element among its outputs by the scenario's
percentages; what is left goes to the stage's ``rest`` stream, so each element is conserved by
construction, and :func:`check_conservation` verifies it after every balance.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any

import numpy as np

from orevalue import catalog
from orevalue.arrays import add_into
from orevalue.catalog import ELEMENTS
from orevalue.params import Params
from orevalue.scenario import Scenario, stage_order

Stream = MutableMapping[str, np.ndarray]


def feed_element_t(p: Params, feed: str, dry_t: np.ndarray, element: str) -> np.ndarray:
    """Tonnes of ``element`` in ``dry_t`` dry tonnes of ``feed``, from its grade in the unit of
    ``data/elements.toml`` (% or g/t)."""
    row = catalog.elements()[element]
    return dry_t * p[f"feeds.{feed}.{row.grade_field}"] / row.grade_divisor


def feed_elements(p: Params, feed: str, dry_t: np.ndarray) -> Stream:
    """Tonnes of each element in ``dry_t`` dry tonnes of ``feed``."""
    return {el: feed_element_t(p, feed, dry_t, el) for el in ELEMENTS}


def consumed_feeds(scenario: Scenario, stages: list[str]) -> list[str]:
    """Active feeds that the given stages take in."""
    wanted = {i for name in stages for i in scenario.stages[name].inputs}
    return [f for f in scenario.active_feeds() if f in wanted]


def _unit_balance(
    scenario: Scenario,
    p: Params,
    order: list[str],
    feed: str,
    unit: np.ndarray,
    memo: dict | None = None,
) -> dict[str, Stream]:
    """Element tonnes of every stream per dry tonne of ``feed``, shaped like the parameters.

    With a ``memo`` (one evaluation's, see :func:`unit_balances`) the streams after each
    leading run of stages are kept, so pathways that build the same first stages share them
    (the same arrays: what is read of them downstream is worked out once)."""
    memo = {} if memo is None else memo
    key: tuple = ("unit balance", feed)
    if key not in memo:
        memo[key] = {feed: feed_elements(p, feed, unit)}
    streams = memo[key]
    for name in order:
        key = (*key, name)
        if key not in memo:
            memo[key] = _after_stage(scenario, p, name, streams)
        streams = memo[key]
    return streams


def _after_stage(
    scenario: Scenario, p: Params, name: str, streams: dict[str, Stream]
) -> dict[str, Stream]:
    """The streams once stage ``name`` has split its inputs (a new mapping: the streams it
    adds to are copied first, the others are the same objects)."""
    stage = scenario.stages[name]
    present = [streams[i] for i in stage.inputs if i in streams]
    if not present:
        return streams
    inflow = (
        {el: sum(s[el] for s in present) for el in ELEMENTS}
        if len(present) > 1
        else {el: present[0][el] for el in ELEMENTS}
    )
    left = dict(inflow)
    streams = dict(streams)
    for out, split in stage.split.items():
        stream = streams[out] = dict(streams.get(out) or {el: 0.0 * inflow[el] for el in ELEMENTS})
        for el in split:
            moved = inflow[el] * (p[f"stages.{name}.split.{out}.{el}"] / 100.0)
            stream[el] = stream[el] + moved
            left[el] = left[el] - moved
    rest = streams[stage.rest] = dict(
        streams.get(stage.rest) or {el: 0.0 * inflow[el] for el in ELEMENTS}
    )
    for el in ELEMENTS:
        rest[el] = rest[el] + left[el]
    return streams


class ScaledStream(MutableMapping[str, np.ndarray]):
    """A stream of a balance: the tonnes of each element are the sum over feeds of the feed's
    tonnes x that element per tonne of the feed, worked out when first read (most elements of
    most streams are never read)."""

    def __init__(self, terms: list[tuple[np.ndarray, np.ndarray, Stream]]):
        self._terms = terms  # (feed tonnes, feed tonnes summed over years, stream per tonne)
        self._values: dict[str, np.ndarray] = {}
        self._removed: set[str] = set()
        self._assigned: set[str] = set()  # elements given a value, not worked out
        self._year_totals: dict[str, np.ndarray] = {}  # see year_total (pathways share streams)
        #: values worked out from the stream once (its mass by its rule: stream_mass_t)
        self.derived: dict[tuple, Any] = {}

    def __getitem__(self, key: str) -> np.ndarray:
        if key in self._values:
            return self._values[key]
        if key not in ELEMENTS or key in self._removed:
            raise KeyError(key)
        value = self._terms[0][0] * self._terms[0][2][key]
        for dry_t, _, unit in self._terms[1:]:  # (value is new here: summed into in place)
            value = add_into(value, dry_t * unit[key])
        self._values[key] = value
        return value

    def __setitem__(self, key: str, value: np.ndarray) -> None:
        self._values[key] = value
        self._year_totals.pop(key, None)
        self._assigned.add(key)
        self._removed.discard(key)

    def __delitem__(self, key: str) -> None:
        if key not in self:
            raise KeyError(key)
        self._values.pop(key, None)
        self._year_totals.pop(key, None)
        self._assigned.discard(key)
        if key in ELEMENTS:
            self._removed.add(key)

    def __iter__(self) -> Iterator[str]:
        yield from (el for el in ELEMENTS if el not in self._removed)
        yield from (k for k in self._values if k not in ELEMENTS)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return f"ScaledStream({dict(self.items())!r})"

    def year_total(self, key: str) -> np.ndarray:
        """Tonnes of ``key`` summed over the years, per sample (N,); kept, as the conservation
        check of every pathway sharing the stream reads it again."""
        if key in self._year_totals:
            return self._year_totals[key]
        if key in self._assigned or key not in ELEMENTS:
            out = _year_total(self[key])
        else:
            out = sum(
                (_year_total(total * unit[key]) for _, total, unit in self._terms),
                start=np.zeros(1),
            )
        self._year_totals[key] = out
        return out


def _year_total(flow: np.ndarray | float) -> np.ndarray:
    arr = np.asarray(flow, dtype=float)
    if arr.ndim == 2 and arr.shape[1] == 1:  # one column: its sum is itself, bit for bit
        return arr[:, 0]
    return arr.reshape(arr.shape[0], -1).sum(axis=1) if arr.ndim else arr.reshape(1)


def balance(
    scenario: Scenario, p: Params, stages: list[str], feeds_dry_t: dict[str, np.ndarray]
) -> dict[str, Stream]:
    """Element tonnes of every stream when ``stages`` treat the given feed tonnages.

    Returns all streams, feeds included; a stream consumed by a stage keeps its flow so that
    products and intermediates can be read alike. The balance is linear in the feed tonnages,
    so it is worked out per tonne of each feed on the (N, 1) parameters; each stream scales
    those by the feed tonnages when an element is read (see :class:`ScaledStream`).
    """
    return scale(unit_balances(scenario, p, stages, list(feeds_dry_t)), feeds_dry_t)


def unit_balances(
    scenario: Scenario, p: Params, stages: list[str], feeds: list[str], memo: dict | None = None
) -> dict[str, dict[str, Stream]]:
    """Per feed, the element tonnes of every stream per dry tonne of that feed, (N, 1).

    ``memo`` is one evaluation's store (one scenario, one ``p``: the feed supply's), in which
    the pathways of the evaluation share the streams of the stages they have in common and,
    through :func:`scale`, those streams at the same tonnages."""
    order = stage_order(scenario, stages)
    unit = np.ones((p.n_samples, 1))
    return {feed: _unit_balance(scenario, p, order, feed, unit, memo) for feed in feeds}


def scale(
    units: dict[str, dict[str, Stream]],
    feeds_dry_t: dict[str, np.ndarray],
    memo: dict | None = None,
) -> dict[str, Stream]:
    """The streams of :func:`unit_balances` at the given feed tonnages; with the ``memo``
    given to :func:`unit_balances`, a stream of the same unit streams at the same tonnage
    arrays is the same :class:`ScaledStream` (its elements are worked out once)."""
    terms: dict[str, list[tuple[np.ndarray, np.ndarray, Stream]]] = {}
    for feed, dry_t in feeds_dry_t.items():
        tonnes = np.asarray(dry_t, dtype=float)
        total = (
            tonnes.reshape(tonnes.shape[0], -1).sum(axis=1, keepdims=True)
            if tonnes.ndim
            else tonnes
        )
        for name, stream in units[feed].items():
            terms.setdefault(name, []).append((dry_t, total, stream))
    out: dict[str, Stream] = {}
    for name, t in terms.items():
        key = ("scaled", name, *((id(dry_t), id(unit)) for dry_t, _, unit in t))
        if memo is not None and key in memo:
            out[name] = memo[key][1]
            continue
        scaled = ScaledStream([(np.asarray(d, dtype=float), total, u) for d, total, u in t])
        if memo is not None:  # the arrays the key names kept alive with it
            memo[key] = (t, scaled)
        out[name] = scaled
    return out


def check_conservation(
    scenario: Scenario, stages: list[str], streams: dict[str, Stream], rtol: float = 1e-9
) -> None:
    """Raise AssertionError unless every element the built stages take in from feeds leaves
    them in a stream no built stage takes in (compared per sample, summed over the years)."""
    taken = {i for name in stages for i in scenario.stages[name].inputs}
    fed = [s for s in scenario.feeds if s in taken and s in streams]
    made = [s for s in streams if s not in scenario.feeds and s not in taken]

    def total(names: list[str], el: str) -> np.ndarray:
        out = np.zeros(1)
        for name in names:
            stream = streams[name]
            if isinstance(stream, ScaledStream):
                out = out + stream.year_total(el)
            else:
                out = out + _year_total(stream[el])
        return out

    for el in ELEMENTS:
        if not _allclose(total(made, el), total(fed, el), rtol, 1e-9):
            raise AssertionError(f"{el} is not conserved across the flowsheet")


def _allclose(a: np.ndarray, b: np.ndarray, rtol: float, atol: float) -> bool:
    """``np.allclose(a, b, rtol, atol)`` in a few array steps (its general form took half the
    conservation check's time in a risk run): finite values within atol + rtol |b|, infinite
    ones equal, NaN never close."""
    with np.errstate(invalid="ignore", over="ignore"):
        near = np.abs(a - b) <= atol + rtol * np.abs(b)
        near &= np.isfinite(a) & np.isfinite(b)
        near |= a == b
    return bool(near.all())


def stream_mass_t(scenario: Scenario, p: Params, name: str, stream: Stream) -> np.ndarray:
    """Mass of a stream: from one element's grade where the scenario gives one, else the sum of
    its tracked elements."""
    derived = getattr(stream, "derived", None)
    key = ("mass", name, id(p), id(scenario))
    if derived is not None and key in derived:
        return derived[key][2]
    rule = scenario.streams.get(name)
    if rule is None:
        mass = sum(stream[el] for el in ELEMENTS)
    else:
        mass = stream[rule.element] / (p[f"streams.{name}.pct"] / 100.0)
    if derived is not None:  # (p and the scenario kept alive with it: their ids stay theirs)
        derived[key] = (p, scenario, mass)
    return mass


def basis_t(
    scenario: Scenario,
    p: Params,
    basis: str,
    streams: dict[str, Stream],
    feeds_dry_t: dict[str, np.ndarray],
) -> np.ndarray:
    """Tonnes a stage is sized by: one element of a stream (``"anode.cu"``) or a stream's total
    mass (``"anode"``; a feed's dry tonnes, from ``feeds_dry_t``)."""
    stream, _, element = basis.partition(".")
    if element:
        return streams[stream][element]
    if stream in feeds_dry_t:
        return feeds_dry_t[stream]
    return stream_mass_t(scenario, p, stream, streams[stream])
