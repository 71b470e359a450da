"""The plant's cash flow: working capital, taxes before financing, finance and owners.

Four steps of the plant view, each a function of a few lines (USD, (N samples, Y years)).
:func:`taxes_before_financing` closes the investor's lines (:data:`INVESTOR_LINES`), all a
risk run reads; :func:`financing` and :func:`owners` follow the money to lenders and
shareholders.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from orevalue import kernels_taxes
from orevalue.economics import finance, schedule, taxes
from orevalue.economics.flows import PathwayFlows
from orevalue.economics.ownership import HolderFlows, split_equity
from orevalue.economics.plant_costs import Capital
from orevalue.economics.pricing import Market
from orevalue.economics.sales import SalesAndFeed
from orevalue.economics.taxes import TAX_LINES
from orevalue.params import Params
from orevalue.scenario import Scenario
from orevalue.scenario.schema import Fiscal

#: The investor's lines before financing: all a risk run reads.
INVESTOR_LINES = (
    "revenue",
    "feed_cost",
    "opex",
    "royalty",
    "ebitda",
    "capex",
    "sustaining_capex",
    "working_capital_change",
    "income_tax",
    "cash_flow_pre_tax",
    "cash_flow",
)


def permit_delay_factor(p: Params, rate: np.ndarray) -> np.ndarray:
    """Present value of 1 USD moved later by the approval delay, (N,): (1 + rate) to the power
    -months / 12 (``project.permit_delay_months``; 1 without a delay). Every cash flow of the
    plant moves by the delay, so its NPV scales by this factor; its IRR does not change."""
    months = p.get("project.permit_delay_months")[:, 0]
    return (1.0 + rate) ** (-months / 12.0)


@dataclass(frozen=True)
class TaxBasis:
    """What the taxes on the plant's income are worked out from, USD (N, Y)."""

    builds: bool  # False: no plant, no income
    revenue_usd: np.ndarray  # turnover, for the minimum and presumptive taxes
    ebitda_usd: np.ndarray
    depreciation_usd: np.ndarray  # tax depreciation
    book_depreciation_usd: np.ndarray  # for the accounting profit
    sustaining_usd: np.ndarray
    exempt_share: np.ndarray  # share of each year under an income-tax holiday, (N, Y)


