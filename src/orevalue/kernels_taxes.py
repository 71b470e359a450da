"""Tax kernels, compiled with Numba: carry-forward, depreciation, the corporate taxes, and the
investor's lines of the plant view in one pass.

A carry-forward (of losses or of tax credits) and reducing-balance depreciation depend on the
years before; the investor's lines after sales and costs (royalty, EBITDA, working capital,
depreciation, the holiday, the taxes, the cash flow) are many small steps over (samples,
years). Numpy would make an array pass for each; these kernels walk each sample's years once
in compiled code. Each row's result depends on that row alone, so results do not depend on how
samples are chunked. Compiled on first use and cached on disk like :mod:`orevalue.kernels`.
"""

from __future__ import annotations

import numpy as np

from orevalue.jit import numba  # compiled where it pays: see orevalue.jit


@numba.njit
def _carry_row(
    income: np.ndarray, carry_years: int, cum: np.ndarray, used: np.ndarray, balance: np.ndarray
) -> None:
    """Losses set off against later income, FIFO with expiry, for one row ``income`` (Y,).

    A loss (negative income) of year s may be set off against positive income in years
    s+1 .. s+L, L = ``carry_years`` (-1: unlimited), oldest first; unused losses expire. Writes
    the loss used each year into ``used`` and the losses still usable after each year into
    ``balance``; ``cum`` (Y + 1,) is scratch space.

    With CL_s the losses arising in years <= s and Q the queue position already used or expired,
    the losses usable in year t lie between max(Q, CL_{t-L-1}) and CL_{t-1}: a few operations
    per year.
    """
    for t in range(income.size):
        if not np.isfinite(income[t]):  # a sample that cannot be evaluated: NaN, never 0
            used[:] = np.nan
            balance[:] = np.nan
            return
    cum[0] = 0.0  # cum[t + 1] = CL_t
    queue = 0.0
    for t in range(income.size):
        cum[t + 1] = cum[t] - min(income[t], 0.0)
        front = queue if carry_years < 0 else max(queue, cum[max(t - carry_years, 0)])
        use = min(max(income[t], 0.0), max(cum[t] - front, 0.0))
        used[t] = use
        queue = front + use
        # vintages <= t - L expire at the end of year t
        gone = queue if carry_years < 0 else max(queue, cum[max(t + 1 - carry_years, 0)])
        balance[t] = max(cum[t + 1] - gone, 0.0)


@numba.njit
def _carry_if_any(
    income: np.ndarray, carry_years: int, cum: np.ndarray, used: np.ndarray, balance: np.ndarray
) -> None:
    """:func:`_carry_row`, or zeros at once where ``income`` has no loss to carry."""
    for t in range(income.size):
        if income[t] < 0.0:
            _carry_row(income, carry_years, cum, used, balance)
            return
    used[:] = 0.0
    balance[:] = 0.0


@numba.njit
def _carry_used(income: np.ndarray, carry_years: int, cum: np.ndarray, used: np.ndarray) -> None:
    """The loss used each year of :func:`_carry_if_any` alone, into ``used`` (Y,), with the
    same operations from the first loss on (before it nothing is used: zeros)."""
    years, first = income.size, -1
    for t in range(years):
        if income[t] < 0.0:
            first = t
            break
    if first < 0:
        used[:] = 0.0
        return
    for t in range(years):
        if not np.isfinite(income[t]):  # a sample that cannot be evaluated: NaN, never 0
            used[:] = np.nan
            return
    cum[: first + 1] = 0.0  # cum[t + 1] = CL_t
    used[:first] = 0.0
    queue = 0.0
    for t in range(first, years):
        cum[t + 1] = cum[t] - min(income[t], 0.0)
        front = queue if carry_years < 0 else max(queue, cum[max(t - carry_years, 0)])
        use = min(max(income[t], 0.0), max(cum[t] - front, 0.0))
        used[t] = use
        queue = front + use


