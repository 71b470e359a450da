"""Small array helpers the numeric modules share."""

from __future__ import annotations

import numpy as np


def add_into(total: np.ndarray, x: np.ndarray | float, subtract: bool = False) -> np.ndarray:
    """``total + x`` (or ``- x``), written into ``total`` (an array the caller made and owns)
    where the result has its shape, else a new array: the same operation on the same numbers,
    so the same bits either way."""
    op = np.subtract if subtract else np.add
    if np.broadcast_shapes(total.shape, np.shape(x)) == total.shape:
        return op(total, x, out=total)
    return op(total, x)
