"""The ``orevalue site`` command: where to build, at what size, with which power, water and
routes, and what the province must build for it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orevalue.cli.common import CaseOpt, ScenarioArg, bad_input, fail, load_case


def site_command(
    scenario: ScenarioArg = None,
    case: CaseOpt = None,
    sites: Annotated[
        Path | None,
        typer.Option("--sites", help="Siting data merged onto the case's embedded sites file."),
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", help="Folder for results (<out>/<scenario>/site/).")
    ] = Path("out"),
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Write results without printing tables.")
    ] = False,
    objective: Annotated[
        str,
        typer.Option(
            "--objective",
            help="system: count public infrastructure; plant: the province builds it for free.",
        ),
    ] = "system",
    processed_pct: Annotated[
        float | None,
        typer.Option("--processed-pct", help="Concentrate to process, % of the scenario's."),
    ] = None,
    refined_pct: Annotated[
        float | None,
        typer.Option("--refined-pct", help="Anode to refine at home, % of the anode made."),
    ] = None,
    max_sites: Annotated[
        int | None, typer.Option("--max-sites", help="Most sites that may host a stage.")
    ] = None,
    no_map: Annotated[bool, typer.Option("--no-map", help="Do not draw the map.")] = False,
) -> None:
    """Rank the candidate sites, choose the best plan (MILP), list the infrastructure it needs
    and draw the map."""
    from rich.console import Console

    from orevalue import api
    from orevalue.report.sitetables import print_siting, write_siting
    from orevalue.scenario import ScenarioError
    from orevalue.siting.units import siting_pathways

    if objective not in ("system", "plant"):
        raise fail(f"--objective: got {objective!r}; expected 'system' or 'plant'")
    for name, value in (("--processed-pct", processed_pct), ("--refined-pct", refined_pct)):
        if value is not None and not 0 <= value <= 100:
            raise fail(f"{name}: got {value:g}; must be between 0 and 100")
    if max_sites is not None and max_sites < 1:
        raise fail(f"--max-sites: got {max_sites}; must be at least 1")
    loaded = load_case(scenario, case=case)
    if refined_pct is not None and siting_pathways(loaded.scenario).single:
        raise fail(
            f"--refined-pct: {loaded.output_name} plans every stage of its focus pathway at one "
            "site, so there is no intermediate to refine elsewhere; leave the option out"
        )
    try:
        siting = api.site(
            loaded,
            sites,
            objective=objective,
            processed_pct=processed_pct,
            refined_pct=refined_pct,
            max_sites=max_sites,
        )
    except ScenarioError as exc:
        raise bad_input(exc) from None
    target = out / loaded.output_name / "site"
    try:
        written = write_siting(siting, target)
        if not no_map:
            from orevalue.report.sitemap import draw_map

            written += draw_map(siting, target)
    except OSError as exc:
        raise fail(f"{target}: cannot write results: {exc}") from None
    if not quiet:
        console = Console(width=max(Console().width, 130))
        print_siting(siting, console)
        best = siting.ranking[0].key if siting.ranking and siting.ranking[0].feasible else None
        if best:
            zone = siting.data.sites[best].zone
            which = f"--case {case} " if case and scenario is None else ""
            console.print(
                f"Carry a site's costs into every metric: orevalue run {which}--site {best} "
                f"(add --regime {zone} for its zone's taxes)",
                markup=False,
                soft_wrap=True,
            )
        console.print(
            f"Wrote {', '.join(p.name for p in written)} to {target}/", markup=False, soft_wrap=True
        )
