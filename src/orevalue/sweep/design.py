"""The points of a sweep: the full grid of the varied inputs' values, or a Latin hypercube.

Points are columns of equal length, one per varied input (the engine's sample axis), built
with array operations only.
"""

from __future__ import annotations

import numpy as np

from orevalue.scenario import Problem, ScenarioError
from orevalue.sweep.spec import OPTION, Vary

#: Most points a sweep evaluates (a grid grows as the product of its axes).
MAX_POINTS = 2_000_000


def grid(varied: list[Vary]) -> dict[str, np.ndarray]:
    """Every combination of the varied inputs' values (the first input varies slowest)."""
    continuous = [v for v in varied if v.continuous]
    if continuous:
        v = continuous[0]
        raise ScenarioError(
            [
                Problem(
                    OPTION,
                    v.text,
                    "a range without a step is sampled only with --samples N (a Latin "
                    "hypercube); give LOW:HIGH:STEP for a grid",
                )
            ]
        )
    size = int(np.prod([len(v.values) for v in varied], dtype=np.float64))
    if size > MAX_POINTS:
        raise ScenarioError(
            [Problem(OPTION, "", f"the grid has {size:,} points; at most {MAX_POINTS:,}")]
        )
    axes = np.meshgrid(*[np.asarray(v.values) for v in varied], indexing="ij")
    return {v.path: axis.ravel() for v, axis in zip(varied, axes, strict=True)}


def unit_hypercube(n: int, d: int, seed: int) -> np.ndarray:
    """``n`` points (n, d) of a Latin hypercube in [0, 1)^d (McKay, Beckman and Conover
    1979): each column's n strata of width 1/n hold one point each, at a uniform offset
    inside it. The points of SciPy's ``qmc.LatinHypercube(d, seed=default_rng(seed))``
    (scrambled, strength 1: its generator spawned from the seed's, the offsets drawn, then
    each column's strata shuffled), bit for bit, which a test checks; importing
    ``scipy.stats`` for it took 0.55 s, an eighth of a sweep of 30,000 points."""
    seeds = np.random.default_rng(seed).bit_generator.seed_seq.spawn(1)[0]
    rng = np.random.Generator(np.random.PCG64(seeds))
    offsets = rng.uniform(size=(n, d))
    strata = np.tile(np.arange(1, n + 1), (d, 1))
    for column in strata:  # one shuffle per input, in SciPy's order
        rng.shuffle(column)
    return (strata.T - offsets) / n


def latin_hypercube(varied: list[Vary], n: int, seed: int) -> dict[str, np.ndarray]:
    """``n`` points of a Latin hypercube (:func:`unit_hypercube`): each input's range cut
    into ``n`` equal strata holds exactly one point. A range takes its stratum's value as
    drawn; a list of values is drawn by equal strata (value k of K for the points in the
    k-th K-th of the unit interval); a stepped range the same, over its steps."""
    if n > MAX_POINTS:
        raise ScenarioError([Problem("--samples", "", f"{n:,} points; at most {MAX_POINTS:,}")])
    unit = unit_hypercube(n, len(varied), seed)
    out = {}
    for j, v in enumerate(varied):
        u = unit[:, j]
        if v.continuous:
            out[v.path] = v.low + u * (v.high - v.low)
        else:
            values = np.asarray(v.values)
            index = np.minimum((u * values.size).astype(np.int64), values.size - 1)
            out[v.path] = values[index]
    return out


def points(varied: list[Vary], samples: int | None, seed: int) -> dict[str, np.ndarray]:
    """The sweep's points: the grid, or ``samples`` Latin hypercube points."""
    return grid(varied) if samples is None else latin_hypercube(varied, samples, seed)
