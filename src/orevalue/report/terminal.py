"""Terminal tables: pathways side by side in the plant view and the country view."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from orevalue import outputs
from orevalue.catalog import elements
from orevalue.report.labels import (
    STAKEHOLDERS,
    for_case,
    margin_rows,
    mass_row,
    metal_name,
    sells_to_reserves,
    shows_breakeven_tc,
)
from orevalue.report.verdict import verdict, warnings_of
from orevalue.results import PathwayResult, Results

Row = tuple[str, Callable[[PathwayResult], float], str]


def _fmt(x: float, kind: str) -> str:
    """A number as the terminal shows it: :func:`outputs.format_value` with an ASCII minus,
    tonnes in kt to one decimal (a row of tonnes takes the scale of its values first:
    :func:`~orevalue.report.labels.mass_row`)."""
    return outputs.format_value("kt1" if kind == "kt" else kind, x, ascii_minus=True)


def _metric(
    group: str, key: str, attr: str | None = None, indent: str = "", text: str | None = None
) -> Row:
    """A row of one declared key: its label and unit from the outputs table, read from the
    pathway's ``attr`` (the group's name unless given)."""
    field = attr or group
    shown = outputs.shown_unit(key, group)
    label = text if text is not None else outputs.label(key, group)
    return (
        f"{indent}{label}" + (f", {shown}" if shown else ""),
        lambda r: getattr(r, field)[key],
        outputs.format_kind(key, group),
    )


def _main_metric(results: Results, group: str, template: str) -> Row:
    """A row of a key declared with the main element (``product_{element}_t_per_yr``): each
    pathway reads its own key, the label and unit are those of the focus pathway's."""
    key = results.pathways[results.scenario.focus_pathway].key(template)
    label, _, kind = _metric(group, key)
    return (label, lambda r: getattr(r, group)[r.key(template)], kind)


def _pathway_columns(title: str, results: Results) -> Table:
    """An empty table with a label column and one column per pathway."""
    table = Table(title=title, title_justify="left", header_style="bold")
    table.add_column("", no_wrap=True)
    for name in results.pathways:
        table.add_column(name, justify="right", no_wrap=True)
    return table


def _values(results: Results, get: Callable[[PathwayResult], float], sample: int) -> list:
    """A row's value for each pathway (None where the pathway has no such key)."""
    values: list[float | None] = []
    for r in results.pathways.values():
        try:
            values.append(float(get(r)[sample]))
        except KeyError:
            values.append(None)
    return values


def _table(title: str, results: Results, rows: list[Row], sample: int) -> Table:
    """A table of ``rows``, pathways side by side; its rows of tonnes share one scale, that
    of all their values (:func:`~orevalue.report.labels.mass_row`)."""
    table = _pathway_columns(title, results)
    values = [
        None if label.startswith("—") else _values(results, get, sample) for label, get, _ in rows
    ]
    tonnes = [
        v for (_, _, kind), row in zip(rows, values, strict=True) if kind == "kt" for v in row or []
    ]
    for (label, _, kind), row in zip(rows, values, strict=True):
        label = for_case(label, results.scenario)
        if row is None:
            table.add_section()
            table.add_row(f"[bold]{label.strip('— ')}[/]", *["" for _ in results.pathways])
            continue
        if kind == "kt":
            label, kind = mass_row(label, tonnes, "kt1")
        table.add_row(label, *["" if v is None else _fmt(v, kind) for v in row])
    return table


def _terms_case_values(prices: dict[str, float]) -> str:
    """What a terms case sets, as the heading shows it: ``TC 73.94, RC 7.394`` for the
    treatment and refining charges of concentrate terms, else each series by name."""
    if set(prices) == {"tc_usd_per_dmt", "rc_usc_per_lb"}:
        return f"TC {prices['tc_usd_per_dmt']:g}, RC {prices['rc_usc_per_lb']:g}"
    return ", ".join(f"{name} {value:g}" for name, value in prices.items())


