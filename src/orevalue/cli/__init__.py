"""The ``orevalue`` command: argument parsing, printing and writing files, one module per
command; the computing is :mod:`orevalue.api`'s. Heavy imports (SciPy, SALib, plotly,
matplotlib) happen inside the commands that need them so that ``orevalue run`` starts fast.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from orevalue import interrupts
from orevalue.cli import common
from orevalue.cli.incentives import incentives_command
from orevalue.cli.init import init_command
from orevalue.cli.portfolio import portfolio_command
from orevalue.cli.report import report_command
from orevalue.cli.risk import risk_command
from orevalue.cli.run import run_command
from orevalue.cli.serve import serve_command
from orevalue.cli.site import site_command
from orevalue.cli.sweep import sweep_command

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Should a mining region process its ore at home? Plant economics and country gain.",
)


def _version(value: bool) -> None:
    if value:
        from orevalue import __version__

        typer.echo(f"orevalue {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Should a mining region process its ore at home? Plant economics and country gain."""


# One line per command, in the order the help lists them.
app.command("run")(run_command)
app.command("init")(init_command)
app.command("risk")(risk_command)
app.command("site")(site_command)
app.command("sweep")(sweep_command)
app.command("report")(report_command)
app.command("portfolio")(portfolio_command)
app.command("incentives")(incentives_command)
app.command("serve")(serve_command)


def main() -> None:
    """Entry point of the console script. A command that asked for it
    (:func:`orevalue.cli.common.skip_teardown`) ends the process once the exit handlers have
    run and the output is flushed, without the interpreter's teardown."""
    common.keep_teardown()
    try:
        with interrupts.kept():  # a Ctrl-C is never lost (see orevalue.interrupts)
            code = app()
    except SystemExit as exc:
        code = exc.code
    if common.teardown_skipped():
        common.end_process(code)
    sys.exit(code)


__all__ = ["app", "main"]
