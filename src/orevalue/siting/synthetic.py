"""Random siting networks for tests and benchmarks: sites scattered over a box, a mine, a few
coastal ports, a spanning tree of roads plus links to near neighbours, and some rail legs
(limited, upgradable, or still to build). Reproducible from a seed."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.sparse.csgraph import minimum_spanning_tree

from orevalue.siting.data import REGIMES, SitesData
from orevalue.siting.network import great_circle_km

#: The one mine, (lat, lon) in the west of the box, feeding concentrate.
MINE = {"feed": "concentrate", "lat": 29.1, "lon": 62.1}


def _power_options(rng: np.random.Generator, n_power: int, fixed_capex: bool) -> dict[str, Any]:
    """``n_power`` options cycling grid (public, with a connection capex if ``fixed_capex``),
    captive plant and solar capped at a share of the load."""
    power: dict[str, Any] = {}
    for o in range(n_power):
        kind = o % 3
        if kind == 0:
            power[f"grid{o}"] = {
                "usd_per_kwh": rng.uniform(0.08, 0.15),
                "fixed_capex_usd": rng.uniform(5e6, 200e6) if fixed_capex else 0.0,
                "max_mw": rng.uniform(15.0, 80.0),
                "payer": "public",
            }
        elif kind == 1:
            power[f"captive{o}"] = {
                "usd_per_kwh": rng.uniform(0.10, 0.14),
                "capex_usd_per_mw": rng.uniform(1.4e6, 2.2e6),
            }
        else:
            power[f"solar{o}"] = {
                "usd_per_kwh": 0.008,
                "capex_usd_per_mw": rng.uniform(2.3e6, 3.1e6),
                "max_share_pct": 40.0,
            }
    return power


def _site(
    rng: np.random.Generator, i: int, lat: float, lon: float, n_power: int, fixed_capex: bool
) -> dict[str, Any]:
    """Candidate site ``i`` at (lat, lon): random zone, cost factors, power and local water."""
    power = _power_options(rng, n_power, fixed_capex)
    return {
        "label": f"site {i}",
        "lat": lat,
        "lon": lon,
        "zone": REGIMES[rng.integers(len(REGIMES))],
        "location_factor": rng.uniform(1.0, 1.6),
        "wage_premium_pct": rng.uniform(0.0, 40.0),
        "security_premium_pct": rng.uniform(0.0, 3.0),
        "security_usd_per_yr": rng.uniform(0.0, 15e6),
        "fuel_usd_per_gj": rng.uniform(11.0, 15.0),
        "acid_netback_usd_per_t": rng.uniform(-30.0, 40.0),
        "acid_mode": "road",
        "power": power,
        "water": {
            "local": {
                "usd_per_m3": rng.uniform(0.3, 1.2),
                "capex_usd_per_m3_per_day": rng.uniform(500.0, 1500.0),
                "max_m3_per_day": rng.uniform(4000.0, 20000.0),
            }
        },
    }


def _ports(rng: np.random.Generator, n_ports: int) -> dict[str, Any]:
    """``n_ports`` ports spread west to east along the coast, with random spare capacity."""
    return {
        f"p{j}": {
            "lat": rng.uniform(24.8, 25.2),
            "lon": lon_j,
            "spare_t_per_yr": rng.uniform(1e6, 50e6),
            "ocean_extra_pct": rng.uniform(0.0, 6.0),
        }
        for j, lon_j in enumerate(np.linspace(62.0, 67.5, n_ports))
    }


def _linked_pairs(coords: np.ndarray, neighbours: int) -> tuple[np.ndarray, list[tuple[int, ...]]]:
    """Great-circle distances (km) between all points, and the pairs joined: a minimum
    spanning tree (so everything connects) plus each point's nearest ``neighbours``."""
    dist = great_circle_km(
        coords[:, None, 0], coords[:, None, 1], coords[None, :, 0], coords[None, :, 1]
    )
    tree = minimum_spanning_tree(dist).tocoo()
    pairs = {tuple(sorted((int(a), int(b)))) for a, b in zip(tree.row, tree.col, strict=True)}
    order = np.argsort(dist, axis=1)[:, 1 : neighbours + 1]
    pairs |= {tuple(sorted((i, int(j)))) for i in range(len(coords)) for j in order[i]}
    return dist, sorted(pairs)


