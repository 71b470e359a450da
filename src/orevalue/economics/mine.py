"""Mine view: the mine and its concentrator valued on their own, selling concentrate abroad.

Ore milled by phase, mined with its waste, recovered to a concentrate of the main element's
grade; the concentrate sold at the export terms of the feed it is (payable metal less TC/RC,
penalties and ocean freight), less rail to the port; mining, processing and G&A per tonne,
phase capex on its spend profile, sustaining capex, closure in the last year; royalties to the
province and the federation, any export duty on concentrate, and income tax with losses
carried forward. Every line is USD (N samples, Y mine years) in real USD on the mine's own
year axis (first capex year to the last year of production). Reference for the published
inputs: shared/data/balochistan-pakistan.md §2.1, §3.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orevalue import catalog, flowsheet
from orevalue.economics import fiscal, metrics, terms
from orevalue.economics.pricing import Market, Value
from orevalue.params import Params
from orevalue.scenario import Scenario


@dataclass(frozen=True)
class MineYears:
    """Calendar years of the mine: first capex year to the last year of production."""

    years: np.ndarray

    def index(self, year: int) -> int:
        return int(year - self.years[0])


def mine_years(scenario: Scenario) -> MineYears:
    """The mine's year axis, from the earliest phase spend to the end of its life."""
    plan = scenario.mine_plan
    assert plan is not None
    first = min(ph.first_year - len(ph.capex_spend_pct) for ph in plan.phases.values())
    first = min(first, plan.first_year)
    last = plan.first_year + plan.life_years - 1
    return MineYears(np.arange(first, last + 1))


def ore_milled_t(scenario: Scenario, p: Params, my: MineYears) -> np.ndarray:
    """Ore milled per year, t (N, Y): each year at the rate of the latest phase begun, within
    the mine's life."""
    plan = scenario.mine_plan
    assert plan is not None
    out = np.zeros((p.n_samples, my.years.size))
    last = plan.first_year + plan.life_years - 1
    for name, phase in sorted(plan.phases.items(), key=lambda kv: kv[1].first_year):
        on = (my.years >= phase.first_year) & (my.years <= last)
        rate = p[f"mine_plan.phases.{name}.ore_milled_t_per_yr"]
        out = np.where(on, rate, out)
    return out


def capex_usd(scenario: Scenario, p: Params, my: MineYears) -> np.ndarray:
    """Phase capex spread over the years before each phase's first year, USD (N, Y)."""
    plan = scenario.mine_plan
    assert plan is not None
    out = np.zeros((p.n_samples, my.years.size))
    for name, phase in plan.phases.items():
        spend = p.vector(f"mine_plan.phases.{name}.capex_spend_pct") / 100.0
        start = my.index(phase.first_year - spend.shape[1])
        out[:, start : start + spend.shape[1]] += p[f"mine_plan.phases.{name}.capex_usd"] * spend
    return out


def concentrate_params(scenario: Scenario, p: Params) -> tuple[Params, np.ndarray]:
    """Parameters with the feed's grades of the recovered elements set to the mine's
    concentrate grades (others keep the feed's), and the dry t of concentrate per t of ore
    milled (the mass pull), (N, 1)."""
    plan = scenario.mine_plan
    assert plan is not None
    rows = catalog.elements()

    def recovered_t_per_t_ore(el: str) -> np.ndarray:
        grade = p[f"mine_plan.head_grade.{rows[el].grade_field}"] / rows[el].grade_divisor
        return grade * p[f"mine_plan.recovery_pct.{el}"] / 100.0

    pull = recovered_t_per_t_ore(plan.element) / (p["mine_plan.concentrate_grade_pct"] / 100.0)
    grades = {}
    for el in plan.recovery_pct:
        safe = np.where(pull > 0, pull, 1.0)
        grade = np.where(pull > 0, recovered_t_per_t_ore(el) / safe, 0.0) * rows[el].grade_divisor
        grades[f"feeds.{plan.feed}.{rows[el].grade_field}"] = grade
    return p.replace(grades), pull


@dataclass
class MineCase:
    """The mine's physical and money lines, (N, Y) on ``years``."""

    years: MineYears
    ore_t: np.ndarray
    mined_t: np.ndarray
    concentrate_dry_t: np.ndarray
    elements_t: dict[str, np.ndarray]
    q: Params  # parameters with the feed's grades those of the mine's concentrate
    value_per_dry_t: Value  # export value of one dry t, at ocean freight, (N, Y)
    lines: dict[str, np.ndarray]
    #: FOB of the part of one dry t exported (all of it unless a trade rule bars part of a
    #: year: that part is sold at home), (N, Y)
    exported_per_dry_t: np.ndarray


