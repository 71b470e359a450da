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
    #: feeds in two lots (a captive-feed contract), FeedSupply.lots
    lots: dict = field(default_factory=dict, repr=False, compare=False)

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
    lot_units, lot_t, lot_nameplate = _lots(scenario, p, stages, consumed, supply, memo, units)
    streams = flowsheet.scale(lot_units, lot_t, memo)
    flowsheet.check_conservation(scenario, stages, streams)
    nameplate = {f: supply.nameplate_dry_t[f] for f in consumed}
    at_nameplate = flowsheet.scale(lot_units, lot_nameplate, memo)
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
    lots = {f: supply.lots[f] for f in supply.lots if f in available}
    return PathwayFlows(stages, processed, available, streams, capacity, memo, lots)


def _lots(
    scenario: Scenario,
    p: Params,
    stages: list[str],
    consumed: list[str],
    supply: FeedSupply,
    memo: dict,
    units: dict[str, dict[str, flowsheet.Stream]],
) -> tuple[dict, dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Unit balances, processed tonnes and nameplates by lot: one lot per feed, two for a
    feed split by a captive-feed contract (the mine's lot on a unit balance at the mine's
    grades, its own memo); a lot with no tonnes processed is left out."""
    out_units: dict[str, dict[str, flowsheet.Stream]] = {}
    out_t: dict[str, np.ndarray] = {}
    out_nameplate: dict[str, np.ndarray] = {}
    for feed in consumed:
        if feed not in supply.lots:
            out_units[feed] = units[feed]
            out_t[feed] = supply.processed_dry_t[feed]
            out_nameplate[feed] = supply.nameplate_dry_t[feed]
            continue
        mine_lot, own_lot = supply.lots[feed]
        if mine_lot.processed.any():
            key = f"{feed}\x00captive"
            mine_memo = memo.setdefault(("captive lot", feed), {}) if memo is supply.memo else {}
            out_units[key] = flowsheet.unit_balances(
                scenario, mine_lot.q, stages, [feed], mine_memo
            )[feed]
            out_t[key], out_nameplate[key] = mine_lot.processed, mine_lot.nameplate
        if own_lot.processed.any() or not mine_lot.processed.any():
            out_units[feed] = units[feed]
            out_t[feed], out_nameplate[feed] = own_lot.processed, own_lot.nameplate
    return out_units, out_t, out_nameplate


def _mined(scenario: Scenario, feed: str) -> bool:
    """Whether ``feed`` is ore in the ground that a pathway's own stages mine (``mined``)."""
    return scenario.feeds[feed].mined
