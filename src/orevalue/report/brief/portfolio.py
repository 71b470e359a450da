"""The province's programme: the investment board's promise in one table (export earnings
added per year, jobs, what the province spends, for each metal and in total) and a chart per
metal, from ``orevalue portfolio`` (brief.json ``/portfolio``, written by
:meth:`orevalue.portfolio.Portfolio.to_dict`)."""

from __future__ import annotations

from typing import Any

from orevalue.report.brief import charts
from orevalue.report.brief.blocks import Block, Ctx, P, chart, row, table, text
from orevalue.report.brief.charts import keyed

TITLE = "The province's programme"

#: Rows of the headline table: (figure key, label, unit shown, format kind).
ROWS = (
    ("export_gain_usd_per_yr", "Export earnings added", "USD m/yr", "musd"),
    ("jobs_operations", "Operating jobs", "", "n"),
    ("jobs_construction_peak", "Jobs at the construction peak", "", "n"),
    ("province_spends_usd", "Province spends (paid equity)", "USD m", "musd"),
    ("public_infrastructure_usd", "Public site connections (shared once)", "USD m", "musd"),
    ("government_revenue_province_pv_usd", "Province's revenue, PV", "USD m", "musd"),
    ("government_revenue_pv_usd", "Government revenue, PV", "USD m", "musd"),
    ("capex_initial_usd", "Initial capex", "USD m", "musd"),
    ("npv_usd", "Plant NPV after tax", "USD m", "musd"),
    ("power_mw_average", "Power, average", "MW", "n"),
    ("water_m3_per_day", "Water", "m³/day", "n"),
)
#: Bars of each metal's chart, USD m: (figure key, label).
BARS = (
    ("export_gain_usd_per_yr", "export earnings added / yr"),
    ("government_revenue_pv_usd", "government revenue, PV"),
    ("province_spends_usd", "province spends"),
    ("capex_initial_usd", "initial capex"),
    ("npv_usd", "plant NPV"),
)


def portfolio_section(ctx: Ctx) -> dict[str, Any] | None:
    """The section, or None when the brief carries no portfolio."""
    doc = ctx.src.get(P("portfolio"))
    if not doc:
        return None
    metals = list(doc["cases"])
    blocks: list[Block] = [
        text(
            "Each plant's focus pathway against its baseline, evaluated case by case and added "
            "up: what the programme adds to export earnings each year at full output, the jobs "
            "it makes and what the province spends on it. A public connection shared by "
            "plants on one site is counted once in the total."
        ),
        _headline(ctx, metals),
    ]
    for i, shared in enumerate(doc["shared_sites"]):
        at = ("portfolio", "shared_sites", i)
        blocks.append(
            text(
                f"Shared site {shared['area']}: {', '.join(shared['cases'])}; one public "
                "connection of USD ",
                ctx.src.num(P(*at, "public_infrastructure_usd"), "musd"),
                " m serves them (USD ",
                ctx.src.num(P(*at, "saved_usd"), "musd"),
                " m saved in the total).",
            )
        )
    blocks += [_metal_chart(ctx, metal, i) for i, metal in enumerate(metals)]
    blocks.append(text("Reproduce with orevalue portfolio " + " ".join(metals) + "."))
    return {"id": "portfolio", "title": TITLE, "blocks": blocks}


def _headline(ctx: Ctx, metals: list[str]) -> Block:
    rows = [
        row(
            f"{label}" + (f", {unit}" if unit else ""),
            *[ctx.src.num(P("portfolio", "cases", m, key), kind) for m in metals],
            ctx.src.num(P("portfolio", "total", key), kind),
        )
        for key, label, unit, kind in ROWS
    ]
    return table(
        ["", *metals, "total"],
        rows,
        caption="The investment board's promise: each metal and the programme",
        note="Money in real USD; present values at each case's discount rate.",
    )


def _metal_chart(ctx: Ctx, metal: str, index: int) -> Block:
    keys = [P("portfolio", "cases", metal, key) for key, _ in BARS]
    trace = keyed(
        ctx.src,
        {
            "type": "bar",
            "x": [label for _, label in BARS],
            "marker": charts.marker(charts.pathway_colour(index + 1), None),
            "name": metal,
            "hovertemplate": "%{x}: USD %{y:,.0f} m<extra></extra>",
        },
        {"y": keys},
    )
    focus = ctx.src.get(P("portfolio", "cases", metal, "focus_label")) or metal
    lay = charts.layout(f"{metal}: {focus}", height=300, yaxis={"title": {"text": "USD m"}})
    return chart(f"portfolio-{metal}", charts.figure([trace], lay), caption=f"{metal}, USD m")
