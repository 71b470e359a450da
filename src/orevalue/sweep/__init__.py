"""Sweeps: a scenario evaluated over a grid (or a Latin hypercube) of some numeric inputs,
all points at once as the engine's sample axis.

- :mod:`~orevalue.sweep.spec`: ``--vary`` specifications, checked against the scenario;
- :mod:`~orevalue.sweep.design`: the points (grid, Latin hypercube);
- :mod:`~orevalue.sweep.evaluate`: the points evaluated, chunk by chunk (or as Dask tasks);
- :mod:`~orevalue.sweep.table`: the table of every point (CSV, Parquet) and sweep.json;
- :mod:`~orevalue.sweep.heatmap`: the heat map over two inputs, with the break-even line.
"""

from orevalue.sweep.design import grid, latin_hypercube, points
from orevalue.sweep.evaluate import METRICS, Sweep, evaluate_points, focus_pathway, run
from orevalue.sweep.spec import Vary, parse

__all__ = [
    "METRICS",
    "Sweep",
    "Vary",
    "evaluate_points",
    "focus_pathway",
    "grid",
    "latin_hypercube",
    "parse",
    "points",
    "run",
]
