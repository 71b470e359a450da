"""The ``orevalue risk`` command: Monte Carlo, tornado and Sobol indices of a scenario.

Heavy imports (SciPy, pyarrow) happen inside :func:`orevalue.api.risk` so that
``orevalue run`` starts fast.
"""

from __future__ import annotations

import atexit
import functools
import gc
import json
import math
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from orevalue import jit, outputs
from orevalue.cli.common import (
    CaseOpt,
    ScenarioArg,
    bad_input,
    fail,
    load_case,
    run_risk,
    skip_teardown,
)
from orevalue.risk import CHUNK

if TYPE_CHECKING:
    from rich.console import Console

SchedulerOpt = Annotated[
    str,
    typer.Option(
        "--scheduler",
        help="Where the chunks run: pool (this machine's processes), local (a Dask "
        "LocalCluster of --workers) or tcp://HOST:8786 (an existing Dask cluster; its workers "
        "must see the --out folder on a shared file system).",
    ),
]


def check_scheduler_option(scheduler: str) -> None:
    """Exit 2 with one line if ``--scheduler`` is malformed or Dask is not installed."""
    from orevalue.risk.daskrun import check_scheduler

    why = check_scheduler(scheduler)
    if why:
        raise fail(f"--scheduler: {why}")
    if scheduler != "pool":
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise fail(
                "--scheduler: needs dask.distributed; install it with: pip install 'orevalue[dask]'"
            ) from None


def for_the_run(command: Callable[..., None]) -> Callable[..., None]:
    """``command`` run with one BLAS thread (:func:`one_blas_thread`) and without the cyclic
    garbage collector, both put back as they were when it ends (a command run inside another
    program leaves it as it found it). What a risk command allocates is mostly modules
    imported once (Numba, SciPy) and arrays that reference counting frees: the collector's
    full passes over those imports took 0.07 s of a 1,000-sample run (its workers collect as
    usual, see ``risk.workers``); the parent's memory stays flat in N without it."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        blas = os.environ.get("OPENBLAS_NUM_THREADS")
        collecting = gc.isenabled()
        one_blas_thread()
        gc.disable()
        try:
            command(*args, **kwargs)
        finally:
            if blas is None:
                os.environ.pop("OPENBLAS_NUM_THREADS", None)
            if collecting:
                gc.enable()

    return run


def _console() -> Console:
    from rich.console import Console

    return Console(stderr=True)


def one_blas_thread() -> None:
    """Start OpenBLAS with one thread in this process and the workers, unless the environment
    sets a number: its products here are small (see ``analysis.run_risk``, which limits
    them to one thread once the run starts), and the threads it starts when NumPy is
    imported spin for work beside the input check, the compiled kernels' loading and every
    worker: with one thread, a 1,000-sample run took 0.75 times the CPU and 0.93 times the
    time. Only before NumPy's import (as a command starts): the numbers are the same."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def skip_exit_collection() -> None:
    """Freeze the garbage collector when the program exits: the interpreter's last collection
    walks every object of the numeric stack (0.2-0.3 s after a risk run, a tenth of it frozen)
    only to free memory the system takes back anyway. Registered once; objects are still
    finalised as the interpreter shuts down."""
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)


@contextmanager
def scheduler_errors(scheduler: str) -> Iterator[None]:
    """Exit 2 with one line naming ``--scheduler`` when the scheduler cannot be used (no
    cluster at the address, a scratch folder its workers cannot see)."""
    from orevalue.risk.daskrun import SchedulerError

    try:
        yield
    except SchedulerError as exc:
        raise fail(f"--scheduler {scheduler}: {exc}") from None


