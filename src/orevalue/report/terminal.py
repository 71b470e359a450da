"""Terminal tables: pathways side by side in the plant view and the country view."""

from __future__ import annotations

import math
from collections.abc import Callable

from rich.console import Console
from rich.table import Table

from orevalue.report.labels import COST_LABELS, MARGIN_LABELS
from orevalue.report.verdict import verdict
from orevalue.results import PathwayResult, Results

Row = tuple[str, Callable[[PathwayResult], float], str]


def _fmt(x: float, kind: str) -> str:
    if not math.isfinite(x):
        return "–"
    if kind == "musd":
        return f"{x / 1e6:,.0f}"
    if kind == "pct":
        return f"{100 * x:.1f}"
    if kind == "kt":
        return f"{x / 1e3:,.1f}"
    if kind == "yr":
        return f"{x:.1f}"
    if kind == "x":
        return f"{x:.2f}"
    return f"{x:,.0f}"


def _pathway_columns(title: str, results: Results) -> Table:
    """An empty table with a label column and one column per pathway."""
    table = Table(title=title, title_justify="left", header_style="bold")
    table.add_column("", no_wrap=True)
    for name in results.pathways:
        table.add_column(name, justify="right", no_wrap=True)
    return table


def _table(title: str, results: Results, rows: list[Row], sample: int) -> Table:
    table = _pathway_columns(title, results)
    for label, get, kind in rows:
        if label.startswith("—"):
            table.add_section()
            table.add_row(f"[bold]{label.strip('— ')}[/]", *["" for _ in results.pathways])
            continue
        cells = []
        for r in results.pathways.values():
            try:
                cells.append(_fmt(float(get(r)[sample]), kind))
            except KeyError:
                cells.append("")
        table.add_row(label, *cells)
    return table


def plant_rows(results: Results) -> list[Row]:
    s = results.scenario
    rate = s.project.discount_rate_pct + s.site.security_premium_pct
    rows: list[Row] = [
        ("Initial capex, USD m", lambda r: r.plant["capex_initial_usd"], "musd"),
        (f"NPV at {rate:g} % real after tax, USD m", lambda r: r.plant["npv_usd"], "musd"),
        ("NPV before tax, USD m", lambda r: r.plant["npv_pre_tax_usd"], "musd"),
        ("IRR after tax, %", lambda r: r.plant["irr"], "pct"),
        ("Payback from construction start, years", lambda r: r.plant["payback_years"], "yr"),
        ("Product copper at full output, kt/yr", lambda r: r.plant["product_cu_t_per_yr"], "kt"),
        ("EBITDA at full output, USD m/yr", lambda r: r.plant["ebitda_usd_per_yr"], "musd"),
        (
            "Break-even TC (RC = TC/10), USD/dmt",
            lambda r: r.plant["breakeven_tc_usd_per_dmt"],
            "usd",
        ),
        (
            "— Margin per t of product copper, first full year (USD/t)",
            lambda r: r.plant["npv_usd"],
            "",
        ),
    ]
    labels = {
        **MARGIN_LABELS,
        **COST_LABELS,
        "cash_margin": "= cash margin",
        "capital_charge": "capital charge",
        "margin_after_capital": "= margin after capital, before tax",
    }
    for key, label in labels.items():
        rows.append((f"  {label}", lambda r, k=key: r.margin_usd_per_t[k], "usd"))
    for case, tc in s.terms_cases.items():
        name = tc.label or case
        rows.append(
            (
                f"— At {name} terms (TC {tc.tc_usd_per_dmt:g}, RC {tc.rc_usc_per_lb:g})",
                lambda r: r.plant["npv_usd"],
                "",
            )
        )
        rows.append(
            ("  cash margin, USD/t", lambda r, c=case: r.terms_cases[c]["cash_margin"], "usd")
        )
        rows.append(
            (
                "  margin after capital, USD/t",
                lambda r, c=case: r.terms_cases[c]["margin_after_capital"],
                "usd",
            )
        )
        rows.append(
            ("  NPV after tax, USD m", lambda r, c=case: r.terms_cases[c]["npv_usd"], "musd")
        )
    return rows


