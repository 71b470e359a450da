"""The physical balance of a pathway, as a metallurgist checks it: every stream in tonnes per
year with its element contents, and the closure of each element and of the mass.

Streams are grouped by what they are for the pathway: ``feeds`` (what it takes in: the feeds
available to it, an imported feed only as far as it is bought), ``reagents`` (quicklime for
the weak acid), ``products`` (streams sold, and feed exported as it is), ``residues`` (slag
and gypsum), ``losses`` (streams nothing takes and nobody buys: the stack's off-gas, the
refinery bleed, the PMR residue, rod scrap) and ``internal`` (streams a built stage takes in:
anode, off-gas, slimes, weak acid). Elements close exactly: feeds = products + residues +
losses, per element (the weak acid's elements report to the gypsum). The mass of a stream is
its ``[streams]`` rule, a feed's dry tonnes, gypsum's from its S (CaSO4·2H2O) or else the sum
of its tracked elements; the mass out exceeds the mass in by what the plant takes up from air,
flux and water (oxygen and silica in the slag, oxygen and water in the acid and gypsum),
reported by difference as ``mass_taken_up_t_per_yr``.
"""

from __future__ import annotations

import numpy as np

from orevalue import flowsheet
from orevalue.catalog import ELEMENTS, OZ_PER_T
from orevalue.economics.flows import PathwayFlows
from orevalue.economics.residues import COST_PARTS, Residues, residues
from orevalue.params import Params
from orevalue.scenario import Scenario

#: Groups of streams in a pathway's balance; the first two come in, the next three go out.
GROUPS = ("feeds", "reagents", "products", "residues", "losses", "internal")
#: Elements also reported in thousand troy ounces.
KOZ = ("au", "ag")


