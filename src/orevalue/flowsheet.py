"""Flowsheet balance: element flows through the stages a pathway builds.

Streams are dicts element -> tonnes (arrays of any common shape, usually (N, Y)). Each stage
sums its input streams and splits every element among its outputs by the scenario's
percentages; what is left goes to the stage's ``rest`` stream, so each element is conserved by
construction, and :func:`check_conservation` verifies it after every balance.
"""

from __future__ import annotations

import numpy as np

from orevalue.params import Params
from orevalue.scenario import ELEMENTS, Scenario, stage_order

Stream = dict[str, np.ndarray]
G_PER_T = 1e6


def feed_elements(p: Params, feed: str, dry_t: np.ndarray) -> Stream:
    """Tonnes of each element in ``dry_t`` dry tonnes of ``feed`` (grades in % or g/t)."""
    out: Stream = {}
    for el in ELEMENTS:
        if el in ("au", "ag"):
            out[el] = dry_t * p[f"feeds.{feed}.{el}_g_per_t"] / G_PER_T
        else:
            out[el] = dry_t * p[f"feeds.{feed}.{el}_pct"] / 100.0
    return out


def consumed_feeds(scenario: Scenario, stages: list[str]) -> list[str]:
    """Active feeds that the given stages take in."""
    wanted = {i for name in stages for i in scenario.stages[name].inputs}
    return [f for f in scenario.active_feeds() if f in wanted]


def balance(
    scenario: Scenario, p: Params, stages: list[str], feeds_dry_t: dict[str, np.ndarray]
) -> dict[str, Stream]:
    """Element tonnes of every stream when ``stages`` treat the given feed tonnages.

    Returns all streams, feeds included; a stream consumed by a stage keeps its flow so that
    products and intermediates can be read alike.
    """
    streams: dict[str, Stream] = {f: feed_elements(p, f, t) for f, t in feeds_dry_t.items()}
    for name in stage_order(scenario, stages):
        stage = scenario.stages[name]
        present = [streams[i] for i in stage.inputs if i in streams]
        if not present:
            continue
        inflow = {el: sum(s[el] for s in present) for el in ELEMENTS}
        left = dict(inflow)
        for out, split in stage.split.items():
            stream = streams.setdefault(out, {el: 0.0 * inflow[el] for el in ELEMENTS})
            for el in split:
                moved = inflow[el] * p[f"stages.{name}.split.{out}.{el}"] / 100.0
                stream[el] = stream[el] + moved
                left[el] = left[el] - moved
        rest = streams.setdefault(stage.rest, {el: 0.0 * inflow[el] for el in ELEMENTS})
        for el in ELEMENTS:
            rest[el] = rest[el] + left[el]
    return streams


def check_conservation(
    scenario: Scenario, stages: list[str], streams: dict[str, Stream], rtol: float = 1e-9
) -> None:
    """Raise AssertionError unless every element the built stages take in from feeds leaves
    them in a stream no built stage takes in."""
    taken = {i for name in stages for i in scenario.stages[name].inputs}
    fed = [s for s in scenario.feeds if s in taken and s in streams]
    made = [s for s in streams if s not in scenario.feeds and s not in taken]
    for el in ELEMENTS:
        total_in = sum(streams[s][el] for s in fed) + 0.0
        total_out = sum(streams[s][el] for s in made) + 0.0
        if not np.allclose(total_out, total_in, rtol=rtol, atol=1e-9):
            raise AssertionError(f"{el} is not conserved across the flowsheet")


def stream_mass_t(scenario: Scenario, p: Params, name: str, stream: Stream) -> np.ndarray:
    """Mass of a stream: from one element's grade where the scenario gives one, else the sum of
    its tracked elements."""
    rule = scenario.streams.get(name)
    if rule is None:
        return sum(stream[el] for el in ELEMENTS)
    return stream[rule.element] / (p[f"streams.{name}.pct"] / 100.0)
