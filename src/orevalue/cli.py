"""The ``orevalue`` command."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from orevalue.cli_common import fail, load_with_presets
from orevalue.cli_report import report_command
from orevalue.cli_risk import risk_command
from orevalue.cli_site import site_command
from orevalue.scenario import ScenarioError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    help="Should a mining region process its ore at home? Plant economics and country gain.",
)

ScenarioArg = Annotated[
    Path | None,
    typer.Argument(
        help="Scenario TOML file; the embedded default case when omitted.", show_default=False
    ),
]


def _bad_input(exc: ScenarioError) -> typer.Exit:
    return fail(*(str(problem) for problem in exc.problems))


@app.command()
def run(
    scenario: ScenarioArg = None,
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
) -> None:
    """Evaluate every pathway, print the tables and the verdict, write results."""
    import orevalue
    from orevalue.report.files import write_results
    from orevalue.report.terminal import print_results

    try:
        loaded, _, suffix = load_with_presets(scenario, site, regime)
    except ScenarioError as exc:
        raise _bad_input(exc) from None
    results = orevalue.evaluate(loaded)
    target = out / f"{loaded.name}{suffix}"
    try:
        written = write_results(results, target)
    except OSError as exc:
        raise fail(f"{target}: cannot write results: {exc}") from None
    if not quiet:
        print_results(results)
        Console().print(
            f"Wrote {', '.join(p.name for p in written)} to {target}/",
            markup=False,
            soft_wrap=True,
        )


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the scenario file.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write the default case as a commented scenario file to edit."""
    from orevalue.atomic import write_atomic
    from orevalue.template import template_text

    if path.exists() and not force:
        raise fail(f"{path}: already exists; use --force to overwrite")
    try:
        write_atomic(path, template_text(str(path)))
    except OSError as exc:
        raise fail(f"{path}: cannot write: {exc}") from None
    Console().print(
        f"Wrote {path}; evaluate it with: orevalue run {path}", markup=False, soft_wrap=True
    )


# Further commands live in modules of their own and register here, one line each.
app.command("risk")(risk_command)
app.command("site")(site_command)
app.command("report")(report_command)


def main() -> None:
    """Entry point of the console script."""
    sys.exit(app())


if __name__ == "__main__":
    main()
