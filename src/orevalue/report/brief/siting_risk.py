"""The sections that need more than the results: where to build (siting) and how sure it is
(risk)."""

from __future__ import annotations

from typing import Any

from orevalue.report.brief import charts
from orevalue.report.brief.blocks import (
    Block,
    Ctx,
    P,
    chart,
    pointer_join,
    row,
    table,
    text,
)
from orevalue.report.brief.charts import MUSD, keyed
from orevalue.report.brief.numbers import Num, Source, total


def siting_section(ctx: Ctx) -> dict[str, Any] | None:
    inputs = ctx.inputs
    if inputs.siting is None:
        if inputs.siting_note:
            return {
                "id": "siting",
                "title": "Where to build",
                "blocks": [text(inputs.siting_note)],
            }
        return None
    src = ctx.src
    siting = inputs.siting
    ranking = src.get(P("site", "ranking"), []) or []
    blocks: list[Block] = [
        text(
            "A mixed-integer programme chooses which site hosts the smelter and the refinery, "
            "at what size, with which power and water, shipping by which legs, to make the most "
            "of the margin over exporting the concentrate. Each site is also forced to host the "
            "plant alone and ranked; the NPV after tax is the full model's, with the site's costs "
            "and its zone's fiscal regime."
            + (
                f" The results in this brief carry the costs of {inputs.site}."
                if inputs.site
                else ""
            )
        )
    ]
    best = P("site", "best")
    stage_rows = []
    for i, stage in enumerate(src.get(best + "/stages", []) or []):
        label = (
            siting.data.sites[stage["site"]].label
            if stage["site"] in siting.data.sites
            else stage["site"]
        )
        stage_rows.append(
            row(
                stage["stage"],
                label,
                src.num(pointer_join(best, "stages", i, "size_pct"), "n"),
                src.num(pointer_join(best, "stages", i, "capex_usd"), "musd"),
            )
        )
    public = [
        pointer_join(best, "investments", i, "capex_usd")
        for i, inv in enumerate(src.get(best + "/investments", []) or [])
        if inv["payer"] != "plant"
    ]
    if stage_rows:
        blocks.append(
            table(
                ["Chosen plan: stage", "site", "size, %", "capex, USD m"],
                stage_rows,
                caption="The optimal plan",
            )
        )
        facts = [
            ("cathode, kt/yr", pointer_join(best, "cathode_t_per_yr"), "kt"),
            ("power, average MW", pointer_join(best, "power_mw"), "n"),
            ("power to install or connect, MW", pointer_join(best, "power_peak_mw"), "n"),
            ("water, m³/day", pointer_join(best, "water_m3_per_day"), "n"),
            (
                "margin over exporting concentrate, USD m/yr",
                pointer_join(best, "margin_usd_per_yr"),
                "musd",
            ),
        ]
        rows = [row(label, src.num(key, kind)) for label, key, kind in facts]
        if public:
            rows.append(row("public investment, USD m", src.num(total(*public), "musd")))
        blocks.append(table(["The plan needs", ""], rows))
    if inputs.map_svg:
        blocks.append(
            {
                "kind": "svg",
                "svg": inputs.map_svg,
                "caption": "Sites, ports and legs drawn from coordinates (straight lines join "
                "leg ends; the coastline is approximate). Arrows: the chosen plan's flows.",
            }
        )
    rows = []
    npv_keys, names = [], []
    for i, r in enumerate(ranking):
        base = P("site", "ranking", i)
        plan = pointer_join(base, "plan")
        feasible = r.get("plan") is not None
        style = "highlight" if inputs.site and r["site"] == inputs.site else ""
        rows.append(
            row(
                str(i + 1) if feasible else "–",
                r["label"],
                r["zone"],
                src.num(pointer_join(plan, "delivered_cost_usd_per_t"), "usd") if feasible else "",
                src.num(pointer_join(plan, "margin_usd_per_yr"), "musd")
                if feasible
                else "infeasible",
                src.num(pointer_join(base, "npv_cathode_usd"), "musd")
                if r.get("npv_cathode_usd") is not None
                else "",
                src.num(pointer_join(plan, "power_mw"), "n") if feasible else "",
                src.num(pointer_join(plan, "water_m3_per_day"), "n") if feasible else "",
                style=style,
            )
        )
        if r.get("npv_cathode_usd") is not None:
            npv_keys.append(pointer_join(base, "npv_cathode_usd"))
            names.append(r["label"])
    blocks.append(
        table(
            [
                "rank",
                "site",
                "zone (regime)",
                "delivered cost, USD/t",
                "margin, USD m/yr",
                "NPV after tax, USD m",
                "power, MW",
                "water, m³/day",
            ],
            rows,
            caption="Each site alone, best first",
            note="Delivered cost and margin per t of copper product against exporting the "
            "concentrate, after capital charges; the NPV is the cathode plant's.",
        )
    )
    if npv_keys:
        colours = [
            charts.OKABE_ITO["vermillion"]
            if inputs.site and r["site"] == inputs.site
            else charts.OKABE_ITO["blue"]
            for r in ranking
            if r.get("npv_cathode_usd") is not None
        ]
        blocks.append(
            chart(
                "site-npv",
                charts.figure(
                    [
                        keyed(
                            src,
                            {
                                "type": "bar",
                                "orientation": "h",
                                "y": names,
                                "marker": {"color": colours},
                                "texttemplate": "%{x:,.0f}",
                                "textposition": "inside",
                                "insidetextanchor": "start",
                                "textfont": {"color": "#fff"},
                                "hovertemplate": "%{y}: %{x:,.0f} USD m<extra></extra>",
                            },
                            {"x": npv_keys},
                        )
                    ],
                    charts.layout(
                        "Cathode plant NPV after tax at each site, USD m",
                        height=300,
                        showlegend=False,
                        margin={"l": 170},
                        yaxis={"autorange": "reversed"},
                        xaxis={"title": {"text": "USD m"}},
                    ),
                ),
            )
        )
    for note in siting.notes:
        blocks.append(text(f"Note: {note}"))
    return {"id": "siting", "title": "Where to build", "blocks": blocks}


