"""Checks of the ``[uncertainty]`` table against the scenario: field bounds, correlation
matrices, and which inputs the model reads per sample."""

from __future__ import annotations

import math
import typing
from typing import Annotated, Any

import numpy as np
from pydantic import BaseModel

from orevalue.params import Params
from orevalue.risk import copula
from orevalue.risk.distributions import Distribution, LogNormal, Normal
from orevalue.scenario import Scenario


def correlation_matrix(
    rows: list[list[float]], n: int, what: str
) -> tuple[np.ndarray | None, str | None]:
    """``rows`` as a matrix (None unless rectangular) and what is wrong with it as the rank
    correlations of ``n`` ``what`` ("inputs", "series"), or None when nothing is."""
    rectangular = bool(rows) and all(len(row) == len(rows[0]) for row in rows)
    matrix = np.asarray(rows, dtype=float) if rectangular else None
    why = (
        "must be a list of equal-length rows"
        if matrix is None
        else copula.check_correlation(matrix)
    )
    if why is None and matrix is not None and matrix.shape[0] != n:
        why = f"has {matrix.shape[0]} rows for {n} {what}"
    return matrix, why


def field_bounds(scenario: Scenario, path: str) -> tuple[float, bool, float, bool]:
    """(low, low inclusive, high, high inclusive) that the schema allows at ``path``."""
    tp: Any = type(scenario)
    metadata: list[Any] = []
    for part in path.split("."):
        while typing.get_origin(tp) is Annotated:
            tp = typing.get_args(tp)[0]
        origin = typing.get_origin(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            info = tp.model_fields.get(part)
            if info is None:
                return (-math.inf, True, math.inf, True)
            tp, metadata = info.annotation, list(info.metadata)
        elif origin is dict:
            tp, metadata = typing.get_args(tp)[1], []
        elif origin in (list, tuple):
            args = typing.get_args(tp)
            tp = args[int(part)] if origin is tuple and len(args) > int(part) else args[0]
            metadata = []
        else:
            return (-math.inf, True, math.inf, True)
    while typing.get_origin(tp) is Annotated:
        args = typing.get_args(tp)
        tp = args[0]
        for extra in args[1:]:
            metadata.extend(getattr(extra, "metadata", [extra]))
    low, low_in, high, high_in = -math.inf, True, math.inf, True
    for m in metadata:
        if getattr(m, "ge", None) is not None:
            low, low_in = float(m.ge), True
        if getattr(m, "gt", None) is not None:
            low, low_in = float(m.gt), False
        if getattr(m, "le", None) is not None:
            high, high_in = float(m.le), True
        if getattr(m, "lt", None) is not None:
            high, high_in = float(m.lt), False
    return low, low_in, high, high_in


#: Probability mass an unbounded distribution may put outside its field's bounds (clipped).
TAIL = 1e-6


def outside_bounds(scenario: Scenario, path: str, dist: Distribution) -> str | None:
    """What is wrong with ``dist`` for the field at ``path``: values its schema bounds forbid
    (or, for an unbounded distribution, more than :data:`TAIL` of it beyond them); None if it
    fits."""
    low, low_in, high, high_in = field_bounds(scenario, path)
    allowed = _range(low, low_in, high, high_in)
    if not allowed:
        return None
    if isinstance(dist, Normal | LogNormal):  # unbounded: the tails beyond must be negligible
        if isinstance(dist, Normal):
            z_low = (low - dist.mean_value) / dist.sd if dist.sd else -math.inf
            z_high = (high - dist.mean_value) / dist.sd if dist.sd else math.inf
        else:
            z_low = (math.log(low) - dist.mu) / dist.sigma if low > 0 else -math.inf
            z_high = (math.log(high) - dist.mu) / dist.sigma if high < math.inf else math.inf
        # the two tails by erfc (exact to rounding, and no SciPy import for a check)
        tail = 0.5 * math.erfc(-z_low / math.sqrt(2.0)) + 0.5 * math.erfc(z_high / math.sqrt(2.0))
        if tail > TAIL:
            return (
                f"this distribution puts {tail:.2g} of its probability outside what {path} "
                f"allows ({allowed}); narrow it or use triangular, pert or uniform"
            )
        return None
    lo, hi = (float(v) for v in dist.ppf(np.array([0.0, 1.0])))
    too_low = lo < low or (lo == low and not low_in)
    too_high = hi > high or (hi == high and not high_in)
    if too_low or too_high:
        return f"values from {lo:g} to {hi:g} fall outside what {path} allows ({allowed})"
    return None


def _range(low: float, low_in: bool, high: float, high_in: bool) -> str:
    parts = []
    if low > -math.inf:
        parts.append(f"{'>=' if low_in else '>'} {low:g}")
    if high < math.inf:
        parts.append(f"{'<=' if high_in else '<'} {high:g}")
    return " and ".join(parts)


class _TrackingParams(Params):
    """Params that record which paths the model reads (to find settings read only from the
    scenario object, which sampling cannot change)."""

    def __init__(self, values: Any, n_samples: int = 1):
        super().__init__(values, n_samples)
        self.read: set[str] = set()

    def __getitem__(self, path: str) -> np.ndarray:
        self.read.add(path)
        return super().__getitem__(path)

    def get(self, path: str, default: float = 0.0) -> np.ndarray:  # type: ignore[override]
        self.read.add(path)
        return super().get(path, default)

    def vector(self, path: str) -> np.ndarray:
        self.read.update(k for k in self._values if k.startswith(path + "."))
        return super().vector(path)

    def deck(self, path: str, years: np.ndarray) -> np.ndarray:
        self.read.update(k for k in self._values if k.startswith(path + "."))
        return super().deck(path, years)

    def replace(self, updates: Any) -> Params:
        """A copy that records its reads here too (the mine's feed grades are a copy)."""
        out = super().replace(updates)
        tracked = _TrackingParams.__new__(_TrackingParams)
        tracked.__dict__.update(out.__dict__)
        tracked.read = self.read
        return tracked


def not_read_per_sample(scenario: Scenario, p: Params, paths: list[str]) -> list[str]:
    """Paths among ``paths`` the model never reads from the parameters."""
    if not paths:
        return []
    from orevalue.engine import evaluate

    tracking = _TrackingParams({k: p[k] for k in p}, 1)
    evaluate(scenario, tracking, breakeven=False, detail=False)
    return [path for path in paths if path not in tracking.read]
