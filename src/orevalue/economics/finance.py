"""Project finance: a senior loan drawn with capex, repaid as an annuity or sculpted to a
target debt-service cover, and the cash flows it leaves to equity. USD arrays (N, Y)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orevalue.economics import metrics


@dataclass(frozen=True)
class Debt:
    """Loan lines by year: drawdown, interest, principal and balance at year end, USD (N, Y);
    ``dscr`` is CFADS over debt service in repayment years (NaN elsewhere)."""

    drawdown_usd: np.ndarray
    interest_usd: np.ndarray
    principal_usd: np.ndarray
    balance_usd: np.ndarray
    dscr: np.ndarray

    @property
    def service_usd(self) -> np.ndarray:
        return self.interest_usd + self.principal_usd


def debt_schedule(
    capex_usd: np.ndarray,
    cfads_usd: np.ndarray,
    *,
    debt_share: np.ndarray,
    rate: np.ndarray,
    first_repayment_col: int,
    tenor_years: int | np.ndarray,
    sculpted: bool,
    target_dscr: np.ndarray,
) -> Debt:
    """Debt drawn as ``debt_share`` of each year's capex; interest during construction and
    grace is capitalised; repaid over ``tenor_years`` from ``first_repayment_col``.

    ``tenor_years`` is one whole number of years or one per sample, (N,) or (N, 1), rounded
    to whole years (a policy-bank loan's longer tenor is a lever of ``orevalue incentives``).
    Annuity: level debt service. Sculpted: debt service = CFADS / target DSCR, the loan cut to
    what that service can repay at ``rate`` (so DSCR equals the target each repayment year), or
    scaled down in proportion where the gearing gives less debt than that.
    """
    n, y = capex_usd.shape
    r = rate[:, 0]
    draw = capex_usd * debt_share
    tenor = np.rint(np.broadcast_to(np.asarray(tenor_years, float).reshape(-1), (n,)))
    stop = np.minimum(first_repayment_col + tenor.astype(int), y)  # (N,) first col after
    t_idx = np.arange(y)
    repaying = (t_idx[None, :] >= first_repayment_col) & (t_idx[None, :] < stop[:, None])
    # balance at the start of repayment (end of the year before the first repayment): a
    # drawdown of year t accrues interest from year t + 1, capitalised until then
    years_capitalised = np.clip(first_repayment_col - 1 - t_idx, 0, None)
    growth = (1.0 + r[:, None]) ** years_capitalised[None, :]
    pre = t_idx < first_repayment_col
    opening = (draw * growth * pre).sum(axis=1)
    service = np.zeros((n, y))
    if sculpted:
        wanted = np.where(repaying, np.maximum(cfads_usd, 0.0) / target_dscr, 0.0)
        since = np.maximum(t_idx - first_repayment_col + 1.0, 1.0)
        disc = np.where(repaying, (1.0 + r[:, None]) ** -since[None, :], 0.0)
        capacity = (wanted * disc).sum(axis=1)
        scale = np.divide(opening, capacity, out=np.zeros(n), where=capacity > 0)
        opening = np.minimum(opening, capacity)
        service = wanted * np.minimum(scale, 1.0)[:, None]
        drawn = (draw * growth * pre).sum(axis=1)
        draw = draw * np.divide(opening, drawn, out=np.zeros(n), where=drawn > 0)[:, None]
    else:
        count = np.maximum(stop - first_repayment_col, 0)
        factor = np.asarray(metrics.annuity_factor(r, count), float)
        annuity = np.divide(opening, factor, out=np.zeros(n), where=factor > 0)
        service = np.where(repaying, annuity[:, None], 0.0)
    interest = np.zeros((n, y))
    principal = np.zeros((n, y))
    balance = np.zeros((n, y))
    bal = np.zeros(n)
    for t in range(y):  # years, not samples
        accrued = bal * r
        if t < first_repayment_col:
            bal = bal + accrued + draw[:, t]
        else:
            interest[:, t] = accrued
            pay = np.minimum(np.maximum(service[:, t] - accrued, 0.0), bal)
            # the loan matures: what is left (rounding) is repaid with it
            pay = np.where(t == stop - 1, bal, pay)
            principal[:, t] = pay
            bal = bal - pay + draw[:, t]
        balance[:, t] = bal
    ds = interest + principal
    dscr = np.where(
        ds > 0, np.divide(cfads_usd, ds, out=np.full((n, y), np.nan), where=ds > 0), np.nan
    )
    return Debt(draw, interest, principal, balance, dscr)
