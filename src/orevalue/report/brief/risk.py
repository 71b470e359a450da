"""How sure it is: NPV distributions over the samples, the tornado, Sobol indices and the
estimates worth a study."""

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
from orevalue.report.brief.numbers import Num, Source


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
        blocks.append(_npv_distributions(ctx, risk, building))
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


#: Heights in px of the NPV distribution chart: a pathway's histogram, its box strip beneath,
#: the gap between pathways, and the margins above (title) and below (x axis).
HIST_PX, BOX_PX, GAP_PX, TOP_PX, BOTTOM_PX = 112, 30, 26, 56, 64


def _npv_distributions(ctx: Ctx, risk: dict[str, Any], building: list[str]) -> Block:
    """Small multiples, one panel per pathway that builds on a common NPV axis: the histogram
    of its plant NPV over the samples (bins common to all, from the risk summary) and, beneath
    it, a box (P10 to P90, whiskers P5 to P95, median and mean). Without histograms in the
    summary, the boxes alone."""
    src = ctx.src
    edges = (risk.get("npv_histogram") or {}).get("edges") or []
    bins = len(edges) - 1
    with_hist = _has_histograms(risk, building)
    edge = [P("risk", "npv_histogram", "edges", i) for i in range(len(edges))]
    k = len(building)
    group = (HIST_PX if with_hist else 0) + BOX_PX
    plot = k * group + (k - 1) * GAP_PX
    data: list[dict[str, Any]] = []
    lay_axes: dict[str, Any] = {}
    annotations = []
    drawn: list[str] = []
    for i, n in enumerate(building):
        label = risk["pathways"][n]["label"]
        colour = charts.pathway_colour(ctx.names.index(n) if n in ctx.names else i + 1)
        npv = P("risk", "pathways", n, "npv_usd")
        top = plot - i * (group + GAP_PX)
        box_axis = 2 * i + 2
        if with_hist:
            hist_axis = 2 * i + 1
            hist = pointer_join(npv, "histogram")
            share = [
                f"{pointer_join(hist, 'counts', b)} / {pointer_join(hist, 'n')}"
                for b in range(bins)
            ]
            data.append(
                keyed(
                    src,
                    {
                        "type": "bar",
                        "name": label,
                        "xaxis": "x",
                        "yaxis": _axis_ref(hist_axis),
                        "offset": 0,
                        "marker": {"color": colour, "line": {"color": "#ffffff", "width": 0.6}},
                        "hovertemplate": "USD %{x:,.0f} m to %{customdata:,.0f} m: "
                        "%{y:.1f} % of samples<extra>" + label + "</extra>",
                    },
                    {
                        "x": edge[:-1],
                        "width": [f"{edge[b + 1]} - {edge[b]}" for b in range(bins)],
                        "customdata": edge[1:],
                        "y": share,
                    },
                    scales={"y": 100.0},
                )
            )
            lay_axes[_axis_name(hist_axis)] = {
                "domain": [(top - HIST_PX) / plot, top / plot],
                "anchor": "x",
                "rangemode": "tozero",
                "tickformat": "~g",
                "ticksuffix": " %",
                "nticks": 4,
                **({"matches": "y"} if i else {}),
            }
            annotations.append(
                {
                    "text": f"<b>{label}</b>",
                    "xref": "paper",
                    "yref": f"{_axis_ref(hist_axis)} domain",
                    "x": 0.01,
                    "y": 1.0,
                    "xanchor": "left",
                    "yanchor": "top",
                    "showarrow": False,
                    "font": {"size": 11, "color": "#000"},
                    "bgcolor": "rgba(255,255,255,0.8)",
                }
            )
        stats = {
            attr: [pointer_join(npv, q)]
            for attr, q in (
                ("lowerfence", "p05"),
                ("q1", "p10"),
                ("median", "p50"),
                ("q3", "p90"),
                ("upperfence", "p95"),
                ("mean", "mean"),
            )
        }
        drawn += [key for keys in stats.values() for key in keys]
        data.append(
            keyed(
                src,
                {
                    "type": "box",
                    "orientation": "h",
                    "name": label,
                    "xaxis": "x",
                    "yaxis": _axis_ref(box_axis),
                    "y": [label],
                    "marker": {"color": "#000000"},
                    "fillcolor": _tint(colour, 0.45),
                    "line": {"color": "#000000", "width": 1.2},
                    "boxmean": True,
                    "hoverinfo": "x",
                },
                stats,
            )
        )
        box_top = top - (HIST_PX if with_hist else 0)
        lay_axes[_axis_name(box_axis)] = {
            "domain": [(box_top - BOX_PX) / plot, box_top / plot],
            "anchor": "x",
            "showgrid": False,
            "zeroline": False,
            "fixedrange": True,
            "showticklabels": not with_hist,
        }
    if with_hist:
        drawn += [edge[0], edge[-1]]
    x_range = _npv_range(src, {"x": drawn})
    lay = charts.layout(
        "Plant NPV after tax over the samples, USD m"
        + (": share of samples in each bin, %" if with_hist else ""),
        height=TOP_PX + plot + BOTTOM_PX,
        showlegend=False,
        bargap=0,
        margin={"l": 60 if with_hist else 200, "t": TOP_PX, "b": BOTTOM_PX},
        xaxis={
            "anchor": _axis_ref(2 * k),
            "range": x_range,
            "title": {"text": "NPV after tax, USD m (dotted: break-even, 0)"},
        },
        annotations=annotations,
        shapes=[
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": 0,
                "x1": 0,
                "y0": 0,
                "y1": 1,
                "line": {"color": "#000000", "width": 1, "dash": "dot"},
            }
        ],
    )
    y_style = lay.pop("yaxis")
    lay.update({name: {**y_style, **axis} for name, axis in lay_axes.items()})
    return chart("risk-npv", charts.figure(data, lay), caption=_npv_caption(ctx, risk, building))


