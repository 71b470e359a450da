"""Pakistani tax instruments for a processing plant, each a small vectorised rule.

Arrays are USD shaped (N samples, Y years); rates are fractions unless a name says ``pct``.
Each rule names the legal instrument it follows; the figures come from the regime presets in
``data/regimes.toml`` through the scenario.
"""

from __future__ import annotations

import numpy as np

from orevalue.economics.fiscal import income_tax_usd, straight_line_depreciation_usd


def super_tax_rate(
    income_usd: np.ndarray, pkr_per_usd: np.ndarray, brackets: np.ndarray
) -> np.ndarray:
    """Super tax rate (fraction) under s.4C, Income Tax Ordinance 2001: the rate of the highest
    bracket whose threshold (PKR million of income) the year's income reaches; the rate applies
    to the whole income. ``brackets`` is (K, 2): [threshold PKR m, rate %], ascending."""
    income_pkr_m = income_usd * pkr_per_usd / 1e6
    thresholds, rates = brackets[:, 0], brackets[:, 1] / 100.0
    index = np.searchsorted(thresholds, income_pkr_m, side="right") - 1
    return np.where(index >= 0, rates[np.clip(index, 0, None)], 0.0)


def holiday_share(
    years: np.ndarray, first_year: int, holiday_years: float, end_year: float
) -> np.ndarray:
    """Share of each calendar year exempt under an income-tax holiday, shape (Y,).

    The holiday runs ``holiday_years`` from 1 January of ``first_year`` (the first year of
    commercial operation) and ends no later than ``end_year`` as a decimal year (30 June 2035 is
    2035.5, the SEZ sunset of the Finance Act 2025).
    """
    stop = min(first_year + holiday_years, end_year)
    start = np.asarray(years, dtype=float)
    return np.clip(np.minimum(start + 1.0, stop) - np.maximum(start, first_year), 0.0, 1.0)


def declining_balance_depreciation_usd(
    additions_usd: np.ndarray, initial_allowance: np.ndarray, rate: np.ndarray
) -> np.ndarray:
    """Tax depreciation of plant and machinery (s.22-23, Third Schedule, ITO 2001).

    An addition gets the initial allowance in its first year; the written-down value then
    depreciates at ``rate`` on the reducing balance from the following year. Fractions; (N, Y).
    """
    n, y = additions_usd.shape
    out = np.zeros((n, y))
    wdv = np.zeros(n)
    for t in range(y):
        first = additions_usd[:, t] * initial_allowance[:, 0]
        out[:, t] = first + wdv * rate[:, 0]
        wdv = wdv * (1.0 - rate[:, 0]) + additions_usd[:, t] - first
    return out


def tax_depreciation_usd(
    additions_usd: np.ndarray,
    method: str,
    initial_allowance: np.ndarray,
    declining_rate: np.ndarray,
    straight_line_years: int,
) -> np.ndarray:
    """Tax depreciation by schedule: ``declining_balance`` (initial allowance, then the
    reducing-balance rate) or ``straight_line`` (initial allowance, then the rest evenly over
    ``straight_line_years`` from the year after). USD (N, Y)."""
    if method == "declining_balance":
        return declining_balance_depreciation_usd(additions_usd, initial_allowance, declining_rate)
    first = additions_usd * initial_allowance
    rest = straight_line_depreciation_usd(additions_usd - first, straight_line_years)
    return first + np.concatenate([np.zeros_like(rest[:, :1]), rest[:, :-1]], axis=1)


def straight_line_book_depreciation_usd(
    capex_usd: np.ndarray, first_col: int, life_years: int
) -> np.ndarray:
    """Book depreciation for accounting profit: total capex spread evenly from ``first_col``."""
    n, y = capex_usd.shape
    out = np.zeros((n, y))
    stop = min(first_col + life_years, y)
    out[:, first_col:stop] = capex_usd.sum(axis=1, keepdims=True) / life_years
    return out


