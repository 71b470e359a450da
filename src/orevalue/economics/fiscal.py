"""Small vectorised tax rules for a processing plant.

All money arrays are real USD shaped (N, Y): N samples (rows) by Y years (columns). Rates are
fractions (0.29 means 29 %) given as a float or an array shaped (N, 1). The default Pakistani
figures (royalty, corporate and super tax, loss carry-forward) come from data via the caller.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from orevalue import kernels

FloatArray = NDArray[np.float64]


def _as_2d(values: ArrayLike, name: str) -> FloatArray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be shaped (samples, years), got shape {arr.shape}")
    return arr


def income_tax_rate(corporate_pct: ArrayLike, super_tax_pct: ArrayLike) -> FloatArray | float:
    """Combined statutory income-tax rate as a fraction.

    Corporate tax and super tax are both levied on taxable income, in percent; the combined rate
    is their sum over 100 (29 % and 10 % give 0.39). This is the single place combining them.
    """
    rate = (np.asarray(corporate_pct, dtype=np.float64) + np.asarray(super_tax_pct)) / 100.0
    return float(rate) if rate.ndim == 0 else rate


def royalty_usd(base_usd: ArrayLike, rate: ArrayLike) -> FloatArray:
    """Royalty in USD per sample and year: ``rate × base`` where base > 0, else 0.

    ``base_usd`` (N, Y) is the royalty base in USD (e.g. sales value); ``rate`` a fraction.
    """
    base = _as_2d(base_usd, "base_usd")
    return np.where(base > 0.0, np.asarray(rate, dtype=np.float64) * base, 0.0)


def straight_line_depreciation_usd(additions_usd: ArrayLike, life_years: int) -> FloatArray:
    """Straight-line tax depreciation in USD per sample and year, shaped (N, Y).

    ``additions_usd[:, t]`` is depreciable capital placed in service in year t; it is written
    off in ``life_years`` equal parts in years t .. t + life_years - 1. This is a simple
    straight-line simplification of the tax rules. Write-offs that would fall after the last
    column are cut off (not carried past the horizon). With C the cumulative additions,
    ``dep_t = (C_t - C_{t-L}) / L``.
    """
    if life_years < 1:
        raise ValueError("life_years must be at least 1")
    additions = _as_2d(additions_usd, "additions_usd")
    cum = np.cumsum(additions, axis=1)
    out = cum / life_years
    out[:, life_years:] -= cum[:, :-life_years] / life_years
    return out


@dataclass(frozen=True)
class TaxResult:
    """Income tax outcome, every array in USD shaped (N, Y).

    ``tax_usd``: tax payable; ``loss_used_usd``: brought-forward losses set off that year;
    ``loss_balance_usd``: losses still carried forward at the end of the year (usable later);
    ``taxable_after_losses_usd``: taxable income after loss relief, floored at 0.
    """

    tax_usd: FloatArray
    loss_used_usd: FloatArray
    loss_balance_usd: FloatArray
    taxable_after_losses_usd: FloatArray


def income_tax_usd(
    taxable_income_usd: ArrayLike, rate: ArrayLike, loss_carry_forward_years: int | None
) -> TaxResult:
    """Income tax in USD with loss carry-forward, per sample and year.

    ``taxable_income_usd`` (N, Y) is taxable income before loss relief. A loss (negative income)
    arising in year s may be set off against positive income in years s+1 .. s+L, where
    L = ``loss_carry_forward_years`` (None = unlimited); older losses are used first (FIFO) and
    unused losses expire. The Income Tax Ordinance 2001 (Pakistan) allows business losses to be
    carried forward 6 years. Tax = ``rate × max(0, income after loss relief)``.
    """
    if loss_carry_forward_years is not None and loss_carry_forward_years < 0:
        raise ValueError("loss_carry_forward_years must be >= 0 or None")
    income = _as_2d(taxable_income_usd, "taxable_income_usd")
    n, years = income.shape
    used = np.zeros((n, years))
    balance = np.zeros((n, years))
    if (income < 0.0).any():  # else there is no loss to carry, nothing to set off
        lcf = -1 if loss_carry_forward_years is None else loss_carry_forward_years
        kernels.carry_forward(np.ascontiguousarray(income), lcf, used, balance)
    taxable_usd = np.maximum(income, 0.0) - used
    tax = np.asarray(rate, dtype=np.float64) * taxable_usd
    return TaxResult(
        tax_usd=tax if tax.shape == (n, years) else np.broadcast_to(tax, (n, years)).copy(),
        loss_used_usd=used,
        loss_balance_usd=balance,
        taxable_after_losses_usd=taxable_usd,
    )
