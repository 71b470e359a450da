"""The plant's cash flow: working capital, taxes before financing, finance and owners.

Four steps of the plant view, each a function of a few lines (USD, (N samples, Y years)).
:func:`taxes_before_financing` closes the investor's lines (:data:`INVESTOR_LINES`), all a
risk run reads; :func:`financing` and :func:`owners` follow the money to lenders and
shareholders.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from orevalue.economics import finance, fiscal, schedule, taxes
from orevalue.economics.flows import PathwayFlows
from orevalue.economics.ownership import HolderFlows, split_equity
from orevalue.economics.plant_costs import Capital
from orevalue.economics.pricing import Market
from orevalue.economics.sales import SalesAndFeed
from orevalue.economics.taxes import TAX_LINES
from orevalue.params import Params
from orevalue.scenario import Scenario

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


def working_capital_change_usd(
    p: Params, flows: PathwayFlows, feed_cost_usd: np.ndarray, market: Market, main: str
) -> np.ndarray:
    """Change in working capital, USD (N, Y): days of feed cost plus the main element ``main``
    in process at its price, built up as they grow and released in the last year."""
    zeros = np.zeros_like(feed_cost_usd)
    metal_in = sum((flows.streams[f][main] for f in flows.feeds_processed_dry_t), start=zeros)
    price, usd_per_t = market.element_price(main)
    if usd_per_t != 1.0:  # a price per oz or lb: USD per tonne
        price = price * usd_per_t
    level = (
        feed_cost_usd * (p["project.working_capital_days_of_feed"] / 365.0)
        + metal_in * (p["project.metal_in_process_pct"] / 100.0) * price
    )
    change = np.diff(level, axis=1, prepend=0.0)
    change[:, -1] -= level[:, -1]
    return change


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
    basis: TaxBasis
    income_taxes: dict[str, np.ndarray]
    #: the royalty on the plant's sales alone (``lines["royalty"]`` adds the mined royalty)
    royalty_on_sales_usd: np.ndarray
    #: the mine royalties on the ore the plant mines, by instrument (empty: it mines none)
    mined_royalty: dict[str, np.ndarray] = field(default_factory=dict)


def _tax_basis(
    scenario: Scenario,
    p: Params,
    tl: schedule.Timeline,
    builds: bool,
    capital: Capital,
    revenue_usd: np.ndarray,
    ebitda_usd: np.ndarray,
) -> TaxBasis:
    """Tax and book depreciation of the capital, and the holiday's share of each year."""
    zeros = np.zeros_like(ebitda_usd)
    in_service = zeros.copy()
    if builds:
        in_service[:, tl.build_years] = capital.initial_usd[:, 0]
    f = scenario.fiscal
    depreciation = (
        taxes.tax_depreciation_usd(
            in_service + capital.sustaining_usd,
            f.depreciation_method,
            p["fiscal.depreciation_initial_allowance_pct"] / 100.0,
            p["fiscal.depreciation_declining_balance_pct"] / 100.0,
            f.depreciation_straight_line_years,
        )
        if builds
        else zeros
    )
    book = taxes.straight_line_book_depreciation_usd(
        capital.capex_usd, tl.build_years, scenario.project.operating_years
    )
    start_up = int(tl.years[tl.build_years]) if tl.build_years < tl.years.size else 9999
    holiday = p["fiscal.holiday_years"]  # per sample: a package of incentives may vary it
    exempt = taxes.holiday_share(tl.years, start_up, holiday, f.holiday_end_year)
    return TaxBasis(
        builds, revenue_usd, ebitda_usd, depreciation, book, capital.sustaining_usd, exempt
    )


def taxes_before_financing(
    scenario: Scenario,
    p: Params,
    tl: schedule.Timeline,
    flows: PathwayFlows,
    capital: Capital,
    opex_usd: np.ndarray,
    sales: SalesAndFeed,
    working_capital_change: np.ndarray,
    mined_royalty: dict[str, np.ndarray] | None = None,
) -> BeforeFinancing:
    """The plant royalty on sales (and the ``mined_royalty`` of a plant that mines its own
    ore, by instrument: :func:`orevalue.economics.mine.mined_royalty_usd`), EBITDA, the taxes
    on income before financing and the investor's cash flow before and after them."""
    revenue, feed_cost = sales.revenue_usd, sales.feed_cost_usd
    on_sales = fiscal.royalty_usd(revenue, p["fiscal.plant_royalty_pct_of_sales"] / 100.0)
    mined_royalty = mined_royalty or {}
    royalty = sum(mined_royalty.values(), start=on_sales) if mined_royalty else on_sales
    ebitda = revenue - feed_cost - opex_usd - royalty
    basis = _tax_basis(scenario, p, tl, bool(flows.stages), capital, revenue, ebitda)
    unlevered = income_taxes(scenario, p, basis)
    tax = sum(unlevered.values(), start=np.zeros_like(ebitda))
    pre_tax = ebitda - capital.capex_usd - capital.sustaining_usd - working_capital_change
    lines = {
        "revenue": revenue,
        "feed_cost": feed_cost,
        "opex": opex_usd,
        "royalty": royalty,
        "ebitda": ebitda,
        "capex": capital.capex_usd,
        "sustaining_capex": capital.sustaining_usd,
        "working_capital_change": working_capital_change,
        "income_tax": tax,
        "cash_flow_pre_tax": pre_tax,
        "cash_flow": pre_tax - tax,
    }
    return BeforeFinancing(lines, basis, unlevered, on_sales, mined_royalty)


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
