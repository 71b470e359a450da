"""The plant's post-tax NPV at the candidate points of several break-even searches, in one
evaluation of the plant model (the engine's break-even solving, :mod:`orevalue.bisection`).

Each search sets some price decks flat at its candidate value (the treatment and refining
charges, or the main element's price); a candidate is one more sample of a tiled copy of the
parameters, so that one evaluation holds every search's candidates, each sample's result being
what an evaluation of that candidate alone gives.
"""

from __future__ import annotations

import numpy as np

from orevalue import bisection
from orevalue.economics import metrics, schedule
from orevalue.economics.plant import INVESTOR, plant_case
from orevalue.economics.pricing import Market
from orevalue.params import Params
from orevalue.scenario import Scenario

#: Rows per sample of the largest array a plant evaluation hands a kernel (the investor lines,
#: (8, N, Y)): kernels run interpreted while that array has at most ``jit.SMALL`` elements.
KERNEL_ROWS = 8


def tiled(p: Params, m: int) -> Params:
    """``m`` copies of the N samples of ``p``: sample j * N + i is sample i."""
    return Params(
        {k: v[:1] if v.strides[0] == 0 else np.tile(v, (m, 1)) for k, v in p.items()},
        p.n_samples * m,
    )


def npv_batch(
    scenario: Scenario,
    p: Params,
    pathway: str,
    tl: schedule.Timeline,
    rate: np.ndarray,
    decks: list[dict[str, float]],
) -> bisection.Batch:
    """The NPV at ``rate`` (N,) of the plant's post-tax cash flow before financing at the
    points of several searches, in one evaluation: search ``s`` sets each deck ``path`` of
    ``decks[s]`` flat at its point / ``decks[s][path]`` and leaves the other searches' decks as
    they are. Candidate j of sample i is sample j * N + i of a tiled copy of ``p``; the copies
    are kept per size."""
    tiles: dict[int, Params] = {}
    paths = {path: p.deck_years(path) for d in decks for path in d}

    def f(points: list[np.ndarray]) -> list[np.ndarray]:
        m = sum(len(x) for x in points)
        if m not in tiles:
            tiles[m] = tiled(p, m)
        updates = {}
        for path, years in paths.items():
            # a searched deck's candidates are the same every year: divided once a path
            flat = [
                (x / d[path]).ravel() if path in d else None
                for x, d in zip(points, decks, strict=True)
            ]
            for year in years:
                own = p[f"{path}.{year}"][:, 0]
                updates[f"{path}.{year}"] = np.concatenate(
                    [
                        np.tile(own, len(x)) if v is None else v
                        for v, x in zip(flat, points, strict=True)
                    ]
                )
        q = tiles[m].replace(updates)
        market = Market.from_params(q, tl.years)
        case = plant_case(scenario, q, pathway, tl, market, stop_after=INVESTOR)
        npv = metrics.npv(np.tile(rate, m), case.lines["cash_flow"])
        ends = np.cumsum([x.size for x in points])[:-1]
        return [v.reshape(x.shape) for v, x in zip(np.split(npv, ends), points, strict=True)]

    return f
