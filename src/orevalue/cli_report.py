"""The ``orevalue report`` command: one self-contained HTML brief (and a PDF when asked).

Registered on the ``orevalue`` app in :mod:`orevalue.cli`. The siting, risk and browser code
is imported inside the command so that ``orevalue run`` starts fast.
"""

from __future__ import annotations

import shlex
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from orevalue.cli_common import fail, load_with_presets, run_risk_with_progress
from orevalue.scenario import ScenarioError


def report_command(
    scenario: Annotated[
        Path | None,
        typer.Argument(
            help="Scenario TOML file; the embedded default case when omitted.", show_default=False
        ),
    ] = None,
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
        int | None, typer.Option("--workers", min=1, help="Risk worker processes [default: CPUs].")
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
    pdf: Annotated[
        bool, typer.Option("--pdf", help="Also print the brief to brief.pdf (needs Chromium).")
    ] = False,
    out: Annotated[
        Path,
        typer.Option("--out", help="Folder for the brief (<out>/<scenario>[-site][-regime]/)."),
    ] = Path("out"),
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on success.")] = False,
) -> None:
    """Write the brief: verdict, pathways, per-tonne waterfall, cash flows, who gets each
    dollar, government revenue, needs, siting, risk and every assumption, in one HTML file."""
    import orevalue
    from orevalue.report.brief import BriefInputs, build, write_brief

    started = time.perf_counter()
    if sobol and sobol & (sobol - 1):
        raise fail(f"--sobol: got {sobol}; expected a power of 2 (e.g. 512) or 0")
    if pdf:
        from orevalue.report.brief.browser import find_chromium

        if find_chromium() is None:
            raise fail(
                "--pdf: no Chromium found to print with; install it (Debian: apt-get install "
                "chromium) or set OREVALUE_CHROMIUM to its path"
            )
    try:
        loaded, site_key, suffix = load_with_presets(scenario, site, regime)
        spec = None
        if risk:
            from orevalue.risk.spec import build as build_spec

            spec = build_spec(loaded)
    except ScenarioError as exc:
        raise fail(*(str(problem) for problem in exc.problems)) from None
    results = orevalue.evaluate(loaded)
    siting, note, svg = (None, None, None) if no_siting else _siting(scenario)
    summary = _risk(loaded, spec, risk, seed, sobol, workers, quiet) if risk else None
    command = _command(scenario, risk, seed, sobol, site, regime, no_siting)
    inputs = BriefInputs(
        results=results,
        risk=summary,
        siting=siting,
        siting_note=note,
        site=site_key,
        regime=regime,
        command=command,
        map_svg=svg,
    )
    html, doc = build(inputs)
    target = out / f"{loaded.name}{suffix}"
    try:
        written = write_brief(target, html, doc, pdf=pdf)
    except OSError as exc:
        raise fail(f"{target}: cannot write the brief: {exc}") from None
    except RuntimeError as exc:  # the browser failed to print
        raise fail(f"{target / 'brief.pdf'}: cannot print the brief: {exc}") from None
    if not quiet:
        Console().print(
            f"Wrote {', '.join(p.name for p in written)} to {target}/ "
            f"in {time.perf_counter() - started:.1f} s",
            markup=False,
            soft_wrap=True,
        )


def _siting(scenario: Path | None) -> tuple[Any, str | None, str | None]:
    """The siting analysis of the scenario and its map as SVG text; or why there is none."""
    from orevalue import api

    try:
        plain = api.load(scenario)
    except ScenarioError as exc:
        return None, "No siting analysis: " + "; ".join(str(p) for p in exc.problems), None
    return api.brief_siting(plain)


def _risk(
    loaded: Any, spec: Any, samples: int, seed: int, sobol: int, workers: int | None, quiet: bool
) -> dict[str, Any]:
    """The risk summary (as orevalue risk writes it), with a progress bar on a terminal."""
    import json

    from orevalue.risk import montecarlo
    from orevalue.risk.analysis import RiskOptions, run_risk

    options = RiskOptions(
        samples=samples,
        seed=seed,
        workers=workers or montecarlo.default_workers(),
        tornado=True,
        sobol_base=sobol,
    )
    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        result = run_risk(loaded, options, spec=spec)
    else:
        result = run_risk_with_progress(loaded, options, spec, console)
    # plain JSON values (NaN as null), exactly as brief.json will hold them
    return json.loads(json.dumps(result, default=_plain), parse_constant=lambda _: None)


def _plain(item: Any) -> Any:
    if hasattr(item, "item"):
        return item.item()
    if hasattr(item, "tolist"):
        return item.tolist()
    raise TypeError(f"not JSON: {type(item).__name__}")


def _command(
    scenario: Path | None,
    risk: int,
    seed: int,
    sobol: int,
    site: str | None,
    regime: str | None,
    no_siting: bool,
) -> str:
    parts = ["orevalue", "report"]
    if scenario is not None:
        parts.append(str(scenario))
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
    return shlex.join(parts)
