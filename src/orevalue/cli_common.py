"""What every ``orevalue`` command shares: one-line errors with exit code 2, and loading a
scenario with the ``--site`` and ``--regime`` presets laid over it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from orevalue.scenario import Scenario

err = Console(stderr=True)


def fail(*lines: str) -> typer.Exit:
    """Print each line to stderr as it is (no markup, no wrapping); exit code 2."""
    for line in lines:
        err.print(line, markup=False, highlight=False, emoji=False, soft_wrap=True)
    return typer.Exit(code=2)


def load_with_presets(
    scenario: Path | None, site: str | None, regime: str | None
) -> tuple[Scenario, str | None, str]:
    """:func:`orevalue.api.load`: the scenario with a site's costs and then a fiscal regime
    laid over it, the site's key, and the suffix that keeps their outputs apart."""
    from orevalue import api

    loaded = api.load(scenario, site, regime)
    return loaded.scenario, loaded.site, loaded.suffix


def run_risk_with_progress(loaded: Any, options: Any, spec: Any, console: Console) -> Any:
    """``orevalue.risk.analysis.run_risk`` with a Rich progress bar per stage."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from orevalue.risk.analysis import run_risk

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

        return run_risk(loaded, options, report, spec=spec)
