"""Tonnages of one pathway by sample and year: the feeds it processes, its streams and the
capacity each of its stages is built for. What every step of the plant view reads."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from orevalue import flowsheet
from orevalue.economics.supply import FeedSupply
from orevalue.params import Params
from orevalue.scenario import Scenario


@dataclass
class PathwayFlows:
    """Tonnages of a pathway by sample and year, t (N, Y); capacities t/yr (N, 1)."""

    stages: list[str]
    feeds_processed_dry_t: dict[str, np.ndarray]
    feeds_available_dry_t: dict[str, np.ndarray]
    streams: dict[str, flowsheet.Stream]
    capacity_t_per_yr: dict[str, np.ndarray]  # stage -> basis t/yr at nameplate, (N, 1)
    #: the evaluation's store of what its pathways share (FeedSupply.memo), or empty
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    def mass_t(self, scenario: Scenario, p: Params, stream: str) -> np.ndarray:
        """Total mass of ``stream``, t (N, Y): a feed's dry tonnage, else from its elements."""
        if stream in self.feeds_processed_dry_t:
            return self.feeds_processed_dry_t[stream]
        return flowsheet.stream_mass_t(scenario, p, stream, self.streams[stream])

    def basis_t(self, scenario: Scenario, p: Params) -> dict[str, np.ndarray]:
        """Each stage's basis, t (N, Y): an element of a stream or a stream's mass, what its
        unit costs are quoted per."""
        return {
            st: flowsheet.basis_t(
                scenario, p, scenario.stages[st].basis, self.streams, self.feeds_processed_dry_t
            )
            for st in self.stages
        }


def pathway_flows(scenario: Scenario, p: Params, pathway: str, supply: FeedSupply) -> PathwayFlows:
    """Feeds, streams and stage capacities of ``pathway``."""
    stages = list(scenario.pathways[pathway].stages)
    consumed = flowsheet.consumed_feeds(scenario, stages)
    processed = {f: supply.processed_dry_t[f] for f in consumed}
    memo = supply.memo if p is supply.p and scenario is supply.scenario else {}
    units = flowsheet.unit_balances(scenario, p, stages, consumed, memo)  # per tonne, shared by:
    streams = flowsheet.scale(units, processed, memo)
    flowsheet.check_conservation(scenario, stages, streams)
    nameplate = {f: supply.nameplate_dry_t[f] for f in consumed}
    at_nameplate = flowsheet.scale(units, nameplate, memo)
    capacity = {
        s: flowsheet.basis_t(scenario, p, scenario.stages[s].basis, at_nameplate, nameplate)
        for s in stages
    }
    # an imported feed is bought only as far as the plant takes it, and only by a plant; ore
    # in the ground (``mined``) is there only where the pathway's stages mine it, as far as
    # they do: left in the ground it is neither exported nor traded
    bought_only = {f for f in supply.available_dry_t if supply.imported(f) or _mined(scenario, f)}
    available = {
        f: processed[f] if f in bought_only else a
        for f, a in supply.available_dry_t.items()
        if f not in bought_only or f in processed
    }
    return PathwayFlows(stages, processed, available, streams, capacity, memo)


def _mined(scenario: Scenario, feed: str) -> bool:
    """Whether ``feed`` is ore in the ground that a pathway's own stages mine (``mined``)."""
    return scenario.feeds[feed].mined