@numba.njit
def carry_forward(
    income: np.ndarray, carry_years: int, used: np.ndarray, balance: np.ndarray
) -> None:
    """:func:`_carry_row` for every row of ``income``, ``used`` and ``balance`` (N, Y)."""
    cum = np.empty(income.shape[1] + 1)
    for i in range(income.shape[0]):
        _carry_row(income[i], carry_years, cum, used[i], balance[i])


@numba.njit
def _declining_step(
    addition: float, allowance: float, rate: float, wdv: float
) -> tuple[float, float]:
    """One year of reducing-balance depreciation: the year's allowance (``allowance`` of its
    ``addition``, plus ``rate`` of the written-down value ``wdv``) and the value carried."""
    first = addition * allowance
    return first + wdv * rate, wdv * (1.0 - rate) + addition - first


@numba.njit
def declining_balance(
    additions: np.ndarray, initial_allowance: np.ndarray, rate: np.ndarray, out: np.ndarray
) -> None:
    """Reducing-balance depreciation of ``additions`` (N, Y) into ``out`` (N, Y): an addition
    gets ``initial_allowance`` (N,) in its year, the written-down value then ``rate`` (N,) a
    year from the year after."""
    for i in range(additions.shape[0]):
        wdv = 0.0
        for t in range(additions.shape[1]):
            out[i, t], wdv = _declining_step(additions[i, t], initial_allowance[i], rate[i], wdv)


#: Rows of the scratch space of :func:`_taxes_row`, each of Y + 1 values.
_WORK_ROWS = 6


@numba.njit
def _carry_step(
    income: float, t: int, carry_years: int, cum: np.ndarray, queue: float, seen: bool
) -> tuple[float, float, bool]:
    """Year ``t`` of :func:`_carry_used` for a row known to be finite: the loss used, and the
    queue position and whether a loss has arisen after it (``cum`` as there)."""
    seen = seen or income < 0.0
    if not seen:  # before the first loss nothing is used
        cum[t + 1] = 0.0
        return 0.0, queue, seen
    cum[t + 1] = cum[t] - min(income, 0.0)
    front = queue if carry_years < 0 else max(queue, cum[max(t - carry_years, 0)])
    use = min(max(income, 0.0), max(cum[t] - front, 0.0))
    return use, front + use, seen