def stream_entry(mass_t: np.ndarray, elements: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """One stream: mass and each element, t/yr, with gold and silver in koz/yr too."""
    out = {"mass_t_per_yr": mass_t}
    for el in ELEMENTS:
        out[f"{el}_t_per_yr"] = elements.get(el, 0.0 * mass_t)
    for el in KOZ:
        out[f"{el}_koz_per_yr"] = out[f"{el}_t_per_yr"] * (OZ_PER_T / 1e3)
    return out


def pathway_balance(
    scenario: Scenario, p: Params, pathway: str, flows: PathwayFlows, col: int
) -> dict[str, dict[str, dict[str, np.ndarray]] | dict[str, np.ndarray]]:
    """The balance of ``pathway`` in year column ``col``: streams by group (each a dict of
    arrays (N,)), then ``closure`` and ``residue_handling``."""
    zeros = np.zeros_like(next(iter(flows.feeds_available_dry_t.values())))
    res = residues(scenario, p, flows, zeros) if flows.stages else Residues.zero(zeros)
    taken = {i for st in flows.stages for i in scenario.stages[st].inputs}
    sold = set(scenario.pathways[pathway].sells) if flows.stages else set()
    groups: dict[str, dict[str, dict[str, np.ndarray]]] = {g: {} for g in GROUPS}
    exported: dict[str, np.ndarray] = {}
    for feed, available in flows.feeds_available_dry_t.items():
        processed = flows.feeds_processed_dry_t.get(feed, zeros)
        # imported feed only as far as it is bought, ore in the ground as far as it is mined
        taken_only = scenario.feeds[feed].imported or scenario.feeds[feed].mined
        lots = flows.lots.get(feed)
        if lots is None:
            groups["feeds"][feed] = _feed_entry(p, feed, processed if taken_only else available)
        else:  # a captive-feed contract: each lot at its grades
            groups["feeds"][feed] = _lots_entry(feed, [(q, a) for q, a, _, _ in lots])
        if not taken_only:
            exported[feed] = available - processed
    for feed, dry_t in exported.items():
        lots = flows.lots.get(feed)
        groups["products"][feed] = (
            _feed_entry(p, feed, dry_t)
            if lots is None
            else _lots_entry(feed, [(q, a - t) for q, a, t, _ in lots])
        )
    weak = scenario.residues.weak_acid_stream if scenario.residues is not None else None
    slag = scenario.residues.slag_stream if scenario.residues is not None else None
    for name, stream in flows.streams.items():
        if name in scenario.feeds:
            continue
        mass = zeros + flowsheet.stream_mass_t(scenario, p, name, stream)
        entry = stream_entry(mass, {el: zeros + stream[el] for el in ELEMENTS})
        if name in taken or name == weak:
            group = "internal"
        elif name in sold:
            group = "products"
        elif name == slag:
            group = "residues"
        else:
            group = "losses"
        if name in groups[group]:  # a feed exported and also a product: add them
            entry = {k: v + groups[group][name][k] for k, v in entry.items()}
        groups[group][name] = entry
    if flows.stages and weak in flows.streams:
        groups["residues"]["gypsum"] = stream_entry(res.gypsum_t, res.gypsum)
        groups["reagents"]["lime"] = stream_entry(res.lime_t, {})
    out: dict = {g: {n: _at(e, col) for n, e in groups[g].items()} for g in GROUPS}
    out["closure"] = _closure(out)
    out["residue_handling"] = _handling(res, zeros, col)
    return out


def _feed_entry(p: Params, feed: str, dry_t: np.ndarray) -> dict[str, np.ndarray]:
    return stream_entry(dry_t, flowsheet.feed_elements(p, feed, dry_t))


def _lots_entry(feed: str, lots: list[tuple[Params, np.ndarray]]) -> dict[str, np.ndarray]:
    """A feed in lots at their own grades, summed."""
    entries = [_feed_entry(q, feed, dry_t) for q, dry_t in lots]
    return {k: sum(e[k] for e in entries[1:]) + entries[0][k] for k in entries[0]}


def _at(entry: dict[str, np.ndarray], col: int) -> dict[str, np.ndarray]:
    return {k: np.asarray(v)[:, col] for k, v in entry.items()}


def _closure(groups: dict[str, dict[str, dict[str, np.ndarray]]]) -> dict[str, np.ndarray]:
    """Each element in and out, t/yr, and out/in - 1; the mass in, out and taken up."""

    def total(names: tuple[str, ...], key: str) -> np.ndarray:
        parts = [e[key] for g in names for e in groups[g].values()]
        return sum(parts[1:], start=parts[0]) if parts else np.zeros(1)

    into, out_of = ("feeds", "reagents"), ("products", "residues", "losses")
    closure: dict[str, np.ndarray] = {}
    for el in ELEMENTS:
        a, b = total(into, f"{el}_t_per_yr"), total(out_of, f"{el}_t_per_yr")
        closure[f"{el}_in_t_per_yr"], closure[f"{el}_out_t_per_yr"] = a, b
        closure[f"{el}_closure"] = np.divide(b - a, a, out=np.zeros_like(a * b), where=a > 0)
    mass_in, mass_out = total(into, "mass_t_per_yr"), total(out_of, "mass_t_per_yr")
    closure["mass_in_t_per_yr"], closure["mass_out_t_per_yr"] = mass_in, mass_out
    closure["mass_taken_up_t_per_yr"] = mass_out - mass_in
    return closure


def _handling(res: Residues, zeros: np.ndarray, col: int) -> dict[str, np.ndarray]:
    """Residue tonnages t/yr and costs USD/yr in year ``col`` (zeros without a plant)."""
    lines = {
        "slag_t_per_yr": res.slag_t,
        "slag_sold_t_per_yr": res.slag_sold_t,
        "weak_acid_h2so4_t_per_yr": res.weak_acid_h2so4_t,
        "lime_t_per_yr": res.lime_t,
        "gypsum_t_per_yr": res.gypsum_t,
        **{f"{k}_usd_per_yr": zeros + res.costs_usd[k] for k in COST_PARTS},
        "residues_usd_per_yr": zeros + res.total_usd,
    }
    return {k: np.asarray(v)[:, col] for k, v in lines.items()}