def _rail(rng: np.random.Generator, a: str, b: str, km: float, build_legs: bool) -> dict[str, Any]:
    """A public rail leg beside a road of ``km``, with limited capacity; if ``build_legs``,
    one in five still to build and three in ten upgradable."""
    rail: dict[str, Any] = {
        "from": a,
        "to": b,
        "mode": "rail",
        "km": km * 1.1,
        "capacity_t_per_yr": rng.uniform(0.5e6, 2.5e6),
        "payer": "public",
    }
    roll = rng.uniform()
    if build_legs and roll < 0.2:
        rail["build_capex_usd"] = km * rng.uniform(0.5e6, 1.5e6)
    elif build_legs and roll < 0.5:
        rail["upgrade_capex_usd"] = km * rng.uniform(0.3e6, 0.8e6)
        rail["upgrade_capacity_t_per_yr"] = rng.uniform(0.5e6, 2e6)
    return rail


def _legs(
    rng: np.random.Generator,
    names: list[str],
    coords: np.ndarray,
    neighbours: int,
    rail_share: float,
    build_legs: bool,
) -> dict[str, Any]:
    """A road on every linked pair (1.3 times the straight distance plus 5 km), and beside
    it, with probability ``rail_share``, a rail leg."""
    dist, pairs = _linked_pairs(coords, neighbours)
    legs: dict[str, Any] = {}
    for n, (a, b) in enumerate(pairs):
        km = float(dist[a, b]) * 1.3 + 5.0
        legs[f"road{n}"] = {"from": names[a], "to": names[b], "mode": "road", "km": km}
        if rng.uniform() < rail_share:
            legs[f"rail{n}"] = _rail(rng, names[a], names[b], km, build_legs)
    return legs


def random_sites_data(
    n_sites: int,
    n_sizes: int = 5,
    n_power: int = 3,
    seed: int = 0,
    n_ports: int = 3,
    neighbours: int = 3,
    rail_share: float = 0.3,
    fixed_capex: bool = True,
    build_legs: bool = True,
) -> SitesData:
    """A :class:`SitesData` with ``n_sites`` candidates, ``n_sizes`` sizes and ``n_power`` power
    options per site. ``fixed_capex`` gives grid options a connection capex; ``build_legs``
    makes some rail legs missing (to build) or upgradable."""
    rng = np.random.default_rng(seed)
    lat = rng.uniform(25.5, 30.5, n_sites)
    lon = rng.uniform(61.5, 68.5, n_sites)
    sites = {f"s{i}": _site(rng, i, lat[i], lon[i], n_power, fixed_capex) for i in range(n_sites)}
    ports = _ports(rng, n_ports)
    names = ["mine", *sites, *ports]
    coords = np.array(
        [[MINE["lat"], MINE["lon"]]]
        + [[s["lat"], s["lon"]] for s in sites.values()]
        + [[p["lat"], p["lon"]] for p in ports.values()]
    )
    legs = _legs(rng, names, coords, neighbours, rail_share, build_legs)
    sizes = np.linspace(25.0, 125.0, n_sizes) if n_sizes > 1 else np.array([100.0])
    return SitesData.model_validate(
        {
            "demand": {"processed_pct": 100.0, "refined_pct": 100.0, "max_sites": n_sites},
            "sizes": {"pct_of_nameplate": [float(x) for x in sizes]},
            "economics": {
                "installed_to_average_power": 1.5,
                "train_payload_t": 1000.0,
                "truck_payload_t": 25.0,
                "rail_usd_per_t_km": 0.025,
                "road_usd_per_t_km": 0.055,
            },
            "sites": sites,
            "ports": ports,
            "sources": {"mine": dict(MINE)},
            "legs": legs,
        }
    )
