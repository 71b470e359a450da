"""What the governments get: revenue by instrument and level, the fiscal measures of the
plant and the regimes compared."""

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
from orevalue.report.brief.numbers import total

#: Government instruments: (key, label, level).
INSTRUMENTS = (
    ("mine_royalty_province", "mine royalty", "province"),
    ("plant_royalty_province", "plant royalty", "province"),
    ("state_equity_province", "province's equity, net", "province"),
    ("mine_royalty_federal", "mine NSR and surcharge", "federation"),
    ("mine_income_tax_change", "mine income tax moved by the transfer price", "federation"),
    ("export_duty", "export duty on concentrate", "federation"),
    ("plant_royalty_federation", "plant surcharge", "federation"),
    ("corporate_income_tax", "corporate income tax", "federation"),
    ("super_tax", "super tax", "federation"),
    ("minimum_and_alternative_tax", "minimum and alternative tax", "federation"),
    ("presumptive_turnover_tax", "presumptive turnover tax", "federation"),
    ("customs_duty", "customs duty on plant", "federation"),
    ("dividend_withholding", "dividend withholding", "federation"),
    ("state_equity_federation", "federal companies' equity, net", "federation"),
)
#: Instruments drawn together in the chart: (label, colour, pattern, instrument keys).
INSTRUMENT_GROUPS = (
    (
        "royalties and NSR",
        "orange",
        "",
        (
            "mine_royalty_province",
            "mine_royalty_federal",
            "plant_royalty_province",
            "plant_royalty_federation",
        ),
    ),
    (
        "income, turnover and super tax",
        "blue",
        "",
        (
            "corporate_income_tax",
            "super_tax",
            "minimum_and_alternative_tax",
            "presumptive_turnover_tax",
            "mine_income_tax_change",
        ),
    ),
    ("duties", "sky", "x", ("export_duty", "customs_duty")),
    ("dividend withholding", "green", "", ("dividend_withholding",)),
    ("state equity, net", "purple", "/", ("state_equity_province", "state_equity_federation")),
)


def government_section(ctx: Ctx) -> dict[str, Any]:
    src = ctx.src
    s = ctx.results.scenario
    level = {k: lev for k, _, lev in INSTRUMENTS}

    def gov(n: str, key: str) -> str:
        return R("pathways", n, "country", f"government_pv_usd_{key}")

    data = []
    x_path: list[str] = []
    x_level: list[str] = []
    for n in ctx.names:
        for lev in ("province", "federation"):
            x_path.append(ctx.labels[n].replace(" + Au, Ag, acid", ""))
            x_level.append(lev)
    for label, colour, pattern, keys in INSTRUMENT_GROUPS:
        fields: list[str | None] = []
        for n in ctx.names:
            for lev in ("province", "federation"):
                ks = [gov(n, k) for k in keys if level[k] == lev and src.has(gov(n, k))]
                fields.append(total(*ks) if ks else None)
        if all((src.value(k) or 0.0) == 0.0 for k in fields if k):
            continue
        marker: dict[str, Any] = {"color": charts.OKABE_ITO[colour]}
        if pattern:
            marker["pattern"] = charts.pattern(pattern)
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
    figure = charts.figure(
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

    def ctry(key: str) -> Callable[[str], str]:
        return lambda n: R("pathways", n, "country", key)

    def plant(key: str) -> Callable[[str], str]:
        return lambda n: R("pathways", n, "plant", key)

    spec: list[tuple[str, Callable[[str], str | None] | None, str]] = [
        ("Government revenue, present value, USD m", ctry("government_revenue_pv_usd"), "musd"),
        ("  province", ctry("government_revenue_province_pv_usd"), "musd"),
        ("  federation", ctry("government_revenue_federation_pv_usd"), "musd"),
        ("  change against exporting concentrate", ctry("government_revenue_gain_pv_usd"), "musd"),
        ("By instrument, USD m (province)", None, ""),
        *[
            (f"  {lab}", lambda n, k=k: gov(n, k), "musd")
            for k, lab, lev in INSTRUMENTS
            if lev == "province"
        ],
        ("By instrument, USD m (federation)", None, ""),
        *[
            (f"  {lab}", lambda n, k=k: gov(n, k), "musd")
            for k, lab, lev in INSTRUMENTS
            if lev == "federation"
        ],
        ("Fiscal measures of the plant", None, ""),
        ("Government take, undiscounted, %", plant("government_take"), "pct"),
        ("AETR (discounted take), %", plant("aetr"), "pct"),
        ("METR, %", plant("metr"), "pct"),
        ("Effective royalty rate, first 5 years, %", plant("effective_royalty_rate"), "pct"),
    ]
    blocks: list[Block] = [
        text(
            f"Taxed under {s.fiscal.regime}"
            + (f" ({s.fiscal.law})" if s.fiscal.law else "")
            + ". The province collects the mine royalty and carries its equity share of the "
            "plant; the federation collects income, turnover and super taxes, duties, the "
            "mine's NSR and dividend withholding, and carries the federal companies' equity."
        ),
        chart("government", figure),
        table(
            ["", *[ctx.labels[n] for n in ctx.names]],
            ctx.pathway_rows(spec),
            caption="Government revenue by instrument and level",
        ),
    ]
    regimes = ctx.src.get(R("regimes"), {}) or {}
    if regimes:
        rows = []
        metrics = (
            ("Plant NPV after tax, USD m", "npv_usd", "musd"),
            ("Project IRR after tax, %", "irr", "pct"),
            ("Government take, %", "government_take", "pct"),
            ("Revenue, province, PV USD m", "government_revenue_province_pv_usd", "musd"),
            ("Revenue, federation, PV USD m", "government_revenue_federation_pv_usd", "musd"),
            ("Revenue forgone, PV USD m", "revenue_forgone_pv_usd", "musd"),
            ("Revenue forgone per operating job, USD", "revenue_forgone_per_job_usd", "usd"),
        )
        for name in regimes:
            rows.append(row(name, *["" for _ in ctx.names], style="section"))
            for label, key, kind in metrics:
                cells = [ctx.cell(R("regimes", name, n, key), kind) for n in ctx.names]
                if any(c != "" for c in cells):
                    rows.append(row(f"  {label}", *cells))
        blocks.append(
            table(
                ["", *[ctx.labels[n] for n in ctx.names]],
                rows,
                caption="Fiscal regimes compared",
                note="Revenue forgone is against the first regime listed.",
            )
        )
    return {"id": "government", "title": "What the governments get", "blocks": blocks}