def concentrate_value(
    scenario: Scenario, q: Params, market: Market, dry_t: np.ndarray
) -> tuple[Value, np.ndarray]:
    """Export value of ``dry_t`` of the mine's concentrate (FOB less ocean freight; under a
    trade rule, the barred part sold at home), and the FOB of the part exported, USD."""
    plan = scenario.mine_plan
    assert plan is not None
    kind = scenario.feeds[plan.feed].terms
    elements = {el: flowsheet.feed_element_t(q, plan.feed, dry_t, el) for el in catalog.ELEMENTS}
    freight = terms.freight_usd_per_t(scenario, q, kind, ocean_only=True)
    lot = terms.Lot(elements, dry_t, plan.feed)
    parts = terms.sales(scenario, q, kind, lot, market, freight)
    return terms.total(parts), terms.exported(parts).total_usd


def mine_case(scenario: Scenario, p: Params) -> MineCase:
    """The mine on its own: every line of the mine view, exporting all its concentrate."""
    my = mine_years(scenario)
    ore = ore_milled_t(scenario, p, my)
    q, pull = concentrate_params(scenario, p)
    conc = ore * pull
    market = Market.from_params(q, my.years)
    plan = scenario.mine_plan
    assert plan is not None
    elements = {el: flowsheet.feed_element_t(q, plan.feed, conc, el) for el in plan.recovery_pct}
    unit, unit_exported = concentrate_value(scenario, q, market, np.ones_like(conc))
    sales = unit.total_usd * conc
    fob = unit_exported * conc
    lines = company_lines(scenario, q, my, ore, conc, sales, np.zeros_like(sales), fob)
    for el in plan.recovery_pct:
        lines[f"revenue_{el}"] = conc * unit.metal(el)
    mined = ore * (1.0 + p["mine_plan.strip_ratio"])
    return MineCase(my, ore, mined, conc, elements, q, unit, lines, unit_exported)


def company_lines(
    scenario: Scenario,
    p: Params,
    my: MineYears,
    ore: np.ndarray,
    conc_dry_t: np.ndarray,
    export_usd: np.ndarray,
    to_plant_usd: np.ndarray,
    exported_fob_usd: np.ndarray,
) -> dict[str, np.ndarray]:
    """The mine as a company, USD (N, Y): sales abroad ``export_usd`` and to a plant at home
    ``to_plant_usd`` (the receipts, timing included), its costs, capital, closure and what it
    pays the governments (royalties on all sales, export duty on ``exported_fob_usd``, income
    tax with losses carried forward without limit)."""
    mined = ore * (1.0 + p["mine_plan.strip_ratio"])
    wet = conc_dry_t / (1.0 - p[f"feeds.{scenario.mine_plan.feed}.moisture_pct"] / 100.0)
    freight = wet * p["mine_plan.conc_freight_mine_to_port_usd_per_wmt"]
    opex = mined * p["mine_plan.mining_usd_per_t_mined"] + ore * (
        p["mine_plan.processing_usd_per_t_ore"] + p["mine_plan.g_and_a_usd_per_t_ore"]
    )
    capex = capex_usd(scenario, p, my)
    sustaining = ore * p["mine_plan.sustaining_capex_usd_per_t_ore"]
    closure = np.zeros_like(ore)
    closure[:, -1] = p["mine_plan.closure_usd"][:, 0]
    sales = export_usd + to_plant_usd
    royalty_province = fiscal.royalty_usd(sales, p["mine.royalty_province_pct"] / 100.0)
    royalty_federal = fiscal.royalty_usd(sales, p["mine.royalty_federal_pct"] / 100.0)
    duty = np.maximum(exported_fob_usd, 0.0) * p["fiscal.export_duty_conc_pct"] / 100.0
    years = int(p["mine_plan.depreciation_years"][0, 0])
    depreciation = fiscal.straight_line_depreciation_usd(capex + sustaining, years)
    taxable = (
        sales - freight - opex - closure - royalty_province - royalty_federal - duty - depreciation
    )
    income_tax = income_tax_usd(taxable, p["mine.income_tax_pct"] / 100.0)
    pre = sales - freight - opex - capex - sustaining - closure
    government = royalty_province + royalty_federal + duty + income_tax
    return {
        "ore_milled_t": ore,
        "concentrate_dry_t": conc_dry_t,
        "sales": sales,
        "sales_exported": export_usd,
        "sales_to_plant": to_plant_usd,
        "freight": freight,
        "opex": opex,
        "capex": capex,
        "sustaining_capex": sustaining,
        "closure": closure,
        "royalty_province": royalty_province,
        "royalty_federal": royalty_federal,
        "export_duty": duty,
        "income_tax": income_tax,
        "cash_flow_pre_government": pre,
        "cash_flow": pre - government,
    }