def income_taxes(
    scenario: Scenario, p: Params, basis: TaxBasis, interest_usd: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """Federal taxes on the plant's income after ``interest_usd`` (None: before financing),
    by instrument (:data:`~orevalue.economics.taxes.TAX_LINES`), USD (N, Y)."""
    if not basis.builds:
        return {k: np.zeros_like(basis.ebitda_usd) for k in TAX_LINES}
    taxable = basis.ebitda_usd - basis.depreciation_usd
    accounting = basis.ebitda_usd - basis.book_depreciation_usd - basis.sustaining_usd
    if interest_usd is not None:
        taxable, accounting = taxable - interest_usd, accounting - interest_usd
    f = scenario.fiscal
    return taxes.corporate_taxes_usd(
        taxable,
        basis.revenue_usd,
        accounting,
        basis.exempt_share,
        cit_rate=p["fiscal.corporate_income_tax_pct"] / 100.0,
        super_brackets=np.asarray(f.super_tax_brackets, dtype=float),
        pkr_per_usd=p["fiscal.pkr_per_usd"],
        minimum_rate=p["fiscal.minimum_tax_pct_of_turnover"] / 100.0,
        minimum_carry_years=f.minimum_tax_carry_forward_years,
        alternative_rate=p["fiscal.alternative_tax_pct"] / 100.0,
        alternative_carry_years=f.alternative_tax_carry_forward_years,
        loss_carry_forward_years=f.loss_carry_forward_years,
        holiday_losses_carry_forward=f.holiday_losses_carry_forward,
        presumptive_rate=p["fiscal.presumptive_turnover_tax_pct"] / 100.0,
    )


@dataclass(frozen=True)
class BeforeFinancing:
    """The investor's lines (:data:`INVESTOR_LINES`), USD (N, Y), what its taxes rest on and
    those taxes by instrument."""

    lines: dict[str, np.ndarray]
    basis: TaxBasis | None  # None where not kept
    income_taxes: dict[str, np.ndarray]
    #: the royalty on the plant's sales alone (``lines["royalty"]`` adds the mined royalty;
    #: None where not kept)
    royalty_on_sales_usd: np.ndarray | None
    #: the mine royalties on the ore the plant mines, by instrument (empty: it mines none)
    mined_royalty: dict[str, np.ndarray] = field(default_factory=dict)


def _usd(values: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """A line as the C-ordered (N, Y) float array a kernel reads (no copy where it is one),
    read-only either way (the kernels are compiled for read-only lines)."""
    if (
        type(values) is np.ndarray
        and values.shape == shape
        and values.dtype == np.float64
        and values.flags.c_contiguous
    ):  # the usual case, without broadcast_to's iterator
        view = values.view()
        view.flags.writeable = False
        return view
    return np.ascontiguousarray(np.broadcast_to(values, shape), dtype=float)


def _working_capital_inputs(
    flows: PathwayFlows, market: Market, main: str, shape: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """The main element ``main`` in the feeds processed, t (N, Y), and its price, USD/t."""
    zeros = np.zeros(shape)
    metal_in = sum((flows.streams[f][main] for f in flows.feeds_processed_dry_t), start=zeros)
    price, usd_per_t = market.element_price(main)
    if usd_per_t != 1.0:  # a price per oz or lb: USD per tonne
        price = price * usd_per_t
    return _usd(metal_in, shape), _usd(price, shape)


def _rates(p: Params, capital: Capital, book_per_year: np.ndarray, n: int) -> np.ndarray:
    """The per-sample figures :func:`kernels_taxes.investor_lines` reads (its ``RATE_ROWS``)."""
    columns = (
        p["fiscal.plant_royalty_pct_of_sales"] / 100.0,
        p["project.working_capital_days_of_feed"] / 365.0,
        p["project.metal_in_process_pct"] / 100.0,
        capital.initial_usd,
        p["fiscal.depreciation_initial_allowance_pct"] / 100.0,
        p["fiscal.depreciation_declining_balance_pct"] / 100.0,
        book_per_year,
        p["fiscal.holiday_years"],  # per sample: a package of incentives may vary it
        p["fiscal.corporate_income_tax_pct"] / 100.0,
        p["fiscal.pkr_per_usd"],
        p["fiscal.minimum_tax_pct_of_turnover"] / 100.0,
        p["fiscal.alternative_tax_pct"] / 100.0,
        p["fiscal.presumptive_turnover_tax_pct"] / 100.0,
    )
    out = np.empty((len(kernels_taxes.RATE_ROWS), n))
    for row, values in zip(out, columns, strict=True):
        row[:] = np.asarray(values, float).reshape(-1)  # (1,) or (n,): numpy broadcasts it
    return out


def taxes_before_financing(
    scenario: Scenario,
    p: Params,
    tl: schedule.Timeline,
    flows: PathwayFlows,
    capital: Capital,
    opex_usd: np.ndarray,
    sales: SalesAndFeed,
    market: Market,
    keep_basis: bool = True,
    mined_royalty: dict[str, np.ndarray] | None = None,
) -> BeforeFinancing:
    """The plant royalty on sales (and the ``mined_royalty`` of a plant that mines its own
    ore, by instrument: :func:`orevalue.economics.mined.mined_royalty_usd`), EBITDA, the change
    in working capital, tax and book depreciation, the holiday, the taxes on income before
    financing and the investor's cash flow before and after them, in one compiled pass
    (:func:`kernels_taxes.investor_lines`).

    Working capital is days of feed cost plus the main element in process at its price,
    built up as they grow and released in the last year. Tax depreciation is of the initial
    capex from the first operating year plus sustaining capex; book depreciation (for the
    accounting profit) spreads the total capex evenly over the operating life. Without
    ``keep_basis`` (a risk run, which reads the investor's lines only) the depreciation, the
    holiday's shares and the taxes by instrument are worked out but not kept.
    """
    revenue, feed_cost = sales.revenue_usd, sales.feed_cost_usd
    shape = n, y = revenue.shape
    builds, f = bool(flows.stages), scenario.fiscal
    build, life = tl.build_years, scenario.project.operating_years
    metal_in, price = _working_capital_inputs(flows, market, sales.main_element, shape)
    lines = (revenue, feed_cost, opex_usd, capital.capex_usd, capital.sustaining_usd)
    lines = (*(_usd(line, shape) for line in lines), metal_in, price)
    declining = f.depreciation_method == "declining_balance"
    depreciation = np.zeros((1, 1))
    if builds and not declining:  # straight line: the numpy rule
        in_service = np.zeros(shape)
        in_service[:, build] = capital.initial_usd[:, 0]
        depreciation = taxes.tax_depreciation_usd(
            in_service + lines[4],
            f.depreciation_method,
            p["fiscal.depreciation_initial_allowance_pct"] / 100.0,
            p["fiscal.depreciation_declining_balance_pct"] / 100.0,
            f.depreciation_straight_line_years,
        )
    book = lines[3].sum(axis=1) / life  # as taxes.straight_line_book_depreciation_usd
    start_up = int(tl.years[build]) if build < tl.years.size else 9999
    brackets = np.asarray(f.super_tax_brackets, dtype=float).reshape(-1, 2)
    mined_royalty = mined_royalty or {}
    mined = np.zeros((0, 1, 1))
    if mined_royalty:
        mined = np.stack([_usd(v, shape) for v in mined_royalty.values()])
    out = np.empty((len(kernels_taxes.INVESTOR_ROWS), n, y))
    kept = np.empty((len(kernels_taxes.BASIS_ROWS), n if keep_basis else 1, y))
    kernels_taxes.investor_lines(
        lines,
        _rates(p, capital, book, n),
        build,
        min(build + life, y),
        builds,
        declining,
        np.ascontiguousarray(depreciation, dtype=float),
        mined,
        np.asarray(tl.years, dtype=float),
        start_up,
        float(f.holiday_end_year),
        f.holiday_losses_carry_forward,
        _carry_years(f),
        np.ascontiguousarray(brackets[:, 0]),
        np.ascontiguousarray(brackets[:, 1] / 100.0),
        out,
        keep_basis,
        kept,
    )
    row = dict(zip(kernels_taxes.INVESTOR_ROWS, out, strict=True))
    investor = {
        "revenue": lines[0],
        "feed_cost": lines[1],
        "opex": lines[2],
        "royalty": row["royalty"],
        "ebitda": row["ebitda"],
        "capex": lines[3],
        "sustaining_capex": lines[4],
        "working_capital_change": row["working_capital_change"],
        "income_tax": row["income_tax"],
        "cash_flow_pre_tax": row["cash_flow_pre_tax"],
        "cash_flow": row["cash_flow"],
    }
    if not keep_basis:
        on_sales = None if mined_royalty else row["royalty"]
        return BeforeFinancing(investor, None, {}, on_sales, mined_royalty)
    dep, book_dep, exempt = kept[:3]
    basis = TaxBasis(builds, lines[0], row["ebitda"], dep, book_dep, lines[4], exempt)
    by_instrument = dict(zip(TAX_LINES, kept[3:7], strict=True))
    on_sales = kept[7] if mined_royalty else row["royalty"]
    return BeforeFinancing(investor, basis, by_instrument, on_sales, mined_royalty)


def _carry_years(f: Fiscal) -> np.ndarray:
    """Loss, minimum-tax and alternative-tax carry-forward years (-1: unlimited)."""
    years = (
        f.loss_carry_forward_years,
        f.minimum_tax_carry_forward_years,
        f.alternative_tax_carry_forward_years,
    )
    return np.array([-1 if c is None else c for c in years], dtype=np.int64)


@dataclass(frozen=True)
class Financing:
    """The debt, and the taxes and equity cash flow with it, USD (N, Y)."""

    debt: finance.Debt
    cfads_usd: np.ndarray  # cash flow available for debt service
    income_taxes: dict[str, np.ndarray]  # after interest, by instrument
    income_tax_usd: np.ndarray  # their sum
    cash_flow_to_equity_usd: np.ndarray


def financing(
    scenario: Scenario,
    p: Params,
    tl: schedule.Timeline,
    capital: Capital,
    before: BeforeFinancing,
) -> Financing:
    """Debt drawn on the capex and repaid from the cash flow available for debt service after
    the grace years; the taxes after interest; what is left for the shareholders."""
    if before.basis is None:
        raise ValueError("financing needs the tax basis: taxes_before_financing(keep_basis=True)")
    lines = before.lines
    cfads = lines["ebitda"] - lines["sustaining_capex"] - lines["working_capital_change"]
    cfads = cfads - lines["income_tax"]
    f = scenario.finance
    debt = finance.debt_schedule(
        capital.capex_usd,
        cfads,
        debt_share=p["finance.debt_pct_of_capex"] / 100.0,
        rate=p["finance.interest_rate_pct"] / 100.0,
        first_repayment_col=tl.build_years + f.grace_years,
        tenor_years=p.get("finance.tenor_years", f.tenor_years),
        sculpted=f.repayment == "sculpted",
        target_dscr=p["finance.target_dscr"],
    )
    levered = income_taxes(scenario, p, before.basis, debt.interest_usd)
    tax = sum(levered.values(), start=np.zeros_like(cfads))
    equity = lines["cash_flow_pre_tax"] - tax + debt.drawdown_usd
    equity = equity - debt.interest_usd - debt.principal_usd
    return Financing(debt, cfads, levered, tax, equity)


@dataclass(frozen=True)
class Owners:
    """Each shareholder's cash with the debt (``levered``) and before financing."""

    levered: dict[str, HolderFlows]
    unlevered: dict[str, HolderFlows]


def owners(
    scenario: Scenario,
    p: Params,
    builds: bool,
    cash_flow_to_equity_usd: np.ndarray,
    cash_flow_usd: np.ndarray,
) -> Owners:
    """The equity cash flow split among the shareholders, with the debt and without it (the
    latter for the government's take before financing). No plant, no shareholders."""
    if not builds:
        return Owners({}, {})
    return Owners(
        split_equity(scenario, p, cash_flow_to_equity_usd),
        split_equity(scenario, p, cash_flow_usd),
    )