@numba.njit
def _taxes_one_pass(
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
    """:func:`_taxes_row` of a finite row, every step of a year before the next year: each
    carry-forward's year t depends on its stream up to t only, so the three run side by side
    (``rates``: corporate, PKR per USD, minimum, alternative)."""
    cit_rate, pkr_per_usd, minimum_rate, alternative_rate = rates
    floor_k = super_thresholds_pkr_m[0] if super_thresholds_pkr_m.size else np.inf
    cum_loss, cum_minimum, cum_alternative = work[0], work[1], work[2]
    cum_loss[0] = cum_minimum[0] = cum_alternative[0] = 0.0
    q_loss, q_minimum, q_alternative = 0.0, 0.0, 0.0
    s_loss, s_minimum, s_alternative = False, False, False
    for t in range(taxable.size):
        base = taxable[t] * taxed[t]
        if holiday_losses_carry_forward and taxable[t] < 0.0:
            base = taxable[t]
        used, q_loss, s_loss = _carry_step(base, t, carry_years[0], cum_loss, q_loss, s_loss)
        after_losses = max(base, 0.0) - used
        income_pkr_m = after_losses * pkr_per_usd / 1e6
        rate = 0.0  # the rate of the highest bracket the income reaches
        lowest = super_thresholds_pkr_m.size if income_pkr_m >= floor_k else 0
        for k in range(lowest - 1, -1, -1):
            if income_pkr_m >= super_thresholds_pkr_m[k]:
                rate = super_rates[k]
                break
        cit = cit_rate * after_losses
        super_tax = rate * after_losses
        normal = cit + super_tax
        minimum = minimum_rate * max(turnover[t], 0.0) * taxed[t]
        alternative = alternative_rate * max(accounting_profit[t], 0.0) * taxed[t]
        floor = max(minimum, alternative)
        excess = max(floor - normal, 0.0)
        room = max(normal - floor, 0.0)
        from_minimum = excess if minimum >= alternative else 0.0
        used_minimum, q_minimum, s_minimum = _carry_step(
            room - from_minimum, t, carry_years[1], cum_minimum, q_minimum, s_minimum
        )
        stream = (room - used_minimum) - (excess - from_minimum)
        used_alternative, q_alternative, s_alternative = _carry_step(
            stream, t, carry_years[2], cum_alternative, q_alternative, s_alternative
        )
        credit = used_minimum + used_alternative
        if normal > 0.0:
            out[0, t] = cit - credit * (cit / normal)
            out[1, t] = super_tax - credit * (super_tax / normal)
        else:
            out[0, t], out[1, t] = cit, super_tax
        out[2, t] = excess
        out[3, t] = 0.0


@numba.njit
def _taxes_row(
    taxable: np.ndarray,
    turnover: np.ndarray,
    accounting_profit: np.ndarray,
    taxed: np.ndarray,
    holiday_losses_carry_forward: bool,
    loss_carry_years: int,
    cit_rate: float,
    super_thresholds_pkr_m: np.ndarray,
    super_rates: np.ndarray,
    pkr_per_usd: float,
    minimum_rate: float,
    minimum_carry_years: int,
    alternative_rate: float,
    alternative_carry_years: int,
    presumptive_rate: float,
    work: np.ndarray,
    out: np.ndarray,
) -> None:
    """The rules of :func:`orevalue.economics.taxes.corporate_taxes_usd` for one sample.

    USD rows are (Y,), ``taxed`` the share of each year's income not exempt, rates fractions
    (a figure that is not finite, a holiday's share included, makes the taxes NaN),
    carry years -1 for unlimited; ``work`` (at least 3, Y + 1) is scratch space. Writes the
    corporate income tax, super tax, minimum and alternative tax, and presumptive turnover tax
    into ``out`` (4, Y).
    """
    years = taxable.size
    finite = True
    for rate in (cit_rate, pkr_per_usd, minimum_rate, alternative_rate):
        finite = finite and np.isfinite(rate)
    finite = finite and np.isfinite(presumptive_rate)
    for t in range(years):
        for x in (taxable[t], turnover[t], accounting_profit[t], taxed[t]):
            finite = finite and np.isfinite(x)
    if not finite:  # a sample that cannot be evaluated: NaN, never a tax of 0
        out[:, :] = np.nan
        return
    if presumptive_rate > 0.0:  # a final tax on turnover replaces all the others
        for t in range(years):
            out[0, t] = out[1, t] = out[2, t] = 0.0
            out[3, t] = presumptive_rate * max(turnover[t], 0.0)
        return
    _taxes_one_pass(
        taxable,
        turnover,
        accounting_profit,
        taxed,
        holiday_losses_carry_forward,
        (loss_carry_years, minimum_carry_years, alternative_carry_years),
        (cit_rate, pkr_per_usd, minimum_rate, alternative_rate),
        super_thresholds_pkr_m,
        super_rates,
        work,
        out,
    )


@numba.njit
def corporate_taxes(
    taxable: np.ndarray,
    turnover: np.ndarray,
    accounting_profit: np.ndarray,
    taxed: np.ndarray,
    holiday_losses_carry_forward: bool,
    loss_carry_years: int,
    cit_rate: np.ndarray,
    super_thresholds_pkr_m: np.ndarray,
    super_rates: np.ndarray,
    pkr_per_usd: np.ndarray,
    minimum_rate: np.ndarray,
    minimum_carry_years: int,
    alternative_rate: np.ndarray,
    alternative_carry_years: int,
    presumptive_rate: np.ndarray,
    out: np.ndarray,
) -> None:
    """:func:`_taxes_row` for every sample: USD arrays (N, Y), ``taxed`` (N, Y), rates (N,);
    writes the four taxes into ``out`` (4, N, Y)."""
    n, years = taxable.shape
    work = np.empty((_WORK_ROWS, years + 1))
    for i in range(n):
        _taxes_row(
            taxable[i],
            turnover[i],
            accounting_profit[i],
            taxed[i],
            holiday_losses_carry_forward,
            loss_carry_years,
            cit_rate[i],
            super_thresholds_pkr_m,
            super_rates,
            pkr_per_usd[i],
            minimum_rate[i],
            minimum_carry_years,
            alternative_rate[i],
            alternative_carry_years,
            presumptive_rate[i],
            work,
            out[:, i, :],
        )


#: The investor's lines :func:`investor_lines` writes into ``lines_out``, in its order.
INVESTOR_ROWS = (
    "royalty",
    "ebitda",
    "working_capital_change",
    "income_tax",
    "cash_flow_pre_tax",
    "cash_flow",
)
#: What the taxes rest on and the taxes by instrument, written into ``basis_out`` when kept.
BASIS_ROWS = (
    "depreciation",
    "book_depreciation",
    "exempt_share",
    "corporate_income_tax",
    "super_tax",
    "minimum_and_alternative_tax",
    "presumptive_turnover_tax",
    "royalty_on_sales",
)
#: The rows of the per-sample figures :func:`investor_lines` reads, ``rates`` (len, N).
RATE_ROWS = (
    "royalty",
    "working_capital_years_of_feed",
    "metal_in_process",
    "initial_capex",
    "initial_allowance",
    "declining_rate",
    "book_depreciation",
    "holiday_years",
    "cit",
    "pkr_per_usd",
    "minimum",
    "alternative",
    "presumptive",
)
# rows of one sample's scratch lines (14, Y): INVESTOR_ROWS at _LINE, BASIS_ROWS at _BASIS
_LINE = np.array([0, 1, 2, 10, 11, 12])
_BASIS = np.array([3, 4, 5, 6, 7, 8, 9, 13])


@numba.njit
def _nan_max(a: float, b: float) -> float:
    """numpy's ``maximum`` of two numbers: NaN if either is NaN."""
    if a != a or b != b:
        return a + b
    return a if a >= b else b


@numba.njit
def _nan_min(a: float, b: float) -> float:
    """numpy's ``minimum`` of two numbers: NaN if either is NaN."""
    if a != a or b != b:
        return a + b
    return a if a <= b else b


@numba.njit
def _before_taxes_row(
    i: int,
    lines: tuple,
    rates: np.ndarray,
    build_col: int,
    book_stop: int,
    builds: bool,
    declining: bool,
    depreciation: np.ndarray,
    mined: np.ndarray,
    s: np.ndarray,
) -> None:
    """Royalty (on sales in row 13, with the ``mined`` royalties in row 0), EBITDA, working
    capital change, tax and book depreciation of sample ``i`` (rows 0-4 of its scratch lines
    ``s``), in the order of operations of the numpy rules they replace."""
    revenue, feed_cost, opex, _, sustaining, metal_in, price = lines
    years = revenue.shape[1]
    wdv, level_before = 0.0, 0.0
    allowance, rate = rates[4, i], rates[5, i]
    for t in range(years):
        r = revenue[i, t]
        royalty = (r if r >= 0.0 or r != r else 0.0) * rates[0, i]
        s[13, t] = royalty
        for m in range(mined.shape[0]):  # the mine royalties of a plant that mines its ore
            royalty = royalty + mined[m, i, t]
        s[0, t] = royalty
        s[1, t] = r - feed_cost[i, t] - opex[i, t] - royalty
        level = feed_cost[i, t] * rates[1, i] + metal_in[i, t] * rates[2, i] * price[i, t]
        change = level - level_before
        level_before = level
        s[2, t] = change - level if t == years - 1 else change
        if not builds:
            s[3, t] = 0.0
        elif declining:  # :func:`declining_balance` of the initial capex plus sustaining
            addition = (rates[3, i] if t == build_col else 0.0) + sustaining[i, t]
            s[3, t], wdv = _declining_step(addition, allowance, rate, wdv)
        else:
            s[3, t] = depreciation[i, t]
        s[4, t] = rates[6, i] if build_col <= t < book_stop else 0.0


@numba.njit
def investor_lines(
    lines: tuple,
    rates: np.ndarray,
    build_col: int,
    book_stop: int,
    builds: bool,
    declining: bool,
    depreciation: np.ndarray,
    mined: np.ndarray,
    years: np.ndarray,
    first_year: int,
    holiday_end_year: float,
    holiday_losses_carry_forward: bool,
    carry_years: np.ndarray,
    super_thresholds_pkr_m: np.ndarray,
    super_rates: np.ndarray,
    lines_out: np.ndarray,
    keep_basis: bool,
    basis_out: np.ndarray,
) -> None:
    """The investor's lines after sales and costs, sample by sample: the rules of
    :mod:`orevalue.economics.cashflow` and :mod:`orevalue.economics.taxes` in one pass over
    each sample's years, into ``lines_out`` (:data:`INVESTOR_ROWS`, N, Y) and, if
    ``keep_basis``, ``basis_out`` (:data:`BASIS_ROWS`, N, Y).

    ``lines`` holds revenue, feed cost, opex, capex, sustaining capex, the main element in
    process and its price per tonne, USD (N, Y); ``rates`` the per-sample figures of
    :data:`RATE_ROWS`, fractions (N,). ``build_col`` is the first operating column (where the
    initial capex enters service and book depreciation starts; it stops before
    ``book_stop``); ``depreciation`` the tax depreciation when it is not ``declining`` balance;
    ``mined`` (M, N, Y) the mine royalties of a plant that mines its own ore, added in turn to
    the royalty on sales (M = 0 where it mines none).
    The holiday runs ``rates[7]`` years from 1 January of ``first_year`` to at most
    ``holiday_end_year`` (:func:`orevalue.economics.taxes.holiday_share`); ``carry_years``
    holds the loss, minimum-tax and alternative-tax carry-forward years (-1: unlimited).
    """
    revenue, capex, sustaining = lines[0], lines[3], lines[4]
    n, y = revenue.shape
    work = np.empty((_WORK_ROWS, y + 1))
    taxable, accounting, taxed = work[3, :y], work[4, :y], work[5, :y]
    s = np.empty((14, y))  # one sample's lines, in cache
    for i in range(n):
        _before_taxes_row(
            i, lines, rates, build_col, book_stop, builds, declining, depreciation, mined, s
        )
        stop = _nan_min(first_year + rates[7, i], holiday_end_year)
        for t in range(y):
            start = years[t]
            share = _nan_min(start + 1.0, stop) - _nan_max(start, float(first_year))
            s[5, t] = _nan_min(_nan_max(share, 0.0), 1.0)
            taxed[t] = 1.0 - s[5, t]
            taxable[t] = s[1, t] - s[3, t]
            accounting[t] = s[1, t] - s[4, t] - sustaining[i, t]
        if builds:
            _taxes_row(
                taxable,
                revenue[i],
                accounting,
                taxed,
                holiday_losses_carry_forward,
                carry_years[0],
                rates[8, i],
                super_thresholds_pkr_m,
                super_rates,
                rates[9, i],
                rates[10, i],
                carry_years[1],
                rates[11, i],
                carry_years[2],
                rates[12, i],
                work,
                s[6:10],
            )
        else:
            s[6:10] = 0.0
        for t in range(y):
            tax = 0.0 + s[6, t] + s[7, t] + s[8, t] + s[9, t]
            s[10, t] = tax
            pre_tax = s[1, t] - capex[i, t] - sustaining[i, t] - s[2, t]
            s[11, t] = pre_tax
            s[12, t] = pre_tax - tax
        for k in range(_LINE.size):
            lines_out[k, i, :] = s[_LINE[k]]
        if keep_basis:
            for k in range(_BASIS.size):
                basis_out[k, i, :] = s[_BASIS[k]]
