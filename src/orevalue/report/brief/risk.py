"""How sure it is: NPV distributions over the samples, the tornado, Sobol indices and the
estimates worth a study."""

from __future__ import annotations

from typing import Any

from orevalue import outputs
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
from orevalue.report.brief.charts import keyed
from orevalue.report.brief.distributions import npv_distributions
from orevalue.report.brief.numbers import Num
from orevalue.report.labels import against_baseline


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
            f"{against_baseline(ctx.results.scenario)}: ",
            src.num(P("risk", "prob_any_pathway_beats_baseline"), "pct"),
            " %.",
        )
    ]
    blocks.append(_distribution_table(ctx, risk))
    # a pathway without one finite NPV sample has no quantiles to draw (its count of failed
    # samples is in the table)
    drawable = [n for n in building if "p05" in risk["pathways"][n].get("npv_usd", {})]
    if drawable:
        blocks.append(npv_distributions(ctx, risk, drawable))
    focus = ctx.focus if ctx.focus in building else (building[0] if building else None)
    key = f"{focus}.npv_usd" if focus else None
    if key is None:
        return {"id": "risk", "title": "How sure is it", "blocks": blocks}
    tornado = (risk.get("tornado") or {}).get(key)
    if tornado and tornado.get("bars"):
        blocks += _tornado(ctx, risk, key, focus or "")
    sobol = ((risk.get("sobol") or {}).get("indices") or {}).get(key)
    if sobol:
        blocks.append(_sobol(ctx, risk, key, sobol))
    study = ((risk.get("worth_a_study") or {}).get(key) or [])[:6]
    if study:
        blocks.append(_worth_a_study(ctx, key, study))
    return {"id": "risk", "title": "How sure is it", "blocks": blocks}


def _distribution_table(ctx: Ctx, risk: dict[str, Any]) -> Block:
    """Plant NPV P10, P50, P90 and mean of every pathway, its chance of a loss and of beating
    the export of concentrate, and its IRR P50."""
    stat = {k: outputs.label(k, "risk_statistic") for k in ("p10", "p50", "p90", "mean")}
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
    return table(
        [
            "pathway",
            f"NPV {stat['p10']}, {outputs.shown_unit('npv_usd', 'plant')}",
            stat["p50"],
            stat["p90"],
            stat["mean"],
            "P(NPV < 0), %",
            f"{outputs.caption('prob_beats_baseline', 'risk')}",
            f"IRR {stat['p50']}, {outputs.shown_unit('irr', 'plant')}",
        ],
        rows,
        caption="Plant NPV after tax, distribution over the samples",
    )


def _tornado(ctx: Ctx, risk: dict[str, Any], key: str, focus: str) -> list[Block]:
    """The tornado of the focus pathway's NPV (its top ten inputs at their P10 and P90), as
    a chart and a table."""
    src = ctx.src
    tornado = risk["tornado"][key]
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
    figure = chart(
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
    return [
        figure,
        table(
            ["input", "tag", "P10 → P90 value", "NPV at P10, USD m", "at P90"],
            rows,
            caption="Top drivers of the NPV",
        ),
    ]


def _sobol(ctx: Ctx, risk: dict[str, Any], key: str, sobol: dict[str, Any]) -> Block:
    """Sobol indices (total and first order) of the ten inputs that explain most of the
    focus pathway's NPV variance."""
    src = ctx.src
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
    return chart(
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


def _worth_a_study(ctx: Ctx, key: str, study: list[dict[str, Any]]) -> Block:
    """The estimates [E] whose uncertainty explains most of the NPV's variance."""
    src = ctx.src
    rows = [
        row(
            item["input"],
            src.num(P("risk", "worth_a_study", key, i, "variance_share_total"), "pct"),
            src.num(P("risk", "worth_a_study", key, i, "first_order"), "pct"),
        )
        for i, item in enumerate(study)
    ]
    return table(
        ["Estimates [E] worth a study first", "share of variance, %", "alone, %"],
        rows,
    )