@for_the_run
@jit.compiled_run()  # Numba loaded before the workers fork: they inherit it, not load it each
def risk_command(
    scenario: ScenarioArg = None,
    case: CaseOpt = None,
    samples: Annotated[
        int, typer.Option("--samples", "-n", min=1, help="Monte Carlo samples.")
    ] = 10_000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the random numbers.")] = 1,
    chunk: Annotated[
        int, typer.Option("--chunk", min=1, help="Samples evaluated at once (memory bound).")
    ] = CHUNK,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Worker processes.", show_default="CPUs"),
    ] = None,
    sobol: Annotated[
        int,
        typer.Option("--sobol", min=0, help="Sobol base samples (a power of 2); 0 for none."),
    ] = 512,
    tornado: Annotated[bool, typer.Option("--tornado/--no-tornado", help="Tornado bars.")] = True,
    parquet: Annotated[
        bool, typer.Option("--parquet", help="Also write every sample to samples.parquet.")
    ] = False,
    out: Annotated[
        Path, typer.Option("--out", help="Folder for results (<out>/<scenario>/risk/).")
    ] = Path("out"),
    scheduler: SchedulerOpt = "pool",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Write results only.")] = False,
) -> None:
    """Risk of every pathway: P10/P50/P90 NPV and IRR, probability of loss and of beating
    exporting concentrate, tornado, Sobol indices, and which estimates are worth a study."""
    from orevalue import api
    from orevalue.atomic import write_atomic
    from orevalue.scenario import ScenarioError

    skip_exit_collection()
    check_scheduler_option(scheduler)
    loaded = load_case(scenario, case=case)
    try:
        spec = api.risk_spec(loaded)
    except ScenarioError as exc:
        raise bad_input(exc) from None
    if sobol and sobol & (sobol - 1):
        raise fail(f"--sobol: got {sobol}; expected a power of 2 (e.g. 512) or 0")
    target = out / loaded.output_name / "risk"
    if parquet:
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise fail(
                "--parquet: needs pyarrow; install it with: pip install 'orevalue[parquet]'"
            ) from None
    # no progress bar when quiet: Rich's import is then left to what prints
    console = None if quiet else _console()
    try:
        with scheduler_errors(scheduler):
            result = run_risk(
                loaded,
                console,
                quiet,
                samples=samples,
                seed=seed,
                chunk=chunk,
                workers=workers,
                tornado=tornado,
                sobol=sobol,
                parquet=target / "samples.parquet" if parquet else None,
                spec=spec,
                scratch=target,
                scheduler=scheduler,
            )
        write_atomic(target / "summary.json", json.dumps(_jsonable(result), indent=2) + "\n")
    except OSError as exc:
        raise fail(f"{target}: cannot write results: {exc}") from None
    except KeyboardInterrupt:
        import signal

        # a second Ctrl-C (or one the pool held back) while exiting must not kill the process
        # by the signal: the run is over, its temporaries are gone, the exit code says why
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        (console or _console()).print("interrupted", markup=False, highlight=False)
        raise typer.Exit(code=130) from None
    if not quiet:
        from rich.console import Console

        screen = Console()
        if not screen.is_terminal:
            screen = Console(width=120)
        print_risk(result, screen, loaded.scenario)
        written = "summary.json" + (", samples.parquet" if parquet else "")
        screen.print(f"Wrote {written} to {target}/", markup=False, soft_wrap=True)
    skip_teardown()


# ------------------------------------------------------------------ printing


def _musd(value: float | None) -> str:
    return outputs.format_value("musd", value, ascii_minus=True)


def _pct(value: float | None, digits: int = 1) -> str:
    text = outputs.format_value(("pct0", "pct", "pct2")[digits], value, ascii_minus=True)
    return text if text == outputs.MISSING else f"{text} %"


def sobol_notes(sobol: dict[str, dict[str, float]]) -> list[str]:
    """A note for each factor whose Sobol estimates are off their bounds (a first-order index
    above its total or below zero), with the 95 % confidence half-widths SALib gives: the
    estimate is sampling noise within them, not a property of the model."""
    notes = []
    for factor, si in sobol.items():
        s1, st = si.get("S1", 0.0), si.get("ST", 0.0)
        if s1 > st or s1 < 0:
            why = "above its total" if s1 > st else "below zero"
            notes.append(
                f"Note: {factor}: first-order index {s1:.2f} ± {si.get('S1_conf', 0.0):.2f} is "
                f"{why} (total {st:.2f} ± {si.get('ST_conf', 0.0):.2f}, 95 % confidence); "
                "the difference is within sampling noise: run more samples to narrow it"
            )
    return notes


def _label(key: str, scenario: Any) -> str:
    """A risk key's label in the words of ``scenario``'s case (as declared when None)."""
    from orevalue.report.labels import for_case

    text = outputs.label(key, "risk")
    return text if scenario is None else for_case(text, scenario)