def country_rows() -> list[Row]:
    c = "country"
    pick: Callable[[str], Callable[[PathwayResult], float]] = lambda k: lambda r: getattr(r, c)[k]  # noqa: E731
    return [
        (
            "Export earnings FOB at full output, USD m/yr",
            pick("export_earnings_usd_per_yr"),
            "musd",
        ),
        ("  gain over exporting concentrate, USD m/yr", pick("export_gain_usd_per_yr"), "musd"),
        ("  gain over project life, present value, USD m", pick("export_gain_pv_usd"), "musd"),
        (
            "Plant income tax and royalty, before financing, PV USD m",
            pick("plant_taxes_pv_usd"),
            "musd",
        ),
        ("Jobs at construction peak", pick("jobs_construction_peak"), "n"),
        ("Operating jobs, Pakistani", pick("jobs_operations_domestic"), "n"),
        ("Operating jobs, foreign", pick("jobs_operations_foreign"), "n"),
        ("Power, average MW", pick("power_mw_average"), "n"),
        ("Power, GWh/yr", pick("power_gwh_per_yr"), "n"),
        ("Water, m³/day", pick("water_m3_per_day"), "n"),
        ("Feed to the plant, kt wet/yr", pick("freight_feed_to_plant_wet_t_per_yr"), "kt"),
        ("Feed exported as is, kt wet/yr", pick("freight_feed_to_port_wet_t_per_yr"), "kt"),
        ("Metal products to port, kt/yr", pick("freight_products_to_port_t_per_yr"), "kt"),
        ("Acid shipped from site, kt/yr", pick("freight_acid_from_site_t_per_yr"), "kt"),
        ("Freight by rail, kt/yr", pick("freight_rail_t_per_yr"), "kt"),
        ("Freight by road, kt/yr", pick("freight_road_t_per_yr"), "kt"),
        ("Freight by sea (exports), kt/yr", pick("freight_ocean_t_per_yr"), "kt"),
    ]


INSTRUMENTS = {
    "mine_royalty_province": "mine royalty to the province",
    "mine_royalty_federal": "mine NSR and surcharge to the federation",
    "mine_income_tax_change": "mine income tax moved by the transfer price",
    "export_duty": "export duty on concentrate",
    "plant_royalty_province": "plant royalty to the province",
    "plant_royalty_federation": "plant surcharge to the federation",
    "corporate_income_tax": "corporate income tax",
    "super_tax": "super tax",
    "minimum_and_alternative_tax": "minimum and alternative tax",
    "presumptive_turnover_tax": "presumptive turnover tax",
    "customs_duty": "customs duty on plant",
    "dividend_withholding": "dividend withholding",
    "state_equity_province": "province's equity, net",
    "state_equity_federation": "federal companies' equity, net",
}


def government_rows() -> list[Row]:
    def pick(group: str, key: str) -> Callable[[PathwayResult], float]:
        return lambda r: getattr(r, group)[key]

    def dollar(key: str) -> Callable[[PathwayResult], float]:
        return lambda r: r.dollars_pv_usd[key]

    rows: list[Row] = [
        (
            "Government revenue, present value, USD m",
            pick("country", "government_revenue_pv_usd"),
            "musd",
        ),
        (
            "  province (royalties, state equity)",
            pick("country", "government_revenue_province_pv_usd"),
            "musd",
        ),
        (
            "  federation (taxes, duties, NSR, state equity)",
            pick("country", "government_revenue_federation_pv_usd"),
            "musd",
        ),
        (
            "  change against exporting concentrate",
            pick("country", "government_revenue_gain_pv_usd"),
            "musd",
        ),
        *[
            (f"  by instrument: {label}", pick("country", f"government_pv_usd_{key}"), "musd")
            for key, label in INSTRUMENTS.items()
        ],
        ("Government take of the plant, undiscounted, %", pick("plant", "government_take"), "pct"),
        ("AETR (discounted take), %", pick("plant", "aetr"), "pct"),
        ("METR, %", pick("plant", "metr"), "pct"),
        (
            "Effective royalty rate, first 5 years, %",
            pick("plant", "effective_royalty_rate"),
            "pct",
        ),
        ("Project IRR after tax, %", pick("plant", "irr"), "pct"),
        ("Equity IRR after tax and debt, %", pick("plant", "equity_irr"), "pct"),
        ("Minimum DSCR", pick("plant", "dscr_min"), "x"),
        ("Average DSCR", pick("plant", "dscr_average"), "x"),
        ("Break-even copper price, USD/t", pick("plant", "breakeven_cu_usd_per_t"), "usd"),
        ("— Where each dollar goes, present value (USD m)", pick("plant", "npv_usd"), ""),
        ("  mine: export duty", dollar("mine_export_duty"), "musd"),
        ("  mine: kept in Pakistan", dollar("mine_kept_in_pakistan"), "musd"),
        ("  mine: the rest (imports, foreign owners, lenders)", dollar("mine_paid_abroad"), "musd"),
        ("  plant: Pakistani wages", dollar("plant_wages_pakistani"), "musd"),
        ("  plant: expatriate wages", dollar("plant_wages_expatriate"), "musd"),
        ("  plant: Pakistani suppliers", dollar("plant_suppliers_pakistani"), "musd"),
        ("  plant: foreign suppliers", dollar("plant_suppliers_foreign"), "musd"),
        ("  plant: province", dollar("plant_province"), "musd"),
        ("  plant: federation", dollar("plant_federation"), "musd"),
        ("  plant: foreign equity", dollar("plant_equity_foreign"), "musd"),
        ("  plant: Pakistani lenders", dollar("plant_lenders_pakistani"), "musd"),
        ("  plant: foreign lenders", dollar("plant_lenders_foreign"), "musd"),
        (
            "  plant: working capital (timing, owners' money)",
            dollar("plant_working_capital"),
            "musd",
        ),
        ("Share of value kept in Pakistan, %", pick("country", "share_kept_in_pakistan"), "pct"),
        (
            "  change against exporting concentrate, % points",
            pick("country", "share_kept_change_pct_points"),
            "yr",
        ),
    ]
    return rows