def credit_used_usd(excess_usd: np.ndarray, room_usd: np.ndarray, carry_years: int) -> np.ndarray:
    """Tax credit set off under a carry-forward with expiry, oldest first.

    ``excess_usd`` is the credit arising each year (minimum or alternative tax paid above the
    normal tax); ``room_usd`` the normal tax above the floor in a later year, against which the
    credit may be adjusted (s.113(2)(c) and s.113C(8), ITO 2001). Returns the credit used.
    """
    if not (room_usd > 0).any() or not (excess_usd > 0).any():
        return np.zeros_like(room_usd)  # nothing to set off, or nothing to set it off against
    # a credit arises only in years where the floor binds, when there is no room: one signed
    # stream carries both, and loss carry-forward arithmetic sets it off
    return income_tax_usd(room_usd - excess_usd, 1.0, carry_years).loss_used_usd


def corporate_taxes_usd(
    taxable_usd: np.ndarray,
    turnover_usd: np.ndarray,
    accounting_profit_usd: np.ndarray,
    exempt_share: np.ndarray,
    *,
    cit_rate: np.ndarray,
    super_brackets: np.ndarray,
    pkr_per_usd: np.ndarray,
    minimum_rate: np.ndarray,
    minimum_carry_years: int,
    alternative_rate: np.ndarray,
    alternative_carry_years: int,
    loss_carry_forward_years: int,
    holiday_losses_carry_forward: bool,
    presumptive_rate: np.ndarray,
) -> dict[str, np.ndarray]:
    """Federal taxes on the plant's income, by instrument, USD (N, Y).

    Normal tax = corporate rate + super tax on taxable income after loss carry-forward; the
    tax payable is the highest of the normal tax, the minimum tax on turnover (s.113) and the
    alternative corporate tax on accounting profit (s.113C), the excess of either floor being
    credited against later normal tax. A holiday exempts the ``exempt_share`` of each year's
    income from all of them (losses of exempt years do not carry forward unless
    ``holiday_losses_carry_forward``). A presumptive turnover tax (EPZ final tax regime, s.169)
    replaces them all when its rate is positive.
    """
    taxed = 1.0 - exempt_share
    base = taxable_usd * taxed
    if holiday_losses_carry_forward:
        base = np.where(taxable_usd < 0, taxable_usd, base)
    after_losses = income_tax_usd(base, 1.0, loss_carry_forward_years).taxable_after_losses_usd
    cit = cit_rate * after_losses
    super_tax = super_tax_rate(after_losses, pkr_per_usd, super_brackets) * after_losses
    normal = cit + super_tax
    minimum = minimum_rate * np.maximum(turnover_usd, 0.0) * taxed
    alternative = alternative_rate * np.maximum(accounting_profit_usd, 0.0) * taxed
    floor = np.maximum(minimum, alternative)
    excess = np.maximum(floor - normal, 0.0)
    room = np.maximum(normal - floor, 0.0)
    # the floor that binds decides which credit arises; the shorter-lived one is used first
    from_minimum = np.where(minimum >= alternative, excess, 0.0)
    used_minimum = credit_used_usd(from_minimum, room, minimum_carry_years)
    used_alternative = credit_used_usd(
        excess - from_minimum, room - used_minimum, alternative_carry_years
    )
    credit = used_minimum + used_alternative
    presumptive = presumptive_rate * np.maximum(turnover_usd, 0.0)
    regular = presumptive_rate <= 0
    return {
        "corporate_income_tax": np.where(regular, cit - credit * _share(cit, normal), 0.0),
        "super_tax": np.where(regular, super_tax - credit * _share(super_tax, normal), 0.0),
        "minimum_and_alternative_tax": np.where(regular, excess, 0.0),
        "presumptive_turnover_tax": np.where(regular, 0.0, presumptive),
    }


def _share(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    return np.divide(part, whole, out=np.zeros_like(part), where=whole > 0)
