"""The chart of the plant NPV over the risk samples: one panel per pathway that builds, a
histogram on common bins above a box of its quantiles."""

from __future__ import annotations

from typing import Any

from orevalue.report.brief import charts
from orevalue.report.brief.blocks import (
    Block,
    Ctx,
    P,
    chart,
    pointer_join,
)
from orevalue.report.brief.charts import MUSD, keyed
from orevalue.report.brief.numbers import Num, Source

#: Heights in px of the NPV distribution chart: a pathway's histogram, its box strip beneath,
#: the gap between pathways, and the margins above (title) and below (x axis).
HIST_PX, BOX_PX, GAP_PX, TOP_PX, BOTTOM_PX = 112, 30, 26, 56, 64


def npv_distributions(ctx: Ctx, risk: dict[str, Any], building: list[str]) -> Block:
    """Small multiples, one panel per pathway that builds on a common NPV axis: the histogram
    of its plant NPV over the samples (bins common to all, from the risk summary) and, beneath
    it, a box (P10 to P90, whiskers P5 to P95, median and mean). Without histograms in the
    summary, the boxes alone."""
    src = ctx.src
    edges = (risk.get("npv_histogram") or {}).get("edges") or []
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
            trace, axis, note = _histogram_panel(src, i, label, colour, npv, edge, (top, plot))
            data.append(trace)
            lay_axes[_axis_name(2 * i + 1)] = axis
            annotations.append(note)
        box_top = top - (HIST_PX if with_hist else 0)
        trace, axis, keys = _box_panel(src, i, label, colour, npv, (box_top, plot), with_hist)
        data.append(trace)
        lay_axes[_axis_name(box_axis)] = axis
        drawn += keys
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


def _histogram_panel(
    src: Source,
    i: int,
    label: str,
    colour: str,
    npv: str,
    edge: list[str],
    at: tuple[float, float],
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The histogram of pathway ``i``'s NPV over the common bins ``edge``, the axis it is
    drawn on and its title; ``at`` is (the panel's top, the plot's height) in px."""
    top, plot = at
    hist_axis = 2 * i + 1
    bins = len(edge) - 1
    hist = pointer_join(npv, "histogram")
    share = [f"{pointer_join(hist, 'counts', b)} / {pointer_join(hist, 'n')}" for b in range(bins)]
    trace = keyed(
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
    axis = {
        "domain": [(top - HIST_PX) / plot, top / plot],
        "anchor": "x",
        "rangemode": "tozero",
        "tickformat": "~g",
        "ticksuffix": " %",
        "nticks": 4,
        **({"matches": "y"} if i else {}),
    }
    note = {
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
    return trace, axis, note


def _box_panel(
    src: Source,
    i: int,
    label: str,
    colour: str,
    npv: str,
    at: tuple[float, float],
    with_hist: bool,
) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """The box of pathway ``i``'s NPV (P10 to P90, whiskers P5 to P95, median and mean), the
    axis it is drawn on and the keys it draws; ``at`` is (the box's top, the plot's height)
    in px."""
    box_top, plot = at
    box_axis = 2 * i + 2
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
    drawn = [key for keys in stats.values() for key in keys]
    trace = keyed(
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
    axis = {
        "domain": [(box_top - BOX_PX) / plot, box_top / plot],
        "anchor": "x",
        "showgrid": False,
        "zeroline": False,
        "fixedrange": True,
        "showticklabels": not with_hist,
    }
    return trace, axis, drawn


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
