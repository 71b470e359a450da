"""What every ``orevalue`` command shares: one-line errors with exit code 2, the scenario
argument, and the progress bar of a risk run."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from orevalue import api
    from orevalue.scenario import Problem, ScenarioError

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


_SKIP_TEARDOWN = {"asked": False}  # set by a command, read by the console script


def skip_teardown() -> None:
    """Have :func:`orevalue.cli.main` end this process without the interpreter's teardown:
    after a risk run, freeing every module's objects one by one (Numba's compiled kernels,
    SciPy, the run's arrays) took 0.05-0.1 s, for memory the system takes back at once. Only
    the console script acts on it (a command run in another program, by a test's runner,
    returns as usual); a command asks for it once its files are written and closed."""
    _SKIP_TEARDOWN["asked"] = True


def teardown_skipped() -> bool:
    return _SKIP_TEARDOWN["asked"]


def keep_teardown() -> None:
    """Forget an earlier command's :func:`skip_teardown` (a new command starts)."""
    _SKIP_TEARDOWN["asked"] = False


def end_process(code: object) -> None:
    """End the process with ``code`` (as ``sys.exit`` reads it) once the exit handlers have
    run and stdout and stderr are flushed, without the interpreter's teardown."""
    import atexit
    import os

    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # a message, printed as sys.exit prints it
        sys.stderr.write(f"{code}\n")
        status = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except ValueError:  # closed
            pass
        except OSError:  # a full disk or a broken pipe: output lost, as Python's exit says
            status = status or 120
    os._exit(status)


def fail(*lines: str) -> typer.Exit:
    """Print each line to stderr as it is (no markup, no wrapping); exit code 2."""
    for line in lines:
        _stderr(line)
    return typer.Exit(code=2)


def _stderr(line: str) -> None:
    """One line to stderr through Rich, imported here: a quiet command that succeeds
    prints nothing, and Rich's import is a tenth of its start."""
    from rich.console import Console

    Console(stderr=True).print(line, markup=False, highlight=False, emoji=False, soft_wrap=True)


def bad_input(exc: ScenarioError) -> typer.Exit:
    """Every problem of a bad input, one per line on stderr; exit code 2."""
    return fail(*(str(problem) for problem in exc.problems))


def load_case(
    scenario: Path | None,
    site: str | None = None,
    regime: str | None = None,
    case: str | None = None,
) -> api.Loaded:
    """:func:`orevalue.api.load` with its ``[uncertainty]`` table checked as ``risk`` checks
    it (so that no command runs a file another rejects); a bad input exits with code 2, and
    the input's warnings (implausible values, an empty file) go to stderr, one line each.

    An embedded case as it ships (no file, site or regime) is not checked again: every one
    passes (tests/cli/test_cold_start.py), and the check, an evaluation of its own, was a
    tenth of a cold ``orevalue run``."""
    from orevalue import api
    from orevalue.scenario import ScenarioError

    try:
        loaded = api.load(scenario, site, regime, case=case)
    except ScenarioError as exc:
        raise bad_input(exc) from None
    if scenario is not None or site is not None or regime is not None:
        kept = uncertainty_problems(loaded)
        if kept:
            raise bad_input(ScenarioError(kept))
    for note in loaded.scenario.notes:
        _stderr(f"warning: {note}")
    return loaded


def uncertainty_problems(loaded: api.Loaded) -> list[Problem]:
    """The problems of the case's ``[uncertainty]`` table that reject it for every command:
    all of :func:`orevalue.api.risk_spec`'s but a range missing the scenario's own value,
    which matters to a risk run only (an incentive package may move a value below the range
    its file samples)."""
    from orevalue import api
    from orevalue.scenario import ScenarioError

    try:
        api.risk_spec(loaded)
    except ScenarioError as exc:
        return [p for p in exc.problems if not p.message.startswith("the scenario's value")]
    return []


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


def run_risk(loaded: Any, console: Console | None, quiet: bool, **options: Any) -> dict[str, Any]:
    """:func:`orevalue.api.risk` with a progress bar on ``console`` when there is one, it is a
    terminal and the command is not ``quiet``."""
    from orevalue import api

    if quiet or console is None or not console.is_terminal:
        return api.risk(loaded, **options)
    with risk_progress(console) as progress:
        return api.risk(loaded, progress=progress, **options)
