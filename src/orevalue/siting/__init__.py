"""Where to build: candidate sites, the logistics network and a mixed-integer programme
(HiGHS, through highspy) choosing which sites host which stages, at what size, with which
power and water, shipping by which legs.

Modules, one job each: ``data`` (schema and loading of sites.toml, or a case's own
sites-<metal>.toml), ``units`` (per-tonne yields,
values and costs from the scenario), ``network`` (arcs and incidence), ``taxes`` (zone taxes
from the regime presets), ``inputs`` (the arrays the programme is built from), ``programme``
(variables, bounds and sparse rows being assembled), ``constraints`` and ``costs`` (named
constraint builders and objective terms), ``model`` (the programme built from them), ``solve``
(HiGHS and infeasibility diagnosis), ``plan`` (reading a solution), ``rank`` (ranking and the
``--site`` overlay), ``synthetic`` (random networks for tests and benchmarks).
Siting never evaluates the scenario itself: the NPV it ranks with is a function passed in
(:func:`orevalue.api.site_npv`).
"""

from __future__ import annotations

from orevalue.siting.data import SitesData, load_sites, resolve_site
from orevalue.siting.model import Options, build_model, model_for
from orevalue.siting.rank import NpvFunction, Siting, analyse, site_overlay
from orevalue.siting.solve import InfeasibleError, solve

__all__ = [
    "InfeasibleError",
    "NpvFunction",
    "Options",
    "SitesData",
    "Siting",
    "analyse",
    "build_model",
    "load_sites",
    "model_for",
    "resolve_site",
    "site_overlay",
    "solve",
]
