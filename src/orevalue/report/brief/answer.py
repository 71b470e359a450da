"""The answer and the pathways side by side: the plant the question is about, its headline
numbers and every pathway's plant view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from orevalue.report.brief import charts
from orevalue.report.brief.blocks import (
    Block,
    Ctx,
    P,
    R,
    chart,
    table,
    text,
)
from orevalue.report.brief.charts import keyed


def answer_section(ctx: Ctx) -> dict[str, Any]:
    src, f = ctx.src, ctx.focus
    blocks: list[Block] = []
    if ctx.building:
        best = max(ctx.building, key=lambda n: ctx.results.value(n, "plant", "npv_usd"))
        best_npv = src.num(R("pathways", best, "plant", "npv_usd"), "musd")
        pays = (best_npv.value or 0.0) > 0
        blocks.append(
            text(
                "Processing at home "
                + (
                    "pays for the plant at these terms. "
                    if pays
                    else "does not pay at these terms. "
                ),
                f"The best plant is {ctx.labels[best].lower()}: NPV after tax USD ",
                best_npv,
                " m at ",
                ctx.rate,
                " % real.",
            )
        )
    verdict = src.get(R("verdict"), [])
    if f is not None:
        label = ctx.labels[f]
        items = [
            ("Plant NPV after tax", R("pathways", f, "plant", "npv_usd"), "musd", "USD m"),
            ("Initial capex", R("pathways", f, "plant", "capex_initial_usd"), "musd", "USD m"),
            ("Project IRR after tax", R("pathways", f, "plant", "irr"), "pct", "%"),
            (
                "Margin after capital, per t",
                R("pathways", f, "margin_usd_per_t_product_cu", "margin_after_capital"),
                "usd",
                "USD/t",
            ),
            (
                "Break-even TC (RC = TC/10)",
                R("pathways", f, "plant", "breakeven_tc_usd_per_dmt"),
                "usd",
                "USD/dmt",
            ),
            (
                "Extra export earnings",
                R("pathways", f, "country", "export_gain_usd_per_yr"),
                "musd",
                "USD m/yr",
            ),
            (
                "Government revenue vs exporting concentrate",
                R("pathways", f, "country", "government_revenue_gain_pv_usd"),
                "musd",
                "USD m, PV",
            ),
            (
                "Operating jobs, Pakistani",
                R("pathways", f, "country", "jobs_operations_domestic"),
                "n",
                "",
            ),
        ]
        risk = ctx.inputs.risk
        if risk is not None and f in risk.get("pathways", {}):
            items.append(
                (
                    "Chance the NPV is negative",
                    P("risk", "pathways", f, "npv_usd", "prob_negative"),
                    "pct",
                    "%",
                )
            )
            items.append(
                ("NPV P50 (risk)", P("risk", "pathways", f, "npv_usd", "p50"), "musd", "USD m")
            )
        blocks.append(
            {
                "kind": "kpis",
                "caption": f"{label}: the plant the question is about",
                "items": [
                    {"label": lab, "num": num, "unit": unit}
                    for lab, key, kind, unit in items
                    if (num := src.maybe(key, kind)) is not None
                ],
            }
        )
    blocks.append(text("The verdict in full, as orevalue run prints it:"))
    blocks.append({"kind": "verdict", "lines": verdict, "key": R("verdict")})
    return {"id": "answer", "title": "The answer", "blocks": blocks}


def pathways_section(ctx: Ctx) -> dict[str, Any]:
    s = ctx.results.scenario

    def plant(key: str) -> Callable[[str], str]:
        return lambda n: R("pathways", n, "plant", key)

    spec: list[tuple[str, Callable[[str], str | None] | None, str]] = [
        ("Initial capex, USD m", plant("capex_initial_usd"), "musd"),
        (f"NPV at {ctx.rate_pct:g} % real after tax, USD m", plant("npv_usd"), "musd"),
        ("NPV before tax, USD m", plant("npv_pre_tax_usd"), "musd"),
        ("Project IRR after tax, %", plant("irr"), "pct"),
        ("Equity IRR after tax and debt, %", plant("equity_irr"), "pct"),
        ("Payback from construction start, years", plant("payback_years"), "yr"),
        ("Product copper at full output, kt/yr", plant("product_cu_t_per_yr"), "kt"),
        ("Revenue at full output, USD m/yr", plant("revenue_usd_per_yr"), "musd"),
        ("EBITDA at full output, USD m/yr", plant("ebitda_usd_per_yr"), "musd"),
        ("Minimum DSCR", plant("dscr_min"), "x"),
        ("Break-even TC (RC = TC/10), USD/dmt", plant("breakeven_tc_usd_per_dmt"), "usd"),
        ("Break-even copper price, USD/t", plant("breakeven_cu_usd_per_t"), "usd"),
    ]
    for case, tc in s.terms_cases.items():
        name = tc.label or case
        spec.append(
            (
                [
                    f"At {name} terms (TC ",
                    ctx.src.num(R("inputs", f"terms_cases.{case}.tc_usd_per_dmt", "value"), "g"),
                    " USD/dmt, RC ",
                    ctx.src.num(R("inputs", f"terms_cases.{case}.rc_usc_per_lb", "value"), "g"),
                    " ¢/lb)",
                ],
                None,
                "",
            )
        )
        spec.append(
            (
                "NPV after tax, USD m",
                lambda n, c=case: R("pathways", n, "terms_cases", c, "npv_usd"),
                "musd",
            )
        )
        spec.append(
            (
                "cash margin, USD/t",
                lambda n, c=case: R("pathways", n, "terms_cases", c, "cash_margin"),
                "usd",
            )
        )
        spec.append(
            (
                "margin after capital, USD/t",
                lambda n, c=case: R("pathways", n, "terms_cases", c, "margin_after_capital"),
                "usd",
            )
        )
    rows = ctx.pathway_rows(spec)
    columns = ["", *[ctx.labels[n] for n in ctx.names]]
    blocks: list[Block] = [
        text(
            "Each pathway is valued as a plant that buys the concentrate at arm's-length export "
            f"terms (the plant view), in {s.base_year} US dollars, discounted at "
            f"{ctx.rate_pct:g} % real. Exporting the concentrate as it is builds nothing; the "
            "others build a smelter, a refinery and a rod mill in turn."
        ),
        table(columns, rows, caption="Plant view, pathways side by side", style="pathways"),
    ]
    if ctx.building:
        data = []
        for metric, label, colour in (
            ("capex_initial_usd", "initial capex", charts.OKABE_ITO["sky"]),
            ("npv_usd", "NPV after tax", charts.OKABE_ITO["blue"]),
        ):
            keys = [R("pathways", n, "plant", metric) for n in ctx.building]
            data.append(
                keyed(
                    ctx.src,
                    {
                        "type": "bar",
                        "name": f"{label}, USD m",
                        "x": [ctx.labels[n] for n in ctx.building],
                        "marker": {"color": colour},
                        "texttemplate": "%{y:,.0f}",
                        "textposition": "outside",
                        "hovertemplate": "%{x}: %{y:,.0f} USD m<extra>" + label + "</extra>",
                    },
                    {"y": keys},
                )
            )
        blocks.append(
            chart(
                "npv-capex",
                charts.figure(
                    data,
                    charts.layout(
                        "Capex and NPV after tax by pathway, USD m",
                        barmode="group",
                        yaxis={"title": {"text": "USD m"}},
                    ),
                ),
                caption="Every plant costs more than it earns back at the discount rate when "
                "its NPV bar is below zero.",
            )
        )
    return {"id": "pathways", "title": "Pathways side by side", "blocks": blocks}
