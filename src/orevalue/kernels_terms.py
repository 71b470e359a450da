"""Sales-terms kernel, compiled with Numba: a concentrate lot's money in one pass.

Valuing a concentrate (:func:`orevalue.economics.terms.concentrate`) is a dozen small steps
over (samples, years): payable tonnes, each payable metal at its price, TC and RC, freight,
then the total. Numpy would make an array pass for each (and the feeds are valued three times
an evaluation: bought at parity, and exported FOB with and without a plant); this kernel walks
the cells once, doing each cell's operations in the order numpy would (same IEEE double
arithmetic, no fast-math: the same bits). Compiled on first use and cached on disk like
:mod:`orevalue.kernels`; small calls (a deterministic run) run as Python (:mod:`orevalue.jit`).
"""

from __future__ import annotations

import numpy as np

from orevalue.jit import numba  # compiled where it pays: see orevalue.jit


@numba.njit
def concentrate_lines(
    dry: np.ndarray,
    pay: np.ndarray,
    main_factor: float,
    main_price: np.ndarray,
    k: int,
    units: np.ndarray,
    prices: tuple,
    tc: np.ndarray,
    per_dmt: np.ndarray,
    rc: np.ndarray,
    rc_factor: float,
    freight: np.ndarray,
    order: np.ndarray,
    metal: np.ndarray,
    charges: np.ndarray,
    freight_out: np.ndarray,
    total: np.ndarray,
) -> None:
    """Money of a concentrate lot, all arrays (N, Y) (inputs may be broadcast views).

    Per cell, with d the dry tonnes: payable main tonnes pt = d x ``pay``; the main metal
    ``metal[0]`` = pt (x ``main_factor`` unless 1: tonnes to its price's unit) x its price;
    by-product e < ``k`` ``metal[e + 1]`` = (d x ``units[e]``) x ``prices[e]`` (``units``
    (K, N, Y), ``prices`` a tuple of K arrays, both padded to one where K = 0); ``charges`` =
    d x (``tc`` + ``per_dmt``) + pt x (``rc`` x ``rc_factor``); ``freight_out`` = d x
    ``freight``; ``total`` = the metals summed in the rows ``order`` gives (the elements'
    table order), less charges, less freight."""
    n, y = dry.shape
    for i in range(n):
        for j in range(y):
            d = dry[i, j]
            pt = d * pay[i, j]
            if main_factor != 1.0:
                metal[0, i, j] = (pt * main_factor) * main_price[i, j]
            else:
                metal[0, i, j] = pt * main_price[i, j]
            for e in range(k):
                metal[e + 1, i, j] = (d * units[e, i, j]) * prices[e][i, j]
            c = d * (tc[i, j] + per_dmt[i, j]) + pt * (rc[i, j] * rc_factor)
            charges[i, j] = c
            f = d * freight[i, j]
            freight_out[i, j] = f
            s = metal[order[0], i, j]
            for e in range(1, k + 1):
                s = s + metal[order[e], i, j]
            total[i, j] = (s - c) - f
