"""The investor's lines in one compiled pass (``kernels_taxes.investor_lines``) against the
numpy rules it replaces, step by step, to the bit: royalty, EBITDA, working capital,
depreciation, the holiday, the taxes and the cash flow; and the loss carry-forward that
records only the loss used against the full ledger."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from orevalue import kernels_taxes as kt
from orevalue.economics import fiscal, taxes

YEARS = np.arange(2026, 2040, dtype=float)
BRACKETS = np.array([[150.0, 1.0], [200.0, 2.0], [300.0, 4.0], [500.0, 10.0]])


@settings(max_examples=300, deadline=None)
@given(
    income=arrays(
        np.float64,
        st.integers(1, 14),
        elements=st.one_of(
            st.floats(-1e6, 1e6, allow_nan=False), st.sampled_from([0.0, np.nan, -5.0])
        ),
    ),
    carry_years=st.integers(-1, 6),
)
def test_the_loss_used_is_the_full_ledgers(income, carry_years):
    years = income.size
    used, balance, cum = np.empty(years), np.empty(years), np.empty(years + 1)
    kt._carry_if_any(income, carry_years, cum, used, balance)
    only = np.empty(years)
    kt._carry_used(income, carry_years, np.empty(years + 1), only)
    np.testing.assert_array_equal(only, used)


def _numpy_lines(inputs, r, build, life, declining, holiday_end, carries, builds, mined):
    """The lines as the numpy rules of the plant view work them out (USD (N, Y))."""
    revenue, feed, opex, capex, sustaining, metal_in, price = inputs
    n, y = revenue.shape
    col = lambda k: r[k][:, None]  # noqa: E731 - a per-sample figure as (N, 1)
    on_sales = fiscal.royalty_usd(revenue, col(0))
    royalty = sum(mined, start=on_sales) if len(mined) else on_sales
    ebitda = revenue - feed - opex - royalty
    level = feed * col(1) + metal_in * col(2) * price
    change = np.diff(level, axis=1, prepend=0.0)
    change[:, -1] -= level[:, -1]
    zeros = np.zeros((n, y))
    in_service = zeros.copy()
    if builds:
        in_service[:, build] = r[3]
    dep = zeros
    if builds:
        method = "declining_balance" if declining else "straight_line"
        dep = taxes.tax_depreciation_usd(in_service + sustaining, method, col(4), col(5), 4)
    book = taxes.straight_line_book_depreciation_usd(capex, build, life)
    exempt = taxes.holiday_share(YEARS[:y], int(YEARS[build]), col(7), holiday_end)
    if builds:
        found = taxes.corporate_taxes_usd(
            ebitda - dep,
            revenue,
            ebitda - book - sustaining,
            exempt,
            cit_rate=col(8),
            super_brackets=BRACKETS,
            pkr_per_usd=col(9),
            minimum_rate=col(10),
            minimum_carry_years=carries[1],
            alternative_rate=col(11),
            alternative_carry_years=carries[2],
            loss_carry_forward_years=carries[0],
            holiday_losses_carry_forward=True,
            presumptive_rate=col(12),
        )
    else:
        found = {k: np.zeros_like(ebitda) for k in taxes.TAX_LINES}
    tax = sum(found.values(), start=np.zeros_like(ebitda))
    pre_tax = ebitda - capex - sustaining - change
    lines = (royalty, ebitda, change, tax, pre_tax, pre_tax - tax)
    return lines, (dep, book, exempt, *found.values(), on_sales)


@pytest.mark.parametrize("mines", [0, 2])
@pytest.mark.parametrize("declining", [True, False])
@pytest.mark.parametrize("builds", [True, False])
@pytest.mark.parametrize("seed", range(3))
def test_investor_lines_are_the_numpy_rules_to_the_bit(mines, declining, builds, seed):
    rng = np.random.default_rng(seed)
    n, y, build, life = 64, YEARS.size, 3, 9
    money = lambda scale: rng.normal(scale, scale, (n, y))  # noqa: E731
    capex = np.zeros((n, y))
    capex[:, :build] = rng.uniform(1e8, 5e8, (n, build))
    inputs = [money(4e8), money(2e8), money(1e8), capex, np.abs(money(1e7))]
    inputs += [np.abs(money(1e5)), rng.uniform(5e3, 1.2e4, (n, y))]
    inputs[0][:, :build] = 0.0
    inputs[0][rng.random((n, y)) < 0.05] = -1e7  # negative sales (an acid that costs)
    r = np.stack(
        [
            rng.uniform(0.0, 0.05, n),  # royalty
            rng.uniform(0.0, 0.2, n),  # years of feed in working capital
            rng.uniform(0.0, 0.05, n),  # metal in process
            capex.sum(axis=1),  # initial capex in service
            rng.uniform(0.0, 0.5, n),  # initial allowance
            rng.uniform(0.05, 0.3, n),  # declining rate
            capex.sum(axis=1) / life,  # book depreciation a year
            rng.choice([0.0, 2.5, 10.0], n),  # holiday years
            rng.uniform(0.2, 0.35, n),  # corporate income tax
            rng.uniform(250.0, 300.0, n),  # PKR per USD
            rng.choice([0.0, 0.0125], n),  # minimum tax on turnover
            rng.choice([0.0, 0.17], n),  # alternative tax
            rng.choice([0.0, 0.0, 0.0, 0.01], n),  # presumptive turnover tax
        ]
    )
    r[7, 0], inputs[1][1, 5] = np.nan, np.inf  # samples that cannot be evaluated
    carries = (6, 5, 10)
    inputs = [np.ascontiguousarray(a) for a in inputs]
    mined = np.abs(rng.normal(1e6, 1e6, (mines, n, y)))  # mine royalties of its own ore
    expected, expected_basis = _numpy_lines(
        inputs, r, build, life, declining, 2035.5, carries, builds, list(mined)
    )
    depreciation = np.zeros((1, 1))
    if not declining:
        depreciation = expected_basis[0]
    lines_out = np.empty((len(kt.INVESTOR_ROWS), n, y))
    basis_out = np.empty((len(kt.BASIS_ROWS), n, y))
    kt.investor_lines(
        tuple(inputs),
        r,
        build,
        min(build + life, y),
        builds,
        declining,
        np.ascontiguousarray(depreciation),
        mined if mines else np.zeros((0, 1, 1)),
        YEARS,
        int(YEARS[build]),
        2035.5,
        True,
        np.array(carries, dtype=np.int64),
        np.ascontiguousarray(BRACKETS[:, 0]),
        np.ascontiguousarray(BRACKETS[:, 1] / 100.0),
        lines_out,
        True,
        basis_out,
    )
    for name, got, want in zip(kt.INVESTOR_ROWS, lines_out, expected, strict=True):
        np.testing.assert_array_equal(got, want, err_msg=name)
    for name, got, want in zip(kt.BASIS_ROWS, basis_out, expected_basis, strict=True):
        np.testing.assert_array_equal(got, np.broadcast_to(want, (n, y)), err_msg=name)
    assert np.isnan(lines_out[-1, 1]).all() == builds  # a sample's NaN never becomes a 0 tax


def _taxes_step_by_step(
    taxable: np.ndarray,
    turnover: np.ndarray,
    accounting_profit: np.ndarray,
    taxed: np.ndarray,
    holiday_losses_carry_forward: bool,
    carry_years: tuple[int, int, int],
    rates: tuple[float, float, float, float],
    super_thresholds_pkr_m: np.ndarray,
    super_rates: np.ndarray,
    work: np.ndarray,
    out: np.ndarray,
) -> None:
    """The taxes of a finite row as the engine worked them out before they ran in one pass:
    each step over the whole row, each carry-forward over its whole stream."""
    years = taxable.size
    loss_carry_years, minimum_carry_years, alternative_carry_years = carry_years
    cit_rate, pkr_per_usd, minimum_rate, alternative_rate = rates
    # below the lowest threshold no bracket is reached
    thresholds_floor = super_thresholds_pkr_m[0] if super_thresholds_pkr_m.size else np.inf
    cum = work[0]
    base, used = work[1, :years], work[2, :years]
    cit, super_tax, normal = work[4, :years], work[5, :years], work[6, :years]
    excess, room, from_minimum = work[7, :years], work[8, :years], work[9, :years]
    stream, used_minimum, used_alternative = work[10, :years], work[11, :years], work[12, :years]
    for t in range(years):
        base[t] = taxable[t] * taxed[t]
        if holiday_losses_carry_forward and taxable[t] < 0.0:
            base[t] = taxable[t]
    kt._carry_used(base, loss_carry_years, cum, used)
    for t in range(years):
        after_losses = max(base[t], 0.0) - used[t]
        income_pkr_m = after_losses * pkr_per_usd / 1e6
        rate = 0.0  # the rate of the highest bracket the income reaches
        lowest = super_thresholds_pkr_m.size if income_pkr_m >= thresholds_floor else 0
        for k in range(lowest - 1, -1, -1):
            if income_pkr_m >= super_thresholds_pkr_m[k]:
                rate = super_rates[k]
                break
        cit[t] = cit_rate * after_losses
        super_tax[t] = rate * after_losses
        normal[t] = cit[t] + super_tax[t]
        minimum = minimum_rate * max(turnover[t], 0.0) * taxed[t]
        alternative = alternative_rate * max(accounting_profit[t], 0.0) * taxed[t]
        floor = max(minimum, alternative)
        excess[t] = max(floor - normal[t], 0.0)
        room[t] = max(normal[t] - floor, 0.0)
        # the floor that binds decides which credit arises
        from_minimum[t] = excess[t] if minimum >= alternative else 0.0
        # a credit arises where the floor binds, room where it does not: one signed stream
        # carries both, and loss carry-forward arithmetic sets the credit off
        stream[t] = room[t] - from_minimum[t]
    # the shorter-lived credit is used first
    kt._carry_used(stream, minimum_carry_years, cum, used_minimum)
    for t in range(years):
        stream[t] = (room[t] - used_minimum[t]) - (excess[t] - from_minimum[t])
    kt._carry_used(stream, alternative_carry_years, cum, used_alternative)
    for t in range(years):
        credit = used_minimum[t] + used_alternative[t]
        if normal[t] > 0.0:
            out[0, t] = cit[t] - credit * (cit[t] / normal[t])
            out[1, t] = super_tax[t] - credit * (super_tax[t] / normal[t])
        else:
            out[0, t], out[1, t] = cit[t], super_tax[t]
        out[2, t] = excess[t]
        out[3, t] = 0.0


def _row(values):
    return arrays(np.float64, 12, elements=values)


money = st.one_of(st.floats(-1e9, 1e9, allow_nan=False), st.sampled_from([0.0, -0.0, 1e6]))


@settings(max_examples=400, deadline=None)
@given(
    taxable=_row(money),
    turnover=_row(money),
    accounting=_row(money),
    taxed=_row(st.sampled_from([0.0, 0.25, 1.0])),
    holiday_losses=st.booleans(),
    carry=st.tuples(st.integers(-1, 5), st.integers(-1, 5), st.integers(-1, 5)),
    rates=st.tuples(
        st.sampled_from([0.0, 0.29]),
        st.sampled_from([280.0, 1e-3]),
        st.sampled_from([0.0, 0.0125, 0.2]),
        st.sampled_from([0.0, 0.17, 0.5]),
    ),
)
def test_the_taxes_in_one_pass_are_the_taxes_step_by_step(
    taxable, turnover, accounting, taxed, holiday_losses, carry, rates
):
    # every year's carry-forwards depend on the years before only: one pass over the years
    # gives the numbers of the passes over the whole row, signs of zero included
    thresholds = np.ascontiguousarray(BRACKETS[:, 0])
    super_rates = np.ascontiguousarray(BRACKETS[:, 1] / 100.0)
    args = (taxable, turnover, accounting, taxed, holiday_losses, carry, rates)
    one, passes = np.empty((4, 12)), np.empty((4, 12))
    kt._taxes_one_pass(*args, thresholds, super_rates, np.empty((3, 13)), one)
    _taxes_step_by_step(*args, thresholds, super_rates, np.empty((16, 13)), passes)
    np.testing.assert_array_equal(one, passes)
    np.testing.assert_array_equal(np.signbit(one), np.signbit(passes))
