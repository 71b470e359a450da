"""Evaluate a scenario: every pathway in the plant view and the country view, with metrics.

One code path for one sample or many: parameters are (N, 1) arrays and every line is (N, Y).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from orevalue import bisection, jit, outputs
from orevalue.bisection import Bracket
from orevalue.catalog import element_price_series
from orevalue.economics import chain, country, metrics, plant_batch, schedule
from orevalue.economics import mine as mine_economics
from orevalue.economics.cashflow import permit_delay_factor
from orevalue.economics.plant import (
    INVESTOR,
    STEPS,
    PlantCase,
    main_element,
    main_product,
    plant_case,
)
from orevalue.economics.plant_costs import OPEX_PARTS
from orevalue.economics.pricing import Market
from orevalue.economics.supply import FeedSupply
from orevalue.params import Params
from orevalue.results import PathwayResult, Results
from orevalue.scenario import Scenario, with_regime

#: Search range for the break-even treatment charge, USD/dmt.
BREAKEVEN_TC_RANGE = (-500.0, 1000.0)


def charge_paths(scenario: Scenario) -> tuple[str, str, float]:
    """Deck paths of the treatment and refining charges of the feed terms the plant keeps
    (the terms of the baseline pathway's main product), and TC per unit of RC when the two
    move together (the TC/10 convention: 10)."""
    spec = scenario.terms[main_product(scenario, scenario.baseline_pathway)]
    return f"prices.{spec.tc_series}", f"prices.{spec.rc_series}", spec.tc_per_rc


def element_price_path(scenario: Scenario, pathway: str) -> str:
    """Deck path of the price of ``pathway``'s main element (``prices.cu_usd_per_t``)."""
    return f"prices.{element_price_series(main_element(scenario, pathway)).key}"


def discount_rate(p: Params) -> np.ndarray:
    """Real discount rate of the plant, fraction per year (N,): the project's rate plus the
    site's security premium."""
    return (p["project.discount_rate_pct"][:, 0] + p["site.security_premium_pct"][:, 0]) / 100.0


def country_discount_rate(p: Params) -> np.ndarray:
    """Real discount rate of the country view, fraction per year (N,): the project's rate. A
    site's security premium is the investor's risk, not a change in what the money is worth to
    the country."""
    return p["project.discount_rate_pct"][:, 0] / 100.0


def _per_t(value: np.ndarray, tonnes: np.ndarray) -> np.ndarray:
    return np.divide(value, tonnes, out=np.full_like(value, np.nan), where=tonnes > 0)


def steady_margin_usd_per_t(
    scenario: Scenario, p: Params, case: PlantCase, tl: schedule.Timeline
) -> dict[str, np.ndarray]:
    """Margin per tonne of the main element of the pathway's main product in the first year at
    full utilisation, (N,).

    Uplifts (free main metal, precious metals, charges retained, premium, acid, freight saved) less
    each operating cost give the cash margin; less a capital charge (the annuity over the
    operating life that recovers the initial capex at the discount rate, plus sustaining
    capex) gives the margin after capital, before tax.
    """
    col = schedule.steady_index(scenario, tl)
    tonnes = case.product_main_t[:, col]
    out = {part: _per_t(case.margin_parts[part][:, col], tonnes) for part in case.margin_parts}
    for part in OPEX_PARTS:
        out[f"cost_{part}"] = -_per_t(case.opex_parts[part][:, col], tonnes)
    out["cost_royalty"] = -_per_t(case.lines["royalty"][:, col], tonnes)
    out["cash_margin"] = _per_t(case.lines["ebitda"][:, col], tonnes)
    rate = discount_rate(p)
    build = tl.build_years
    capex = case.lines["capex"][:, :build]
    total = capex.sum(axis=1)
    shares = np.divide(capex, total[:, None], out=np.zeros_like(capex), where=total[:, None] > 0)
    factor = metrics.capital_recovery_factor(rate, shares, scenario.project.operating_years)
    annual_capital = total * factor
    capital = annual_capital + case.lines["sustaining_capex"][:, col]
    out["capital_charge"] = -_per_t(capital, tonnes)
    out["margin_after_capital"] = out["cash_margin"] + out["capital_charge"]
    return out


def _solve_bracketed(
    f: Callable[[np.ndarray], np.ndarray], lo: float, hi: float, n: int, tol: float = 0.01
) -> np.ndarray:
    """Root of a monotone function of n samples, (n,) to (n,), per sample by bisection (rising
    or falling); NaN where the range holds no sign change. One midpoint per call of ``f``."""
    return bisection.solve(
        lambda x: [np.stack([f(row) for row in x[0]])], [Bracket(lo, hi, tol)], n, 1
    )[0]


def breakevens(
    scenario: Scenario,
    p: Params,
    pathway: str,
    tl: schedule.Timeline,
    which: tuple[str, ...] = ("tc", "price"),
) -> dict[str, np.ndarray]:
    """Break-even TC/RC (``tc``, :func:`breakeven_tc_usd_per_dmt`) and main-element price
    (``price``, :func:`breakeven_price`), (N,) each, solved together: each evaluation of the
    plant holds up to two bisection steps of each search (:mod:`orevalue.bisection`, measured
    best), within the points that keep its kernels interpreted for one sample (9 of 28 years);
    the roots are the sequential bisection's, to the bit."""
    chosen = []
    if "tc" in which:
        tc_path, rc_path, tc_per_rc = charge_paths(scenario)
        chosen.append((Bracket(*BREAKEVEN_TC_RANGE), {tc_path: 1.0, rc_path: tc_per_rc}))
    if "price" in which:
        path = element_price_path(scenario, pathway)
        scale = long_run_price(p, path)
        lo, hi = (scale * m for m in BREAKEVEN_PRICE_RANGE)
        chosen.append((Bracket(lo, hi, scale * BREAKEVEN_PRICE_TOL), {path: 1.0}))
    rate = discount_rate(p)
    f = plant_batch.npv_batch(scenario, p, pathway, tl, rate, [d for _, d in chosen])
    budget = jit.SMALL // (plant_batch.KERNEL_ROWS * len(tl.years) * p.n_samples)
    roots = bisection.solve(f, [br for br, _ in chosen], p.n_samples, budget)
    return dict(zip([w for w in ("tc", "price") if w in which], roots, strict=True))


def breakeven_tc_usd_per_dmt(
    scenario: Scenario, p: Params, pathway: str, tl: schedule.Timeline
) -> np.ndarray:
    """Flat treatment charge (RC = TC / ``tc_per_rc`` of the terms) at which the plant's
    post-tax NPV is zero."""
    return breakevens(scenario, p, pathway, tl, ("tc",))["tc"]


#: Search range for the break-even price of the main element, as multiples of its long-run
#: price (the deck's last knot; for copper at 10,000 USD/t: 1,000 to 60,000 USD/t), so the
#: range fits any metal's unit (USD/t, USD/oz).
BREAKEVEN_PRICE_RANGE = (0.1, 6.0)
#: Tolerance of the break-even price, as a fraction of the long-run price (1 USD/t for copper).
BREAKEVEN_PRICE_TOL = 1e-4
#: Main-element prices of the progressivity sweep, as multiples of its long-run price (flat over
#: the life; 6,000 to 16,000 USD/t for copper).
PRICE_SWEEP = (0.6, 0.8, 1.0, 1.2, 1.4, 1.6)


def long_run_price(p: Params, path: str) -> float:
    """The deck's value at its last knot (the long-run price), in the series' unit: the scale
    of the break-even search and of the progressivity sweep."""
    return float(p[f"{path}.{max(p.deck_years(path))}"][0, 0])


def breakeven_price(
    scenario: Scenario, p: Params, pathway: str, tl: schedule.Timeline
) -> np.ndarray:
    """Flat price of the pathway's main element at which the plant's post-tax NPV is zero at
    the hurdle rate."""
    return breakevens(scenario, p, pathway, tl, ("price",))["price"]


def metr(
    scenario: Scenario, p: Params, pathway: str, tl: schedule.Timeline, tc: np.ndarray
) -> np.ndarray:
    """Marginal effective tax rate: (p - r) / p, where p is the pre-tax return of the marginal
    project (the TC/RC at which the post-tax NPV at the hurdle r is zero)."""
    r = discount_rate(p)
    tc_path, rc_path, tc_per_rc = charge_paths(scenario)
    flat = np.nan_to_num(tc)
    q = p.flat_deck(tc_path, flat).flat_deck(rc_path, flat / tc_per_rc)
    case = plant_case(scenario, q, pathway, tl, Market.from_params(q, tl.years))
    pre = metrics.irr(case.lines["cash_flow_pre_government"])
    out = np.divide(pre - r, pre, out=np.full(pre.shape, np.nan), where=pre > 0)
    return np.where(np.isfinite(tc), out, np.nan)


def progressivity(
    scenario: Scenario, pathway: str, tl: schedule.Timeline
) -> dict[str, list[float]]:
    """Government take (undiscounted) and AETR over a sweep of flat prices of the main element:
    one evaluation with a sample per price."""
    path = element_price_path(scenario, pathway)
    price_key = outputs.key("{series}", main_element(scenario, pathway))
    q = Params.from_scenario(scenario, len(PRICE_SWEEP))
    sweep = long_run_price(q, path) * np.asarray(PRICE_SWEEP)
    q = q.flat_deck(path, sweep)
    case = plant_case(scenario, q, pathway, tl, Market.from_params(q, tl.years))
    fm = country.fiscal_metrics(case, tl, discount_rate(q), scenario.project.operating_years)
    return {
        price_key: sweep.tolist(),
        "government_take": fm["government_take"].tolist(),
        "aetr": fm["aetr"].tolist(),
    }


def _investor_metrics(
    scenario: Scenario,
    p: Params,
    name: str,
    case: PlantCase,
    tl: schedule.Timeline,
    rate: np.ndarray,
) -> dict[str, np.ndarray]:
    """What a risk run reads of the plant, (N,): NPV and IRR before financing, initial capex
    and the main product's main element at full output. The full evaluation reports them too."""
    cf = case.lines["cash_flow"]
    builds = bool(case.flows.stages)
    return {
        "npv_usd": _plant_npv(p, case, rate),
        "irr": metrics.irr(cf) if builds else np.full(p.n_samples, np.nan),
        "capex_initial_usd": case.capex_initial_usd[:, 0],
        product_key(scenario, name): case.product_main_t[:, schedule.steady_index(scenario, tl)],
    }


def _plant_npv(p: Params, case: PlantCase, rate: np.ndarray) -> np.ndarray:
    """The plant's NPV before financing (N,), the permit delay's discount applied."""
    return metrics.npv(rate, case.lines["cash_flow"]) * permit_delay_factor(p, rate)


def product_key(scenario: Scenario, pathway: str) -> str:
    """Key of the tonnes of ``pathway``'s main element in its main product at full output
    (``product_cu_t_per_yr``)."""
    return outputs.key("product_{element}_t_per_yr", main_element(scenario, pathway))


def _plant_metrics(
    scenario: Scenario,
    p: Params,
    name: str,
    case: PlantCase,
    tl: schedule.Timeline,
    investor: dict[str, np.ndarray],
) -> dict[str, np.ndarray]:
    """Every plant metric (N,), around the ``investor`` ones of :func:`_investor_metrics`."""
    rate = discount_rate(p)
    builds = bool(case.flows.stages)
    col = schedule.steady_index(scenario, tl)
    cf = case.lines["cash_flow"]
    nan = np.full(p.n_samples, np.nan)
    dscr = case.debt.dscr if case.debt is not None else np.full_like(cf, np.nan)
    repaying = np.isfinite(dscr).any(axis=1)
    out = {
        "npv_usd": investor["npv_usd"],
        "npv_pre_tax_usd": metrics.npv(rate, case.lines["cash_flow_pre_tax"]),
        "irr": investor["irr"],
        "irr_pre_tax": metrics.irr(case.lines["cash_flow_pre_tax"]) if builds else nan,
        "equity_irr": metrics.irr(case.lines["cash_flow_to_equity"]) if builds else nan,
        "payback_years": metrics.payback_years(cf) if builds else nan,
        "dscr_min": np.where(
            repaying, np.nanmin(np.where(np.isfinite(dscr), dscr, np.inf), axis=1), np.nan
        ),
        "dscr_average": np.where(
            repaying, np.nansum(dscr, axis=1) / np.maximum(np.isfinite(dscr).sum(axis=1), 1), np.nan
        ),
        "capex_initial_usd": investor["capex_initial_usd"],
        "revenue_usd_per_yr": case.lines["revenue"][:, col],
        "ebitda_usd_per_yr": case.lines["ebitda"][:, col],
    }
    product = product_key(scenario, name)
    out[product] = investor[product]
    for name, holder in case.holders.items():
        out[f"equity_npv_{name}_usd"] = metrics.npv(rate, holder.net_usd)
        if holder.holder == "foreign":
            out[f"equity_irr_{name}"] = metrics.irr(holder.net_usd)
    if builds:
        out.update(country.fiscal_metrics(case, tl, rate, scenario.project.operating_years))
    return out


def evaluate(
    scenario: Scenario,
    params: Params | None = None,
    breakeven: bool = True,
    detail: bool = True,
    compare: bool = True,
    lean: bool = False,
    npv_only: bool = False,
    chain_view: bool = True,
) -> Results:
    """Evaluate every pathway of ``scenario``.

    ``params`` defaults to the scenario's own values (one sample); pass a :class:`Params` with
    N samples for a risk run. ``breakeven`` also solves break-even TC/RC and main-metal price and
    the METR; ``detail`` also evaluates the TC/RC cases and the progressivity sweep;
    ``compare`` also evaluates the scenario under each of ``fiscal.compare_regimes``. A risk
    run turns all three off. ``lean`` stops each plant view after the investor's lines and
    reports only what a risk run reads: plant NPV and IRR before financing, capex, output and
    export earnings against the baseline, worked out as the full evaluation works them out.
    ``npv_only`` (with ``lean``) reports each plant's NPV alone (all a tornado or a Sobol
    design reads): no IRR, export earnings or gains over the baseline are worked out.
    ``chain_view`` (for a case with a mine plan) also evaluates the mine view and each pathway's
    integrated chain (:mod:`orevalue.economics.chain`), which a lean run never does: a sweep
    or a siting valuation that reads neither turns it off (it held 18 IRRs a call).
    """
    p = params if params is not None else Params.from_scenario(scenario)
    p = mine_economics.with_mine_feed(scenario, p)
    tl = schedule.timeline(scenario)
    market = Market.from_params(p, tl.years)
    rate, country_rate = discount_rate(p), country_discount_rate(p)
    supply = FeedSupply(scenario, p, tl, market)  # shared by the pathways
    stop_after = INVESTOR if lean else STEPS[-1]
    results: dict[str, PathwayResult] = {}
    exports: dict[str, np.ndarray] = {}  # each pathway's export earnings, (N, Y)
    for name, pathway in scenario.pathways.items():
        case = plant_case(scenario, p, name, tl, market, supply, stop_after)
        if npv_only and lean:
            npv = {"npv_usd": _plant_npv(p, case, rate)}
            product, element = main_product(scenario, name), main_element(scenario, name)
            results[name] = PathwayResult(
                name, pathway.label, product, case, npv, {}, {}, {}, {}, main_element=element
            )
            continue
        earnings = country.export_earnings(scenario, p, case, tl, country_rate)
        exports[name] = earnings.total_usd
        investor = _investor_metrics(scenario, p, name, case, tl, rate)
        if lean:
            country_metrics = dict(earnings.metrics)
            product = main_product(scenario, name)
            results[name] = PathwayResult(
                name,
                pathway.label,
                product,
                case,
                investor,
                {},
                {},
                country_metrics,
                earnings.fob_usd,
                main_element=main_element(scenario, name),
            )
        else:
            results[name] = _full_result(
                scenario, p, name, case, tl, investor, earnings, breakeven, detail
            )
    if not (npv_only and lean):
        _against_baseline(results, exports, scenario.baseline_pathway, country_rate, lean)
    regimes = compare_regimes(scenario, results) if compare and params is None else {}
    mine: dict[str, np.ndarray] = {}
    if scenario.mine_plan is not None and chain_view and not lean:
        cases = {n: r.case for n, r in results.items()}
        mine, chains = chain.integrated(scenario, p, tl, cases, scenario.baseline_pathway)
        for n, r in results.items():
            r.chain = chains[n]
    return Results(
        scenario=scenario,
        params=p,
        years=tl.years,
        steady_index=schedule.steady_index(scenario, tl),
        pathways=results,
        regimes=regimes,
        mine=mine,
    )


def _full_result(
    scenario: Scenario,
    p: Params,
    name: str,
    case: PlantCase,
    tl: schedule.Timeline,
    investor: dict[str, np.ndarray],
    earnings: country.ExportEarnings,
    breakeven: bool,
    detail: bool,
) -> PathwayResult:
    """Every metric of one pathway: the plant's, its margin, the TC/RC cases, break-evens and
    the country view, around the ``investor`` metrics and export ``earnings`` a lean
    evaluation reports too."""
    pathway = scenario.pathways[name]
    builds = bool(pathway.stages)
    rate = discount_rate(p)
    plant = _plant_metrics(scenario, p, name, case, tl, investor)
    margin = steady_margin_usd_per_t(scenario, p, case, tl) if builds else {}
    cases: dict[str, dict[str, np.ndarray]] = {}
    sweep: dict[str, list[float]] = {}
    if builds and detail:
        for case_name, terms_case in scenario.terms_cases.items():
            q = p
            for series in terms_case.prices:  # each series the case sets, flat over the life
                q = q.flat_deck(f"prices.{series}", p[f"terms_cases.{case_name}.{series}"])
            alt = plant_case(scenario, q, name, tl, Market.from_params(q, tl.years))
            cases[case_name] = {
                "npv_usd": metrics.npv(rate, alt.lines["cash_flow"]),
                **steady_margin_usd_per_t(scenario, q, alt, tl),
            }
        if p.n_samples == 1:
            sweep = progressivity(scenario, name, tl)
    if builds and breakeven:
        roots = breakevens(scenario, p, name, tl)
        tc = plant["breakeven_tc_usd_per_dmt"] = roots["tc"]
        plant[outputs.key("breakeven_{series}", main_element(scenario, name))] = roots["price"]
        plant["metr"] = metr(scenario, p, name, tl, tc)
    ctry, gov_lines, dollars = country.country_view(
        scenario, p, case, tl, country_discount_rate(p), earnings
    )
    fob = earnings.fob_usd
    return PathwayResult(
        name,
        pathway.label,
        main_product(scenario, name),
        case,
        plant,
        margin,
        cases,
        ctry,
        fob,
        gov_lines,
        dollars,
        sweep,
        main_element=main_element(scenario, name),
    )


def _against_baseline(
    results: dict[str, PathwayResult],
    exports: dict[str, np.ndarray],
    baseline: str,
    country_rate: np.ndarray,
    lean: bool,
) -> None:
    """Each pathway's gains over the ``baseline`` pathway, added to its country metrics: the
    export gain (from each pathway's export earnings ``exports``, (N, Y)) and, unless
    ``lean``, the government revenue gain and the change in the share kept at home."""
    base = results[baseline].country
    for r in results.values():
        if not lean:
            r.country["export_gain_usd_per_yr"] = (
                r.country["export_earnings_usd_per_yr"] - base["export_earnings_usd_per_yr"]
            )
        gain = exports[r.name] - exports[baseline]
        r.country["export_gain_pv_usd"] = metrics.npv(country_rate, gain)
        if lean:
            continue
        r.country["government_revenue_gain_pv_usd"] = (
            r.country["government_revenue_pv_usd"] - base["government_revenue_pv_usd"]
        )
        r.country["share_kept_change_pct_points"] = 100.0 * (
            r.country["share_kept_in_pakistan"] - base["share_kept_in_pakistan"]
        )


#: Headline metrics the regime comparison reports, by group.
REGIME_METRICS = {
    "plant": ("npv_usd", "irr", "equity_irr", "dscr_min", "government_take", "aetr"),
    "country": (
        "government_revenue_province_pv_usd",
        "government_revenue_federation_pv_usd",
        "government_revenue_pv_usd",
        "share_kept_in_pakistan",
        "jobs_operations_domestic",
        "jobs_operations_foreign",
    ),
}


def compare_regimes(
    scenario: Scenario, current: dict[str, PathwayResult] | None = None
) -> dict[str, dict[str, dict[str, float]]]:
    """Headline metrics per regime and pathway (one sample), with the revenue each incentive
    regime forgoes against the first regime listed, in PV and per direct operating job.
    ``current`` are the scenario's own results, reused for its own regime."""
    names = list(dict.fromkeys(scenario.fiscal.compare_regimes))
    out: dict[str, dict[str, dict[str, float]]] = {}
    for name in names:
        if name == scenario.fiscal.regime and current is not None:
            pathways = current
        else:
            variant = with_regime(scenario, name)
            pathways = evaluate(
                variant, breakeven=False, detail=False, compare=False, chain_view=False
            ).pathways
        out[name] = {
            pathway: {
                key: float(getattr(res, group)[key][0])
                for group, keys in REGIME_METRICS.items()
                for key in keys
                if key in getattr(res, group)
            }
            for pathway, res in pathways.items()
        }
    if names:
        reference = out[names[0]]
        for name in names[1:]:
            for pathway, row in out[name].items():
                forgone = (
                    reference[pathway]["government_revenue_pv_usd"]
                    - row["government_revenue_pv_usd"]
                )
                jobs = row["jobs_operations_domestic"] + row["jobs_operations_foreign"]
                row["revenue_forgone_pv_usd"] = forgone
                row["revenue_forgone_per_job_usd"] = forgone / jobs if jobs > 0 else float("nan")
    return out
