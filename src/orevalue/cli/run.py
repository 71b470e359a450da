"""The ``orevalue run`` command: evaluate every pathway, print the tables and the verdict,
write results."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orevalue.cli.common import CaseOpt, ScenarioArg, fail, load_case


def run_command(
    scenario: ScenarioArg = None,
    case: CaseOpt = None,
    out: Annotated[
        Path, typer.Option("--out", help="Folder for results (a subfolder per scenario).")
    ] = Path("out"),
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Write results without printing tables.")
    ] = False,
    regime: Annotated[
        str | None,
        typer.Option("--regime", help="Fiscal regime preset, e.g. pakistan-standard, sez, epz."),
    ] = None,
    site: Annotated[
        str | None,
        typer.Option("--site", help="Candidate site whose costs to use (see orevalue site)."),
    ] = None,
    xlsx: Annotated[
        bool, typer.Option("--xlsx", help="Also write results.xlsx, a workbook of the results.")
    ] = False,
) -> None:
    """Evaluate every pathway, print the tables and the verdict, write results."""
    from orevalue import api
    from orevalue.report.files import write_results

    loaded = load_case(scenario, site, regime, case)
    results = api.evaluate(loaded)
    target = out / loaded.output_name
    try:
        written = write_results(results, target)
        if xlsx:  # openpyxl and the brief's unit words: imported only when asked for
            from orevalue.report.excel import write_workbook

            written.append(write_workbook(results, target))
    except OSError as exc:
        raise fail(f"{target}: cannot write results: {exc}") from None
    if not quiet:  # Rich and the tables: imported only when printing
        from rich.console import Console

        from orevalue.report.terminal import print_results

        print_results(results)
        Console().print(
            f"Wrote {', '.join(p.name for p in written)} to {target}/",
            markup=False,
            soft_wrap=True,
        )
