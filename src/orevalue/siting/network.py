"""The logistics network as arrays: nodes, and two-way legs split into directed arcs, which
the flow balance is built from."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orevalue.siting.data import SitesData

#: Commodities moved on the network, by slot (``inputs.CONC, ANODE, BLISTER, PRODUCT``): the
#: concentrate in wet tonnes, the smelter's product, the metal feed and the refined product in
#: tonnes; their names come from the case (``UnitEconomics.commodities``).
N_COMMODITIES = 4
EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class Network:
    """Nodes and legs; arc ``2l`` runs leg ``l`` from its first node, ``2l + 1`` back."""

    nodes: list[str]
    index: dict[str, int]
    lat: np.ndarray
    lon: np.ndarray
    legs: list[str]
    leg_mode: np.ndarray  # (L,) "rail" | "road"
    leg_km: np.ndarray
    leg_cost_usd_per_t: np.ndarray  # freight per tonne over the whole leg
    leg_capacity_t: np.ndarray  # per direction; inf = no limit
    leg_build_capex_usd: np.ndarray  # > 0: carries nothing until built
    leg_upgrade_capex_usd: np.ndarray
    leg_upgrade_capacity_t: np.ndarray
    leg_payer: np.ndarray
    arc_tail: np.ndarray  # (A,) node the arc leaves
    arc_head: np.ndarray  # (A,) node the arc enters
    arc_leg: np.ndarray  # (A,) leg of each arc

    @property
    def n_nodes(self) -> int:
        return len(self.nodes)

    @property
    def n_arcs(self) -> int:
        return self.arc_leg.size


def build_network(data: SitesData) -> Network:
    """Arrays of the network described by ``data`` (every site, port and source is a node)."""
    coords = data.coordinates()
    nodes = list(coords)
    index = {n: i for i, n in enumerate(nodes)}
    legs = list(data.legs.values())
    econ = data.economics
    rate = {"rail": econ.rail_usd_per_t_km, "road": econ.road_usd_per_t_km}
    tail = np.array([index[leg.from_] for leg in legs], dtype=int)
    head = np.array([index[leg.to] for leg in legs], dtype=int)
    km = np.array([leg.km for leg in legs], dtype=float)
    per_km = np.array(
        [
            leg.cost_usd_per_t_km if leg.cost_usd_per_t_km is not None else rate[leg.mode]
            for leg in legs
        ],
        dtype=float,
    )
    n_legs = len(legs)
    return Network(
        nodes=nodes,
        index=index,
        lat=np.array([coords[n][0] for n in nodes], dtype=float),
        lon=np.array([coords[n][1] for n in nodes], dtype=float),
        legs=list(data.legs),
        leg_mode=np.array([leg.mode for leg in legs], dtype=object),
        leg_km=km,
        leg_cost_usd_per_t=km * per_km,
        leg_capacity_t=np.array(
            [np.inf if leg.capacity_t_per_yr is None else leg.capacity_t_per_yr for leg in legs],
            dtype=float,
        ),
        leg_build_capex_usd=np.array([leg.build_capex_usd for leg in legs], dtype=float),
        leg_upgrade_capex_usd=np.array([leg.upgrade_capex_usd for leg in legs], dtype=float),
        leg_upgrade_capacity_t=np.array(
            [leg.upgrade_capacity_t_per_yr for leg in legs], dtype=float
        ),
        leg_payer=np.array([leg.payer for leg in legs], dtype=object),
        arc_tail=np.stack([tail, head], axis=1).reshape(-1) if n_legs else np.zeros(0, int),
        arc_head=np.stack([head, tail], axis=1).reshape(-1) if n_legs else np.zeros(0, int),
        arc_leg=np.repeat(np.arange(n_legs), 2),
    )


def great_circle_km(
    lat1: np.ndarray | float,
    lon1: np.ndarray | float,
    lat2: np.ndarray | float,
    lon2: np.ndarray | float,
) -> np.ndarray:
    """Great-circle distance in km between points given in decimal degrees (haversine)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h))
