"""The answer and the pathways side by side: the plant the question is about, its headline
numbers and every pathway's plant view."""

from __future__ import annotations

from typing import Any

from orevalue import outputs
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
from orevalue.report.brief.metric import Spec, metric, pointer
from orevalue.report.labels import for_case, sentence, shows_breakeven_tc

#: The break-even TC, shown only where the case's feed is bought with a treatment charge.
BREAKEVEN_TC = "breakeven_tc_usd_per_dmt"

#: The headline numbers of the focus pathway: (group, key) of the outputs table.
KPIS = (
    ("plant", "npv_usd"),
    ("plant", "capex_initial_usd"),
    ("plant", "irr"),
    ("margin_usd_per_t", "margin_after_capital"),
    ("plant", "breakeven_tc_usd_per_dmt"),
    ("country", "export_gain_usd_per_yr"),
    ("country", "government_revenue_gain_pv_usd"),
    ("country", "jobs_operations_domestic"),
)
#: The plant view, pathways side by side: keys of the plant group.
PATHWAY_ROWS = (
    "capex_initial_usd",
    "npv_usd",
    "npv_pre_tax_usd",
    "irr",
    "equity_irr",
    "payback_years",
    "product_{element}_t_per_yr",
    "revenue_usd_per_yr",
    "ebitda_usd_per_yr",
    "dscr_min",
    "breakeven_tc_usd_per_dmt",
    "breakeven_{series}",
)


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
        scenario = ctx.results.scenario
        items = [
            (
                sentence(for_case(outputs.label(key, group), scenario)),
                pointer(group, key, ctx.results)(f),
                outputs.format_kind(key, group),
                outputs.shown_unit(key, group),
            )
            for group, key in KPIS
            if key != BREAKEVEN_TC or shows_breakeven_tc(scenario)
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

    npv = outputs.label("npv_usd", "plant")
    spec: list[Spec] = [
        metric(
            "plant",
            key,
            text=f"{npv} at {ctx.rate_pct:g} % real" if key == "npv_usd" else None,
            results=ctx.results,
        )
        for key in PATHWAY_ROWS
        if key != BREAKEVEN_TC or shows_breakeven_tc(s)
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
        for group, key in (
            ("terms_cases", "npv_usd"),
            ("margin_usd_per_t", "cash_margin"),
            ("margin_usd_per_t", "margin_after_capital"),
        ):
            label = f"{outputs.label(key, group)}, {outputs.shown_unit(key, group)}"
            spec.append(
                (
                    label,
                    lambda n, c=case, k=key: R("pathways", n, "terms_cases", c, k),
                    outputs.format_kind(key, group),
                )
            )
    rows = ctx.pathway_rows(spec)
    columns = ["", *[ctx.labels[n] for n in ctx.names]]
    blocks: list[Block] = [
        text(
            "Each pathway is valued as a plant that buys its feed at arm's-length export "
            f"terms (the plant view), in {s.base_year} US dollars, discounted at "
            f"{ctx.rate_pct:g} % real. The baseline ({ctx.labels[s.baseline_pathway]}) builds "
            "nothing; each of the others builds the stages its product needs."
        ),
        table(columns, rows, caption="Plant view, pathways side by side", style="pathways"),
    ]
    if ctx.building:
        data = []
        for key, colour in (
            ("capex_initial_usd", charts.OKABE_ITO["sky"]),
            ("npv_usd", charts.OKABE_ITO["blue"]),
        ):
            label = outputs.label(key, "plant")
            keys = [R("pathways", n, "plant", key) for n in ctx.building]
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
