"""Where a tonne's value comes from and goes (the margin waterfall) and the cash flows year
by year."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from orevalue import outputs
from orevalue.report.brief import charts
from orevalue.report.brief.blocks import (
    Block,
    Ctx,
    R,
    chart,
    pointer_join,
    row,
    table,
    text,
)
from orevalue.report.brief.charts import keyed
from orevalue.report.brief.numbers import Num, neg, ratio, total
from orevalue.report.labels import COST_LABELS, for_case, margin_labels, margin_rows
from orevalue.results import margin_field


def _product_word(ctx: Ctx, name: str) -> str:
    product = ctx.results.pathways[name].main_product
    return {"anode": "anode copper"}.get(product, product)


def per_tonne_section(ctx: Ctx) -> dict[str, Any] | None:
    f = ctx.focus
    if f is None:
        return None
    src = ctx.src
    word = _product_word(ctx, f)
    year = int(ctx.results.years[ctx.col])
    margin = R("pathways", f, margin_field(ctx.results.pathways[f].main_element))
    figure = _waterfall(ctx, _waterfall_bars(ctx, f, word), word, year)
    cash = src.num(pointer_join(margin, "cash_margin"), "usd")
    after = src.num(pointer_join(margin, "margin_after_capital"), "usd")
    rows = _margin_rows(ctx)
    blocks: list[Block] = [
        text(
            for_case(
                f"A tonne of copper in {word} starts as copper in concentrate, which the plant "
                "buys at what the mine would get for exporting it. ",
                ctx.results.scenario,
            ),
            "Smelting and refining add value "
            "(green), operating costs take it away (red), and the capital has to be paid back "
            f"at {ctx.rate_pct:g} % real (the capital charge). In the first full year, {year}, "
            "the cash margin is USD ",
            cash,
            " per t; after the capital charge, USD ",
            after,
            " per t, before tax.",
        ),
        chart("waterfall", figure, caption="Bars in USD per t of copper in the product."),
        table(
            ["USD per t of copper in product", *[ctx.labels[n] for n in ctx.building]],
            rows,
            caption=f"Margin per tonne, every pathway, {year}",
        ),
    ]
    return {
        "id": "per-tonne",
        "title": "Where a tonne's value comes from and goes",
        "blocks": blocks,
    }


def _waterfall_bars(ctx: Ctx, f: str, word: str) -> list[tuple[str, str, str]]:
    """The waterfall's bars of pathway ``f`` in its first full year: (label, measure, key)."""
    src = ctx.src
    path = ctx.results.pathways[f]
    margin = R("pathways", f, margin_field(path.main_element))
    tonnes = R("pathways", f, "annual", path.key("product_{element}_t"), ctx.col)

    def line(name: str) -> str:
        return R("pathways", f, "annual", name, ctx.col)

    bars: list[tuple[str, str, str]] = [  # label, measure, key
        ("concentrate at export parity", "absolute", ratio(line("feed_cost"), tonnes))
    ]
    element = ctx.results.pathways[f].main_element
    for part, label in margin_labels(element).items():
        key = pointer_join(margin, outputs.key(part, element))
        if abs(src.value(key) or 0.0) >= 0.5:
            bars.append((f"+ {label}", "relative", key))
    bars.append((f"= {word} and by-products sold", "absolute", ratio(line("revenue"), tonnes)))
    for part, label in COST_LABELS.items():
        key = pointer_join(margin, part)
        if abs(src.value(key) or 0.0) >= 0.5:
            bars.append((f"− {label}", "relative", key))
    bars.append(
        (
            "= left after operating costs",
            "absolute",
            total(ratio(line("feed_cost"), tonnes), pointer_join(margin, "cash_margin")),
        )
    )
    bars.append(("− capital charge", "relative", pointer_join(margin, "capital_charge")))
    bars.append(
        (
            "= left after capital",
            "absolute",
            total(ratio(line("feed_cost"), tonnes), pointer_join(margin, "margin_after_capital")),
        )
    )
    return bars


def _waterfall(ctx: Ctx, bars: list[tuple[str, str, str]], word: str, year: int) -> Block:
    """The per-tonne waterfall figure of ``bars``, its axis from the lowest to the highest
    level."""
    src = ctx.src
    values = [src.value(k) or 0.0 for _, _, k in bars]
    levels = [v for (_, m, _), v in zip(bars, values, strict=True) if m == "absolute"]
    low, high = min(levels), max(levels)
    pad = max(0.15 * (high - low), 50.0)
    trace = keyed(
        src,
        {
            "type": "waterfall",
            "orientation": "h",
            "y": [b[0] for b in bars],
            "measure": [b[1] for b in bars],
            "texttemplate": "%{x:,.0f}",
            "textposition": "outside",
            "textfont": {"size": 10},
            "cliponaxis": False,
            "increasing": {"marker": {"color": charts.UP}},
            "decreasing": {"marker": {"color": charts.DOWN}},
            "totals": {"marker": {"color": charts.TOTAL}},
            "connector": {"line": {"color": "#888", "width": 1}},
            "hovertemplate": "%{y}: %{x:,.0f} USD/t<extra></extra>",
        },
        {"x": [b[2] for b in bars]},
        scale=1.0,
    )
    figure = charts.figure(
        [trace],
        charts.layout(
            f"Per tonne of {word}, {year}: from concentrate value to {word} value, USD/t",
            height=110 + 24 * len(bars),
            margin={"l": 230, "r": 50, "b": 50},
            showlegend=False,
            yaxis={"autorange": "reversed", "tickfont": {"size": 10}},
            xaxis={
                "range": [low - pad, high + pad],
                "title": {"text": "USD per t of copper in product (the axis does not start at 0)"},
            },
        ),
    )
    return figure


