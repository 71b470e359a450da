"""What it would take: the cheapest incentive package that makes the plant bankable (or why
none does), the Pareto front of public cost against investor NPV and each lever's bang for
buck, from ``orevalue incentives`` (brief.json ``/incentives``)."""

from __future__ import annotations

from typing import Any

from orevalue.report.brief import charts
from orevalue.report.brief.blocks import Block, Ctx, P, chart, row, table, text
from orevalue.report.brief.charts import keyed

TITLE = "What it would take"


def incentives_section(ctx: Ctx) -> dict[str, Any] | None:
    """The section, or None when the brief carries no incentive design."""
    design = ctx.src.get(P("incentives"))
    if not design:
        return None
    src = ctx.src
    t = design["targets"]
    blocks: list[Block] = [
        text(
            f"The {design['pathway']} plant today: equity IRR ",
            src.num(P("incentives", "reference", "equity_irr"), "pct"),
            " %, minimum debt-service cover ",
            src.num(P("incentives", "reference", "dscr_min"), "x"),
            f". Bankable here means an equity IRR of at least {t['equity_irr_pct']:g} % real "
            f"and a minimum DSCR of at least {t['min_dscr']:g}. Public cost is the revenue the "
            "province and the federation forgo plus what they pay out, in present value.",
        )
    ]
    if design["package"] is None:
        blocks.append(
            text(
                "No package within the lever ranges is bankable: "
                + "; ".join(design["binding"])
                + "."
            )
        )
    else:
        blocks.append(_package(ctx, design))
    blocks.append(_pareto(ctx, design))
    blocks.append(_bang(ctx, design))
    blocks.append(
        text(
            f"Found by {design['method']}; {design['evaluations']:,} packages priced, each a "
            "sample of one vectorised engine call. Reproduce with orevalue incentives "
            "(--write-overlay writes the package as a scenario file for orevalue run)."
        )
    )
    return {"id": "incentives", "title": TITLE, "blocks": blocks}


def _package(ctx: Ctx, design: dict[str, Any]) -> Block:
    src = ctx.src
    rows = [
        row(
            design["levers"][name]["label"],
            src.num(P("incentives", "package", name), "g"),
            design["levers"][name]["unit"],
            design["levers"][name]["pays"],
        )
        for name, amount in design["package"].items()
        if amount
    ]
    m = ("incentives", "package_metrics")
    rows += [
        row("Equity IRR", src.num(P(*m, "equity_irr"), "pct"), "%", ""),
        row("Minimum DSCR", src.num(P(*m, "dscr_min"), "x"), "", ""),
        row(
            "Public cost, province",
            src.num(P(*m, "public_cost_province_pv_usd"), "musd"),
            "USD m",
            "province",
        ),
        row(
            "Public cost, federation",
            src.num(P(*m, "public_cost_federation_pv_usd"), "musd"),
            "USD m",
            "federation",
        ),
        row(
            "Public cost per Pakistani job",
            src.num(P(*m, "jobs", "public_cost_per_pakistani_job_usd"), "usd"),
            "USD",
            "",
        ),
    ]
    return table(["Cheapest bankable package", "amount", "unit", "pays"], rows)


def _pareto(ctx: Ctx, design: dict[str, Any]) -> Block:
    src = ctx.src
    n = len(design["pareto"])
    base = ("incentives", "pareto")
    ok = [i for i in range(n) if design["pareto"][i]["bankable"]]
    data = []
    for name, idx, colour in (
        ("not bankable", [i for i in range(n) if i not in ok], charts.OKABE_ITO["grey"]),
        ("bankable", ok, charts.OKABE_ITO["blue"]),
    ):
        if not idx:
            continue
        data.append(
            keyed(
                src,
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": name,
                    "marker": {"color": colour, "size": 6},
                    "line": {"color": colour, "shape": "hv"},
                    "hovertemplate": "cost %{x:,.0f} USD m, NPV %{y:,.0f} USD m<extra></extra>",
                },
                {
                    "x": [P(*base, i, "public_cost_pv_usd") for i in idx],
                    "y": [P(*base, i, "investor_npv_usd") for i in idx],
                },
            )
        )
    lay = charts.layout(
        "Pareto front: public cost against the investor's NPV, USD m (present value)",
        xaxis={"title": {"text": "public cost, USD m"}},
        yaxis={"title": {"text": "investor NPV, USD m"}},
    )
    return chart("incentives-pareto", charts.figure(data, lay), "Packages no other beats on both.")


def _bang(ctx: Ctx, design: dict[str, Any]) -> Block:
    src = ctx.src
    idx = [i for i, r in enumerate(design["ranking"]) if r["npv_gain_per_usd"] is not None]
    labels = [design["ranking"][i]["label"] for i in idx]
    trace = keyed(
        src,
        {
            "type": "bar",
            "orientation": "h",
            "y": labels,
            "marker": {"color": charts.OKABE_ITO["green"], "pattern": charts.pattern("/")},
            "hovertemplate": "%{y}: %{x:.2f} USD per USD<extra></extra>",
        },
        {"x": [P("incentives", "ranking", i, "npv_gain_per_usd") for i in idx]},
        scale=1.0,
    )
    lay = charts.layout(
        "Bang for buck: investor NPV gained per USD of public cost, each lever alone at its limit",
        height=120 + 28 * len(idx),
        xaxis={"tickformat": ".2f"},
        yaxis={"autorange": "reversed"},
        margin={"l": 260},
    )
    return chart(
        "incentives-bang",
        charts.figure([trace], lay),
        "Levers that cost nothing or give nothing are listed in incentives.json, not drawn.",
    )