def print_risk(result: dict[str, Any], console: Console, scenario: Any = None) -> None:
    """The risk tables: distributions, top drivers, estimates to study (``scenario``'s words)."""
    from rich.markup import escape
    from rich.table import Table

    run, scen = result["run"], result["scenario"]
    count = f"{run['samples']:,} sample{'' if run['samples'] == 1 else 's'}"
    title = escape(
        f"Risk: {scen['title'] or scen['name']} — {count}, seed {run['seed']}"
        f" ({run['samples_per_second']:,.0f} samples/s); {scen['money']}, USD m"
    )
    table = Table(title=title, title_justify="left")
    stat = {k: outputs.label(k, "risk_statistic") for k in ("p10", "p50", "p90", "mean")}
    for column in ("pathway", f"NPV {stat['p10']}", stat["p50"], stat["p90"], stat["mean"]):
        table.add_column(column, justify="left" if column == "pathway" else "right")
    table.add_column("P(NPV < 0)", justify="right")
    table.add_column(_label("prob_beats_baseline", scenario), justify="right")
    table.add_column("IRR P50 (P10, P90)", justify="right")
    table.add_column("no IRR", justify="right")
    for name, pw in result["pathways"].items():
        npv = pw["npv_usd"]
        irr = pw.get("irr")
        irr_text = (
            f"{_pct(irr.get('p50'))} ({_pct(irr.get('p10'))}, {_pct(irr.get('p90'))})"
            if irr
            else "—"
        )
        failed = str(irr["n_failed"]) if irr else "—"
        table.add_row(
            name,
            _musd(npv.get("p10")),
            _musd(npv.get("p50")),
            _musd(npv.get("p90")),
            _musd(npv.get("mean")),
            _pct(npv.get("prob_negative")) if pw["builds"] else "—",
            _pct(pw.get("prob_beats_baseline")) if pw["builds"] else "baseline",
            irr_text,
            failed,
        )
    console.print(table)
    console.print(
        _label("prob_any_pathway_beats_baseline", scenario).removesuffix(")") + ", same samples): "
        f"{_pct(result['prob_any_pathway_beats_baseline'], 2)}",
        markup=False,
    )
    for name, pw in result["pathways"].items():
        for reason, count in pw.get("irr", {}).get("failures", {}).items():
            console.print(f"  {name}: IRR undefined in {count:,} samples ({reason})", markup=False)
    focus = _focus(result)
    if focus is None:
        return
    key = f"{focus}.npv_usd"
    label = result["pathways"][focus]["label"]
    sobol = result.get("sobol", {}).get("indices", {}).get(key, {})
    bars = result.get("tornado", {}).get(key, {}).get("bars", [])
    if bars or sobol:
        base = result.get("tornado", {}).get(key, {}).get("base")
        drivers = Table(
            title=escape(f"Top drivers of the plant NPV, {label} (base {_musd(base)} USD m)"),
            title_justify="left",
        )
        drivers.add_column("input", overflow="fold")
        for column in ("tag", "P10 → P90 value", "NPV at P10", "NPV at P90"):
            drivers.add_column(column, justify="left" if column == "tag" else "right")
        drivers.add_column("Sobol total (first)", justify="right")
        rows = bars or [{"factor": k, "label": k, "value_tag": ""} for k in sobol]
        if sobol:
            rows = sorted(rows, key=lambda b: -sobol.get(b["factor"], {}).get("ST", 0.0))
        for bar in rows[:10]:
            si = sobol.get(bar["factor"])
            values = (
                f"{bar['p10_value']:,.4g} → {bar['p90_value']:,.4g}"
                if "p10_value" in bar
                else "P10 → P90 path"
                if "output_at_p10" in bar
                else ""
            )
            drivers.add_row(
                escape(bar["label"]),
                escape(bar.get("value_tag", "")),
                values,
                _musd(bar.get("output_at_p10")),
                _musd(bar.get("output_at_p90")),
                f"{si['ST']:.2f} ({si['S1']:.2f})" if si else "—",
            )
        console.print(drivers)
        for note in sobol_notes(sobol):
            console.print(note, markup=False, soft_wrap=True)
    study = result.get("worth_a_study", {}).get(key, [])
    if study:
        console.print(
            f"Estimates [E] worth a study first (share of the variance of the {label} NPV):",
            markup=False,
        )
        for row in study[:6]:
            console.print(
                f"  {row['input']}: {_pct(row['variance_share_total'], 0)}"
                f" (alone {_pct(row['first_order'], 0)})",
                markup=False,
            )


def _focus(result: dict[str, Any]) -> str | None:
    """The case's focus pathway, if it builds a plant."""
    focus = result["scenario"].get("focus_pathway")
    pathway = result["pathways"].get(focus)
    return focus if pathway is not None and pathway["builds"] else None


def _jsonable(item: Any) -> Any:
    if isinstance(item, dict):
        return {str(k): _jsonable(v) for k, v in item.items()}
    if isinstance(item, list | tuple):
        return [_jsonable(v) for v in item]
    if isinstance(item, float) and not math.isfinite(item):
        return None
    if hasattr(item, "item"):
        return _jsonable(item.item())
    return item