def income_tax_usd(taxable_usd: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """Income tax with losses carried forward without limit, USD (N, Y): with C the running
    taxable income, the base paid by year t is max(0, max of C up to t), so each year pays on
    its rise."""
    paid_base = np.maximum(np.maximum.accumulate(np.cumsum(taxable_usd, axis=1), axis=1), 0.0)
    return np.diff(paid_base, axis=1, prepend=0.0) * rate


def mine_metrics(lines: dict[str, np.ndarray], rate: np.ndarray) -> dict[str, np.ndarray]:
    """NPV, IRR and payback of the mine before and after government, and the present value
    each level of government receives, (N,)."""
    cf, pre = lines["cash_flow"], lines["cash_flow_pre_government"]
    federal = lines["royalty_federal"] + lines["export_duty"] + lines["income_tax"]
    return {
        "npv_usd": metrics.npv(rate, cf),
        "irr": metrics.irr(cf),
        "payback_years": metrics.payback_years(cf),
        "npv_pre_government_usd": metrics.npv(rate, pre),
        "irr_pre_government": metrics.irr(pre),
        "royalty_province_pv_usd": metrics.npv(rate, lines["royalty_province"]),
        "royalty_federal_pv_usd": metrics.npv(rate, lines["royalty_federal"]),
        "export_duty_pv_usd": metrics.npv(rate, lines["export_duty"]),
        "income_tax_pv_usd": metrics.npv(rate, lines["income_tax"]),
        "government_province_pv_usd": metrics.npv(rate, lines["royalty_province"]),
        "government_federation_pv_usd": metrics.npv(rate, federal),
    }


def mine_view(scenario: Scenario, p: Params) -> dict[str, np.ndarray]:
    """The mine view's metrics (N,): value, returns, government by level, and the physical
    and money figures of a life-of-mine average year."""
    case = mine_case(scenario, p)
    rate = p["project.discount_rate_pct"][:, 0] / 100.0
    out = mine_metrics(case.lines, rate)
    producing = (case.ore_t > 0).sum(axis=1)
    per_yr = {
        "ore_milled_t_per_yr": case.ore_t,
        "ore_and_waste_mined_t_per_yr": case.mined_t,
        "concentrate_dry_t_per_yr": case.concentrate_dry_t,
        "revenue_usd_per_yr": case.lines["sales"],
        "opex_usd_per_yr": case.lines["opex"],
    }
    plan = scenario.mine_plan
    assert plan is not None
    for el in plan.recovery_pct:
        per_yr[f"recovered_{el}_t_per_yr"] = case.elements_t[el]
        per_yr[f"revenue_{el}_usd_per_yr"] = case.lines[f"revenue_{el}"]
    for key, line in per_yr.items():
        out[key] = line.sum(axis=1) / np.maximum(producing, 1)
    out["capex_usd"] = case.lines["capex"].sum(axis=1)
    out["first_year"] = np.full(p.n_samples, float(case.years.years[0]))
    out.update(feed_runs_out(case, p))
    return out


def feed_runs_out(case: MineCase, p: Params) -> dict[str, np.ndarray]:
    """When the mine's concentrate runs out, (N,): ``last_year``, the last calendar year with
    ore milled, and ``plant_feed_months``, the concentrate of the whole life in months of the
    plant's feed at full output (nameplate x the final utilisation), the measure of GA §0 #1
    ("less than 18 months of feed for a 2 kt/yr roaster")."""
    years = case.years.years.astype(float)
    last = np.where(case.ore_t > 0, years, -np.inf).max(axis=1)
    full = p["project.nameplate_conc_dmt_per_yr"][:, 0] * (
        p.vector("project.utilisation_pct")[:, -1] / 100.0
    )
    months = np.divide(
        12.0 * case.concentrate_dry_t.sum(axis=1),
        full,
        out=np.full(p.n_samples, np.inf),
        where=full > 0,
    )
    return {"last_year": np.where(np.isfinite(last), last, np.nan), "plant_feed_months": months}


def supplies_feed(scenario: Scenario) -> bool:
    """True where the mine's concentrate is the plant's feed (``mine_plan.supplies_feed``)."""
    plan = scenario.mine_plan
    return plan is not None and plan.supplies_feed and plan.feed in scenario.active_feeds()


def with_mine_feed(scenario: Scenario, p: Params) -> Params:
    """``p`` with the mine's feed graded as the mine's concentrate where the mine supplies
    the feed; ``p`` itself otherwise."""
    return concentrate_params(scenario, p)[0] if supplies_feed(scenario) else p


def concentrate_dry_t_on(scenario: Scenario, p: Params, years: np.ndarray) -> np.ndarray:
    """The mine's concentrate, dry t per year on the calendar ``years``, (N, Y)."""
    my = mine_years(scenario)
    conc = ore_milled_t(scenario, p, my) * concentrate_params(scenario, p)[1]
    out = np.zeros((p.n_samples, years.size))
    inside = (years >= my.years[0]) & (years <= my.years[-1])
    out[:, inside] = conc[:, years[inside] - my.years[0]]
    return out
