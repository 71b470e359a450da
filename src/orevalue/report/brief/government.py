"""What the governments get: revenue by instrument and level, the fiscal measures of the
plant and the regimes compared. The instruments, their levels and labels come from the
outputs table (data/outputs.csv)."""

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
from orevalue.report.brief.numbers import total

LEVELS = ("province", "federation")
#: Instruments drawn together in the chart, by their kind in the outputs table:
#: (label, colour, pattern, kind).
INSTRUMENT_GROUPS = (
    ("royalties and NSR", "orange", "", "royalty"),
    ("income, turnover and super tax", "blue", "", "income_tax"),
    ("duties", "sky", "x", "duty"),
    ("dividend withholding", "green", "", "withholding"),
    ("state equity, net", "purple", "/", "equity"),
)
#: The fiscal measures of the plant: keys of the plant group.
FISCAL_MEASURES = ("government_take", "aetr", "metr", "effective_royalty_rate")
#: The headline metrics of each compared regime: (group of the key, key).
REGIME_ROWS = (
    ("plant", "npv_usd"),
    ("plant", "irr"),
    ("plant", "government_take"),
    ("country", "government_revenue_province_pv_usd"),
    ("country", "government_revenue_federation_pv_usd"),
    ("regimes", "revenue_forgone_pv_usd"),
    ("regimes", "revenue_forgone_per_job_usd"),
)


def _gov(n: str, key: str) -> str:
    return R("pathways", n, "country", f"government_pv_usd_{key}")


def government_section(ctx: Ctx) -> dict[str, Any]:
    s = ctx.results.scenario

    def by_level(level: str) -> list[Spec]:
        return [
            (f"  {outputs.label(k, 'government')}", lambda n, k=k: _gov(n, k), "musd")
            for k in outputs.instruments(level=level)
        ]

    spec: list[Spec] = [
        metric("country", "government_revenue_pv_usd"),
        metric("country", "government_revenue_province_pv_usd", indent="  "),
        metric("country", "government_revenue_federation_pv_usd", indent="  "),
        metric("country", "government_revenue_gain_pv_usd", indent="  "),
        ("By instrument, USD m (province)", None, ""),
        *by_level("province"),
        ("By instrument, USD m (federation)", None, ""),
        *by_level("federation"),
        ("Fiscal measures of the plant", None, ""),
        *[metric("plant", key) for key in FISCAL_MEASURES],
    ]
    blocks: list[Block] = [
        text(
            f"Taxed under {s.fiscal.regime}"
            + (f" ({s.fiscal.law})" if s.fiscal.law else "")
            + ". The province collects the mine royalty and carries its equity share of the "
            "plant; the federation collects income, turnover and super taxes, duties, the "
            "mine's NSR and dividend withholding, and carries the federal companies' equity."
        ),
        chart("government", _government_chart(ctx)),
        table(
            ["", *[ctx.labels[n] for n in ctx.names]],
            ctx.pathway_rows(spec),
            caption="Government revenue by instrument and level",
        ),
    ]
    regimes = _regimes_table(ctx)
    if regimes is not None:
        blocks.append(regimes)
    return {"id": "government", "title": "What the governments get", "blocks": blocks}


def _government_chart(ctx: Ctx) -> dict[str, Any]:
    """Revenue by group of instruments, stacked, for each pathway and level."""
    src = ctx.src
    data = []
    x_path: list[str] = []
    x_level: list[str] = []
    for n in ctx.names:
        for lev in LEVELS:
            x_path.append(ctx.labels[n].replace(" + Au, Ag, acid", ""))
            x_level.append(lev)
    for label, colour, pattern, kind in INSTRUMENT_GROUPS:
        fields: list[str | None] = []
        for n in ctx.names:
            for lev in LEVELS:
                keys = outputs.instruments(level=lev, kind=kind)
                ks = [_gov(n, k) for k in keys if src.has(_gov(n, k))]
                fields.append(total(*ks) if ks else None)
        if all((src.value(k) or 0.0) == 0.0 for k in fields if k):
            continue
        marker = charts.marker(charts.OKABE_ITO[colour], pattern)
        data.append(
            keyed(
                src,
                {
                    "type": "bar",
                    "name": label,
                    "x": [x_path, x_level],
                    "marker": marker,
                    "hovertemplate": "%{x}: %{y:,.0f} USD m<extra>" + label + "</extra>",
                },
                {"y": fields},
            )
        )
    return charts.figure(
        data,
        charts.layout(
            "Government revenue by instrument and level, present value, USD m",
            height=420,
            barmode="relative",
            margin={"b": 120},
            yaxis={"title": {"text": "USD m, present value"}},
            xaxis={"tickfont": {"size": 9}},
            legend={"y": -0.3},
        ),
    )


def _regimes_table(ctx: Ctx) -> Block | None:
    """Headline metrics under each compared regime; None when the case compares none."""
    regimes = ctx.src.get(R("regimes"), {}) or {}
    if not regimes:
        return None
    rows = []
    for name in regimes:
        rows.append(row(name, *["" for _ in ctx.names], style="section"))
        for group, key in REGIME_ROWS:
            kind = outputs.format_kind(key, group)
            cells = [ctx.cell(R("regimes", name, n, key), kind) for n in ctx.names]
            if any(c != "" for c in cells):
                rows.append(row(f"  {outputs.caption(key, group)}", *cells))
    return table(
        ["", *[ctx.labels[n] for n in ctx.names]],
        rows,
        caption="Fiscal regimes compared",
        note="Revenue forgone is against the first regime listed.",
    )
