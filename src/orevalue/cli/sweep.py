"""The ``orevalue sweep`` command: the case over a grid (or a Latin hypercube) of inputs,
with its best and worst points, the table of every point and a heat map."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from orevalue import outputs
from orevalue.cli.common import CaseOpt, ScenarioArg, bad_input, fail
from orevalue.cli.risk import (
    SchedulerOpt,
    check_scheduler_option,
    scheduler_errors,
    skip_exit_collection,
)

if TYPE_CHECKING:
    from rich.console import Console

    from orevalue.sweep import Sweep


def sweep_command(
    scenario: ScenarioArg = None,
    case: CaseOpt = None,
    vary: Annotated[
        list[str] | None,
        typer.Option(
            "--vary",
            help="PATH=LOW:HIGH:STEP (both ends included) or PATH=V1,V2,... ; PATH=LOW:HIGH "
            "with --samples. Any numeric input by dotted path (prices.cu_usd_per_t.2030) or a "
            "whole price deck by its name (prices.tc_usd_per_dmt), flat in every year. Repeat "
            "for each input.",
            show_default=False,
        ),
    ] = None,
    samples: Annotated[
        int | None,
        typer.Option(
            "--samples", "-n", min=1, help="Latin hypercube of N points instead of the grid."
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the hypercube.")] = 1,
    pathway: Annotated[
        str | None,
        typer.Option("--pathway", help="Pathway whose NPV ranks the points [default: best]."),
    ] = None,
    chunk: Annotated[
        int, typer.Option("--chunk", min=1, help="Points evaluated at once (memory bound).")
    ] = 2048,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            help="Processes sharing the chunks (pool), or Dask workers (local).",
            show_default="CPUs",
        ),
    ] = None,
    scheduler: SchedulerOpt = "pool",
    parquet: Annotated[
        bool, typer.Option("--parquet", help="Write the table as sweep.parquet, not CSV.")
    ] = False,
    out: Annotated[
        Path, typer.Option("--out", help="Folder for results (<out>/<scenario>/sweep/).")
    ] = Path("out"),
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Write results only.")] = False,
) -> None:
    """Evaluate every point of a grid (or a Latin hypercube) of inputs at once: best and
    worst points, a table of every point's key metrics per pathway, and a heat map of the
    plant NPV over two inputs with the break-even line."""
    from rich.console import Console

    from orevalue import api
    from orevalue.scenario import ScenarioError
    from orevalue.sweep import heatmap, table

    skip_exit_collection()
    check_scheduler_option(scheduler)
    if parquet:
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise fail(
                "--parquet: needs pyarrow; install it with: pip install 'orevalue[parquet]'"
            ) from None
    # a heat map needs two inputs: a child imports matplotlib meanwhile and draws it while
    # this process writes the table
    with heatmap.drawer(enabled=len(vary or []) >= 2) as maps:
        try:
            loaded = api.load(scenario, case=case)
            with scheduler_errors(scheduler):
                result = api.sweep(
                    loaded,
                    vary or [],
                    samples=samples,
                    seed=seed,
                    pathway=pathway,
                    chunk=chunk,
                    scheduler=scheduler,
                    workers=workers,
                )
        except ScenarioError as exc:
            raise bad_input(exc) from None
        label = result.pathways.get(result.focus, result.focus)
        maps.submit(heatmap.rendered, result.columns(), list(result.inputs), result.key, label)
        target = out / result.scenario / "sweep"
        try:
            written = table.write(result, target, parquet=parquet)
            written += heatmap.save(maps.result(), target)
        except OSError as exc:
            raise fail(f"{target}: cannot write results: {exc}") from None
    if not quiet:
        console = Console() if Console().is_terminal else Console(width=120)
        print_sweep(result, console)
        names = ", ".join(p.name for p in written)
        console.print(f"Wrote {names} to {target}/", markup=False, soft_wrap=True)


def print_sweep(result: Sweep, console: Console) -> None:
    """The best and the worst point: the inputs varied and each pathway's plant NPV."""
    from rich.table import Table

    best, worst = result.ranked()
    how = (
        f"{result.n:,} grid points"
        if result.method == "grid"
        else f"{result.n:,} Latin hypercube points, seed {result.seed}"
    )
    title = (
        f"Sweep: {result.scenario}, {how}; ranked by the plant NPV of "
        f"{result.pathways.get(result.focus, result.focus)}; USD m"
    )
    t = Table(title=title, title_justify="left")
    t.add_column("point")
    for path in result.inputs:
        t.add_column(path, justify="right", overflow="fold")
    npv = [name for name in result.pathways if f"{name}.npv_usd" in result.metrics]
    for name in npv:
        t.add_column(f"NPV {name}", justify="right")
    for label, i in (("best", best), ("worst", worst)):
        cells = [f"{label} (#{i})"]
        cells += [f"{float(v[i]):,.6g}" for v in result.inputs.values()]
        cells += [
            outputs.format_value("musd", float(result.metrics[f"{n}.npv_usd"][i]), ascii_minus=True)
            for n in npv
        ]
        t.add_row(*cells)
    console.print(t)
    values = result.metrics[result.key]
    positive = int((values > 0).sum())
    console.print(
        f"NPV above zero at {positive:,} of {result.n:,} points "
        f"({100 * positive / max(result.n, 1):.0f} %).",
        markup=False,
    )
