"""Price paths: mean-reverting deviations from the scenario's deck, with correlated shocks.

Each simulated series follows its deck (the scenario's central path, with any sampled knots such
as the long-run level) times, or plus, an Ornstein-Uhlenbeck deviation X that starts at 0 in the
spot year and reverts towards 0 with the given half-life:

    X_t = phi X_{t-1} + sigma sqrt((1 - phi^2) / (2 kappa)) e_t,   kappa = ln 2 / half-life,
    phi = exp(-kappa), e_t standard normal, correlated across series year by year.

``log`` series: price = deck x exp(X) (the deck is the median path; sigma is the annual
volatility of the log price). ``arithmetic`` series (TC, acid netback: may be negative):
value = level + X, sigma in the series' unit per year. A regime replaces the level by a
two-state Markov chain: the market is tight or normal each year, starting in the spot year's
state and leaving a state with probability 1 / (mean spell length) per year. Linked series are
a fixed multiple of another (RC = TC / 10).

A path is a deck with a value in every timeline year (``Params.with_decks``): one parameter
per year, ``prices.<series>.<year>``, which the engine reads as a full price deck, handed back
whole; the acid netback becomes ``prices.acid_netback_usd_per_t``.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from orevalue import kernels
from orevalue.params import Params
from orevalue.risk.spec import PricePaths, Series


def steps(model: PricePaths, years: np.ndarray) -> int:
    """Simulated years after the spot year up to the last timeline year."""
    return max(int(years[-1]) - model.start_year, 0)


def ou_deviation(
    shocks: np.ndarray, sigma: float, half_life_years: float, at: np.ndarray | None = None
) -> np.ndarray:
    """OU deviations (n, T + 1) from standard normal ``shocks`` (n, T); column 0 (spot) is 0.
    With ``at`` (J,), only columns ``at`` of them, (n, J) in C order."""
    n, t = shocks.shape
    out = np.zeros((n, t + 1) if at is None else (n, at.size))
    if sigma == 0.0 or t == 0:
        return out
    if math.isinf(half_life_years):
        phi, scale = 1.0, sigma
    else:
        kappa = math.log(2.0) / half_life_years
        phi = math.exp(-kappa)
        scale = sigma * math.sqrt((1.0 - phi * phi) / (2.0 * kappa))
    if at is None:
        kernels.ou_paths(np.ascontiguousarray(shocks), phi, scale, out)
    else:
        at = np.ascontiguousarray(at, dtype=np.int64)
        kernels.ou_paths_at(np.ascontiguousarray(shocks), phi, scale, at, out)
    return out


def ou_sd(sigma: float, half_life_years: float, t: int) -> float:
    """Standard deviation of the OU deviation ``t`` years after the spot year."""
    kappa = math.log(2.0) / half_life_years
    return sigma * math.sqrt((1.0 - math.exp(-2.0 * kappa * t)) / (2.0 * kappa))


def regime_tight(start_tight: bool, p_leave_tight: float, p_leave_normal: float, u: np.ndarray):  # type: ignore[no-untyped-def]
    """Tight-market indicator (n, T + 1) from uniforms ``u`` (n, T); column 0 is the start."""
    n, t = u.shape
    out = np.empty((n, t + 1), dtype=bool)
    kernels.markov_states(
        bool(start_tight), float(p_leave_tight), float(p_leave_normal), np.ascontiguousarray(u), out
    )
    return out


def series_values(
    series: Series,
    p: Params,
    years: np.ndarray,
    start_year: int,
    shocks: np.ndarray,
    regime_u: np.ndarray | None,
) -> np.ndarray:
    """Values of one series in each timeline year, (n, Y)."""
    t = shocks.shape[1]
    index = np.clip(years - start_year, 0, t)  # timeline year -> simulated column
    # (n, Y) in C order, as the engine's other arrays
    x = ou_deviation(shocks, series.sigma, series.half_life_years, at=index)
    if series.regime is not None and regime_u is not None:
        r = series.regime
        tight = regime_tight(r.start_tight, r.p_leave_tight, r.p_leave_normal, regime_u)[:, index]
        level = np.where(tight, r.tight, r.normal)
    elif series.is_deck:
        level = p.deck(series.base_path, years)
    else:
        level = p[series.base_path] * np.ones(years.size)
    if series.process == "log":
        return level * np.exp(x)
    return level + x


def path_updates(
    model: PricePaths,
    p: Params,
    years: np.ndarray,
    shocks: np.ndarray,
    regime_u: np.ndarray,
    only: str | None = None,
) -> dict[str, np.ndarray]:
    """Every simulated and linked series as a deck ``prices.<series>``: values (n, Y) in each
    of ``years`` (for :meth:`Params.with_decks`; :func:`columns` gives the per-year parameters).

    ``shocks`` (n, S, T) are the (already correlated) standard normal shocks of each series,
    ``regime_u`` (n, R, T) the uniforms of the series with a regime, in the model's order.
    ``only`` simulates that series alone (the others keep the deck).
    """
    values: dict[str, np.ndarray] = {}
    r = 0
    for s, series in enumerate(model.series):
        u = regime_u[:, r] if series.regime is not None else None
        r += series.regime is not None
        if only is not None and series.name != only:
            continue
        values[series.name] = series_values(series, p, years, model.start_year, shocks[:, s], u)
    for link in model.linked:
        if link.base in values:
            values[link.name] = values[link.base] * link.ratio
    return {f"prices.{name}": v for name, v in values.items()}


def columns(decks: dict[str, np.ndarray], years: np.ndarray) -> dict[str, np.ndarray]:
    """The per-year parameters ``prices.<series>.<year>`` (n, 1) of decks given by year."""
    return {
        f"{path}.{int(year)}": v[:, k : k + 1]
        for path, v in decks.items()
        for k, year in enumerate(years)
    }


def base_updates(model: PricePaths, p: Params, years: np.ndarray) -> dict[str, np.ndarray]:
    """The path decks at the scenario's own values: every series on its deck (or the site's
    acid netback), no shock, no regime."""
    n = p.n_samples
    shocks = np.zeros((n, len(model.series), 0))
    plain = PricePaths(
        model.start_year,
        tuple(replace(s, regime=None) for s in model.series),
        model.linked,
        model.corr,
    )
    return path_updates(plain, p, years, shocks, np.zeros((n, 0, 0)))


def regime_count(model: PricePaths) -> int:
    """Number of series with a regime (each takes one uniform per simulated year)."""
    return sum(s.regime is not None for s in model.series)
