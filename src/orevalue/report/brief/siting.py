"""Where to build: the siting optimum, its needs, the map and each site alone."""

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
from orevalue.report.brief.charts import keyed
from orevalue.report.brief.numbers import total
from orevalue.report.labels import words


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
    w = words(siting)
    names = siting.best_model.units.stage_names
    hosts = (
        f"the {names[0]}"
        if siting.best_model.units.single
        else f"the {names[0]} and the {names[1]}"
    )
    blocks: list[Block] = [
        text(
            f"A mixed-integer programme chooses which site hosts {hosts}, "
            "at what size, with which power and water, shipping by which legs, to make the most "
            f"of the margin over exporting the {w['feed']}. Each site is also forced to host the "
            "plant alone and ranked; the NPV after tax is the full model's, with the site's costs "
            "and its zone's fiscal regime."
            + (
                f" The results in this brief carry the costs of {inputs.site}."
                if inputs.site
                else ""
            )
        )
    ]
    blocks += _plan(ctx)
    if inputs.map_svg:
        blocks.append(
            {
                "kind": "svg",
                "svg": inputs.map_svg,
                "caption": "Sites, ports and legs drawn from coordinates (straight lines join "
                "leg ends; the coastline is approximate). Arrows: the chosen plan's flows.",
            }
        )
    blocks += _ranking(ctx, ranking)
    for note in siting.notes:
        blocks.append(text(f"Note: {note}"))
    return {"id": "siting", "title": "Where to build", "blocks": blocks}


def _plan(ctx: Ctx) -> list[Block]:
    """The optimal plan: its stages by site, and what it needs (power, water, public
    investment)."""
    src, siting = ctx.src, ctx.inputs.siting
    product = siting.best.refined_product  # the focus pathway's main product
    blocks: list[Block] = []
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
        from orevalue.siting.plan import refined_key  # SciPy's optimiser: only with a siting

        facts = [
            (f"{product}, kt/yr", pointer_join(best, refined_key(product)), "kt")
            if siting.best.refined_t_per_yr >= 1e3
            else (f"{product}, t/yr", pointer_join(best, refined_key(product)), "n"),
            ("power, average MW", pointer_join(best, "power_mw"), "n"),
            ("power to install or connect, MW", pointer_join(best, "power_peak_mw"), "n"),
            ("water, m³/day", pointer_join(best, "water_m3_per_day"), "n"),
            (
                f"margin over exporting {words(siting)['feed']}, USD m/yr",
                pointer_join(best, "margin_usd_per_yr"),
                "musd",
            ),
        ]
        rows = [row(label, src.num(key, kind)) for label, key, kind in facts]
        if public:
            rows.append(row("public investment, USD m", src.num(total(*public), "musd")))
        blocks.append(table(["The plan needs", ""], rows))
    return blocks


def _ranking(ctx: Ctx, ranking: list[dict[str, Any]]) -> list[Block]:
    """Each site hosting the plant alone, best first, as a table and a chart of its NPV."""
    src, inputs = ctx.src, ctx.inputs
    from orevalue.siting.rank import npv_key  # SciPy's optimiser: only with a siting

    product = inputs.siting.best.refined_product  # the focus pathway's main product
    w = words(inputs.siting)
    npv = npv_key(product)
    blocks: list[Block] = []
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
                src.num(pointer_join(base, npv), "musd") if r.get(npv) is not None else "",
                src.num(pointer_join(plan, "power_mw"), "n") if feasible else "",
                src.num(pointer_join(plan, "water_m3_per_day"), "n") if feasible else "",
                style=style,
            )
        )
        if r.get(npv) is not None:
            npv_keys.append(pointer_join(base, npv))
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
            note=f"Delivered cost and margin per t of {w['metal']} product "
            f"against exporting the {w['feed']}, after capital charges; the "
            f"NPV is the {product} plant's.",
        )
    )
    if npv_keys:
        colours = [
            charts.OKABE_ITO["vermillion"]
            if inputs.site and r["site"] == inputs.site
            else charts.OKABE_ITO["blue"]
            for r in ranking
            if r.get(npv) is not None
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
                        f"{product.capitalize()} plant NPV after tax at each site, USD m",
                        height=300,
                        showlegend=False,
                        margin={"l": 170},
                        yaxis={"autorange": "reversed"},
                        xaxis={"title": {"text": "USD m"}},
                    ),
                ),
            )
        )
    return blocks
