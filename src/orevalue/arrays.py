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


def joined(pieces: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """The arrays of consecutive pieces (chunks of samples or of points, each with the same
    keys), key by key, end to end; a single piece as it is."""
    if len(pieces) == 1:
        return pieces[0]
    return {key: np.concatenate([piece[key] for piece in pieces]) for key in pieces[0]}
