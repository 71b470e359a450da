"""The verdict: a few plain sentences computed from the numbers of a result."""

from __future__ import annotations

import math

from orevalue.results import Results


def usd(x: float, unit: str = "m") -> str:
    """USD for people: ``usd(-1.234e9)`` -> '-1,234 m'."""
    if not math.isfinite(x):
        return "n/a"
    scale = {"m": 1e6, "bn": 1e9, "": 1.0}[unit]
    return f"{x / scale:,.0f}{' ' + unit if unit else ''}"


def _product_word(product: str) -> str:
    return {"cathode": "cathode", "anode": "anode copper", "rod": "rod"}.get(product, product)


def verdict(results: Results, sample: int = 0) -> list[str]:
    """Which pathway pays best for the plant, what a tonne earns at each TC/RC case, where it
    breaks even, and what the country gains."""
    s = results.scenario
    rate = s.project.discount_rate_pct
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
    from orevalue.economics.plant import main_product

    for r in plants:
        word = _product_word(main_product(s, r.name))
        parts = []
        for case_name, case in r.terms_cases.items():
            label = s.terms_cases[case_name].label or case_name
            tc = s.terms_cases[case_name].tc_usd_per_dmt
            rc = s.terms_cases[case_name].rc_usc_per_lb
            cash = case["cash_margin"][sample]
            after = case["margin_after_capital"][sample]
            verb = "earns" if after >= 0 else "loses"
            parts.append(
                f"at {label} terms (TC {tc:g} USD/dmt, RC {rc:g} c/lb) it {verb} "
                f"USD {abs(after):,.0f} per t of {word} after capital, before tax "
                f"(cash margin {cash:,.0f})"
            )
        be = r.plant.get("breakeven_tc_usd_per_dmt")
        tail = ""
        if be is not None:
            b = be[sample]
            tail = (
                f"; its after-tax NPV breaks even at a flat TC of {b:,.0f} USD/dmt "
                f"and RC {b / 10:,.1f} c/lb"
                if math.isfinite(b)
                else "; no TC/RC in the searched range makes it break even"
            )
        lines.append(f"{r.label}: " + "; ".join(parts) + tail + ".")
    gain = best.country["export_gain_usd_per_yr"][sample]
    lines.append(
        f"{best.label} against exporting concentrate: export earnings "
        f"{'+' if gain >= 0 else '-'}USD {usd(abs(gain))} a year at full output, "
        f"{best.country['jobs_operations_domestic'][sample]:,.0f} Pakistani and "
        f"{best.country['jobs_operations_foreign'][sample]:,.0f} foreign operating jobs, "
        f"{best.country['jobs_construction_peak'][sample]:,.0f} at the construction peak, "
        f"{best.country['power_mw_average'][sample]:,.0f} MW average power, "
        f"{best.country['water_m3_per_day'][sample]:,.0f} m³/day of water."
    )
    return lines