def risk_section(ctx: Ctx) -> dict[str, Any]:
    risk = ctx.inputs.risk
    if risk is None:
        return {
            "id": "risk",
            "title": "How sure is it",
            "blocks": [
                text(
                    "No risk analysis in this brief. Add one with --risk N (e.g. orevalue "
                    "report --risk 20000): NPV distributions, the chance of a loss, a tornado "
                    "of the main drivers and Sobol indices."
                )
            ],
        }
    src = ctx.src
    building = [n for n, p in risk["pathways"].items() if p.get("builds")]
    blocks: list[Block] = [
        text(
            src.num(P("risk", "run", "samples"), "n"),
            " Monte Carlo samples (seed ",
            src.num(P("risk", "run", "seed"), "int"),
            ") of every uncertain input and price path, each range with its source in the "
            "scenario's [uncertainty] table; "
            "all pathways on the same samples. Chance at least one home-processing pathway beats "
            "exporting concentrate: ",
            src.num(P("risk", "prob_any_pathway_beats_baseline"), "pct"),
            " %.",
        )
    ]
    rows = []
    for n, pw in risk["pathways"].items():
        base = P("risk", "pathways", n)
        npv = pointer_join(base, "npv_usd")
        rows.append(
            row(
                pw["label"],
                ctx.cell(pointer_join(npv, "p10"), "musd"),
                ctx.cell(pointer_join(npv, "p50"), "musd"),
                ctx.cell(pointer_join(npv, "p90"), "musd"),
                ctx.cell(pointer_join(npv, "mean"), "musd"),
                ctx.cell(pointer_join(npv, "prob_negative"), "pct") if pw.get("builds") else "",
                ctx.cell(pointer_join(base, "prob_beats_baseline"), "pct")
                if pw.get("builds")
                else "baseline",
                ctx.cell(pointer_join(base, "irr", "p50"), "pct") if pw.get("builds") else "",
            )
        )
    blocks.append(
        table(
            [
                "pathway",
                "NPV P10, USD m",
                "P50",
                "P90",
                "mean",
                "P(NPV < 0), %",
                "P(beats export), %",
                "IRR P50, %",
            ],
            rows,
            caption="Plant NPV after tax, distribution over the samples",
        )
    )
    if building:
        trace: dict[str, Any] = {
            "type": "box",
            "orientation": "h",
            "name": "NPV",
            "y": [risk["pathways"][n]["label"] for n in building],
            "marker": {"color": charts.OKABE_ITO["blue"]},
            "fillcolor": "rgba(86,180,233,0.5)",
            "line": {"color": charts.OKABE_ITO["blue"]},
            "boxmean": True,
            "hoverinfo": "x+y",
        }
        fields = {
            attr: [P("risk", "pathways", n, "npv_usd", q) for n in building]
            for attr, q in (
                ("lowerfence", "p05"),
                ("q1", "p10"),
                ("median", "p50"),
                ("q3", "p90"),
                ("upperfence", "p95"),
                ("mean", "mean"),
            )
        }
        blocks.append(
            chart(
                "risk-npv",
                charts.figure(
                    [keyed(src, trace, fields)],
                    charts.layout(
                        "Plant NPV after tax: P5, P10, median, P90, P95 and mean, USD m",
                        height=120 + 60 * len(building),
                        showlegend=False,
                        margin={"l": 200},
                        yaxis={"autorange": "reversed"},
                        xaxis={
                            "title": {
                                "text": "USD m (box: P10 to P90; whiskers: P5 to P95; dashed: mean)"
                            },
                            "range": _npv_range(src, fields),
                        },
                    ),
                ),
            )
        )
    focus = ctx.focus if ctx.focus in building else (building[0] if building else None)
    key = f"{focus}.npv_usd" if focus else None
    tornado = (risk.get("tornado") or {}).get(key) if key else None
    if tornado and tornado.get("bars"):
        bars = tornado["bars"][:10]
        base = P("risk", "tornado", key, "base")
        labels = [b.get("label") or b.get("factor", "") for b in bars]
        data = []
        for end, name, colour in (
            ("p10", "input at its P10", charts.OKABE_ITO["sky"]),
            ("p90", "input at its P90", charts.OKABE_ITO["vermillion"]),
        ):
            keys = [
                f"{P('risk', 'tornado', key, 'bars', i, f'output_at_{end}')} - {base}"
                for i in range(len(bars))
            ]
            data.append(
                keyed(
                    src,
                    {
                        "type": "bar",
                        "orientation": "h",
                        "name": name,
                        "y": labels,
                        "marker": {
                            "color": colour,
                            **({"pattern": charts.pattern("/")} if end == "p10" else {}),
                        },
                        "hovertemplate": "%{y}: %{x:+,.0f} USD m<extra>" + name + "</extra>",
                    },
                    {"x": keys, "base": [base] * len(bars)},
                )
            )
        blocks.append(
            chart(
                "tornado",
                charts.figure(
                    data,
                    charts.layout(
                        f"Tornado: {risk['pathways'][focus]['label']} NPV, each input at its P10 "
                        "and P90, USD m",
                        height=140 + 26 * len(bars),
                        barmode="overlay",
                        margin={"l": 260},
                        yaxis={"autorange": "reversed", "tickfont": {"size": 9}},
                        xaxis={"title": {"text": "NPV after tax, USD m (bars from the base case)"}},
                    ),
                ),
                caption=["Base case NPV: USD ", src.num(base, "musd"), " m."],
            )
        )
        rows = []
        for i, bar in enumerate(bars):
            at = P("risk", "tornado", key, "bars", i)
            values: list[str | Num] = ["path, P10 → P90"]
            if "p10_value" in bar and "p90_value" in bar:
                values = [
                    src.num(pointer_join(at, "p10_value"), "g"),
                    " → ",
                    src.num(pointer_join(at, "p90_value"), "g"),
                ]
            rows.append(
                row(
                    bar.get("label") or bar.get("factor", ""),
                    bar.get("value_tag") or "",
                    values,
                    src.num(pointer_join(at, "output_at_p10"), "musd"),
                    src.num(pointer_join(at, "output_at_p90"), "musd"),
                )
            )
        blocks.append(
            table(
                ["input", "tag", "P10 → P90 value", "NPV at P10, USD m", "at P90"],
                rows,
                caption="Top drivers of the NPV",
            )
        )
    sobol = ((risk.get("sobol") or {}).get("indices") or {}).get(key) if key else None
    if sobol:
        top = sorted(sobol, key=lambda k: -(sobol[k].get("ST") or 0.0))[:10]
        data = []
        for index, name, colour in (
            ("ST", "total (with interactions)", charts.OKABE_ITO["blue"]),
            ("S1", "first order (alone)", charts.OKABE_ITO["orange"]),
        ):
            data.append(
                keyed(
                    src,
                    {
                        "type": "bar",
                        "orientation": "h",
                        "name": name,
                        "y": top,
                        "marker": {"color": colour},
                        "hovertemplate": "%{y}: %{x:.0%}<extra>" + name + "</extra>",
                    },
                    {"x": [P("risk", "sobol", "indices", key, k, index) for k in top]},
                    scale=1.0,
                )
            )
        blocks.append(
            chart(
                "sobol",
                charts.figure(
                    data,
                    charts.layout(
                        "Sobol indices: share of the NPV's variance each input explains",
                        height=140 + 26 * len(top),
                        barmode="group",
                        margin={"l": 260},
                        yaxis={"autorange": "reversed", "tickfont": {"size": 9}},
                        xaxis={"tickformat": ".0%", "title": {"text": "share of variance"}},
                    ),
                ),
                caption=f"{risk['sobol']['base_samples']:,} base samples; inputs taken as "
                "independent. Small negative first-order values are estimation noise.",
            )
        )
    study = ((risk.get("worth_a_study") or {}).get(key) or [])[:6] if key else []
    if study:
        rows = [
            row(
                item["input"],
                src.num(P("risk", "worth_a_study", key, i, "variance_share_total"), "pct"),
                src.num(P("risk", "worth_a_study", key, i, "first_order"), "pct"),
            )
            for i, item in enumerate(study)
        ]
        blocks.append(
            table(
                ["Estimates [E] worth a study first", "share of variance, %", "alone, %"],
                rows,
            )
        )
    return {"id": "risk", "title": "How sure is it", "blocks": blocks}


def _npv_range(src: Source, fields: dict[str, list[str]]) -> list[float]:
    """An axis range over every value drawn, always including zero (break-even)."""
    values = [v * MUSD for keys in fields.values() for k in keys if (v := src.value(k)) is not None]
    low, high = min([0.0, *values]), max([0.0, *values])
    pad = 0.05 * (high - low or 1.0)
    return [low - pad, high + pad]