def _margin_rows(ctx: Ctx) -> list[dict[str, Any]]:
    """The margin per tonne of every pathway that builds, a row per part; parts that are zero
    everywhere are left out, the totals never."""
    rows = []
    focus = ctx.results.scenario.focus_pathway
    for part, label in margin_rows(ctx.results.pathways[focus].main_element).items():
        cells = []
        for n in ctx.building:
            element = ctx.results.pathways[n].main_element
            at = R("pathways", n, margin_field(element), outputs.key(part, element))
            cells.append(ctx.cell(at, "usd"))
        if all(c == "" or (isinstance(c, Num) and c.text == "0") for c in cells) and not (
            label.startswith("=")
        ):
            continue
        rows.append(row(label, *cells, style="total" if label.startswith("=") else ""))
    return rows


def cash_flows_section(ctx: Ctx) -> dict[str, Any] | None:
    f = ctx.focus
    if f is None:
        return None
    idx = range(len(ctx.results.years))
    year_keys = [R("pathways", f, "annual", "year", i) for i in idx]

    def line(name: str, pathway: str = f) -> list[str]:
        return [R("pathways", pathway, "annual", name, i) for i in idx]

    one = _cash_flow_parts(ctx, f, year_keys, line)
    two = _cash_flow_pathways(ctx, year_keys, line)
    return {
        "id": "cash-flows",
        "title": "Cash flows year by year",
        "blocks": [
            text(
                "Construction spends the capital first; the plant then earns its EBITDA less "
                "sustaining capital, working capital and income tax (unlevered: before debt). "
                "The NPV is the discounted sum of the black line."
            ),
            chart("cash-flow-parts", one),
            chart("cash-flow-pathways", two),
        ],
    }


#: The parts of the annual cash flow drawn as bars: (key of the annual group, sign, colour,
#: pattern).
CASH_FLOW_PARTS = (
    ("ebitda", 1, charts.UP, ""),
    ("capex", -1, charts.DOWN, ""),
    ("sustaining_capex", -1, charts.OKABE_ITO["orange"], ""),
    ("working_capital_change", -1, charts.OKABE_ITO["sky"], ""),
    ("income_tax", -1, charts.OKABE_ITO["purple"], "/"),
)


def _cash_flow_parts(
    ctx: Ctx, f: str, year_keys: list[str], line: Callable[..., list[str]]
) -> Block:
    """Bars of the focus pathway's cash-flow parts by year, and its cash flow as a line."""
    src = ctx.src
    data = []
    for name, sign, colour, pattern in CASH_FLOW_PARTS:
        label = outputs.label(name, "annual")
        keys = [k if sign > 0 else neg(k) for k in line(name)]
        marker = charts.marker(colour, pattern)
        data.append(
            keyed(
                src,
                {
                    "type": "bar",
                    "name": label,
                    "marker": marker,
                    "hovertemplate": "%{x}: %{y:,.0f} USD m<extra>" + label + "</extra>",
                },
                {"x": year_keys, "y": keys},
                scales={"x": 1.0},
            )
        )
    data.append(
        keyed(
            src,
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": outputs.label("cash_flow", "annual"),
                "line": {"color": "#000", "width": 2},
                "marker": {"size": 4},
                "hovertemplate": "%{x}: %{y:,.0f} USD m<extra>"
                + outputs.label("cash_flow", "annual")
                + "</extra>",
            },
            {"x": year_keys, "y": line("cash_flow")},
            scales={"x": 1.0},
        )
    )
    one = charts.figure(
        data,
        charts.layout(
            f"{ctx.labels[f]}: annual cash flow and its parts, USD m",
            height=380,
            barmode="relative",
            yaxis={"title": {"text": "USD m (real)"}},
            xaxis={"tickformat": "d", "dtick": 2},
        ),
    )
    return one


def _cash_flow_pathways(ctx: Ctx, year_keys: list[str], line: Callable[..., list[str]]) -> Block:
    """The cash flow after tax of every pathway that builds, one line each."""
    src = ctx.src
    lines = []
    for i, n in enumerate(ctx.names):
        if n not in ctx.building:
            continue
        lines.append(
            keyed(
                src,
                {
                    "type": "scatter",
                    "mode": "lines",
                    "name": ctx.labels[n],
                    "line": {
                        "color": charts.pathway_colour(i),
                        "width": 2,
                        "dash": ("solid", "dash", "dot", "dashdot")[i % 4],
                    },
                    "hovertemplate": "%{x}: %{y:,.0f} USD m<extra>" + n + "</extra>",
                },
                {"x": year_keys, "y": line("cash_flow", n)},
                scales={"x": 1.0},
            )
        )
    two = charts.figure(
        lines,
        charts.layout(
            "Cash flow after tax by pathway, USD m",
            height=320,
            yaxis={"title": {"text": "USD m (real)"}},
            xaxis={"tickformat": "d", "dtick": 2},
        ),
    )
    return two
