"""The ``orevalue report`` command: one self-contained HTML brief (and a PDF when asked).

The siting, risk and browser code is imported inside :mod:`orevalue.api`'s functions so that
``orevalue run`` starts fast.
"""

from __future__ import annotations

import shlex
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from orevalue.cli.common import CaseOpt, ScenarioArg, bad_input, fail, load_case, run_risk

if TYPE_CHECKING:
    from rich.console import Console

    from orevalue import api


def report_command(
    scenario: ScenarioArg = None,
    case: CaseOpt = None,
    risk: Annotated[
        int,
        typer.Option("--risk", min=0, help="Monte Carlo samples for the risk section; 0: none."),
    ] = 0,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the random numbers.")] = 1,
    sobol: Annotated[
        int,
        typer.Option("--sobol", min=0, help="Sobol base samples (a power of 2); 0 for none."),
    ] = 512,
    workers: Annotated[
        int | None,
        # (square brackets in help are Rich markup: the default is given as show_default)
        typer.Option("--workers", min=1, help="Risk worker processes.", show_default="CPUs"),
    ] = None,
    site: Annotated[
        str | None,
        typer.Option("--site", help="Candidate site whose costs to use (see orevalue site)."),
    ] = None,
    regime: Annotated[
        str | None,
        typer.Option("--regime", help="Fiscal regime preset, e.g. pakistan-standard, sez, epz."),
    ] = None,
    no_siting: Annotated[
        bool, typer.Option("--no-siting", help="Leave out the siting section (map and ranking).")
    ] = False,
    sweep: Annotated[
        Path | None,
        typer.Option("--sweep", help="Add a sweep's table (sweep.csv of orevalue sweep)."),
    ] = None,
    pdf: Annotated[
        bool, typer.Option("--pdf", help="Also print the brief to brief.pdf (needs Chromium).")
    ] = False,
    incentives: Annotated[
        bool, typer.Option("--incentives", help="Add what it would take (orevalue incentives).")
    ] = False,
    portfolio: Annotated[
        bool,
        typer.Option("--portfolio", help="Add the province's programme (orevalue portfolio)."),
    ] = False,
    out: Annotated[
        Path,
        typer.Option("--out", help="Folder for the brief (<out>/<scenario>[-site][-regime]/)."),
    ] = Path("out"),
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on success.")] = False,
) -> None:
    """Write the brief: verdict, pathways, per-tonne waterfall, cash flows, who gets each
    dollar, government revenue, needs, siting, risk and every assumption, in one HTML file."""
    from orevalue import api
    from orevalue.report.brief.sweep import SweepFileError
    from orevalue.scenario import ScenarioError

    started = time.perf_counter()
    _check_options(sobol, pdf)
    loaded = load_case(scenario, site, regime, case)
    try:
        spec = api.risk_spec(loaded) if risk else None
    except ScenarioError as exc:
        raise bad_input(exc) from None
    summary = None
    if risk:
        summary = run_risk(
            loaded,
            _console(stderr=True),
            quiet,
            samples=risk,
            seed=seed,
            workers=workers,
            tornado=True,
            sobol=sobol,
            spec=spec,
        )
    command = _command(scenario, case, risk, seed, sobol, site, regime, no_siting, sweep)
    design = api.incentives(loaded) if incentives else None
    command += " --incentives" if incentives else ""
    command += " --portfolio" if portfolio else ""
    try:
        brief = api.report(
            loaded,
            risk=summary,
            siting=not no_siting,
            command=command,
            sweep=sweep,
            incentives=design,
            portfolio=api.portfolio() if portfolio else None,
        )
    except SweepFileError as exc:
        raise fail(f"--sweep {sweep}: cannot read the sweep table: {exc}") from None
    target = out / loaded.output_name
    written = _write(target, brief, pdf)
    if not quiet:
        _console().print(
            f"Wrote {', '.join(p.name for p in written)} to {target}/ "
            f"in {time.perf_counter() - started:.1f} s",
            markup=False,
            soft_wrap=True,
        )


def _console(**options: Any) -> Console:
    """A Rich console, Rich imported here (the command module is imported by every command)."""
    from rich.console import Console

    return Console(**options)


def _check_options(sobol: int, pdf: bool) -> None:
    """Refuse, before any work, a Sobol size that is not a power of 2 and --pdf without Chromium."""
    if sobol and sobol & (sobol - 1):
        raise fail(f"--sobol: got {sobol}; expected a power of 2 (e.g. 512) or 0")
    if pdf:
        from orevalue.report.brief.browser import find_chromium

        if find_chromium() is None:
            raise fail(
                "--pdf: no Chromium found to print with; install it (Debian: apt-get install "
                "chromium) or set OREVALUE_CHROMIUM to its path"
            )


def _write(target: Path, brief: api.Brief, pdf: bool) -> list[Path]:
    """Write brief.html (and brief.pdf) into ``target``; a failure is one line naming the file."""
    from orevalue.report.brief import write_brief

    try:
        return write_brief(target, brief.html, brief.doc, pdf=pdf)
    except OSError as exc:
        raise fail(f"{target}: cannot write the brief: {exc}") from None
    except RuntimeError as exc:  # the browser failed to print
        raise fail(f"{target / 'brief.pdf'}: cannot print the brief: {exc}") from None


def _command(
    scenario: Path | None,
    case: str | None,
    risk: int,
    seed: int,
    sobol: int,
    site: str | None,
    regime: str | None,
    no_siting: bool,
    sweep: Path | None = None,
) -> str:
    parts = ["orevalue", "report"]
    if scenario is not None:
        parts.append(str(scenario))
    if case is not None:
        parts += ["--case", case]
    if site is not None:
        parts += ["--site", site]
    if regime is not None:
        parts += ["--regime", regime]
    if risk:
        parts += ["--risk", str(risk), "--seed", str(seed)]
        if sobol != 512:
            parts += ["--sobol", str(sobol)]
    if no_siting:
        parts.append("--no-siting")
    if sweep is not None:
        parts += ["--sweep", str(sweep)]
    return shlex.join(parts)
