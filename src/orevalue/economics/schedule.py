"""Project timeline: construction, ramp-up and operating years as arrays over calendar years."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orevalue.params import Params
from orevalue.scenario import Scenario


@dataclass(frozen=True)
class Timeline:
    """Calendar years of a project: ``build_years`` of construction then operations."""

    years: np.ndarray
    build_years: int

    @property
    def op_index(self) -> np.ndarray:
        """Operating-year number per column (0 = first operating year; < 0 during the build)."""
        return np.arange(self.years.size) - self.build_years

    @property
    def operating(self) -> np.ndarray:
        """True in operating years, shape (Y,)."""
        return self.op_index >= 0


def timeline(scenario: Scenario) -> Timeline:
    """Years from the start of construction to the end of the operating life."""
    project = scenario.project
    build = len(project.construction_spend_pct)
    years = project.start_year + np.arange(build + project.operating_years)
    return Timeline(years=years, build_years=build)


def capex_share(p: Params, tl: Timeline) -> np.ndarray:
    """Fraction of initial capex spent in each year, (N, Y)."""
    shares = p.vector("project.construction_spend_pct") / 100.0
    out = np.zeros((p.n_samples, tl.years.size))
    out[:, : tl.build_years] = shares
    return out


def utilisation(p: Params, tl: Timeline) -> np.ndarray:
    """Utilisation of nameplate, fraction, (N, Y); 0 outside operations, last value holds."""
    ramp = p.vector("project.utilisation_pct") / 100.0
    index = np.clip(tl.op_index, 0, ramp.shape[1] - 1)
    return ramp[:, index] * tl.operating


def steady_index(scenario: Scenario, tl: Timeline) -> int:
    """Column of the first year at the final utilisation (the year margins are quoted for)."""
    ramp = len(scenario.project.utilisation_pct)
    return min(tl.build_years + ramp - 1, tl.years.size - 1)


def feed_available_dry_t(scenario: Scenario, p: Params, feed: str, tl: Timeline) -> np.ndarray:
    """Dry tonnes of ``feed`` available per year, (N, Y)."""
    f = scenario.feeds[feed]
    if not f.enabled:
        return np.zeros((p.n_samples, tl.years.size))
    window = (tl.years >= f.first_year) & (tl.years <= f.last_year)
    return p[f"feeds.{feed}.dry_t_per_yr"] * window
