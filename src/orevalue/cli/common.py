"""What every ``orevalue`` command shares: one-line errors with exit code 2, the scenario
argument, and the progress bar of a risk run."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from orevalue import api
from orevalue.scenario import ScenarioError

err = Console(stderr=True)

ScenarioArg = Annotated[
    Path | None,
    typer.Argument(
        help="Scenario file (TOML, or an .xlsx input workbook); the default case when omitted.",
        show_default=False,
    ),
]

CaseOpt = Annotated[
    str | None,
    typer.Option(
        "--case",
        help="Embedded case the scenario merges onto (copper, gold, antimony); the "
        "scenario's own `case` key, else copper, when omitted.",
        show_default=False,
    ),
]


def fail(*lines: str) -> typer.Exit:
    """Print each line to stderr as it is (no markup, no wrapping); exit code 2."""
    for line in lines:
        err.print(line, markup=False, highlight=False, emoji=False, soft_wrap=True)
    return typer.Exit(code=2)


def bad_input(exc: ScenarioError) -> typer.Exit:
    """Every problem of a bad input, one per line on stderr; exit code 2."""
    return fail(*(str(problem) for problem in exc.problems))


@contextmanager
def risk_progress(console: Console) -> Iterator[Any]:
    """A progress callback for :func:`orevalue.api.risk` drawing a Rich bar per stage."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(f"Risk: {stage}", total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield report


def run_risk(loaded: Any, console: Console, quiet: bool, **options: Any) -> dict[str, Any]:
    """:func:`orevalue.api.risk` with a progress bar on ``console`` when it is a terminal and
    the command is not ``quiet``."""
    if quiet or not console.is_terminal:
        return api.risk(loaded, **options)
    with risk_progress(console) as progress:
        return api.risk(loaded, progress=progress, **options)
