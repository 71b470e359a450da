"""Pakistani tax instruments for a processing plant, each a small vectorised rule.

Arrays are USD shaped (N samples, Y years); rates are fractions unless a name says ``pct``.
Each rule names the legal instrument it follows; the figures come from the regime presets in
``data/regimes.toml`` through the scenario.
"""

from __future__ import annotations

import numpy as np

from orevalue import kernels_taxes, outputs
from orevalue.economics.fiscal import straight_line_depreciation_usd

#: The federal taxes on the plant's income, in the order :func:`kernels_taxes.corporate_taxes`
#: writes them (the outputs table lists them in that order): corporate income tax, super tax,
#: minimum and alternative tax, presumptive turnover tax.
TAX_LINES = outputs.instruments(kind="income_tax", payer="plant")


def holiday_share(
    years: np.ndarray, first_year: int, holiday_years: float | np.ndarray, end_year: float
) -> np.ndarray:
    """Share of each calendar year exempt under an income-tax holiday, shape (Y,), or (N, Y)
    when ``holiday_years`` is given per sample as (N, 1).

    The holiday runs ``holiday_years`` from 1 January of ``first_year`` (the first year of
    commercial operation) and ends no later than ``end_year`` as a decimal year (30 June 2035 is
    2035.5, the SEZ sunset of the Finance Act 2025).
    """
    stop = np.minimum(first_year + np.asarray(holiday_years, dtype=float), end_year)
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
    out = np.empty((n, y))
    additions = np.ascontiguousarray(additions_usd, dtype=float)
    allowance = _per_sample(initial_allowance, n)
    kernels_taxes.declining_balance(additions, allowance, _per_sample(rate, n), out)
    return out


def _per_sample(rate: np.ndarray, n: int) -> np.ndarray:
    """A rate given per sample, (N, 1) or (1, 1), as the (N,) array a kernel reads."""
    return np.ascontiguousarray(np.broadcast_to(np.asarray(rate, float).reshape(-1), n))


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

    Normal tax = corporate rate + super tax on taxable income after loss carry-forward. The
    super tax (s.4C, Income Tax Ordinance 2001) applies to the whole income the rate of the
    highest bracket whose threshold it reaches, in PKR million at ``pkr_per_usd``;
    ``super_brackets`` is (K, 2): [threshold PKR m, rate %], ascending. The tax payable is
    the highest of the normal tax, the minimum tax on turnover (s.113) and the alternative
    corporate tax on accounting profit (s.113C), the excess of either floor being
    credited against later normal tax. A holiday exempts the ``exempt_share`` ((Y,) or
    (N, Y)) of each year's income from all of them (losses of exempt years do not carry
    forward unless ``holiday_losses_carry_forward``). A presumptive turnover tax (EPZ final
    tax regime, s.169) replaces them all when its rate is positive.
    """
    n, years = np.broadcast_shapes(
        np.shape(taxable_usd),
        np.shape(turnover_usd),
        np.shape(accounting_profit_usd),
        np.shape(cit_rate),
        np.shape(minimum_rate),
        np.shape(alternative_rate),
        np.shape(presumptive_rate),
        np.shape(pkr_per_usd),
    )

    def carry(years_allowed: int | None) -> int:
        return -1 if years_allowed is None else years_allowed

    def usd(values: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(np.broadcast_to(values, (n, years)), dtype=float)

    brackets = np.asarray(super_brackets, dtype=float).reshape(-1, 2)
    out = np.empty((len(TAX_LINES), n, years))
    kernels_taxes.corporate_taxes(
        usd(taxable_usd),
        usd(turnover_usd),
        usd(accounting_profit_usd),
        np.ascontiguousarray(np.broadcast_to(1.0 - np.asarray(exempt_share, float), (n, years))),
        holiday_losses_carry_forward,
        carry(loss_carry_forward_years),
        _per_sample(cit_rate, n),
        np.ascontiguousarray(brackets[:, 0]),
        np.ascontiguousarray(brackets[:, 1] / 100.0),
        _per_sample(pkr_per_usd, n),
        _per_sample(minimum_rate, n),
        carry(minimum_carry_years),
        _per_sample(alternative_rate, n),
        carry(alternative_carry_years),
        _per_sample(presumptive_rate, n),
        out,
    )
    return dict(zip(TAX_LINES, out, strict=True))