def _npv_caption(ctx: Ctx, risk: dict[str, Any], building: list[str]) -> list[str | Num]:
    """What the bars and boxes are, with the bins, the samples beyond them and any samples
    without an NPV."""
    src = ctx.src
    boxes = "Box: P10 to P90; whiskers: P5 to P95; bar: median; dashed: mean."
    if not _has_histograms(risk, building):
        return [boxes]
    edges = risk["npv_histogram"]["edges"]
    edge = [P("risk", "npv_histogram", "edges", i) for i in (0, 1, len(edges) - 1)]
    parts: list[str | Num] = [
        "Bars: share of the ",
        src.num(P("risk", "run", "samples"), "n"),
        " samples in each of ",
        src.num(P("risk", "npv_histogram", "bins"), "n"),
        " bins of USD ",
        src.num(f"{edge[1]} - {edge[0]}", "musd"),
        " m, the same in every panel, from the lowest P0.5 of these pathways (USD ",
        src.num(edge[0], "musd"),
        " m) to the highest P99.5 (USD ",
        src.num(edge[2], "musd"),
        " m). Beyond them, % of samples below and above: ",
    ]
    failed = []
    for i, n in enumerate(building):
        hist = P("risk", "pathways", n, "npv_usd", "histogram")
        label = risk["pathways"][n]["label"]
        parts += [
            ("; " if i else "") + f"{label} ",
            src.num(f"{pointer_join(hist, 'below')} / {pointer_join(hist, 'n')}", "pct"),
            " and ",
            src.num(f"{pointer_join(hist, 'above')} / {pointer_join(hist, 'n')}", "pct"),
        ]
        if risk["pathways"][n]["npv_usd"]["histogram"].get("nan"):
            failed.append((label, pointer_join(hist, "nan")))
    parts.append(". ")
    if failed:
        parts.append("Samples without a finite NPV (not in the bars): ")
        for i, (label, key) in enumerate(failed):
            parts += [("; " if i else "") + f"{label} ", src.num(key, "n")]
        parts.append(". ")
    else:
        parts.append("Every sample has a finite NPV. ")
    parts.append(boxes)
    return parts


def _has_histograms(risk: dict[str, Any], building: list[str]) -> bool:
    """Whether the summary holds common NPV bins and every pathway's counts in them (a
    summary from before histograms does not)."""
    edges = (risk.get("npv_histogram") or {}).get("edges") or []
    return len(edges) > 1 and all(
        len(((risk["pathways"][n].get("npv_usd") or {}).get("histogram") or {}).get("counts", []))
        == len(edges) - 1
        for n in building
    )


def _axis_ref(i: int) -> str:
    return "y" if i == 1 else f"y{i}"


def _axis_name(i: int) -> str:
    return "yaxis" if i == 1 else f"yaxis{i}"


def _tint(colour: str, alpha: float) -> str:
    """``#RRGGBB`` as an rgba() colour of the given opacity."""
    r, g, b = (int(colour[j : j + 2], 16) for j in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _npv_range(src: Source, fields: dict[str, list[str]]) -> list[float]:
    """An axis range over every value drawn, always including zero (break-even)."""
    values = [v * MUSD for keys in fields.values() for k in keys if (v := src.value(k)) is not None]
    low, high = min([0.0, *values]), max([0.0, *values])
    pad = 0.05 * (high - low or 1.0)
    return [low - pad, high + pad]