def regime_table(results: Results) -> Table | None:
    """Headline metrics under each compared regime, pathways side by side."""
    if not results.regimes:
        return None
    table = _pathway_columns("Fiscal regimes compared", results)
    rows = [
        ("Plant NPV after tax, USD m", "npv_usd", "musd"),
        ("Project IRR after tax, %", "irr", "pct"),
        ("Minimum DSCR", "dscr_min", "x"),
        ("Government take, %", "government_take", "pct"),
        ("AETR, %", "aetr", "pct"),
        ("Revenue, province, PV USD m", "government_revenue_province_pv_usd", "musd"),
        ("Revenue, federation, PV USD m", "government_revenue_federation_pv_usd", "musd"),
        ("Share of value kept in Pakistan, %", "share_kept_in_pakistan", "pct"),
        ("Revenue forgone, PV USD m", "revenue_forgone_pv_usd", "musd"),
        ("Revenue forgone per operating job, USD", "revenue_forgone_per_job_usd", "usd"),
    ]
    for regime, by_pathway in results.regimes.items():
        table.add_section()
        table.add_row(f"[bold]{regime}[/]", *["" for _ in results.pathways])
        for label, key, kind in rows:
            cells = [
                _fmt(by_pathway[p][key], kind) if key in by_pathway[p] else ""
                for p in results.pathways
            ]
            if any(cells):
                table.add_row(f"  {label}", *cells)
    return table


def trade_table(results: Results) -> Table:
    """Today's copper exports to China by HS code, beside what each pathway would export."""
    from orevalue.report.files import trade_context

    table = Table(
        title="Copper exports to China today (China customs) and by pathway at full output",
        title_justify="left",
        header_style="bold",
    )
    table.add_column("", no_wrap=True)
    table.add_column("period")
    table.add_column("USD m", justify="right")
    table.add_column("source")
    for row in trade_context()["rows"]:
        table.add_row(
            f"HS {row['hs']} {row['label']}",
            row["period"],
            f"{row['usd'] / 1e6:,.0f}",
            f"[{row['tag']}] {row['source']}",
        )
    table.add_section()
    for name, r in results.pathways.items():
        table.add_row(
            f"Pathway {name}: exports FOB",
            "full output",
            _fmt(float(r.country["export_earnings_usd_per_yr"][0]), "musd"),
            "this model",
        )
    return table


def print_results(results: Results, console: Console | None = None, sample: int = 0) -> None:
    """Print the pathway tables and the verdict."""
    console = console or Console(width=max(Console().width, 110))
    s = results.scenario
    first_full = (
        int(results.years[0])
        + len(s.project.construction_spend_pct)
        + len(s.project.utilisation_pct)
        - 1
    )
    console.print(
        f"[bold]{s.title or s.name}[/]  ({s.site.name}; real USD of {s.base_year}; "
        f"first full year {first_full})"
    )
    console.print(
        _table(
            "Plant view: an investor buying feed at export parity",
            results,
            plant_rows(results),
            sample,
        )
    )
    console.print(_table("Country view", results, country_rows(), sample))
    fiscal = s.fiscal
    console.print(
        _table(
            f"Government and stakeholders under {fiscal.regime} ({fiscal.law})",
            results,
            government_rows(),
            sample,
        )
    )
    regimes = regime_table(results)
    if regimes is not None:
        console.print(regimes)
    console.print(trade_table(results))
    console.print(
        "Pathways: " + "; ".join(f"[bold]{n}[/] = {r.label}" for n, r in results.pathways.items())
    )
    console.print("[bold]Verdict[/]")
    for line in verdict(results, sample):
        console.print(f"• {line}")
