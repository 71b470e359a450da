"""After-tax plant NPVs of candidate sites, valued as one evaluation of N samples, a site a
sample (the function siting ranks with is built on this by :func:`orevalue.api.site_npvs`).

The sites' overlays differ in numbers only (costs, freights, premiums), which the engine takes
per sample; the text of ``[site]`` (name, freight modes) counts freight tonnes in the country
view and never the plant's NPV. Each row of the engine is the same bits whatever the other
rows, so a site's NPV in a batch is its NPV valued alone.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence

import numpy as np

from orevalue import engine, jit
from orevalue.params import Params
from orevalue.scenario import Overlay, Scenario
from orevalue.scenario.tables import split_provenance

#: Most sites an evaluation runs with the kernels chosen as for any call (plain Python on
#: small arrays, :mod:`orevalue.jit`); a larger batch runs them compiled: 88 sites in four
#: batches take 0.4 s so, 1.0 s with the small calls interpreted.
INTERPRETED = 8


def batch_npvs(
    variant: Callable[..., Scenario],
    sites: Sequence[Overlay],
    layers: Sequence[Overlay],
    pathway: str,
) -> list[float]:
    """Plant NPV (USD) of ``pathway`` of each site: the case ``variant(site, *layers)`` loads.

    One scenario is loaded (the first site's); every other site's ``[site]`` values are
    checked as loading checks them, and a site whose values fail is loaded on its own, so its
    error is the loader's (naming file, field and what is allowed). Overlays that set more
    than ``[site]`` are valued one at a time.
    """
    if any(set(o.values) - {"site"} for o in sites):
        return [
            engine.evaluate(
                variant(o, *layers),
                breakeven=False,
                detail=False,
                compare=False,
                chain_view=False,
            ).value(pathway, "plant", "npv_usd")
            for o in sites
        ]
    scenario = variant(sites[0], *layers)
    model = type(scenario.site)
    base = scenario.site.model_dump()
    columns: dict[str, list[float]] = {}
    for overlay in sites:
        given = split_provenance(overlay.values.get("site", {}))[0]
        try:
            checked = model.model_validate({**base, **given})
        except ValueError:  # pydantic's: the loader names file, field and what is allowed
            variant(overlay, *layers)
            raise
        for key, value in checked.model_dump().items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                columns.setdefault(f"site.{key}", []).append(float(value))
    n = len(sites)
    params = Params.from_scenario(scenario, n).replace(
        {k: np.asarray(v) for k, v in columns.items()}
    )
    # many sites are many samples: Numba's kernels (0.4 s to load) beat plain Python there
    with jit.compiled_run() if n > INTERPRETED else contextlib.nullcontext():
        results = engine.evaluate(
            scenario, params, breakeven=False, detail=False, compare=False, chain_view=False
        )
    return [float(npv) for npv in results.pathways[pathway].plant["npv_usd"]]
