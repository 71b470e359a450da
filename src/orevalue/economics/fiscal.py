"""Two small vectorised tax rules the plant view uses: a royalty on a base, and straight-line
depreciation (which :func:`orevalue.economics.taxes.tax_depreciation_usd` builds on).

All money arrays are real USD shaped (N, Y): N samples (rows) by Y years (columns). Rates are
fractions (0.05 means 5 %) given as a float or an array shaped (N, 1); the figures come from
the regime presets through the scenario.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]


def _as_2d(values: ArrayLike, name: str) -> FloatArray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be shaped (samples, years), got shape {arr.shape}")
    return arr


def royalty_usd(base_usd: ArrayLike, rate: ArrayLike) -> FloatArray:
    """Royalty in USD per sample and year: ``rate × base`` where base > 0, else 0.

    ``base_usd`` (N, Y) is the royalty base in USD (e.g. sales value); ``rate`` a fraction. A
    base that is not a number gives a royalty that is not a number (never 0).
    """
    base = _as_2d(base_usd, "base_usd")
    return np.maximum(base, 0.0) * np.asarray(rate, dtype=np.float64)


def straight_line_depreciation_usd(additions_usd: ArrayLike, life_years: int) -> FloatArray:
    """Straight-line tax depreciation in USD per sample and year, shaped (N, Y).

    ``additions_usd[:, t]`` is depreciable capital placed in service in year t; it is written
    off in ``life_years`` equal parts in years t .. t + life_years - 1. This is a simple
    straight-line simplification of the tax rules. Write-offs that would fall after the last
    column are cut off (not carried past the horizon). With C the cumulative additions,
    ``dep_t = (C_t - C_{t-L}) / L``.
    """
    if life_years < 1:
        raise ValueError("life_years must be at least 1")
    additions = _as_2d(additions_usd, "additions_usd")
    cum = np.cumsum(additions, axis=1)
    out = cum / life_years
    out[:, life_years:] -= cum[:, :-life_years] / life_years
    return out
