"""The ``orevalue portfolio`` command: several cases as one programme, in one table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from orevalue import outputs
from orevalue.cli.common import bad_input, fail

#: Rows of the headline table: (key, label, format kind of data/outputs.csv's formatter).
ROWS = (
    ("export_gain_usd_per_yr", "Export earnings added, USD m/yr", "musd"),
    ("jobs_operations", "Operating jobs", "int"),
    ("jobs_construction_peak", "Jobs at the construction peak", "int"),
    ("province_spends_usd", "Province spends (paid equity), USD m", "musd"),
    ("government_revenue_province_pv_usd", "Province's revenue, PV, USD m", "musd"),
    ("government_revenue_pv_usd", "Government revenue, PV, USD m", "musd"),
    ("capex_initial_usd", "Initial capex, USD m", "musd"),
    ("npv_usd", "Plant NPV after tax, USD m", "musd"),
    ("power_mw_average", "Power, average, MW", "int"),
    ("water_m3_per_day", "Water, m³/day", "int"),
    ("public_infrastructure_usd", "Public site connections, USD m (shared once)", "musd"),
)


def portfolio_command(
    cases: Annotated[
        list[str] | None,
        typer.Argument(help="Embedded cases (default: copper gold antimony).", show_default=False),
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", help="Folder for results (writes portfolio/portfolio.json).")
    ] = Path("out"),
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Write without printing.")] = False,
) -> None:
    """Evaluate several cases as one programme: what each metal and all of them add."""
    from rich.console import Console
    from rich.table import Table

    from orevalue import api
    from orevalue.scenario import ScenarioError

    try:
        result = api.portfolio(cases)
    except ScenarioError as exc:
        raise bad_input(exc) from None
    target = out / "portfolio"
    try:
        target.mkdir(parents=True, exist_ok=True)
        (target / "portfolio.json").write_text(json.dumps(result.to_dict(), indent=2) + "\n")
    except OSError as exc:
        raise fail(f"{target}: cannot write results: {exc}") from None
    if quiet:
        return
    table = Table(
        title="The province's programme: each plant's focus pathway against its baseline",
        title_justify="left",
        header_style="bold",
    )
    table.add_column("", no_wrap=True)
    for metal in result.cases:
        table.add_column(metal, justify="right")
    table.add_column("total", justify="right")
    for key, label, kind in ROWS:
        cells = [
            outputs.format_value(kind, c[key], ascii_minus=True) for c in result.cases.values()
        ]
        table.add_row(
            label, *cells, outputs.format_value(kind, result.total[key], ascii_minus=True)
        )
    console = Console(width=max(Console().width, 110))
    console.print(table)
    for metal, c in result.cases.items():
        console.print(f"{metal}: {c['focus_label']} at {c['site']}", markup=False)
    for shared in result.shared_sites:
        console.print(
            f"Shared site {shared['area']}: {', '.join(shared['cases'])} "
            f"({shared['power_mw_average']:,.0f} MW, {shared['water_m3_per_day']:,.0f} m³/day "
            f"together); one public connection of USD "
            f"{shared['public_infrastructure_usd'] / 1e6:,.0f} m serves them "
            f"(USD {shared['saved_usd'] / 1e6:,.0f} m saved in the total)",
            markup=False,
        )
    console.print(f"Wrote portfolio.json to {target}/", markup=False)
