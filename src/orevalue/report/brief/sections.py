"""The sections on the plant, its money and the country: the answer, pathways, the tonne's
waterfall, cash flows, who gets each dollar, government revenue, needs and trade."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from orevalue.report.brief import charts
from orevalue.report.brief.blocks import (
    Block,
    Ctx,
    P,
    R,
    chart,
    pointer_join,
    row,
    table,
    text,
)
from orevalue.report.brief.charts import keyed
from orevalue.report.brief.numbers import Num, neg, ratio, total
from orevalue.report.labels import COST_LABELS, MARGIN_LABELS


def answer_section(ctx: Ctx) -> dict[str, Any]:
    src, f = ctx.src, ctx.focus
    blocks: list[Block] = []
    if ctx.building:
        best = max(ctx.building, key=lambda n: ctx.results.value(n, "plant", "npv_usd"))
        best_npv = src.num(R("pathways", best, "plant", "npv_usd"), "musd")
        pays = (best_npv.value or 0.0) > 0
        blocks.append(
            text(
                "Processing at home "
                + (
                    "pays for the plant at these terms. "
                    if pays
                    else "does not pay at these terms. "
                ),
                f"The best plant is {ctx.labels[best].lower()}: NPV after tax USD ",
                best_npv,
                " m at ",
                ctx.rate,
                " % real.",
            )
        )
    verdict = src.get(R("verdict"), [])
    if f is not None:
        label = ctx.labels[f]
        items = [
            ("Plant NPV after tax", R("pathways", f, "plant", "npv_usd"), "musd", "USD m"),
            ("Initial capex", R("pathways", f, "plant", "capex_initial_usd"), "musd", "USD m"),
            ("Project IRR after tax", R("pathways", f, "plant", "irr"), "pct", "%"),
            (
                "Margin after capital, per t",
                R("pathways", f, "margin_usd_per_t_product_cu", "margin_after_capital"),
                "usd",
                "USD/t",
            ),
            (
                "Break-even TC (RC = TC/10)",
                R("pathways", f, "plant", "breakeven_tc_usd_per_dmt"),
                "usd",
                "USD/dmt",
            ),
            (
                "Extra export earnings",
                R("pathways", f, "country", "export_gain_usd_per_yr"),
                "musd",
                "USD m/yr",
            ),
            (
                "Government revenue vs exporting concentrate",
                R("pathways", f, "country", "government_revenue_gain_pv_usd"),
                "musd",
                "USD m, PV",
            ),
            (
                "Operating jobs, Pakistani",
                R("pathways", f, "country", "jobs_operations_domestic"),
                "n",
                "",
            ),
        ]
        risk = ctx.inputs.risk
        if risk is not None and f in risk.get("pathways", {}):
            items.append(
                (
                    "Chance the NPV is negative",
                    P("risk", "pathways", f, "npv_usd", "prob_negative"),
                    "pct",
                    "%",
                )
            )
            items.append(
                ("NPV P50 (risk)", P("risk", "pathways", f, "npv_usd", "p50"), "musd", "USD m")
            )
        blocks.append(
            {
                "kind": "kpis",
                "caption": f"{label}: the plant the question is about",
                "items": [
                    {"label": lab, "num": num, "unit": unit}
                    for lab, key, kind, unit in items
                    if (num := src.maybe(key, kind)) is not None
                ],
            }
        )
    blocks.append(text("The verdict in full, as orevalue run prints it:"))
    blocks.append({"kind": "verdict", "lines": verdict, "key": R("verdict")})
    return {"id": "answer", "title": "The answer", "blocks": blocks}


def pathways_section(ctx: Ctx) -> dict[str, Any]:
    s = ctx.results.scenario

    def plant(key: str) -> Callable[[str], str]:
        return lambda n: R("pathways", n, "plant", key)

    spec: list[tuple[str, Callable[[str], str | None] | None, str]] = [
        ("Initial capex, USD m", plant("capex_initial_usd"), "musd"),
        (f"NPV at {ctx.rate_pct:g} % real after tax, USD m", plant("npv_usd"), "musd"),
        ("NPV before tax, USD m", plant("npv_pre_tax_usd"), "musd"),
        ("Project IRR after tax, %", plant("irr"), "pct"),
        ("Equity IRR after tax and debt, %", plant("equity_irr"), "pct"),
        ("Payback from construction start, years", plant("payback_years"), "yr"),
        ("Product copper at full output, kt/yr", plant("product_cu_t_per_yr"), "kt"),
        ("Revenue at full output, USD m/yr", plant("revenue_usd_per_yr"), "musd"),
        ("EBITDA at full output, USD m/yr", plant("ebitda_usd_per_yr"), "musd"),
        ("Minimum DSCR", plant("dscr_min"), "x"),
        ("Break-even TC (RC = TC/10), USD/dmt", plant("breakeven_tc_usd_per_dmt"), "usd"),
        ("Break-even copper price, USD/t", plant("breakeven_cu_usd_per_t"), "usd"),
    ]
    for case, tc in s.terms_cases.items():
        name = tc.label or case
        spec.append(
            (
                [
                    f"At {name} terms (TC ",
                    ctx.src.num(R("inputs", f"terms_cases.{case}.tc_usd_per_dmt", "value"), "g"),
                    " USD/dmt, RC ",
                    ctx.src.num(R("inputs", f"terms_cases.{case}.rc_usc_per_lb", "value"), "g"),
                    " ¢/lb)",
                ],
                None,
                "",
            )
        )
        spec.append(
            (
                "NPV after tax, USD m",
                lambda n, c=case: R("pathways", n, "terms_cases", c, "npv_usd"),
                "musd",
            )
        )
        spec.append(
            (
                "cash margin, USD/t",
                lambda n, c=case: R("pathways", n, "terms_cases", c, "cash_margin"),
                "usd",
            )
        )
        spec.append(
            (
                "margin after capital, USD/t",
                lambda n, c=case: R("pathways", n, "terms_cases", c, "margin_after_capital"),
                "usd",
            )
        )
    rows = ctx.pathway_rows(spec)
    columns = ["", *[ctx.labels[n] for n in ctx.names]]
    blocks: list[Block] = [
        text(
            "Each pathway is valued as a plant that buys the concentrate at arm's-length export "
            f"terms (the plant view), in {s.base_year} US dollars, discounted at "
            f"{ctx.rate_pct:g} % real. Exporting the concentrate as it is builds nothing; the "
            "others build a smelter, a refinery and a rod mill in turn."
        ),
        table(columns, rows, caption="Plant view, pathways side by side", style="pathways"),
    ]
    if ctx.building:
        data = []
        for metric, label, colour in (
            ("capex_initial_usd", "initial capex", charts.OKABE_ITO["sky"]),
            ("npv_usd", "NPV after tax", charts.OKABE_ITO["blue"]),
        ):
            keys = [R("pathways", n, "plant", metric) for n in ctx.building]
            data.append(
                keyed(
                    ctx.src,
                    {
                        "type": "bar",
                        "name": f"{label}, USD m",
                        "x": [ctx.labels[n] for n in ctx.building],
                        "marker": {"color": colour},
                        "texttemplate": "%{y:,.0f}",
                        "textposition": "outside",
                        "hovertemplate": "%{x}: %{y:,.0f} USD m<extra>" + label + "</extra>",
                    },
                    {"y": keys},
                )
            )
        blocks.append(
            chart(
                "npv-capex",
                charts.figure(
                    data,
                    charts.layout(
                        "Capex and NPV after tax by pathway, USD m",
                        barmode="group",
                        yaxis={"title": {"text": "USD m"}},
                    ),
                ),
                caption="Every plant costs more than it earns back at the discount rate when "
                "its NPV bar is below zero.",
            )
        )
    return {"id": "pathways", "title": "Pathways side by side", "blocks": blocks}


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
    margin = R("pathways", f, "margin_usd_per_t_product_cu")
    tonnes = R("pathways", f, "annual", "product_cu_t", ctx.col)

    def line(name: str) -> str:
        return R("pathways", f, "annual", name, ctx.col)

    bars: list[tuple[str, str, str]] = [  # label, measure, key
        ("concentrate at export parity", "absolute", ratio(line("feed_cost"), tonnes))
    ]
    for part, label in MARGIN_LABELS.items():
        key = pointer_join(margin, part)
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
    cash = src.num(pointer_join(margin, "cash_margin"), "usd")
    after = src.num(pointer_join(margin, "margin_after_capital"), "usd")
    rows = []
    spec: list[tuple[str, str]] = [
        *[(k, v) for k, v in MARGIN_LABELS.items()],
        *[(k, v) for k, v in COST_LABELS.items()],
        ("cash_margin", "= cash margin"),
        ("capital_charge", "capital charge"),
        ("margin_after_capital", "= margin after capital, before tax"),
    ]
    for part, label in spec:
        cells = [
            ctx.cell(R("pathways", n, "margin_usd_per_t_product_cu", part), "usd")
            for n in ctx.building
        ]
        if all(c == "" or (isinstance(c, Num) and c.text == "0") for c in cells) and not (
            label.startswith("=")
        ):
            continue
        rows.append(row(label, *cells, style="total" if label.startswith("=") else ""))
    blocks: list[Block] = [
        text(
            f"A tonne of copper in {word} starts as copper in concentrate, which the plant buys "
            "at what the mine would get for exporting it. Smelting and refining add value "
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


def cash_flows_section(ctx: Ctx) -> dict[str, Any] | None:
    f = ctx.focus
    if f is None:
        return None
    src = ctx.src
    years = [int(y) for y in ctx.results.years]
    idx = range(len(years))
    year_keys = [R("pathways", f, "annual", "year", i) for i in idx]

    def line(name: str, pathway: str = f) -> list[str]:
        return [R("pathways", pathway, "annual", name, i) for i in idx]

    parts = (
        ("EBITDA", "ebitda", 1, charts.UP, ""),
        ("initial capex", "capex", -1, charts.DOWN, ""),
        ("sustaining capex", "sustaining_capex", -1, charts.OKABE_ITO["orange"], ""),
        ("working capital", "working_capital_change", -1, charts.OKABE_ITO["sky"], ""),
        ("income tax", "income_tax", -1, charts.OKABE_ITO["purple"], "/"),
    )
    data = []
    for label, name, sign, colour, pattern in parts:
        keys = [k if sign > 0 else neg(k) for k in line(name)]
        marker: dict[str, Any] = {"color": colour}
        if pattern:
            marker["pattern"] = charts.pattern(pattern)
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
                "name": "cash flow after tax",
                "line": {"color": "#000", "width": 2},
                "marker": {"size": 4},
                "hovertemplate": "%{x}: %{y:,.0f} USD m<extra>cash flow after tax</extra>",
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
