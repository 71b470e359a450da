"""Plant view of one pathway: the plant buys its feed at export parity and sells its products.

Export parity: the mine is paid what exporting would have paid it at the same point, so the
plant keeps the treatment and refining charges, the metal recovered beyond the payable share,
the freight it saves, the premiums and the acid, and bears the costs. Every line is an array
(N, Y) in real USD.

:func:`plant_case` runs the plant view as a sequence of named steps (:data:`STEPS`), each a
function of a few arrays in its own module: capital and operating costs (``plant_costs``),
sales and feed purchases (``sales``), working capital, taxes before financing, finance and
owners (``cashflow``), government lines and stakeholders (``stakeholders``). A risk run stops
after the investor's lines (``stop_after=INVESTOR``): the same steps, fewer of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from orevalue.economics import finance, schedule
from orevalue.economics.cashflow import (
    INVESTOR_LINES,
    BeforeFinancing,
    Financing,
    financing,
    owners,
    taxes_before_financing,
)
from orevalue.economics.flows import PathwayFlows, pathway_flows
from orevalue.economics.mined import mined_royalty_usd
from orevalue.economics.ownership import HolderFlows
from orevalue.economics.plant_costs import (
    Capital,
    capital,
    operating_costs,
    opex_by_part,
    resource_use,
)
from orevalue.economics.pricing import Market, Value
from orevalue.economics.sales import export_fob_usd as _export_fob_usd
from orevalue.economics.sales import (
    main_element,
    main_product,
    margin_parts,
    margin_parts_keys,
    mine_sales_to_plant_usd,
    sales_and_feed,
)
from orevalue.economics.stakeholders import (
    DOMESTIC_STAKEHOLDERS,
    government_lines,
    stakeholders,
)
from orevalue.economics.supply import FeedSupply
from orevalue.params import Params
from orevalue.scenario import Scenario

#: The steps of the plant view, in the order they run.
STEPS = (
    "capital",
    "operating_costs",
    "sales_and_feed",
    "working_capital",
    "taxes_before_financing",
    "finance",
    "owners",
    "government",
    "stakeholders",
)
#: The last step the investor's lines (:data:`INVESTOR_LINES`) need: where a risk run stops.
INVESTOR = "taxes_before_financing"


@dataclass
class PlantCase:
    """Annual lines of the plant view for one pathway (USD, (N, Y)) and what they rest on.

    A case stopped after the investor's lines has only those (:data:`INVESTOR_LINES`), with
    the parts, resource use, debt, owners, government and stakeholders left empty.
    """

    flows: PathwayFlows
    lines: dict[str, np.ndarray]
    margin_parts: dict[str, np.ndarray]
    opex_parts: dict[str, np.ndarray]
    use: dict[str, np.ndarray]
    staff: dict[str, np.ndarray]  # by skill, whole persons (N, 1)
    capex_initial_usd: np.ndarray
    labour_usd_per_yr: tuple[np.ndarray, np.ndarray]
    product_main_t: np.ndarray
    supply: FeedSupply
    sold: dict[str, Value] = field(default_factory=dict)
    government: dict[str, np.ndarray] = field(default_factory=dict)
    government_unlevered: dict[str, np.ndarray] = field(default_factory=dict)
    debt: finance.Debt | None = None
    holders: dict[str, HolderFlows] = field(default_factory=dict)
    stakeholders: dict[str, np.ndarray] = field(default_factory=dict)


def plant_case(
    scenario: Scenario,
    p: Params,
    pathway: str,
    tl: schedule.Timeline,
    market: Market,
    supply: FeedSupply | None = None,
    stop_after: str = STEPS[-1],
) -> PlantCase:
    """Revenue, costs, taxes and cash flows of the plant built by ``pathway``.

    Runs :data:`STEPS` in order; ``stop_after`` is :data:`INVESTOR` (the investor's cash flow
    before financing, what a risk run needs) or the last step. ``supply`` shares the feeds'
    tonnages and values among the pathways of one evaluation (made here when not given).
    """
    if stop_after not in (INVESTOR, STEPS[-1]):
        raise ValueError(f"stop_after must be {INVESTOR!r} or {STEPS[-1]!r}, not {stop_after!r}")
    supply = supply if supply is not None else FeedSupply(scenario, p, tl, market)
    flows = pathway_flows(scenario, p, pathway, supply)
    zeros = np.zeros((p.n_samples, tl.years.size))
    if stop_after == INVESTOR and not flows.stages:
        return _no_plant(flows, supply, zeros)
    cap = capital(p, tl, flows)
    opex = operating_costs(scenario, p, tl, flows, cap)
    sales = sales_and_feed(scenario, p, pathway, flows, supply, market, zeros)
    mined = mined_royalty_usd(scenario, p, flows, market)
    before = taxes_before_financing(
        scenario, p, tl, flows, cap, opex.total_usd, sales, market, stop_after != INVESTOR, mined
    )
    wc_change = before.lines["working_capital_change"]
    case = PlantCase(
        flows,
        dict(before.lines),
        {},
        {},
        {},
        opex.staff,
        cap.initial_usd,
        opex.labour_usd_per_yr,
        sales.product_main_t,
        supply,
        sales.sold,
    )
    if stop_after == INVESTOR:
        return case
    case.opex_parts = opex_by_part(opex, zeros)
    case.use = resource_use(p, opex, zeros)
    case.margin_parts = margin_parts(sales, zeros)
    fin = financing(scenario, p, tl, cap, before)
    own = owners(
        scenario, p, bool(flows.stages), fin.cash_flow_to_equity_usd, before.lines["cash_flow"]
    )
    case.debt, case.holders = fin.debt, own.levered
    case.lines.update(_financed_lines(cap, before, fin))
    case.lines.update(mine_sales_to_plant_usd(scenario, sales, zeros))
    royalty_to, royalty = scenario.fiscal.plant_royalty_to, before.royalty_on_sales_usd
    case.government = government_lines(
        royalty_to, fin.income_taxes, royalty, cap.customs_duty_usd, own.levered
    )
    case.government_unlevered = government_lines(
        royalty_to, before.income_taxes, royalty, cap.customs_duty_usd, own.unlevered
    )
    case.government.update(before.mined_royalty)  # the royalty on the ore the plant mines
    case.government_unlevered.update(before.mined_royalty)
    case.stakeholders = stakeholders(
        p,
        case.opex_parts,
        cap.base_usd + cap.sustaining_usd,
        wc_change,
        opex.wages_usd(),
        case.government,
        own.levered,
        fin.debt,
    )
    return case


def _financed_lines(cap: Capital, before: BeforeFinancing, fin: Financing) -> dict[str, np.ndarray]:
    """The lines after the investor's: depreciation, the debt, taxes with it and the equity
    cash flow, and the cash flow before any government take (FARI), USD (N, Y)."""
    lines, depreciation = before.lines, before.basis.depreciation_usd
    return {
        "customs_duty": cap.customs_duty_usd,
        "depreciation": depreciation,
        "taxable_income": lines["ebitda"] - depreciation,
        "income_tax_with_debt": fin.income_tax_usd,
        "cash_flow_pre_government": lines["revenue"]
        - lines["feed_cost"]
        - lines["opex"]
        - cap.base_usd
        - lines["sustaining_capex"]
        - lines["working_capital_change"],
        "debt_drawdown": fin.debt.drawdown_usd,
        "interest": fin.debt.interest_usd,
        "principal": fin.debt.principal_usd,
        "cfads": fin.cfads_usd,
        "cash_flow_to_equity": fin.cash_flow_to_equity_usd,
    }


def _no_plant(flows: PathwayFlows, supply: FeedSupply, zeros: np.ndarray) -> PlantCase:
    """The investor's lines of a pathway that builds nothing: zeros."""
    none = np.zeros((zeros.shape[0], 1))
    lines = dict.fromkeys(INVESTOR_LINES, zeros)
    return PlantCase(flows, lines, {}, {}, {}, {}, none, (none, none), zeros, supply)


def export_fob_usd(scenario: Scenario, p: Params, case: PlantCase) -> dict[str, np.ndarray]:
    """Export earnings by product, FOB Pakistani port, of ``case``, (N, Y)
    (:func:`orevalue.economics.sales.export_fob_usd`)."""
    return _export_fob_usd(scenario, p, case.flows, case.supply, case.sold)


__all__ = [
    "DOMESTIC_STAKEHOLDERS",
    "INVESTOR",
    "INVESTOR_LINES",
    "STEPS",
    "PathwayFlows",
    "PlantCase",
    "export_fob_usd",
    "main_element",
    "main_product",
    "margin_parts_keys",
    "plant_case",
]
