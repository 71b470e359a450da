"""Evaluate a scenario: every pathway in the plant view and the country view, with metrics.

One code path for one sample or many: parameters are (N, 1) arrays and every line is (N, Y).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from orevalue.economics import metrics, schedule
from orevalue.economics.plant import MARGIN_PARTS, OPEX_PARTS, PlantCase, export_fob_usd, plant_case
from orevalue.economics.pricing import Market
from orevalue.params import Params
from orevalue.results import PathwayResult, Results
from orevalue.scenario import Scenario

TC_PATH = "prices.tc_usd_per_dmt"
RC_PATH = "prices.rc_usc_per_lb"
#: Search range for the break-even treatment charge, USD/dmt.
BREAKEVEN_TC_RANGE = (-500.0, 1000.0)


def discount_rate(p: Params) -> np.ndarray:
    """Real discount rate of the plant, fraction per year (N,): the project's rate plus the
    site's security premium."""
    return (p["project.discount_rate_pct"][:, 0] + p["site.security_premium_pct"][:, 0]) / 100.0


def _per_t(value: np.ndarray, tonnes: np.ndarray) -> np.ndarray:
    return np.divide(value, tonnes, out=np.full_like(value, np.nan), where=tonnes > 0)


def steady_margin_usd_per_t(
    scenario: Scenario, p: Params, case: PlantCase, tl: schedule.Timeline
) -> dict[str, np.ndarray]:
    """Margin per tonne of product copper in the first year at full utilisation, (N,).

    Uplifts (free copper, precious metals, charges retained, premium, acid, freight saved) less
    each operating cost give the cash margin; less a capital charge (initial capex carried to
    start-up at the discount rate and recovered as an annuity over the operating life, plus
    sustaining capex) gives the margin after capital, before tax.
    """
    col = schedule.steady_index(scenario, tl)
    tonnes = case.product_cu_t[:, col]
    out = {part: _per_t(case.margin_parts[part][:, col], tonnes) for part in MARGIN_PARTS}
    for part in OPEX_PARTS:
        out[f"cost_{part}"] = -_per_t(case.opex_parts[part][:, col], tonnes)
    out["cost_royalty"] = -_per_t(case.lines["royalty"][:, col], tonnes)
    out["cash_margin"] = _per_t(case.lines["ebitda"][:, col], tonnes)
    rate = discount_rate(p)
    build = tl.build_years
    growth = (1.0 + rate[:, None]) ** (build - np.arange(build))[None, :]
    capex_at_startup = (case.lines["capex"][:, :build] * growth).sum(axis=1)
    annual_capital = capex_at_startup / metrics.annuity_factor(
        rate, scenario.project.operating_years
    )
    capital = annual_capital + case.lines["sustaining_capex"][:, col]
    out["capital_charge"] = -_per_t(capital, tonnes)
    out["margin_after_capital"] = out["cash_margin"] + out["capital_charge"]
    return out


def _solve_increasing(
    f: Callable[[np.ndarray], np.ndarray], lo: float, hi: float, n: int, tol: float = 0.01
) -> np.ndarray:
    """Root of an increasing function per sample by bisection; NaN where it has none in range."""
    a, b = np.full(n, lo), np.full(n, hi)
    fa, fb = f(a), f(b)
    ok = (fa <= 0) & (fb >= 0)
    for _ in range(int(np.ceil(np.log2((hi - lo) / tol)))):
        mid = 0.5 * (a + b)
        fm = f(mid)
        below = fm < 0
        a = np.where(below, mid, a)
        b = np.where(below, b, mid)
    return np.where(ok, 0.5 * (a + b), np.nan)


def breakeven_tc_usd_per_dmt(
    scenario: Scenario, p: Params, pathway: str, tl: schedule.Timeline
) -> np.ndarray:
    """Flat treatment charge (RC = TC/10 US c/lb) at which the plant's post-tax NPV is zero."""
    rate = discount_rate(p)

    def npv_at(tc: np.ndarray) -> np.ndarray:
        q = p.flat_deck(TC_PATH, tc).flat_deck(RC_PATH, tc / 10.0)
        case = plant_case(scenario, q, pathway, tl, Market.from_params(q, tl.years))
        return metrics.npv(rate, case.lines["cash_flow"])

    return _solve_increasing(npv_at, *BREAKEVEN_TC_RANGE, p.n_samples)


