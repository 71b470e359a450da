"""What the state pays out for a lever beyond the revenue it forgoes: one small function per
``spending`` kind of the lever table, USD by year (N packages, Y years), undiscounted.

Revenue forgone (taxes, duties, state-equity returns) comes out of the engine's government
lines; these are the outlays the government lines do not see: a subsidy paid to the utility,
a grant, roads the province builds, the interest a policy bank gives up, a permit desk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from orevalue.economics.plant_costs import permit_holding_usd
from orevalue.incentives.levers import Lever
from orevalue.params import Params
from orevalue.results import PathwayResult


@dataclass(frozen=True)
class Run:
    """One evaluation of N packages (or the reference, N = 1): its parameters and pathway."""

    params: Params
    result: PathwayResult

    def base_capex_usd(self) -> np.ndarray:
        """The plant's capex before customs duty, grant and delay cost, USD (N, Y)."""
        lines, p = self.result.case.lines, self.params
        grant = p.get("finance.capex_grant_pct") / 100.0
        net = (
            lines["capex"] - lines["customs_duty"] - permit_holding_usd(p, lines["capex"].shape[1])
        )
        return net / (1.0 - grant)


#: (lever, amounts (N, 1), reference run, package run) -> public outlay USD (N, Y).
Spending = Callable[[Lever, np.ndarray, Run, Run], np.ndarray]
SPENDINGS: dict[str, Spending] = {}


def spending(name: str) -> Callable[[Spending], Spending]:
    """Register a spending kind under ``name``."""

    def register(fn: Spending) -> Spending:
        SPENDINGS[name] = fn
        return fn

    return register


@spending("none")
def _none(lever: Lever, amount: np.ndarray, ref: Run, pkg: Run) -> np.ndarray:
    """No outlay: the lever's cost is all revenue forgone (or, for protection, contingent)."""
    return np.zeros_like(pkg.result.case.lines["capex"])


@spending("opex_part")
def _opex_part(lever: Lever, amount: np.ndarray, ref: Run, pkg: Run) -> np.ndarray:
    """The state pays the supplier what the investor saves on the operating cost ``part``
    (a power or water subsidy, security the state provides)."""
    part = lever.part
    return ref.result.case.opex_parts[part] - pkg.result.case.opex_parts[part]


@spending("capex_grant")
def _capex_grant(lever: Lever, amount: np.ndarray, ref: Run, pkg: Run) -> np.ndarray:
    """The grant, paid as the capex is spent: its share of the base capex."""
    share = (pkg.params[lever.path] - ref.params[lever.path]) / 100.0
    return pkg.base_capex_usd() * share


@spending("capex_saved")
def _capex_saved(lever: Lever, amount: np.ndarray, ref: Run, pkg: Run) -> np.ndarray:
    """Capex the state builds instead of the investor (roads, spur, connections)."""
    return ref.base_capex_usd() - pkg.base_capex_usd()


@spending("interest_subsidy")
def _interest_subsidy(lever: Lever, amount: np.ndarray, ref: Run, pkg: Run) -> np.ndarray:
    """Interest the lender gives up: the rate cut on the loan's opening balance each year."""
    debt = pkg.result.case.debt
    if debt is None:
        return _none(lever, amount, ref, pkg)
    opening = np.concatenate([np.zeros_like(debt.balance_usd[:, :1]), debt.balance_usd[:, :-1]], 1)
    cut = (ref.params[lever.path] - pkg.params[lever.path]) / 100.0
    return opening * cut


@spending("per_unit")
def _per_unit(lever: Lever, amount: np.ndarray, ref: Run, pkg: Run) -> np.ndarray:
    """A fixed cost per unit of the lever (a one-window permit desk), in the first year."""
    out = _none(lever, amount, ref, pkg)
    out[:, :1] = amount * lever.usd_per_unit
    return out


@spending("training")
def _training(lever: Lever, amount: np.ndarray, ref: Run, pkg: Run) -> np.ndarray:
    """A training programme: each post of skill ``part`` handed to a national costs
    ``usd_per_unit`` per trainee, paid in the year the post is localised (the localisation
    schedule of :func:`orevalue.economics.plant_costs.localisation_usd`)."""
    revenue = ref.result.case.lines["revenue"]
    operating = (revenue > 0).any(axis=0).astype(float)
    op_index = np.cumsum(operating) - 1.0
    years = pkg.params.get("labour.localisation_years", 5.0)
    share_now = pkg.params[lever.path] / 100.0
    share_before = ref.params[lever.path] / 100.0
    ramp = np.clip((op_index + 1.0) / years, 0.0, 1.0) * operating
    localised = (share_now - share_before) * ramp * pkg.result.case.staff.get(lever.part, 0)
    return np.diff(localised, axis=1, prepend=0.0) * lever.usd_per_unit


@spending("term_premium")
def _term_premium(lever: Lever, amount: np.ndarray, ref: Run, pkg: Run) -> np.ndarray:
    """A policy bank holding its loan longer: ``premium_pct`` a year on the balance the
    package leaves outstanding above the reference's (the longer tenor), at the opening of
    each year. The rate cut of a concessional loan is priced by ``interest_subsidy``."""
    debt, before = pkg.result.case.debt, ref.result.case.debt
    if debt is None or before is None:
        return _none(lever, amount, ref, pkg)

    def opening(balance: np.ndarray) -> np.ndarray:
        return np.concatenate([np.zeros_like(balance[:, :1]), balance[:, :-1]], axis=1)

    extra = np.maximum(opening(debt.balance_usd) - opening(before.balance_usd), 0.0)
    return extra * lever.premium_pct / 100.0
