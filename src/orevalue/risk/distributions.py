"""Marginal distributions of uncertain inputs, each a vectorised inverse CDF of uniforms.

Every distribution maps uniforms ``u`` in (0, 1) to values by its quantile function, so the same
object serves independent Monte Carlo draws, copula draws (uniforms with a dependence
structure), Sobol designs and tornado bars (the values at u = 0.1 and u = 0.9).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

#: z-score of the 90th percentile of the standard normal, ``scipy.special.ndtri(0.9)`` (a test
#: checks it), written out so that importing this module does not import SciPy (0.15 s).
Z90 = 1.2815515655446004


def _special() -> Any:
    """:mod:`scipy.special`, imported on first use (a scenario check needs none of it)."""
    from scipy import special

    return special


@dataclass(frozen=True)
class Distribution:
    """Base: ``ppf(u)`` is the value at cumulative probability ``u`` (vectorised)."""

    def ppf(self, u: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    @property
    def mean(self) -> float:
        raise NotImplementedError

    @property
    def is_fixed(self) -> bool:
        return False

    def p10_p90(self) -> tuple[float, float]:
        """Values at the 10th and 90th percentiles."""
        low, high = self.ppf(np.array([0.1, 0.9]))
        return float(low), float(high)


@dataclass(frozen=True)
class Fixed(Distribution):
    value: float

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return np.full(np.shape(u), self.value)

    @property
    def mean(self) -> float:
        return self.value

    @property
    def is_fixed(self) -> bool:
        return True


@dataclass(frozen=True)
class Uniform(Distribution):
    low: float
    high: float

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return self.low + (self.high - self.low) * np.asarray(u, dtype=float)

    @property
    def mean(self) -> float:
        return 0.5 * (self.low + self.high)


@dataclass(frozen=True)
class Triangular(Distribution):
    low: float
    mode: float
    high: float

    def ppf(self, u: np.ndarray) -> np.ndarray:
        u = np.asarray(u, dtype=float)
        a, c, b = self.low, self.mode, self.high
        if b == a:
            return np.full(u.shape, a)
        split = (c - a) / (b - a)
        left = a + np.sqrt(u * (b - a) * (c - a))
        right = b - np.sqrt((1.0 - u) * (b - a) * (b - c))
        return np.where(u < split, left, right)

    @property
    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3.0


@dataclass(frozen=True)
class Pert(Distribution):
    """Beta-PERT on [low, high] with the given mode; ``shape`` 4 is the classic PERT."""

    low: float
    mode: float
    high: float
    shape: float = 4.0

    @property
    def _ab(self) -> tuple[float, float]:
        span = self.high - self.low
        alpha = 1.0 + self.shape * (self.mode - self.low) / span
        beta = 1.0 + self.shape * (self.high - self.mode) / span
        return alpha, beta

    def ppf(self, u: np.ndarray) -> np.ndarray:
        u = np.asarray(u, dtype=float)
        if self.high == self.low:
            return np.full(u.shape, self.low)
        alpha, beta = self._ab
        return self.low + (self.high - self.low) * _special().betaincinv(alpha, beta, u)

    @property
    def mean(self) -> float:
        return (self.low + self.shape * self.mode + self.high) / (self.shape + 2.0)


@dataclass(frozen=True)
class Normal(Distribution):
    mean_value: float
    sd: float

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return self.mean_value + self.sd * _special().ndtri(np.asarray(u, dtype=float))

    @property
    def mean(self) -> float:
        return self.mean_value


@dataclass(frozen=True)
class LogNormal(Distribution):
    """Lognormal given by its 10th and 90th percentiles (both > 0)."""

    p10: float
    p90: float

    @property
    def mu(self) -> float:
        """Mean of the log (log of the median)."""
        return 0.5 * (math.log(self.p10) + math.log(self.p90))

    @property
    def sigma(self) -> float:
        """Standard deviation of the log."""
        return (math.log(self.p90) - math.log(self.p10)) / (2.0 * Z90)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return np.exp(self.mu + self.sigma * _special().ndtri(np.asarray(u, dtype=float)))

    @property
    def mean(self) -> float:
        return math.exp(self.mu + 0.5 * self.sigma**2)


@dataclass(frozen=True)
class Discrete(Distribution):
    """Finitely many values with probabilities (normalised to sum to 1)."""

    values: tuple[float, ...]
    weights: tuple[float, ...]

    def ppf(self, u: np.ndarray) -> np.ndarray:
        order = np.argsort(self.values, kind="stable")
        vals = np.asarray(self.values, dtype=float)[order]
        cum = np.cumsum(np.asarray(self.weights, dtype=float)[order])
        cum /= cum[-1]
        index = np.searchsorted(cum, np.asarray(u, dtype=float), side="right")
        return vals[np.minimum(index, vals.size - 1)]

    @property
    def mean(self) -> float:
        w = np.asarray(self.weights, dtype=float)
        return float(np.dot(self.values, w / w.sum()))


def normal_cdf(z: np.ndarray) -> np.ndarray:
    """Standard normal CDF (vectorised)."""
    return _special().ndtr(z)


def normal_ppf(u: np.ndarray) -> np.ndarray:
    """Standard normal quantile function (vectorised)."""
    return _special().ndtri(u)