def _country(
    scenario: Scenario, p: Params, case: PlantCase, tl: schedule.Timeline, market: Market
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Country view: export earnings by year and product, and physical needs, (N,)."""
    col = schedule.steady_index(scenario, tl)
    fob = export_fob_usd(scenario, p, case, market)
    rate = discount_rate(p)
    exports = sum(fob.values(), start=np.zeros((p.n_samples, tl.years.size)))
    taxes = case.lines["income_tax"] + case.lines["royalty"]
    domestic = sum(c for s, c in case.staff.items() if s not in scenario.labour.foreign_skills)
    foreign = sum(c for s, c in case.staff.items() if s in scenario.labour.foreign_skills)
    flows = case.flows
    wet = {
        f: t / (1.0 - p[f"feeds.{f}.moisture_pct"] / 100.0)
        for f, t in flows.feeds_processed_dry_t.items()
    }
    unprocessed_wet = {
        f: (a - flows.feeds_processed_dry_t.get(f, 0.0))
        / (1.0 - p[f"feeds.{f}.moisture_pct"] / 100.0)
        for f, a in flows.feeds_available_dry_t.items()
    }
    products_t = sum(
        (flows.mass_t(scenario, p, s) for s in case.sold if s in ("anode", "cathode", "rod")),
        start=np.zeros_like(exports),
    )
    acid_t = flows.mass_t(scenario, p, "acid") if "acid" in case.sold else np.zeros_like(exports)
    unprocessed = sum(unprocessed_wet.values(), start=np.zeros_like(exports))
    n = p.n_samples
    country = {
        "export_earnings_usd_per_yr": exports[:, col],
        "export_earnings_pv_usd": metrics.npv(rate, exports),
        "plant_taxes_pv_usd": metrics.npv(rate, taxes),
        "jobs_construction_peak": case.capex_initial_usd[:, 0]
        / 1e6
        * p["project.construction_peak_jobs_per_musd"][:, 0],
        "jobs_operations_domestic": np.full(n, float(domestic)),
        "jobs_operations_foreign": np.full(n, float(foreign)),
        "power_gwh_per_yr": case.use["power_mwh"][:, col] / 1000.0,
        "power_mw_average": case.use["power_mwh"][:, col] / 8760.0,
        "water_m3_per_day": case.use["water_m3"][:, col] / 365.0,
        "freight_feed_to_plant_wet_t_per_yr": sum(wet.values(), start=np.zeros_like(exports))[
            :, col
        ],
        "freight_feed_to_port_wet_t_per_yr": unprocessed[:, col],
        "freight_products_to_port_t_per_yr": products_t[:, col],
        "freight_acid_from_site_t_per_yr": acid_t[:, col],
        "freight_ocean_t_per_yr": (unprocessed + products_t)[:, col],
    }
    site, logistics = scenario.site, scenario.logistics
    legs = [
        (logistics.conc_mine_to_port_mode, "freight_feed_to_port_wet_t_per_yr"),
        (site.feed_mode, "freight_feed_to_plant_wet_t_per_yr"),
        (site.product_mode, "freight_products_to_port_t_per_yr"),
        (site.acid_mode, "freight_acid_from_site_t_per_yr"),
    ]
    for mode in ("rail", "road"):
        country[f"freight_{mode}_t_per_yr"] = sum(
            (country[key] for m, key in legs if m == mode), start=np.zeros(n)
        )
    return country, fob


def evaluate(
    scenario: Scenario, params: Params | None = None, breakeven: bool = True, detail: bool = True
) -> Results:
    """Evaluate every pathway of ``scenario``.

    ``params`` defaults to the scenario's own values (one sample); pass a :class:`Params` with
    N samples for a risk run. ``breakeven`` also solves the break-even TC/RC per pathway;
    ``detail`` also evaluates the scenario's TC/RC cases. A risk run turns both off.
    """
    p = params if params is not None else Params.from_scenario(scenario)
    tl = schedule.timeline(scenario)
    market = Market.from_params(p, tl.years)
    rate = discount_rate(p)
    results: dict[str, PathwayResult] = {}
    for name, pathway in scenario.pathways.items():
        case = plant_case(scenario, p, name, tl, market)
        cf = case.lines["cash_flow"]
        col = schedule.steady_index(scenario, tl)
        builds = bool(pathway.stages)
        plant = {
            "npv_usd": metrics.npv(rate, cf),
            "npv_pre_tax_usd": metrics.npv(rate, case.lines["cash_flow_pre_tax"]),
            "irr": metrics.irr(cf) if builds else np.full(p.n_samples, np.nan),
            "payback_years": metrics.payback_years(cf) if builds else np.full(p.n_samples, np.nan),
            "capex_initial_usd": case.capex_initial_usd[:, 0],
            "revenue_usd_per_yr": case.lines["revenue"][:, col],
            "ebitda_usd_per_yr": case.lines["ebitda"][:, col],
            "product_cu_t_per_yr": case.product_cu_t[:, col],
        }
        margin = steady_margin_usd_per_t(scenario, p, case, tl) if builds else {}
        cases: dict[str, dict[str, np.ndarray]] = {}
        if builds and detail:
            for case_name in scenario.terms_cases:
                tc = p[f"terms_cases.{case_name}.tc_usd_per_dmt"]
                rc = p[f"terms_cases.{case_name}.rc_usc_per_lb"]
                q = p.flat_deck(TC_PATH, tc).flat_deck(RC_PATH, rc)
                alt = plant_case(scenario, q, name, tl, Market.from_params(q, tl.years))
                cases[case_name] = {
                    "npv_usd": metrics.npv(rate, alt.lines["cash_flow"]),
                    **steady_margin_usd_per_t(scenario, q, alt, tl),
                }
        if builds and breakeven:
            plant["breakeven_tc_usd_per_dmt"] = breakeven_tc_usd_per_dmt(scenario, p, name, tl)
        country, fob = _country(scenario, p, case, tl, market)
        results[name] = PathwayResult(name, pathway.label, case, plant, margin, cases, country, fob)
    base = results[scenario.baseline_pathway]
    for r in results.values():
        fob_total = sum(r.exports_fob_usd.values())
        base_total = sum(base.exports_fob_usd.values())
        r.country["export_gain_usd_per_yr"] = (
            r.country["export_earnings_usd_per_yr"] - base.country["export_earnings_usd_per_yr"]
        )
        r.country["export_gain_pv_usd"] = metrics.npv(rate, fob_total - base_total)
    return Results(scenario=scenario, params=p, years=tl.years, pathways=results)
