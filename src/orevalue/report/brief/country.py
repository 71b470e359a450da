"""What the country gets and gives: who gets each dollar, what the plant needs (jobs, power,
water, transport) and the trade context."""

from __future__ import annotations

from typing import Any

from orevalue import outputs
from orevalue.report.brief import charts
from orevalue.report.brief.blocks import (
    Block,
    Ctx,
    R,
    chart,
    row,
    table,
    text,
)
from orevalue.report.brief.charts import keyed
from orevalue.report.brief.metric import Spec, metric
from orevalue.report.labels import STAKEHOLDERS, sells_to_reserves

#: How each stakeholder of the plant is drawn: key of the stakeholders group -> (colour,
#: pattern: "" Pakistani, "/" abroad).
DOLLAR_STYLE = {
    "wages_pakistani": ("orange", ""),
    "wages_expatriate": ("orange", "/"),
    "suppliers_pakistani": ("sky", ""),
    "suppliers_foreign": ("sky", "/"),
    "province": ("green", ""),
    "federation": ("blue", ""),
    "equity_pakistani_private": ("purple", ""),
    "equity_foreign": ("purple", "/"),
    "lenders_pakistani": ("vermillion", ""),
    "lenders_foreign": ("vermillion", "/"),
    "working_capital": ("grey", "."),
}


def dollars_section(ctx: Ctx) -> dict[str, Any] | None:
    if not ctx.building:
        return None
    src = ctx.src
    data = []
    for who, label in STAKEHOLDERS.items():
        colour, pattern = DOLLAR_STYLE[who]
        keys = [
            R("pathways", n, "where_each_dollar_goes_pv_usd", f"plant_{who}") for n in ctx.building
        ]
        if not all(src.has(k) for k in keys) or all(abs(src.value(k) or 0.0) < 0.5e6 for k in keys):
            continue
        marker = charts.marker(charts.OKABE_ITO[colour], pattern)
        data.append(
            keyed(
                src,
                {
                    "type": "bar",
                    "orientation": "h",
                    "name": label,
                    "y": [ctx.labels[n] for n in ctx.building],
                    "marker": marker,
                    "hovertemplate": "%{y}: %{x:,.0f} USD m<extra>" + label + "</extra>",
                },
                {"x": keys},
            )
        )
    figure = charts.figure(
        data,
        charts.layout(
            "Where each dollar of the plant goes, present value, USD m",
            height=380,
            barmode="relative",
            margin={"l": 190, "b": 110},
            xaxis={"title": {"text": "USD m, present value (negative: a loss borne)"}},
            yaxis={"autorange": "reversed"},
            legend={"y": -0.28},
        ),
    )

    def dollar(key: str, text: str | None = None) -> Spec:  # the heading gives the unit
        return metric("dollars", key, indent="  ", text=text, unit=False)

    spec: list[Spec] = [
        metric("country", "value_of_chain_pv_usd"),
        metric("country", "value_kept_in_pakistan_pv_usd", indent="  "),
        metric("country", "share_kept_in_pakistan"),
        metric("country", "share_kept_change_pct_points", indent="  "),
        ("The mine's dollars (PV, USD m)", None, ""),
        *[dollar(k) for k in outputs.expand("dollars") if not k.startswith("plant_")],
        ("The plant's dollars (PV, USD m)", None, ""),
        *[dollar(f"plant_{k}", label) for k, label in STAKEHOLDERS.items()],
    ]
    return {
        "id": "dollars",
        "title": "Who gets each dollar",
        "blocks": [
            text(
                "The value of the chain, mine and plant together, split by who receives it: "
                "wages, suppliers, the province and the federation, owners and lenders, at "
                "home (solid) and abroad (hatched). A negative bar is a loss that party bears."
            ),
            chart("dollars", figure),
            table(
                ["", *[ctx.labels[n] for n in ctx.names]],
                ctx.pathway_rows(spec),
                caption="Value kept in Pakistan, present values",
            ),
        ],
    }


