"""Dependence between uncertain inputs that keeps every marginal distribution.

Correlations are given as a matrix of *rank* (Spearman) correlations. Two ways apply them to
independent uniforms shaped (n, k):

- Gaussian copula: uniforms -> standard normals -> correlated by a factor of the matrix ->
  back to uniforms. The normal correlation that gives Spearman rho_s is 2 sin(pi rho_s / 6).
- Iman-Conover (1982): the samples of each column are reordered so that their ranks follow
  correlated normal scores; the set of values in each column is untouched.

Either way the uniforms stay uniform, so each input keeps its own distribution exactly.
"""

from __future__ import annotations

import numpy as np

from orevalue.risk.distributions import normal_cdf, normal_ppf

#: Smallest eigenvalue accepted as positive semi-definite (round-off in hand-written matrices).
PSD_TOL = 1e-9


def check_correlation(matrix: np.ndarray) -> str | None:
    """Why ``matrix`` is not a valid correlation matrix, or None if it is.

    Valid: square, symmetric, ones on the diagonal, entries in [-1, 1], positive semi-definite.
    """
    m = np.asarray(matrix, dtype=float)
    if m.ndim != 2 or m.shape[0] != m.shape[1]:
        return f"must be square, got {m.shape[0]} rows of {m.shape[1:] or 'unequal'} entries"
    if not np.allclose(m, m.T, atol=1e-12):
        i, j = np.argwhere(~np.isclose(m, m.T, atol=1e-12))[0]
        return f"must be symmetric; entry [{i}][{j}] = {m[i, j]} but [{j}][{i}] = {m[j, i]}"
    if not np.allclose(np.diag(m), 1.0):
        return "must have 1.0 on the diagonal"
    if np.any(np.abs(m) > 1.0):
        return "entries must lie in [-1, 1]"
    smallest = float(np.linalg.eigvalsh(m).min())
    if smallest < -PSD_TOL:
        return (
            f"is not positive semi-definite (smallest eigenvalue {smallest:.3g}); "
            "the correlations contradict each other"
        )
    return None


def normal_from_rank(rank_corr: np.ndarray) -> np.ndarray:
    """Normal-copula correlation giving the Spearman correlations ``rank_corr``, made positive
    semi-definite again if the conversion broke it."""
    r = 2.0 * np.sin(np.pi * np.asarray(rank_corr, dtype=float) / 6.0)
    np.fill_diagonal(r, 1.0)
    return nearest_correlation(r)


def nearest_correlation(matrix: np.ndarray) -> np.ndarray:
    """``matrix`` with negative eigenvalues clipped to zero and the diagonal rescaled to 1."""
    values, vectors = np.linalg.eigh(matrix)
    if values.min() >= 0.0:
        return matrix
    fixed = (vectors * np.maximum(values, 0.0)) @ vectors.T
    d = np.sqrt(np.diag(fixed))
    return fixed / np.outer(d, d)


def factor(corr: np.ndarray) -> np.ndarray:
    """A matrix A with A @ A.T == corr (works for singular, positive semi-definite corr)."""
    values, vectors = np.linalg.eigh(np.asarray(corr, dtype=float))
    return vectors * np.sqrt(np.maximum(values, 0.0))


def correlate_normals(z: np.ndarray, corr: np.ndarray) -> np.ndarray:
    """Independent standard normals ``z`` (..., k) made correlated with matrix ``corr``."""
    return z @ factor(corr).T


def gaussian_copula(u: np.ndarray, rank_corr: np.ndarray) -> np.ndarray:
    """Independent uniforms (n, k) -> uniforms with Spearman correlations ``rank_corr``."""
    u = np.clip(u, 1e-300, 1.0 - 1e-16)
    z = correlate_normals(normal_ppf(u), normal_from_rank(rank_corr))
    return normal_cdf(z)


def iman_conover(u: np.ndarray, rank_corr: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Reorder each column of ``u`` (n, k) so that the rank correlations approach ``rank_corr``.

    Scores are van der Waerden normal scores, randomly permuted per column, then given the
    target correlation (Cholesky of the target times the inverse Cholesky of the scores' own
    correlation); each column of ``u`` takes the ranks of its score column.
    """
    n, k = u.shape
    if n < 3 or k < 2:
        return u
    base = normal_ppf(np.arange(1, n + 1) / (n + 1.0))
    scores = np.stack([rng.permutation(base) for _ in range(k)], axis=1)
    own = np.corrcoef(scores, rowvar=False)
    target = normal_from_rank(rank_corr)
    try:
        whiten = np.linalg.inv(np.linalg.cholesky(own)).T  # scores @ whiten: identity corr
    except np.linalg.LinAlgError:
        whiten = np.eye(k)
    shaped = scores @ whiten @ factor(target).T
    out = np.empty_like(u)
    for j in range(k):
        ranks = np.argsort(np.argsort(shaped[:, j], kind="stable"), kind="stable")
        out[:, j] = np.sort(u[:, j])[ranks]
    return out