def plant_rows(results: Results) -> list[Row]:
    s = results.scenario
    rate = s.project.discount_rate_pct + s.site.security_premium_pct
    npv = outputs.label("npv_usd", "plant")
    element = results.pathways[s.focus_pathway].main_element
    rows: list[Row] = [
        _metric("plant", "capex_initial_usd"),
        _metric("plant", "npv_usd", text=f"{npv} at {rate:g} % real"),
        _metric("plant", "npv_pre_tax_usd"),
        _metric("plant", "irr"),
        _metric("plant", "payback_years"),
        _main_metric(results, "plant", "product_{element}_t_per_yr"),
        _metric("plant", "ebitda_usd_per_yr"),
        *([_metric("plant", "breakeven_tc_usd_per_dmt")] if shows_breakeven_tc(s) else []),
        (
            f"— Margin per t of product {elements()[element].name}, first full year (USD/t)",
            lambda r: r.plant["npv_usd"],
            "",
        ),
    ]
    for key, label in margin_rows(element).items():
        rows.append((f"  {label}", lambda r, k=key: r.margin_usd_per_t[r.key(k)], "usd"))
    for case, tc in s.terms_cases.items():
        name = escape(tc.label or case)
        rows.append(
            (
                f"— At {name} terms ({_terms_case_values(tc.prices)})",
                lambda r: r.plant["npv_usd"],
                "",
            )
        )
        for group, key in (
            ("margin_usd_per_t", "cash_margin"),
            ("margin_usd_per_t", "margin_after_capital"),
            ("terms_cases", "npv_usd"),
        ):
            label, _, kind = _metric(group, key)
            rows.append((f"  {label}", lambda r, c=case, k=key: r.terms_cases[c][k], kind))
    return rows


#: The country view, in order: keys of the country group, indented when a detail of the row
#: above.
COUNTRY_ROWS = (
    ("export_earnings_usd_per_yr", ""),
    ("export_gain_usd_per_yr", "  "),
    ("export_gain_pv_usd", "  "),
    ("plant_taxes_pv_usd", ""),
    ("jobs_construction_peak", ""),
    ("jobs_operations_domestic", ""),
    ("jobs_operations_foreign", ""),
    ("power_mw_average", ""),
    ("power_gwh_per_yr", ""),
    ("water_m3_per_day", ""),
    ("freight_feed_to_plant_wet_t_per_yr", ""),
    ("freight_feed_to_port_wet_t_per_yr", ""),
    ("freight_products_to_port_t_per_yr", ""),
    ("freight_acid_from_site_t_per_yr", ""),
    ("freight_rail_t_per_yr", ""),
    ("freight_road_t_per_yr", ""),
    ("freight_ocean_t_per_yr", ""),
)


def country_rows(results: Results) -> list[Row]:
    """The country view's rows; what the central bank buys for its reserves only for a case
    that sells to it (terms with ``reserves``)."""
    rows = list(COUNTRY_ROWS)
    if sells_to_reserves(results.scenario):
        rows.insert(3, ("reserves_added_usd_per_yr", ""))
    return [_metric("country", key, indent=indent) for key, indent in rows]


def government_rows(results: Results) -> list[Row]:
    def gov(key: str) -> Row:
        label = outputs.label(key, "government")  # in USD m, as the total above
        return (
            f"  by instrument: {label}",
            lambda r: r.country[f"government_pv_usd_{key}"],
            "musd",
        )

    def dollar(key: str, text: str | None = None) -> Row:  # the heading gives the unit
        label = text or outputs.label(key, "dollars")
        return (f"  {label}", lambda r: r.dollars_pv_usd[key], outputs.format_kind(key, "dollars"))

    return [
        _metric("country", "government_revenue_pv_usd"),
        _metric("country", "government_revenue_province_pv_usd", indent="  "),
        _metric("country", "government_revenue_federation_pv_usd", indent="  "),
        _metric("country", "government_revenue_gain_pv_usd", indent="  "),
        *[gov(key) for key in outputs.instruments()],
        *[
            _metric("plant", key)
            for key in (
                "government_take",
                "aetr",
                "metr",
                "effective_royalty_rate",
                "irr",
                "equity_irr",
                "dscr_min",
                "dscr_average",
            )
        ],
        _main_metric(results, "plant", "breakeven_{series}"),
        ("— Where each dollar goes, present value (USD m)", lambda r: r.plant["npv_usd"], ""),
        *[dollar(key) for key in outputs.expand("dollars") if not key.startswith("plant_")],
        *[dollar(f"plant_{key}", f"plant: {label}") for key, label in STAKEHOLDERS.items()],
        _metric("country", "share_kept_in_pakistan"),
        _metric("country", "share_kept_change_pct_points", indent="  "),
    ]


#: The headline metrics of each compared regime: (group of the key, key).
REGIME_ROWS = (
    ("plant", "npv_usd"),
    ("plant", "irr"),
    ("plant", "dscr_min"),
    ("plant", "government_take"),
    ("plant", "aetr"),
    ("country", "government_revenue_province_pv_usd"),
    ("country", "government_revenue_federation_pv_usd"),
    ("country", "share_kept_in_pakistan"),
    ("regimes", "revenue_forgone_pv_usd"),
    ("regimes", "revenue_forgone_per_job_usd"),
)


