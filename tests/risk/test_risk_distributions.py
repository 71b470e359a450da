"""Distributions and copulas of the risk module, against moments and percentiles worked out
from their definitions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from orevalue.risk import copula
from orevalue.risk.distributions import (
    Discrete,
    Fixed,
    LogNormal,
    Normal,
    Pert,
    Triangular,
    Uniform,
)

N = 200_000


@pytest.fixture(scope="module")
def u() -> np.ndarray:
    return np.random.default_rng(11).random(N)


def _within(sample: np.ndarray, mean: float, var: float, z: float = 4.5) -> None:
    """Sample mean and variance within z standard errors of the given moments."""
    se_mean = math.sqrt(var / sample.size)
    assert abs(sample.mean() - mean) < z * se_mean
    assert abs(sample.var() - var) < 0.02 * var


def test_triangular_moments(u):
    a, c, b = 2.0, 3.0, 7.0
    x = Triangular(a, c, b).ppf(u)
    var = (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0
    _within(x, (a + b + c) / 3.0, var)
    assert x.min() >= a and x.max() <= b


def test_uniform_moments(u):
    x = Uniform(-10.0, 120.0).ppf(u)
    _within(x, 55.0, 130.0**2 / 12.0)


def test_pert_moments(u):
    a, m, b = 10.0, 20.0, 40.0
    x = Pert(a, m, b).ppf(u)
    mean = (a + 4 * m + b) / 6.0
    _within(x, mean, (mean - a) * (b - mean) / 7.0)


def test_normal_moments(u):
    x = Normal(5.0, 2.0).ppf(u)
    _within(x, 5.0, 4.0)


def test_lognormal_reproduces_its_p10_and_p90(u):
    d = LogNormal(8000.0, 14000.0)
    np.testing.assert_allclose(d.ppf(np.array([0.1, 0.9])), [8000.0, 14000.0], rtol=1e-12)
    x = d.ppf(u)
    np.testing.assert_allclose(np.quantile(x, [0.1, 0.9]), [8000.0, 14000.0], rtol=0.01)
    # median is the geometric mean of P10 and P90; mean exp(mu + sigma^2/2)
    assert np.median(x) == pytest.approx(math.sqrt(8000.0 * 14000.0), rel=0.01)
    sigma = math.log(14000 / 8000) / (2 * 1.2815515655446004)
    assert d.mean == pytest.approx(math.sqrt(8000.0 * 14000.0) * math.exp(sigma**2 / 2))


def test_discrete_frequencies(u):
    x = Discrete((3.0, 1.0, 2.0), (0.5, 0.2, 0.3)).ppf(u)
    for value, weight in ((3.0, 0.5), (1.0, 0.2), (2.0, 0.3)):
        assert np.mean(x == value) == pytest.approx(weight, abs=0.005)


def test_fixed_is_constant(u):
    assert np.all(Fixed(4.2).ppf(u[:10]) == 4.2)


TARGET = np.array([[1.0, 0.6, -0.3], [0.6, 1.0, 0.2], [-0.3, 0.2, 1.0]])


@pytest.mark.parametrize("method", ["gaussian", "iman-conover"])
def test_copulas_give_the_rank_correlations_and_keep_uniform_marginals(method):
    rng = np.random.default_rng(5)
    u = rng.random((20_000, 3))
    if method == "gaussian":
        v = copula.gaussian_copula(u, TARGET)
    else:
        v = copula.iman_conover(u, TARGET, rng)
    np.testing.assert_allclose(stats.spearmanr(v).statistic, TARGET, atol=0.02)
    for j in range(3):  # still uniform on (0, 1): Kolmogorov-Smirnov
        assert stats.kstest(v[:, j], "uniform").pvalue > 0.001
    if method == "iman-conover":  # a reordering: each column holds exactly its values
        np.testing.assert_array_equal(np.sort(v, axis=0), np.sort(u, axis=0))


def test_copula_keeps_a_triangular_marginal():
    rng = np.random.default_rng(9)
    v = copula.gaussian_copula(rng.random((50_000, 2)), np.array([[1.0, 0.7], [0.7, 1.0]]))
    x = Triangular(2.0, 3.0, 7.0).ppf(v[:, 0])
    _within(x, 4.0, (4 + 49 + 9 - 14 - 6 - 21) / 18.0)


@pytest.mark.parametrize(
    ("matrix", "words"),
    [
        ([[1.0, 0.9, 0.9], [0.9, 1.0, -0.9], [0.9, -0.9, 1.0]], "positive semi-definite"),
        ([[1.0, 0.5], [0.4, 1.0]], "symmetric"),
        ([[2.0, 0.5], [0.5, 2.0]], "diagonal"),
    ],
)
def test_invalid_correlation_matrices_are_named(matrix, words):
    assert words in copula.check_correlation(np.array(matrix))


def test_a_singular_but_valid_matrix_is_accepted():
    m = np.array([[1.0, 1.0], [1.0, 1.0]])
    assert copula.check_correlation(m) is None
    z = copula.correlate_normals(np.random.default_rng(1).standard_normal((1000, 2)), m)
    np.testing.assert_allclose(z[:, 0], z[:, 1])
