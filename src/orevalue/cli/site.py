"""The ``orevalue site`` command: where to build, at what size, with which power, water and
routes, and what the province must build for it."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from orevalue.cli.common import CaseOpt, ScenarioArg, bad_input, fail, load_case

if TYPE_CHECKING:
    from orevalue.forks import Helper
    from orevalue.siting import Siting


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
    if objective not in ("system", "plant"):
        raise fail(f"--objective: got {objective!r}; expected 'system' or 'plant'")
    for name, value in (("--processed-pct", processed_pct), ("--refined-pct", refined_pct)):
        if value is not None and not 0 <= value <= 100:
            raise fail(f"{name}: got {value:g}; must be between 0 and 100")
    if max_sites is not None and max_sites < 1:
        raise fail(f"--max-sites: got {max_sites}; must be at least 1")
    from orevalue.report.sitemap import drawer

    # the map is drawn by a child forked now, before the case and the optimiser are imported:
    # it imports matplotlib while this process solves the plans, and draws while the sites
    # are valued
    maps = None if no_map else drawer()
    try:
        options = {"objective": objective, "processed_pct": processed_pct}
        options |= {"refined_pct": refined_pct, "max_sites": max_sites}
        siting, target, written = _site(scenario, case, sites, out, options, maps)
    finally:
        if maps is not None:
            maps.close()
    if not quiet:
        from rich.console import Console

        from orevalue.report.sitetables import print_siting

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


def _site(
    scenario: Path | None,
    case: str | None,
    sites: Path | None,
    out: Path,
    options: dict[str, Any],
    maps: Helper | None,
) -> tuple[Siting, Path, list[Path]]:
    """Load the case, run the analysis with ``options`` (:func:`orevalue.api.site`'s), write
    its files and the map ``maps`` draws (None: no map); the analysis, its folder and files."""
    from orevalue import api
    from orevalue.report.sitemap import draw_later, write_map
    from orevalue.report.sitetables import write_siting
    from orevalue.scenario import ScenarioError
    from orevalue.siting.units import siting_pathways

    loaded = load_case(scenario, case=case)
    if options["refined_pct"] is not None and siting_pathways(loaded.scenario).single:
        raise fail(
            f"--refined-pct: {loaded.output_name} plans every stage of its focus pathway at one "
            "site, so there is no intermediate to refine elsewhere; leave the option out"
        )
    planned = None if maps is None else partial(draw_later, maps)
    try:
        siting = api.site(loaded, sites, **options, planned=planned)
    except ScenarioError as exc:
        raise bad_input(exc) from None
    target = out / loaded.output_name / "site"
    try:
        written = write_siting(siting, target)
        if maps is not None:
            written += write_map(maps.result(), target)
    except OSError as exc:
        raise fail(f"{target}: cannot write results: {exc}") from None
    return siting, target, written
