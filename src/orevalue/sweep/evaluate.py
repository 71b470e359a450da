"""A sweep evaluated: its points as the engine's sample axis, a chunk of points per call.

Each chunk is one vectorised :func:`orevalue.engine.evaluate` of a :class:`Params` holding
that many points; the chunks are shared by this process and forked workers, or run as Dask
tasks (``scheduler``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np

from orevalue import engine, jit
from orevalue.arrays import joined
from orevalue.params import Params
from orevalue.scenario import Problem, Scenario, ScenarioError, unknown_name
from orevalue.sweep.spec import Vary

#: The key metrics of every point, per pathway: (group of the pathway's results, key).
METRICS: tuple[tuple[str, str], ...] = (
    ("plant", "npv_usd"),
    ("plant", "irr"),
    ("plant", "capex_initial_usd"),
    ("country", "export_gain_pv_usd"),
    ("country", "government_revenue_pv_usd"),
)
#: Points evaluated at once (memory bound, as a risk chunk).
CHUNK = 2048


@dataclass
class Sweep:
    """The points of a sweep (``inputs``, one column per varied path) and each point's key
    metrics (``metrics``: ``<pathway>.<metric>`` columns); ``focus`` is the pathway whose
    plant NPV ranks the points."""

    scenario: str
    varied: list[Vary]
    method: str  # "grid" or "latin hypercube"
    seed: int | None
    inputs: dict[str, np.ndarray]
    metrics: dict[str, np.ndarray]
    focus: str
    pathways: dict[str, str] = field(default_factory=dict)  # name -> label

    @property
    def n(self) -> int:
        return len(next(iter(self.inputs.values())))

    @property
    def key(self) -> str:
        """The column that ranks the points: the focus pathway's plant NPV (USD)."""
        return f"{self.focus}.npv_usd"

    def columns(self) -> dict[str, np.ndarray]:
        """The table: ``point``, the varied inputs, then the metrics."""
        return {"point": np.arange(self.n), **self.inputs, **self.metrics}

    def ranked(self) -> tuple[int, int]:
        """Indices of the best and the worst point by :attr:`key` (NaN never ranks)."""
        values = self.metrics[self.key]
        finite = np.isfinite(values)
        if not finite.any():
            return 0, 0
        masked = np.where(finite, values, np.nan)
        return int(np.nanargmax(masked)), int(np.nanargmin(masked))


def point_params(
    scenario: Scenario, varied: list[Vary], design: dict[str, np.ndarray], start: int, stop: int
) -> Params:
    """The scenario's inputs with points ``start`` .. ``stop - 1`` as its samples (a whole
    deck varied takes its point's value in every year given)."""
    p = Params.from_scenario(scenario, stop - start)
    updates: dict[str, Any] = {}
    for v in varied:
        column = design[v.path][start:stop]
        if v.deck:
            updates.update({f"{v.path}.{year}": column for year in p.deck_years(v.path)})
        else:
            updates[v.path] = column
    return p.replace(updates)


def evaluate_points(
    scenario: Scenario, varied: list[Vary], design: dict[str, np.ndarray], start: int, stop: int
) -> dict[str, np.ndarray]:
    """Key metrics (:data:`METRICS`) of points ``start`` .. ``stop - 1``, each (n,)."""
    p = point_params(scenario, varied, design, start, stop)
    results = engine.evaluate(
        scenario, p, breakeven=False, detail=False, compare=False, chain_view=False
    )
    out = {}
    for name, r in results.pathways.items():
        for group, key in METRICS:
            values = getattr(r, group).get(key)
            if values is not None:
                out[f"{name}.{key}"] = np.asarray(values, dtype=np.float64).reshape(-1)
    return out


def _dask_parts(
    scenario: Scenario,
    varied: list[Vary],
    design: dict[str, np.ndarray],
    spans: list[tuple[int, int]],
    scheduler: str,
    workers: int,
) -> Iterator[dict[str, np.ndarray]]:
    """Each chunk's metrics, a Dask task per chunk that is sent only its own points."""
    from orevalue.risk.daskrun import client_for, ordered_map

    with client_for(scheduler, workers) as client:
        shared = client.scatter(scenario, broadcast=True)
        calls = (
            (shared, varied, {k: v[a:b] for k, v in design.items()}, 0, b - a) for a, b in spans
        )
        yield from ordered_map(client, evaluate_points, calls)


def run(
    scenario: Scenario,
    varied: list[Vary],
    design: dict[str, np.ndarray],
    *,
    chunk: int = CHUNK,
    scheduler: str = "pool",
    workers: int = 1,
) -> dict[str, np.ndarray]:
    """Every point's key metrics, in point order. On the "pool" scheduler the chunks of
    points are shared by this process and ``workers - 1`` forked ones (this process alone
    for one chunk or one worker: :func:`orevalue.risk.workers.local`); as Dask tasks when
    ``scheduler`` is "local" or a ``tcp://`` address (see :mod:`orevalue.risk.daskrun`).
    Each point's metrics depend on that point alone, so they are the same either way."""
    from orevalue.risk.montecarlo import chunks
    from orevalue.risk.workers import local

    n = len(next(iter(design.values())))
    spans = chunks(n, chunk)
    if scheduler != "pool":
        return joined(list(_dask_parts(scenario, varied, design, spans, scheduler, workers)))
    job = (scenario, varied, design)
    with local(job, workers, len(spans), partial(_warm_up, job, n)) as ex:
        return joined(list(ex.map(_points_task, spans)))


def _points_task(
    job: tuple[Scenario, list[Vary], dict[str, np.ndarray]], start: int, stop: int
) -> dict[str, np.ndarray]:
    """:func:`evaluate_points` of one chunk, as a pool task (``job`` is in every worker)."""
    return evaluate_points(*job, start, stop)


def _warm_up(job: tuple[Scenario, list[Vary], dict[str, np.ndarray]], n: int) -> None:
    """Two of the ``n`` points evaluated with the kernels compiled, results unused, before the
    workers fork: they inherit Numba and its kernels instead of loading them each (0.4 s a
    process)."""
    with jit.compiled_run():
        evaluate_points(*job, 0, min(2, n))


def focus_pathway(scenario: Scenario, metrics: dict[str, np.ndarray], pathway: str | None) -> str:
    """The pathway whose plant NPV ranks the points: ``pathway`` if given, else the one that
    builds a plant with the highest median NPV over the points."""
    names = list(scenario.pathways)
    if pathway is not None:
        if pathway not in names:
            raise ScenarioError([Problem("--pathway", "", unknown_name("pathway", pathway, names))])
        return pathway
    building = [n for n, pw in scenario.pathways.items() if pw.stages] or names
    medians = {n: np.nanmedian(metrics[f"{n}.npv_usd"]) for n in building}
    return max(building, key=lambda n: -np.inf if np.isnan(medians[n]) else medians[n])
