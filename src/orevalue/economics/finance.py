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
    tenor_years: int,
    sculpted: bool,
    target_dscr: np.ndarray,
) -> Debt:
    """Debt drawn as ``debt_share`` of each year's capex; interest during construction and
    grace is capitalised; repaid over ``tenor_years`` from ``first_repayment_col``.

    Annuity: level debt service. Sculpted: debt service = CFADS / target DSCR, the loan cut to
    what that service can repay at ``rate`` (so DSCR equals the target each repayment year), or
    scaled down in proportion where the gearing gives less debt than that.
    """
    n, y = capex_usd.shape
    r = rate[:, 0]
    draw = capex_usd * debt_share
    stop = min(first_repayment_col + tenor_years, y)
    cols = np.arange(first_repayment_col, stop)
    # balance at the start of repayment (end of the year before the first repayment): a
    # drawdown of year t accrues interest from year t + 1, capitalised until then
    years_capitalised = np.clip(first_repayment_col - 1 - np.arange(y), 0, None)
    growth = (1.0 + r[:, None]) ** years_capitalised[None, :]
    pre = np.arange(y) < first_repayment_col
    opening = (draw * growth * pre).sum(axis=1)
    service = np.zeros((n, y))
    if sculpted:
        wanted = np.maximum(cfads_usd[:, cols], 0.0) / target_dscr
        disc = (1.0 + r[:, None]) ** -(np.arange(cols.size) + 1.0)[None, :]
        capacity = (wanted * disc).sum(axis=1)
        scale = np.divide(opening, capacity, out=np.zeros(n), where=capacity > 0)
        opening = np.minimum(opening, capacity)
        service[:, cols] = wanted * np.minimum(scale, 1.0)[:, None]
        draw = (
            draw
            * np.divide(
                opening,
                (draw * growth * pre).sum(axis=1),
                out=np.zeros(n),
                where=(draw * growth * pre).sum(axis=1) > 0,
            )[:, None]
        )
    else:
        annuity = opening / metrics.annuity_factor(r, cols.size)
        service[:, cols] = annuity[:, None]
    interest = np.zeros((n, y))
    principal = np.zeros((n, y))
    balance = np.zeros((n, y))
    bal = np.zeros(n)
    for t in range(y):
        accrued = bal * r
        if t < first_repayment_col:
            bal = bal + accrued + draw[:, t]
        else:
            interest[:, t] = accrued
            pay = np.minimum(np.maximum(service[:, t] - accrued, 0.0), bal)
            if t == stop - 1:  # the loan matures: what is left (rounding) is repaid with it
                pay = bal
            principal[:, t] = pay
            bal = bal - pay + draw[:, t]
        balance[:, t] = bal
    ds = interest + principal
    dscr = np.where(
        ds > 0, np.divide(cfads_usd, ds, out=np.full((n, y), np.nan), where=ds > 0), np.nan
    )
    return Debt(draw, interest, principal, balance, dscr)
