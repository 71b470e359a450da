"""Tests for the plant's small tax rules, hand-worked cases and Hypothesis properties: the
royalty and straight-line depreciation of ``orevalue.economics.fiscal``, and the corporate
income tax with loss carry-forward as the engine levies it (``taxes.corporate_taxes_usd``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from orevalue import kernels_taxes
from orevalue.economics import taxes
from orevalue.economics.fiscal import royalty_usd, straight_line_depreciation_usd

# Whole-dollar amounts keep the hand arithmetic and identities exact in floating point.
rates = st.floats(min_value=0.0, max_value=0.6, allow_nan=False)
carry = st.one_of(st.none(), st.integers(min_value=0, max_value=8))


def money_matrix(min_value: int = -1_000, max_value: int = 1_000, max_rows: int = 4):
    values = st.integers(min_value=min_value, max_value=max_value).map(float)
    shapes = st.tuples(st.integers(1, max_rows), st.integers(1, 12))
    return shapes.flatmap(lambda shape: arrays(np.float64, shape, elements=values))


@dataclass(frozen=True)
class TaxResult:
    """Income tax and its loss ledger, USD (N, Y)."""

    tax_usd: np.ndarray
    loss_used_usd: np.ndarray
    loss_balance_usd: np.ndarray
    taxable_after_losses_usd: np.ndarray


def corporate_tax(income, rate, super_tax_pct: float = 0.0, carry_years: int | None = None):
    """Corporate income tax plus super tax (one bracket from 0) on ``income``, USD (N, Y), as
    the engine levies them, with no minimum, alternative or turnover tax and no holiday."""
    income = np.asarray(income, dtype=float)
    out = taxes.corporate_taxes_usd(
        income,
        np.zeros_like(income),  # no turnover: no minimum tax
        income,
        np.zeros(income.shape[1]),
        cit_rate=np.asarray(rate, dtype=float),
        super_brackets=np.array([[0.0, super_tax_pct]]),
        pkr_per_usd=np.array(280.0),
        minimum_rate=np.array(0.0),
        minimum_carry_years=0,
        alternative_rate=np.array(0.0),
        alternative_carry_years=0,
        loss_carry_forward_years=carry_years,
        holiday_losses_carry_forward=False,
        presumptive_rate=np.array(0.0),
    )
    return out["corporate_income_tax"], out["super_tax"]


def income_tax_usd(income, rate, carry_years: int | None) -> TaxResult:
    """Income tax at ``rate`` after losses carried ``carry_years`` (None: unlimited), and the
    ledger of the losses used and still carried, from the carry-forward kernel the tax
    rules run on."""
    income = np.asarray(income, dtype=float)
    used, balance = np.zeros_like(income), np.zeros_like(income)
    lcf = -1 if carry_years is None else carry_years
    kernels_taxes.carry_forward(np.ascontiguousarray(income), lcf, used, balance)
    tax, _ = corporate_tax(income, rate, carry_years=carry_years)
    return TaxResult(tax, used, balance, np.maximum(income, 0.0) - used)


def reference_tax_row(income: list[float], rate: float, carry_years: int | None) -> list[float]:
    """Plain-Python scalar rule: FIFO list of (year of origin, unused loss)."""
    vintages: list[list[float]] = []
    taxable = []
    for t, x in enumerate(income):
        vintages = [v for v in vintages if carry_years is None or t - v[0] <= carry_years]
        left = max(x, 0.0)
        for v in vintages:
            take = min(left, v[1])
            v[1] -= take
            left -= take
        taxable.append(left)
        if x < 0:
            vintages.append([t, -x])
    return [rate * v for v in taxable]


# --- corporate and super tax ----------------------------------------------------------------


def test_corporate_and_super_tax_add_up_on_taxable_income():
    income = np.array([[100.0, 200.0]])
    cit, super_tax = corporate_tax(income, 0.29, super_tax_pct=10.0)
    np.testing.assert_allclose(cit + super_tax, 0.39 * income)
    cit, super_tax = corporate_tax(income, 0.29)
    np.testing.assert_allclose(cit + super_tax, 0.29 * income)
    both = np.array([[100.0], [100.0]])
    cit, super_tax = corporate_tax(both, np.array([[0.29], [0.25]]), super_tax_pct=4.0)
    np.testing.assert_allclose(cit + super_tax, [[33.0], [29.0]])


def test_a_base_that_is_not_a_number_gives_no_royalty_of_zero():
    out = royalty_usd(np.array([[np.nan, 100.0]]), 0.05)
    assert np.isnan(out[0, 0]) and out[0, 1] == pytest.approx(5.0)


# --- royalty --------------------------------------------------------------------------------


def test_royalty_hand_cases_including_negative_base():
    base = np.array([[1_000.0, 0.0, -500.0, 250.0]])
    np.testing.assert_allclose(royalty_usd(base, 0.05), [[50.0, 0.0, 0.0, 12.5]])


def test_royalty_rate_per_sample():
    base = np.array([[100.0, -100.0], [200.0, 40.0]])
    rate = np.array([[0.1], [0.25]])
    np.testing.assert_allclose(royalty_usd(base, rate), [[10.0, 0.0], [50.0, 10.0]])


@given(money_matrix(), rates)
def test_royalty_never_negative_and_zero_on_non_positive_base(base, rate):
    out = royalty_usd(base, rate)
    assert out.shape == base.shape
    assert np.all(out >= 0.0)
    assert np.all(out[base <= 0.0] == 0.0)


# --- depreciation ---------------------------------------------------------------------------


def test_depreciation_hand_rows():
    additions = np.array([[100.0, 0.0, 50.0, 0.0, 0.0, 0.0, 0.0], [0.0, 40.0, 0, 0, 0, 0, 0]])
    # Row 0: 100/4 = 25 in years 0-3; 50/4 = 12.5 in years 2-5.
    expected = np.array(
        [[25.0, 25.0, 37.5, 37.5, 12.5, 12.5, 0.0], [0.0, 10.0, 10.0, 10.0, 10.0, 0.0, 0.0]]
    )
    np.testing.assert_allclose(straight_line_depreciation_usd(additions, 4), expected)


def test_depreciation_cut_off_at_horizon():
    additions = np.array([[100.0, 0.0, 50.0, 0.0]])
    dep = straight_line_depreciation_usd(additions, 4)
    np.testing.assert_allclose(dep, [[25.0, 25.0, 37.5, 37.5]])
    # The first asset is fully written off by year 3; half of the second (25) is cut off.
    assert dep.sum() == pytest.approx(150.0 - 25.0)


def test_depreciation_life_one_is_immediate_expensing():
    additions = np.array([[10.0, 0.0, 7.0]])
    np.testing.assert_allclose(straight_line_depreciation_usd(additions, 1), additions)


def test_depreciation_rejects_bad_life():
    with pytest.raises(ValueError):
        straight_line_depreciation_usd(np.ones((1, 3)), 0)


@given(money_matrix(min_value=0), st.integers(min_value=1, max_value=10))
def test_depreciation_total_equals_additions_when_horizon_long_enough(additions, life):
    padded = np.hstack([additions, np.zeros((additions.shape[0], life))])
    dep = straight_line_depreciation_usd(padded, life)
    assert dep.shape == padded.shape
    np.testing.assert_allclose(dep.sum(axis=1), additions.sum(axis=1), atol=1e-6)
    # Same as writing each addition off by hand.
    expected = np.zeros_like(padded)
    for t in range(additions.shape[1]):
        expected[:, t : t + life] += additions[:, [t]] / life
    np.testing.assert_allclose(dep, expected, atol=1e-6)


# --- income tax: hand cases -----------------------------------------------------------------


def test_loss_set_off_against_later_income():
    res = income_tax_usd(np.array([[-100.0, 60.0, 60.0]]), 0.3, 6)
    assert isinstance(res, TaxResult)
    np.testing.assert_allclose(res.taxable_after_losses_usd, [[0.0, 0.0, 20.0]])
    np.testing.assert_allclose(res.loss_used_usd, [[0.0, 60.0, 40.0]])
    np.testing.assert_allclose(res.loss_balance_usd, [[100.0, 40.0, 0.0]])
    np.testing.assert_allclose(res.tax_usd, [[0.0, 0.0, 6.0]])


def test_loss_expires_after_carry_forward_window():
    res = income_tax_usd(np.array([[-100.0, 0.0, 150.0]]), 0.3, 1)
    np.testing.assert_allclose(res.taxable_after_losses_usd, [[0.0, 0.0, 150.0]])
    np.testing.assert_allclose(res.loss_used_usd, [[0.0, 0.0, 0.0]])
    np.testing.assert_allclose(res.loss_balance_usd, [[100.0, 0.0, 0.0]])
    np.testing.assert_allclose(res.tax_usd, [[0.0, 0.0, 45.0]])


def test_zero_carry_forward_means_no_relief():
    res = income_tax_usd(np.array([[-100.0, 50.0]]), 0.2, 0)
    np.testing.assert_allclose(res.taxable_after_losses_usd, [[0.0, 50.0]])
    np.testing.assert_allclose(res.loss_balance_usd, [[0.0, 0.0]])


def test_fifo_uses_older_vintage_first_and_it_expires_first():
    # Loss 100 in year 0 (usable in years 1-2), loss 50 in year 1 (usable in years 2-3).
    # Year 2: 30 taken from the year-0 loss (FIFO); its other 70 expires at end of year 2.
    # Year 3: the full 50 of the year-1 loss is still there, so taxable = 80 - 50 = 30.
    # (LIFO would have left only 20 of the year-1 loss and given taxable 60.)
    income = np.array([[-100.0, -50.0, 30.0, 80.0, 10.0]])
    res = income_tax_usd(income, 0.25, 2)
    np.testing.assert_allclose(res.loss_used_usd, [[0.0, 0.0, 30.0, 50.0, 0.0]])
    np.testing.assert_allclose(res.taxable_after_losses_usd, [[0.0, 0.0, 0.0, 30.0, 10.0]])
    np.testing.assert_allclose(res.loss_balance_usd, [[100.0, 150.0, 50.0, 0.0, 0.0]])
    np.testing.assert_allclose(res.tax_usd, [[0.0, 0.0, 0.0, 7.5, 2.5]])


def test_unlimited_carry_forward_versus_six_years():
    income = np.array([[-100.0, -50.0, 30.0, 0.0, 0.0, 0.0, 0.0, 0.0, 200.0]])
    unlimited = income_tax_usd(income, 0.3, None)
    # 150 of losses, 30 used in year 2, the remaining 120 used in year 8.
    assert unlimited.loss_used_usd[0, 8] == pytest.approx(120.0)
    assert unlimited.taxable_after_losses_usd[0, 8] == pytest.approx(80.0)
    assert unlimited.loss_balance_usd[0, -1] == pytest.approx(0.0)
    # Six years: year-0 loss usable to year 6, year-1 loss to year 7; both gone by year 8.
    six = income_tax_usd(income, 0.3, 6)
    assert six.loss_used_usd[0, 8] == pytest.approx(0.0)
    assert six.taxable_after_losses_usd[0, 8] == pytest.approx(200.0)
    assert six.loss_balance_usd[0, 6] == pytest.approx(50.0)
    assert six.loss_balance_usd[0, 7] == pytest.approx(0.0)


def test_rate_per_sample_column():
    income = np.array([[-100.0, 60.0, 60.0], [50.0, -20.0, 30.0]])
    res = income_tax_usd(income, np.array([[0.3], [0.5]]), None)
    np.testing.assert_allclose(res.taxable_after_losses_usd, [[0.0, 0.0, 20.0], [50.0, 0.0, 10.0]])
    np.testing.assert_allclose(res.tax_usd, [[0.0, 0.0, 6.0], [25.0, 0.0, 5.0]])


# --- income tax: properties -----------------------------------------------------------------
# No deadline: the compiled tax kernel is compiled once for each new kind of argument (a
# read-only view of one row, a copy of several), which can fall inside an example.
NO_DEADLINE = settings(deadline=None)


@NO_DEADLINE
@given(money_matrix(), rates, carry)
def test_tax_non_negative_and_accounts_balance(income, rate, carry_years):
    res = income_tax_usd(income, rate, carry_years)
    for arr in (res.tax_usd, res.loss_used_usd, res.loss_balance_usd):
        assert arr.shape == income.shape
        assert np.all(arr >= 0.0)
    np.testing.assert_allclose(
        res.loss_used_usd + res.taxable_after_losses_usd, np.maximum(income, 0.0), atol=1e-9
    )
    np.testing.assert_allclose(res.tax_usd, rate * res.taxable_after_losses_usd, atol=1e-9)


@NO_DEADLINE
@given(money_matrix(), rates)
def test_unlimited_carry_forward_totals(income, rate):
    res = income_tax_usd(income, rate, None)
    final_balance = res.loss_balance_usd[:, -1]
    # Every loss is either used or still on the balance at the end.
    np.testing.assert_allclose(
        res.taxable_after_losses_usd.sum(axis=1), income.sum(axis=1) + final_balance, atol=1e-6
    )
    done = final_balance == 0.0
    np.testing.assert_allclose(
        res.tax_usd.sum(axis=1)[done], rate * np.maximum(income.sum(axis=1)[done], 0.0), atol=1e-6
    )


@NO_DEADLINE
@given(money_matrix(min_value=0), rates, carry)
def test_no_losses_means_tax_is_rate_times_income(income, rate, carry_years):
    res = income_tax_usd(income, rate, carry_years)
    np.testing.assert_allclose(res.tax_usd, rate * income)
    assert np.all(res.loss_used_usd == 0.0)
    assert np.all(res.loss_balance_usd == 0.0)


@settings(max_examples=50, deadline=None)
@given(money_matrix(max_rows=5), carry, st.data())
def test_batch_equals_each_row_alone(income, carry_years, data):
    n = income.shape[0]
    rate = np.array([[data.draw(rates)] for _ in range(n)])
    batch = income_tax_usd(income, rate, carry_years)
    for i in range(n):
        alone = income_tax_usd(income[i : i + 1], float(rate[i, 0]), carry_years)
        for name in ("tax_usd", "loss_used_usd", "loss_balance_usd", "taxable_after_losses_usd"):
            np.testing.assert_allclose(getattr(batch, name)[i], getattr(alone, name)[0])


@NO_DEADLINE
@given(money_matrix(), rates, carry)
def test_matches_plain_python_fifo_reference(income, rate, carry_years):
    res = income_tax_usd(income, rate, carry_years)
    expected = [reference_tax_row(list(row), rate, carry_years) for row in income]
    np.testing.assert_allclose(res.tax_usd, expected, atol=1e-9)
