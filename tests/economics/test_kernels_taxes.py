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


def _numpy_lines(inputs, r, build, life, declining, holiday_end, carries, builds):
    """The lines as the numpy rules of the plant view work them out (USD (N, Y))."""
    revenue, feed, opex, capex, sustaining, metal_in, price = inputs
    n, y = revenue.shape
    col = lambda k: r[k][:, None]  # noqa: E731 - a per-sample figure as (N, 1)
    royalty = fiscal.royalty_usd(revenue, col(0))
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
    return lines, (dep, book, exempt, *found.values())


@pytest.mark.parametrize("declining", [True, False])
@pytest.mark.parametrize("builds", [True, False])
@pytest.mark.parametrize("seed", range(4))
def test_investor_lines_are_the_numpy_rules_to_the_bit(declining, builds, seed):
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
    expected, expected_basis = _numpy_lines(
        inputs, r, build, life, declining, 2035.5, carries, builds
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
