"""What the country gets and gives: who gets each dollar, what the plant needs (jobs, power,
water, transport) and the trade context."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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

#: Where each dollar of the plant goes: (key, label, colour, pattern: "" Pakistani, "/" abroad).
DOLLARS = (
    ("plant_wages_pakistani", "Pakistani wages", "orange", ""),
    ("plant_wages_expatriate", "expatriate wages", "orange", "/"),
    ("plant_suppliers_pakistani", "Pakistani suppliers", "sky", ""),
    ("plant_suppliers_foreign", "foreign suppliers", "sky", "/"),
    ("plant_province", "province", "green", ""),
    ("plant_federation", "federation", "blue", ""),
    ("plant_equity_pakistani_private", "Pakistani private equity", "purple", ""),
    ("plant_equity_foreign", "foreign equity", "purple", "/"),
    ("plant_lenders_pakistani", "Pakistani lenders", "vermillion", ""),
    ("plant_lenders_foreign", "foreign lenders", "vermillion", "/"),
    ("plant_working_capital", "working capital (returned at the end)", "grey", "."),
)


def dollars_section(ctx: Ctx) -> dict[str, Any] | None:
    if not ctx.building:
        return None
    src = ctx.src
    data = []
    for key, label, colour, pattern in DOLLARS:
        keys = [R("pathways", n, "where_each_dollar_goes_pv_usd", key) for n in ctx.building]
        if not all(src.has(k) for k in keys) or all(abs(src.value(k) or 0.0) < 0.5e6 for k in keys):
            continue
        marker: dict[str, Any] = {"color": charts.OKABE_ITO[colour]}
        if pattern:
            marker["pattern"] = charts.pattern(pattern)
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

    def ctry(key: str) -> Callable[[str], str]:
        return lambda n: R("pathways", n, "country", key)

    def dollar(key: str) -> Callable[[str], str]:
        return lambda n: R("pathways", n, "where_each_dollar_goes_pv_usd", key)

    spec: list[tuple[str, Callable[[str], str | None] | None, str]] = [
        ("Value of the chain, present value, USD m", ctry("value_of_chain_pv_usd"), "musd"),
        ("  kept in Pakistan, USD m", ctry("value_kept_in_pakistan_pv_usd"), "musd"),
        ("Share of value kept in Pakistan, %", ctry("share_kept_in_pakistan"), "pct"),
        (
            "  change against exporting concentrate, % points",
            ctry("share_kept_change_pct_points"),
            "pp",
        ),
        ("The mine's dollars (PV, USD m)", None, ""),
        ("  export duty", dollar("mine_export_duty"), "musd"),
        ("  kept in Pakistan", dollar("mine_kept_in_pakistan"), "musd"),
        ("  paid abroad (imports, foreign owners, lenders)", dollar("mine_paid_abroad"), "musd"),
        ("The plant's dollars (PV, USD m)", None, ""),
        *[(f"  {label}", dollar(key), "musd") for key, label, _, _ in DOLLARS],
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


def needs_section(ctx: Ctx) -> dict[str, Any]:
    src = ctx.src

    def ctry(key: str) -> Callable[[str], str]:
        return lambda n: R("pathways", n, "country", key)

    spec: list[tuple[str, Callable[[str], str | None] | None, str]] = [
        ("Export earnings", None, ""),
        (
            "Export earnings FOB at full output, USD m/yr",
            ctry("export_earnings_usd_per_yr"),
            "musd",
        ),
        ("  gain over exporting concentrate, USD m/yr", ctry("export_gain_usd_per_yr"), "musd"),
        ("  gain over the life, present value, USD m", ctry("export_gain_pv_usd"), "musd"),
        ("Jobs", None, ""),
        ("At the construction peak", ctry("jobs_construction_peak"), "n"),
        ("Operating, Pakistani", ctry("jobs_operations_domestic"), "n"),
        ("Operating, foreign", ctry("jobs_operations_foreign"), "n"),
        ("Power and water", None, ""),
        ("Power, average MW", ctry("power_mw_average"), "n"),
        ("Power, GWh/yr", ctry("power_gwh_per_yr"), "n"),
        ("Water, m³/day", ctry("water_m3_per_day"), "n"),
        ("Transport, kt/yr", None, ""),
        ("Feed to the plant (wet)", ctry("freight_feed_to_plant_wet_t_per_yr"), "kt"),
        ("Feed exported as it is (wet)", ctry("freight_feed_to_port_wet_t_per_yr"), "kt"),
        ("Metal products to port", ctry("freight_products_to_port_t_per_yr"), "kt"),
        ("Acid shipped from site", ctry("freight_acid_from_site_t_per_yr"), "kt"),
        ("By rail", ctry("freight_rail_t_per_yr"), "kt"),
        ("By road", ctry("freight_road_t_per_yr"), "kt"),
        ("By sea (exports)", ctry("freight_ocean_t_per_yr"), "kt"),
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
        data = []
        for key, label, colour, pattern in (
            ("jobs_construction_peak", "construction peak", "sky", "/"),
            ("jobs_operations_domestic", "operating, Pakistani", "blue", ""),
            ("jobs_operations_foreign", "operating, foreign", "orange", ""),
        ):
            marker: dict[str, Any] = {"color": charts.OKABE_ITO[colour]}
            if pattern:
                marker["pattern"] = charts.pattern(pattern)
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
        blocks.append(
            chart(
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
        )
        skills: list[str] = []
        for n in ctx.building:
            for k in src.get(R("pathways", n, "staff"), {}) or {}:
                if k not in skills:
                    skills.append(k)
        rows = [
            row(k, *[ctx.cell(R("pathways", n, "staff", k), "n") for n in ctx.building])
            for k in skills
        ]
        if rows:
            blocks.append(
                table(["Operating staff by skill", *[ctx.labels[n] for n in ctx.building]], rows)
            )
    return {
        "id": "needs",
        "title": "What it needs: jobs, power, water and transport",
        "blocks": blocks,
    }


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