def regime_table(results: Results) -> Table | None:
    """Headline metrics under each compared regime, pathways side by side."""
    if not results.regimes:
        return None
    table = _pathway_columns("Fiscal regimes compared", results)
    for regime, by_pathway in results.regimes.items():
        table.add_section()
        table.add_row(f"[bold]{escape(regime)}[/]", *["" for _ in results.pathways])
        for group, key in REGIME_ROWS:
            label, _, kind = _metric(group, key)
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
            _fmt(row["usd"], "musd"),
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


#: Rows of the mine table (group "mine" of the outputs table).
MINE_ROWS = (
    "npv_usd",
    "irr",
    "payback_years",
    "npv_pre_government_usd",
    "capex_usd",
    "ore_milled_t_per_yr",
    "concentrate_dry_t_per_yr",
    "revenue_usd_per_yr",
    "government_province_pv_usd",
    "government_federation_pv_usd",
    "last_year",
    "plant_feed_months",
)
#: Rows of the chain table (group "chain"): the chain, then who gains over the baseline.
CHAIN_ROWS = (
    "chain_npv_pre_government_usd",
    "chain_npv_usd",
    "mine_npv_usd",
    "plant_npv_usd",
    "province_pv_usd",
    "federation_pv_usd",
    "gain_mine_npv_usd",
    "gain_plant_npv_usd",
    "gain_province_pv_usd",
    "gain_federation_pv_usd",
)


def mine_table(results: Results, sample: int = 0) -> Table | None:
    """The mine view in one column, and the mine and each pathway's plant as one chain with
    who gains over the baseline; None without a mine."""
    if not results.mine:
        return None
    first = int(results.mine["first_year"][sample])
    table = _pathway_columns(
        f"Mine view (exporting all concentrate, PV to {first}) and mine + plant as one chain",
        results,
    )
    for key in MINE_ROWS:
        label, _, kind = _metric("mine", key)
        value = _fmt(float(results.mine[key][sample]), kind)
        table.add_row(f"Mine: {label}", value, *["" for _ in list(results.pathways)[1:]])
    table.add_section()
    for key in CHAIN_ROWS:
        label, get, kind = _metric("chain", key)
        table.add_row(
            label, *[_fmt(float(get(r)[sample]), kind) for r in results.pathways.values()]
        )
    return table


def feed_notes(results: Results, sample: int = 0) -> list[str]:
    """One line per pathway whose feed exceeds the plant's nameplate x utilisation in an
    operating year: the most exported as it is instead of processed, and the year."""
    out = []
    for name, r in results.pathways.items():
        if not r.builds:
            continue
        beyond_t = r.case.supply.beyond_capacity_dry_t()[sample]
        beyond_t = beyond_t * (results.years >= results.years[results.steady_index])
        col = int(beyond_t.argmax())
        if beyond_t[col] > 0.5:
            plate = float(r.case.supply.nameplate_conc_dmt_per_yr[sample, 0])
            out.append(
                f"Pathway {name}: up to {_fmt(beyond_t[col], 'kt')} kt/yr of feed (in "
                f"{int(results.years[col])}) beyond the nameplate {_fmt(plate, 'kt')} kt/yr x "
                "utilisation is exported as it is "
                "(project.size_to_feed = true sizes the plant to the feed)"
            )
    return out


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
        f"[bold]{escape(s.title or s.name)}[/]  ({escape(s.site.name)}; real USD of {s.base_year}; "
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
    console.print(_table("Country view", results, country_rows(results), sample))
    fiscal = s.fiscal
    console.print(
        _table(
            escape(f"Government and stakeholders under {fiscal.regime} ({fiscal.law})"),
            results,
            government_rows(results),
            sample,
        )
    )
    for note in feed_notes(results, sample):
        console.print(f"[bold]Note:[/] {note}")
    mine = mine_table(results, sample)
    if mine is not None:
        console.print(mine)
    regimes = regime_table(results)
    if regimes is not None:
        console.print(regimes)
    if metal_name(s) == "copper":  # the trade table is of copper exports
        console.print(trade_table(results))
    console.print(
        "Pathways: "
        + "; ".join(f"[bold]{n}[/] = {escape(r.label)}" for n, r in results.pathways.items())
    )
    console.print("[bold]Verdict[/]")
    for line in verdict(results, sample):
        console.print(f"• {escape(line)}")
    print_warnings(warnings_of(results, sample), console)


def print_warnings(lines: list[str], console: Console) -> None:
    """The warnings of a run, counted, one per line, as plain text."""
    if lines:
        console.print(f"Warnings ({len(lines)}):", style="bold yellow", markup=False)
        for line in lines:
            console.print(f"  {line}", markup=False, soft_wrap=True)
