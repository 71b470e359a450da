"""The verdict: a few plain sentences computed from the numbers of a result (it reads the
results only); numbers are formatted and units shown as the outputs table
(data/outputs.csv, :mod:`orevalue.outputs`) declares them."""

from __future__ import annotations

import math

import numpy as np

from orevalue import outputs
from orevalue.catalog import element_price_series
from orevalue.report.labels import against_baseline, metal_name
from orevalue.results import Results

#: Metrics that are legitimately undefined (NaN) for some cash flows: an IRR of flows that
#: never change sign, a payback never reached, a cover ratio without debt, a tax rate or
#: break-even without profit (the government's take and the METR of a plant that never
#: earns before government; a royalty rate without revenue). Any other number that is not
#: finite is a warning.
UNDEFINED_ALLOWED = (
    "irr",
    "payback",
    "dscr",
    "aetr",
    "breakeven",
    "metr",
    "government_take",
    "effective_royalty_rate",
)


def nonfinite_warnings(results: Results, sample: int = 0) -> list[str]:
    """One line per group of results that came out infinite or NaN where a number was
    expected (those of :data:`UNDEFINED_ALLOWED` excepted), naming pathway and keys."""
    out: list[str] = []
    for name, r in results.pathways.items():
        groups = {
            "plant": r.plant,
            "margin": r.margin_usd_per_t,
            "country": r.country,
            "where each dollar goes": r.dollars_pv_usd,
            **{f"terms case {c}": v for c, v in r.terms_cases.items()},
            "annual": results.annual(name, sample),
        }
        for group, values in groups.items():
            bad = [
                k
                for k, v in values.items()
                if not any(word in k for word in UNDEFINED_ALLOWED)
                and not np.all(np.isfinite(np.asarray(v)[sample] if group != "annual" else v))
            ]
            if bad:
                shown = ", ".join(bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
                out.append(
                    f"{name}: {len(bad)} {group} result(s) not finite ({shown}); inputs far "
                    "outside any real case overflow the arithmetic"
                )
    return out


def warnings_of(results: Results, sample: int = 0) -> list[str]:
    """Every warning of a run: the input's (implausible values, an empty file) then the
    results' (numbers that are not finite)."""
    return [*results.scenario.notes, *nonfinite_warnings(results, sample)]


def usd(x: float, unit: str = "m") -> str:
    """USD for people: ``usd(-1.234e9)`` -> '-1,234 m'."""
    if not math.isfinite(x):
        return "n/a"
    scale = {"m": 1e6, "bn": 1e9, "": 1.0}[unit]
    return f"{x / scale:,.0f}{' ' + unit if unit else ''}"


def _n(key: str, value: float) -> str:
    """A value formatted by the kind of a declared key, ASCII minus (``1,102``)."""
    return outputs.format_value(key, value, ascii_minus=True)


def _product_word(product: str) -> str:
    """What a tonne of the product is called in a sentence."""
    words = {"cathode": "cathode", "anode": "anode copper", "rod": "rod"}
    return words.get(product, product.replace("_", " "))


def verdict(results: Results, sample: int = 0) -> list[str]:
    """Which pathway pays best for the plant, what a tonne earns at each TC/RC case, where it
    breaks even, and what the country gains."""
    s = results.scenario
    rate = s.project.discount_rate_pct + s.site.security_premium_pct
    broken = nonfinite_warnings(results, sample)
    if broken:
        return [
            f"No verdict: {len(broken)} group(s) of results are not finite numbers (see the "
            "warnings); check the inputs named there."
        ]
    plants = [r for r in results.pathways.values() if r.builds]
    if not plants:
        return ["No pathway builds a plant; nothing to compare with the baseline."]
    best = max(plants, key=lambda r: r.plant["npv_usd"][sample])
    npv = best.plant["npv_usd"][sample]
    lines = [
        f"Highest plant NPV: {best.label}, USD {usd(npv)} at {rate:g} % real"
        + (
            " — positive: the plant pays for itself."
            if npv > 0
            else " — negative: no pathway pays for itself at these terms."
        )
    ]
    tc_unit = outputs.shown_unit("breakeven_tc_usd_per_dmt", "plant")
    for r in plants:
        word = _product_word(r.main_product)
        parts = []
        for case_name, case in r.terms_cases.items():
            label = s.terms_cases[case_name].label or case_name
            tc = s.terms_cases[case_name].prices.get("tc_usd_per_dmt", math.nan)
            rc = s.terms_cases[case_name].prices.get("rc_usc_per_lb", math.nan)
            cash = case["cash_margin"][sample]
            after = case["margin_after_capital"][sample]
            verb = "earns" if after >= 0 else "loses"
            parts.append(
                f"at {label} terms (TC {tc:g} {tc_unit}, RC {rc:g} c/lb) it {verb} "
                f"USD {abs(after):,.0f} per t of {word} after capital, before tax "
                f"(cash margin {_n('cash_margin', cash)})"
            )
        if not parts:  # a case without TC/RC cases: its own terms
            after = r.margin_usd_per_t["margin_after_capital"][sample]
            verb = "earns" if after >= 0 else "loses"
            parts.append(
                f"it {verb} USD {abs(after):,.0f} per t of {word} after capital, before tax "
                f"(cash margin {_n('cash_margin', r.margin_usd_per_t['cash_margin'][sample])})"
            )
        be = r.plant.get("breakeven_tc_usd_per_dmt")
        tail = ""
        if not s.terms_cases:
            be = None
            metal = r.plant.get(r.key("breakeven_{series}"))
            if metal is not None and math.isfinite(metal[sample]):
                unit = element_price_series(r.main_element).unit
                tail = (
                    f"; its after-tax NPV breaks even at a flat {metal_name(s)} price of "
                    f"{metal[sample]:,.0f} {unit}"
                )
        if be is not None:
            b = be[sample]
            tail = (
                "; its after-tax NPV breaks even at a flat TC of "
                f"{_n('breakeven_tc_usd_per_dmt', b)} {tc_unit} "
                f"and RC {b / 10:,.1f} c/lb"
                if math.isfinite(b)
                else "; no TC/RC in the searched range makes it break even"
            )
        lines.append(f"{r.label}: " + "; ".join(parts) + tail + ".")
    lines.extend(_government_lines(results, sample))
    gain = best.country["export_gain_usd_per_yr"][sample]
    lines.append(
        f"{best.label} against {against_baseline(s)}: export earnings "
        f"{'+' if gain >= 0 else '-'}USD {usd(abs(gain))} a year at full output, "
        f"{_n('jobs_operations_domestic', best.country['jobs_operations_domestic'][sample])} "
        "Pakistani and "
        + ", ".join(
            f"{_n(key, best.country[key][sample])}{_with_unit(key)} {words}"
            for key, words in COUNTRY_WORDS
        )
        + "."
    )
    lines.extend(_mine_feed_lines(results, sample))
    return lines


def _mine_feed_lines(results: Results, sample: int) -> list[str]:
    """When the mine that supplies the plant's feed runs out, where it does within the
    plant's life: the last year and how many months of the plant's feed it gave."""
    plan = results.scenario.mine_plan
    if plan is None or not plan.supplies_feed or not results.mine:
        return []
    last = results.mine["last_year"][sample]
    if not math.isfinite(last) or last >= results.years[-1]:
        return []
    months = results.mine["plant_feed_months"][sample]
    return [
        f"The local mine's concentrate ({plan.feed}) runs out after {last:.0f}: "
        f"{months:,.1f} months of the plant's feed at full output; from {last + 1:.0f} the "
        "plant runs on its other feeds only."
    ]


#: What the verdict says of the best pathway's country view after its Pakistani operating
#: jobs: declared key, words after the number (and its unit, from the outputs table).
COUNTRY_WORDS = (
    ("jobs_operations_foreign", "foreign operating jobs"),
    ("jobs_construction_peak", "at the construction peak"),
    ("power_mw_average", "average power"),
    ("water_m3_per_day", "of water"),
)


def _with_unit(key: str) -> str:
    shown = outputs.shown_unit(key, "country")
    return f" {shown}" if shown else ""


def _government_lines(results: Results, sample: int) -> list[str]:
    """What the governments get and give up, for the case's focus pathway, and how the
    compared regimes move it."""
    s = results.scenario
    focus = results.pathways[s.focus_pathway]
    plant = _product_word(focus.main_product)  # "the cathode plant", "the bars plant"
    c = focus.country
    # present value at the country's rate, as the country view discounts every instrument
    minimum = c.get("government_pv_usd_minimum_and_alternative_tax")
    lines = [
        f"{focus.label}, governments: USD {usd(c['government_revenue_province_pv_usd'][sample])} "
        f"to the province and USD {usd(c['government_revenue_federation_pv_usd'][sample])} to the "
        f"federation (present values, mine royalties included), "
        f"{'+' if c['government_revenue_gain_pv_usd'][sample] >= 0 else '-'}USD "
        f"{usd(abs(c['government_revenue_gain_pv_usd'][sample]))} against "
        f"{against_baseline(s)}; "
        f"{_n('share_kept_in_pakistan', c['share_kept_in_pakistan'][sample])} % of the chain's "
        "value stays in Pakistan "
        f"({_n('share_kept_change_pct_points', c['share_kept_change_pct_points'][sample])} points)."
    ]
    if minimum is not None:
        pv = float(minimum[sample])
        if pv > 0:
            lines.append(
                f"Under {s.fiscal.regime} the minimum tax on turnover and the alternative tax cost "
                f"the {plant} plant USD {usd(pv)} (present value) beyond its normal income "
                "tax: on a thin processing margin a tax on turnover bites hard."
            )
    if results.regimes:
        names = list(results.regimes)
        base = results.regimes[names[0]][focus.name]
        for name in names[1:]:
            row = results.regimes[name][focus.name]
            lines.append(
                f"Under {name} the {plant} plant's NPV is USD {usd(row['npv_usd'])} "
                f"(against {usd(base['npv_usd'])} under {names[0]}); the governments forgo "
                f"USD {usd(row.get('revenue_forgone_pv_usd', math.nan))} in present value, "
                f"USD {row.get('revenue_forgone_per_job_usd', math.nan):,.0f} "
                "per direct operating job."
            )
    return lines