#: The needs table: a heading, or a key of the country group with its indent.
NEEDS = (
    "Export earnings",
    ("export_earnings_usd_per_yr", ""),
    ("export_gain_usd_per_yr", "  "),
    ("export_gain_pv_usd", "  "),
    "Jobs",
    ("jobs_construction_peak", ""),
    ("jobs_operations_domestic", ""),
    ("jobs_operations_foreign", ""),
    "Power and water",
    ("power_mw_average", ""),
    ("power_gwh_per_yr", ""),
    ("water_m3_per_day", ""),
    "Transport",
    ("freight_feed_to_plant_wet_t_per_yr", ""),
    ("freight_feed_to_port_wet_t_per_yr", ""),
    ("freight_products_to_port_t_per_yr", ""),
    ("freight_acid_from_site_t_per_yr", ""),
    ("freight_rail_t_per_yr", ""),
    ("freight_road_t_per_yr", ""),
    ("freight_ocean_t_per_yr", ""),
)
#: Jobs drawn in the chart: (key of the country group, colour, pattern).
JOBS = (
    ("jobs_construction_peak", "sky", "/"),
    ("jobs_operations_domestic", "blue", ""),
    ("jobs_operations_foreign", "orange", ""),
)


def needs_section(ctx: Ctx) -> dict[str, Any]:
    items = list(NEEDS)
    if sells_to_reserves(ctx.results.scenario):  # after the export gain's rows
        items.insert(4, ("reserves_added_usd_per_yr", ""))
    spec: list[Spec] = [
        (item, None, "") if isinstance(item, str) else metric("country", item[0], indent=item[1])
        for item in items
    ]
    blocks: list[Block] = [
        text(
            "What each pathway asks of the country: jobs, power, water and freight at full "
            "output, and the export earnings it brings."
        ),
        table(
            ["", *[ctx.labels[n] for n in ctx.names]],
            ctx.pathway_rows(spec),
            caption="Needs and gains at full output",
        ),
    ]
    if ctx.building:
        blocks.append(_jobs_chart(ctx))
        staff = _staff_table(ctx)
        if staff is not None:
            blocks.append(staff)
    return {
        "id": "needs",
        "title": "What it needs: jobs, power, water and transport",
        "blocks": blocks,
    }


def _jobs_chart(ctx: Ctx) -> Block:
    """Jobs at the construction peak and in operation, by pathway that builds."""
    src = ctx.src
    data = []
    for key, colour, pattern in JOBS:
        label = outputs.label(key, "country")
        marker = charts.marker(charts.OKABE_ITO[colour], pattern)
        data.append(
            keyed(
                src,
                {
                    "type": "bar",
                    "name": label,
                    "x": [ctx.labels[n] for n in ctx.building],
                    "marker": marker,
                    "texttemplate": "%{y:,.0f}",
                    "textposition": "outside",
                    "hovertemplate": "%{x}: %{y:,.0f}<extra>" + label + "</extra>",
                },
                {"y": [R("pathways", n, "country", key) for n in ctx.building]},
                scale=1.0,
            )
        )
    return chart(
        "jobs",
        charts.figure(
            data,
            charts.layout(
                "Jobs by pathway",
                height=320,
                barmode="group",
                yaxis={"title": {"text": "people"}},
            ),
        ),
    )


def _staff_table(ctx: Ctx) -> Block | None:
    """Operating staff by skill of every pathway that builds; None without staff."""
    src = ctx.src
    skills: list[str] = []
    for n in ctx.building:
        for k in src.get(R("pathways", n, "staff"), {}) or {}:
            if k not in skills:
                skills.append(k)
    rows = [
        row(k, *[ctx.cell(R("pathways", n, "staff", k), "n") for n in ctx.building]) for k in skills
    ]
    if not rows:
        return None
    return table(["Operating staff by skill", *[ctx.labels[n] for n in ctx.building]], rows)


def trade_section(ctx: Ctx) -> dict[str, Any]:
    src = ctx.src
    trade = src.get(R("copper_exports_to_china"), {}) or {}
    rows = []
    for i, item in enumerate(trade.get("rows", [])):
        rows.append(
            row(
                f"HS {item['hs']} {item['label']}",
                str(item["period"]),
                src.num(R("copper_exports_to_china", "rows", i, "usd"), "musd"),
                f"[{item.get('tag', '')}] {item.get('source', '')}",
            )
        )
    for n in ctx.names:
        rows.append(
            row(
                f"{ctx.labels[n]}: exports FOB",
                "full output",
                src.num(R("pathways", n, "country", "export_earnings_usd_per_yr"), "musd"),
                "this model",
                style="model",
            )
        )
    return {
        "id": "trade",
        "title": "Trade context",
        "blocks": [
            text(trade.get("note", "")),
            table(
                ["", "period", "USD m", "source"],
                rows,
                caption="Pakistan's copper exports to China today, and each pathway's exports",
            ),
        ],
    }
