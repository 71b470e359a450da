"""Residues of the plant: the smelter's slag and the acid plant's weak acid, moved and costed.

The slag is hauled from the plant, then sold as aggregate or abrasive (a price that may be
zero) or disposed of; its mass is the slag stream's rule in ``[streams]``. The weak acid of
gas cleaning is neutralised with quicklime (CaO + H2SO4 + H2O -> CaSO4·2H2O): its sulfur
leaves the plant as gypsum, so the plant's sulfur fate closes (anode, slag, acid, gypsum,
stack). Tonnages are (N, Y) like the flowsheet's; costs USD (N, Y), real. Without a
``[residues]`` table (or a pathway without those streams) every line is zero.

Molar masses are IUPAC 2021 standard atomic weights rounded to 0.01 g/mol.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orevalue import flowsheet
from orevalue.economics.flows import PathwayFlows
from orevalue.params import Params
from orevalue.scenario import Scenario

#: g/mol: sulfur, sulfuric acid, gypsum (CaSO4·2H2O) and lime (CaO)
M_S, M_H2SO4, M_GYPSUM, M_CAO = 32.06, 98.08, 172.17, 56.08


def h2so4_t_of_s(s_t: np.ndarray) -> np.ndarray:
    """Tonnes of H2SO4 that carry ``s_t`` tonnes of sulfur (one S per molecule)."""
    return s_t * (M_H2SO4 / M_S)


def gypsum_t_of_s(s_t: np.ndarray) -> np.ndarray:
    """Tonnes of gypsum, CaSO4·2H2O, that fix ``s_t`` tonnes of sulfur (one S per formula)."""
    return s_t * (M_GYPSUM / M_S)


@dataclass(frozen=True)
class Residues:
    """Residue tonnages t (N, Y) and their costs USD (N, Y); ``gypsum`` holds the element
    tonnes of the weak acid that report to the gypsum (its S, As ...)."""

    slag_t: np.ndarray
    slag_sold_t: np.ndarray
    weak_acid_h2so4_t: np.ndarray
    lime_t: np.ndarray
    gypsum_t: np.ndarray
    gypsum: dict[str, np.ndarray]
    costs_usd: dict[str, np.ndarray]  # slag_freight, slag_disposal, slag_sales (< 0), lime,
    # gypsum_disposal

    @classmethod
    def zero(cls, zeros: np.ndarray) -> Residues:
        """No residues: every tonnage and cost line ``zeros`` (N, Y)."""
        return cls(zeros, zeros, zeros, zeros, zeros, {}, dict.fromkeys(COST_PARTS, zeros))

    @property
    def total_usd(self) -> np.ndarray:
        """Net cost of residue handling, USD (N, Y): the parts added (slag sales negative)."""
        return sum(self.costs_usd.values(), start=np.zeros_like(self.slag_t))


def residues(
    scenario: Scenario,
    p: Params,
    flows: PathwayFlows,
    zeros: np.ndarray,
    elements: bool = True,
) -> Residues:
    """Slag, lime and gypsum of the pathway whose ``flows`` are given, with their costs.
    ``elements`` False keeps only the gypsum's sulfur (all the costs read), for the cost line.

    ``zeros`` (N, Y) gives the lines their shape. Slag cost = slag t x (freight + unsold
    share x disposal - sold share x price); lime t = H2SO4 in the weak acid x
    ``lime_t_per_t_weak_acid``, at ``lime_usd_per_t``; gypsum t = weak-acid S x 172.17/32.06,
    at ``gypsum_disposal_usd_per_t``.
    """
    spec = scenario.residues
    if spec is None:
        return Residues.zero(zeros)
    r = "residues"
    slag_t = zeros
    if spec.slag_stream in flows.streams:
        slag_t = zeros + flowsheet.stream_mass_t(
            scenario, p, spec.slag_stream, flows.streams[spec.slag_stream]
        )
    weak = flows.streams.get(spec.weak_acid_stream)
    if weak is None:
        gypsum = {}
    elif elements:
        gypsum = {el: zeros + weak[el] for el in weak}
    else:  # the other elements of a stream are worked out when read: read only its sulfur
        weak_s = weak.get("s")
        gypsum = {} if weak_s is None else {"s": zeros + weak_s}
    weak_s = gypsum.get("s", zeros)
    acid_t = h2so4_t_of_s(weak_s)
    lime_t = acid_t * p[f"{r}.lime_t_per_t_weak_acid"]
    gypsum_t = gypsum_t_of_s(weak_s)
    sold = p[f"{r}.slag_sold_pct"] / 100.0
    costs = {
        "slag_freight": slag_t * p[f"{r}.slag_freight_usd_per_t"],
        "slag_disposal": slag_t * ((1.0 - sold) * p[f"{r}.slag_disposal_usd_per_t"]),
        "slag_sales": -(slag_t * (sold * p[f"{r}.slag_price_usd_per_t"])),
        "lime": lime_t * p[f"{r}.lime_usd_per_t"],
        "gypsum_disposal": gypsum_t * p[f"{r}.gypsum_disposal_usd_per_t"],
    }
    return Residues(slag_t, slag_t * sold, acid_t, lime_t, gypsum_t, gypsum, costs)


#: The residue cost lines, in the order the balance reports them.
COST_PARTS = ("slag_freight", "slag_disposal", "slag_sales", "lime", "gypsum_disposal")


def handling_usd(scenario: Scenario, p: Params, flows: PathwayFlows) -> np.ndarray | None:
    """Net cost of the pathway's residue handling, USD (N, Y); None without a
    ``[residues]`` table or a plant (the operating cost line ``residues``)."""
    spec = scenario.residues
    if spec is None or not flows.stages:
        return None
    # pathways that share the streams (the same first stages) share the cost: once per run
    inputs = tuple(flows.streams.get(s) for s in (spec.slag_stream, spec.weak_acid_stream))
    key = ("residue handling", *map(id, inputs))
    if key not in flows.memo:
        shape = next(iter(flows.feeds_processed_dry_t.values()))
        total = residues(scenario, p, flows, np.zeros_like(shape), elements=False).total_usd
        flows.memo[key] = (inputs, total)
    return flows.memo[key][1]
