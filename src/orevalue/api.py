"""The one face of orevalue: load a case (with a site's costs and a fiscal regime laid over
it), evaluate it, its risk, where to build it, and its brief. Functions returning data, used
by the command line, the web app and siting's ranking; nothing here prints or writes files.

Heavy libraries (SciPy, SALib, plotly, matplotlib) are imported inside the functions that
need them, so importing this module costs no more than ``import orevalue``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orevalue.risk import CHUNK
from orevalue.scenario import Overlay, Scenario, ScenarioError, is_case_file
from orevalue.scenario import load as load_scenario

if TYPE_CHECKING:
    from orevalue.forks import Helper
    from orevalue.incentives.optimise import Design
    from orevalue.params import Params
    from orevalue.results import Results
    from orevalue.risk.spec import RiskSpec
    from orevalue.siting import NpvFunction, Siting
    from orevalue.sweep import Sweep

#: Progress of a risk run: (stage, done, total); stage is "monte carlo", "tornado" or "sobol".
Progress = Callable[[str, int, int], None]

__all__ = [
    "CHUNK",
    "Brief",
    "Loaded",
    "Progress",
    "brief_siting",
    "evaluate",
    "incentives",
    "load",
    "portfolio",
    "report",
    "results_workbook",
    "risk",
    "risk_spec",
    "site",
    "site_npv",
    "site_npvs",
    "sweep",
    "template",
    "template_workbook",
]


@dataclass(frozen=True)
class Loaded:
    """A scenario as loaded, with what was laid over its file: the site whose costs it
    carries, the regime it is taxed under, and the suffix (``-<site>-<regime>``) that keeps
    their outputs apart. ``path`` and ``overlays`` let a variant be loaded the same way."""

    scenario: Scenario
    site: str | None = None  # key of the site preset laid over (None: the case's own site)
    regime: str | None = None  # the regime preset laid over (None: the case's own regime)
    suffix: str = ""
    path: Path | None = None  # the scenario file (None: the embedded case alone)
    overlays: tuple[Overlay, ...] = ()
    case: str | None = None  # the embedded case the file merges onto (None: the file's or default)

    @property
    def output_name(self) -> str:
        """Name of the folder its outputs go to: the scenario's name and the suffix."""
        return f"{self.scenario.name}{self.suffix}"

    def variant(self, *overlays: Overlay) -> Scenario:
        """The scenario loaded again with ``overlays`` laid over this one's. Raises
        ScenarioError."""
        return load_scenario(self.path, overlays=(*self.overlays, *overlays), case=self.case)


def _loaded(case: Loaded | Scenario) -> Loaded:
    """``case`` as a :class:`Loaded`; a bare scenario is taken as loaded from its file."""
    if isinstance(case, Loaded):
        return case
    path = None if is_case_file(case.source_file) else Path(case.source_file)
    return Loaded(case, path=path, case=case.case_file or None)


def _scenario(case: Loaded | Scenario) -> Scenario:
    return case.scenario if isinstance(case, Loaded) else case


def regime_overlay(regime: str, label: str) -> Overlay:
    """The overlay that taxes a scenario under the regime preset ``regime``; ``label`` names
    it in provenance."""
    return Overlay(label, {"fiscal": {"regime": regime}})


def load(
    path: str | Path | None = None,
    site: str | None = None,
    regime: str | None = None,
    case: str | None = None,
) -> Loaded:
    """The scenario at ``path`` merged onto the embedded ``case`` (``gold``, ``antimony``; the
    file's own ``case`` key, else the default case, when None; the case alone when ``path`` is
    None) with the costs of the candidate ``site`` (see :func:`site`) and then the fiscal
    ``regime`` preset laid over it. Raises :class:`ScenarioError`: an unknown site or regime,
    a site that cannot host the plant, or any problem of the file (each naming file, line,
    field and what is allowed)."""
    path = Path(path) if path is not None else None
    overlays: list[Overlay] = []
    parts: list[str] = []
    site_key = None
    if site is not None:
        from orevalue.siting import load_sites, resolve_site, site_overlay

        plain = load_scenario(path, case=case)
        data = load_sites(scenario=plain)  # the case's own candidate sites
        key = resolve_site(data, site)
        overlays.append(site_overlay(key, plain, data))
        site_key = overlays[-1].label.removeprefix("site preset ")
        parts.append(site_key)
    if regime is not None:
        overlays.append(regime_overlay(regime, f"--regime {regime}"))
        parts.append(regime)
    scenario = load_scenario(path, overlays=tuple(overlays), case=case)
    suffix = "".join(f"-{p}" for p in parts)
    return Loaded(
        scenario, site_key, regime, suffix, path, tuple(overlays), scenario.case_file or None
    )


def evaluate(
    case: Loaded | Scenario,
    params: Params | None = None,
    breakeven: bool = True,
    detail: bool = True,
    compare: bool = True,
    lean: bool = False,
) -> Results:
    """Every pathway of the case in the plant view and the country view, with metrics:
    :func:`orevalue.engine.evaluate` (``params`` of N samples for N at once)."""
    from orevalue import engine  # imported here so that the CLI's help starts fast

    return engine.evaluate(_scenario(case), params, breakeven, detail, compare, lean)


def portfolio(cases: list[str] | tuple[str, ...] | None = None) -> Any:
    """The embedded ``cases`` (default: the three Balochistan cases) evaluated as one
    programme: :func:`orevalue.portfolio.portfolio`. Raises ScenarioError for an unknown case."""
    from orevalue import portfolio as programme

    names = list(cases) if cases else list(programme.DEFAULT_CASES)
    loaded = [load_scenario(case=name) for name in names]
    return programme.portfolio([(s, evaluate(s, breakeven=False)) for s in loaded])


def template(path: str, case: str | None = None) -> str:
    """The default case (or the embedded ``case``) as a commented scenario file, to be written
    at ``path``. Raises ScenarioError for an unknown case."""
    from orevalue.template import template_text

    return template_text(path, case)


def template_workbook(path: str) -> bytes:
    """The default case as an input workbook (.xlsx bytes, one row a field), to be written
    at ``path``; ``orevalue run`` reads it back."""
    from orevalue.report.excel_inputs import input_workbook

    return input_workbook(path)


def results_workbook(results: Results) -> bytes:
    """results.xlsx of ``results`` (as ``orevalue run --xlsx`` writes it): the results
    document as a workbook."""
    from orevalue.report.excel import results_workbook as workbook
    from orevalue.report.files import results_document

    return workbook(results_document(results))


# ------------------------------------------------------------------ risk


def risk_spec(case: Loaded | Scenario) -> RiskSpec:
    """The case's uncertain inputs and price paths, checked. Raises :class:`ScenarioError`."""
    from orevalue.risk.spec import build

    return build(_scenario(case))


def risk(
    case: Loaded | Scenario,
    samples: int = 10_000,
    seed: int = 1,
    *,
    chunk: int = CHUNK,
    workers: int | None = None,
    tornado: bool = True,
    sobol: int = 512,
    parquet: Path | None = None,
    spec: RiskSpec | None = None,
    progress: Progress | None = None,
    scratch: Path | None = None,
    scheduler: str = "pool",
) -> dict[str, Any]:
    """The risk summary of the case (as ``orevalue risk`` writes it to summary.json): Monte
    Carlo distributions per pathway, tornado bars and Sobol indices (``sobol`` base samples,
    a power of 2; 0 for none). ``workers`` defaults to the CPUs (at most 8); ``parquet`` also
    writes every sample there; ``spec`` is :func:`risk_spec` when already built; ``scratch``
    holds the run's temporaries (the system's temporary folder when None); ``scheduler`` runs
    the Monte Carlo chunks on this machine's processes ("pool"), a Dask ``LocalCluster`` of
    ``workers`` ("local") or the Dask cluster at a ``tcp://HOST:PORT`` address, whose workers
    must see ``scratch`` (a shared file system). The same seed gives the same summary, bit for
    bit, on any of them."""
    from orevalue.risk import montecarlo
    from orevalue.risk.analysis import RiskOptions, run_risk

    options = RiskOptions(
        samples=samples,
        seed=seed,
        chunk_size=chunk,
        workers=workers or montecarlo.default_workers(),
        tornado=tornado,
        sobol_base=sobol,
        parquet=parquet,
        scratch=scratch,
        scheduler=scheduler,
    )
    return run_risk(_scenario(case), options, progress, spec=spec)


def sweep(
    case: Loaded | Scenario,
    vary: list[str],
    *,
    samples: int | None = None,
    seed: int = 1,
    pathway: str | None = None,
    chunk: int = 2048,
    scheduler: str = "pool",
    workers: int | None = None,
) -> Sweep:
    """The case evaluated over the points of the ``vary`` specifications (``PATH=LOW:HIGH:
    STEP``, ``PATH=V1,V2,...``; see :mod:`orevalue.sweep.spec`): their full grid, or
    ``samples`` points of a Latin hypercube (seeded by ``seed``), all as the engine's sample
    axis, ``chunk`` points per evaluation (a Dask task each on a ``scheduler`` other than
    "pool"). The points are ranked by the plant NPV of ``pathway`` (default: the building
    pathway with the highest median NPV). Raises :class:`ScenarioError` for a bad
    specification (naming ``--vary``), an unknown pathway or too many points."""
    from orevalue.risk.montecarlo import default_workers
    from orevalue.sweep import Sweep, focus_pathway, parse, points, run

    loaded = _loaded(case)
    scenario = loaded.scenario
    varied = parse(list(vary), scenario)
    design = points(varied, samples, seed)
    metrics = run(
        scenario,
        varied,
        design,
        chunk=chunk,
        scheduler=scheduler,
        workers=workers or default_workers(),
    )
    return Sweep(
        scenario=loaded.output_name,
        varied=varied,
        method="grid" if samples is None else "latin hypercube",
        seed=None if samples is None else seed,
        inputs=design,
        metrics=metrics,
        focus=focus_pathway(scenario, metrics, pathway),
        pathways={name: pw.label for name, pw in scenario.pathways.items()},
    )


# ------------------------------------------------------------------ siting


def site_npv(case: Loaded | Scenario, pathway: str | None = None) -> Callable[..., float]:
    """:func:`site_npvs` for one site: ``npv(overlay, regime)``."""
    many = site_npvs(case, pathway)
    return lambda overlay, regime: many([(overlay, regime)])[0]


def site_npvs(case: Loaded | Scenario, pathway: str | None = None) -> NpvFunction:
    """The function siting ranks sites with: for each (overlay, regime) pair, the after-tax
    plant NPV (USD) of ``pathway`` (the case's focus pathway unless given) with the site's
    overlay laid over the case, taxed under the regime (its zone's; None: the case's). The
    sites of one regime are one evaluation, a site a sample (:mod:`orevalue.sitenpv`)."""
    from orevalue.sitenpv import batch_npvs

    name = pathway if pathway is not None else _scenario(case).focus_pathway
    loaded = _loaded(case)

    def npvs(pairs: Sequence[tuple[Overlay, str | None]]) -> list[float]:
        out: list[float] = [0.0] * len(pairs)
        by_regime: dict[str | None, list[int]] = {}
        for i, (_, regime) in enumerate(pairs):
            by_regime.setdefault(regime, []).append(i)
        for regime, idx in by_regime.items():
            zone = (regime_overlay(regime, f"zone regime {regime}"),) if regime else ()
            sites = [pairs[i][0] for i in idx]
            for i, value in zip(idx, batch_npvs(loaded.variant, sites, zone, name), strict=True):
                out[i] = value
        return out

    return npvs


def site(
    case: Loaded | Scenario,
    sites: str | Path | None = None,
    *,
    objective: str = "system",
    processed_pct: float | None = None,
    refined_pct: float | None = None,
    max_sites: int | None = None,
    engine_npv: bool = True,
    planned: Callable[[Siting], object] | None = None,
) -> Siting:
    """Where to build: the best plan over the candidate sites (the case's embedded siting
    data, :func:`orevalue.siting.data.sites_file`, with the file ``sites`` merged onto it),
    each site ranked on its own and, with ``engine_npv``, valued after tax by the engine
    (:func:`site_npvs`).

    ``objective`` "system" counts public infrastructure, "plant" has the province build it;
    ``processed_pct`` (of the concentrate), ``refined_pct`` (of the anode) and ``max_sites``
    default to the siting data's; ``planned`` hears the analysis before the sites are valued
    (:func:`orevalue.siting.analyse`). Raises :class:`ScenarioError` for bad siting data and
    :class:`orevalue.siting.InfeasibleError` when no plan meets the constraints."""
    from orevalue.siting import Options, analyse, load_sites

    kinds = {"objective": objective, "processed_pct": processed_pct, "max_sites": max_sites}
    options = Options(**kinds, refined_pct=refined_pct)  # type: ignore[arg-type]
    data = load_sites(sites, _scenario(case))
    npv = site_npvs(case) if engine_npv else None
    return analyse(_scenario(case), data, options, npv, planned=planned)


def site_map_svg(siting: Siting, maps: Helper | None = None) -> str:
    """The map of a siting analysis as SVG text (from ``maps``, the drawer it was sent to)."""
    from orevalue.report.sitemap import map_svg

    return map_svg(siting, maps)


# ------------------------------------------------------------------ the brief


@dataclass(frozen=True)
class Brief:
    """The brief: its HTML text and brief.json (the numbers every figure's key points into)."""

    html: str
    doc: dict[str, Any]


def brief_siting(
    case: Loaded | Scenario, maps: Helper | None = None
) -> tuple[Siting | None, str | None, str | None]:
    """The siting section's material: the analysis of the case's own scenario (without the
    site and regime laid over it) and its map as SVG text (drawn by ``maps``, a
    :func:`~orevalue.report.sitemap.drawer`, if given); or, when there is none, why."""
    from orevalue.report.sitemap import draw_later
    from orevalue.siting import InfeasibleError

    loaded = _loaded(case)
    planned = None if maps is None else partial(draw_later, maps, svg_only=True)
    try:
        plain = load_scenario(loaded.path, case=loaded.case) if loaded.overlays else loaded.scenario
        siting = site(Loaded(plain, path=loaded.path, case=loaded.case), planned=planned)
    except (ScenarioError, InfeasibleError) as exc:
        problems = getattr(exc, "problems", None) or [str(exc)]
        return None, "No siting analysis: " + "; ".join(str(p) for p in problems), None
    return siting, None, site_map_svg(siting, maps)


def report(
    case: Loaded | Scenario,
    *,
    results: Results | None = None,
    risk: dict[str, Any] | None = None,
    siting: bool = True,
    command: str = "orevalue report",
    sweep: Path | None = None,
    incentives: Design | None = None,
    portfolio: Any | None = None,
) -> Brief:
    """The brief of the case: verdict, pathways, per-tonne waterfall, cash flows, who gets
    each dollar, government revenue, needs, siting (unless ``siting`` is False), risk (the
    summary of :func:`risk`, when given) and every assumption. ``results`` are
    :func:`evaluate`'s when already computed; ``command`` is how to reproduce it; ``sweep``
    is a table ``orevalue sweep`` wrote, whose best and worst points and heat map the brief
    adds (:class:`orevalue.report.brief.sweep.SweepFileError` if it cannot be read);
    ``portfolio`` is :func:`portfolio`'s programme, for the brief's portfolio page."""
    from orevalue.report.brief import BriefInputs, build
    from orevalue.report.sitemap import drawer

    loaded = _loaded(case)
    with drawer(siting) as maps:  # matplotlib imported, the map drawn on a child meanwhile
        results = results if results is not None else evaluate(loaded)
        where, note, svg = brief_siting(loaded, maps) if siting else (None, None, None)
    extra: dict[str, Any] = {}
    if sweep is not None:
        from orevalue.report.brief.sweep import sweep_material

        labels = {name: pw.label for name, pw in loaded.scenario.pathways.items()}
        extra["sweep"] = sweep_material(Path(sweep), labels)
    inputs = BriefInputs(
        results=results,
        risk=plain_json(risk) if risk is not None else None,
        siting=where,
        siting_note=note,
        site=loaded.site,
        regime=loaded.regime,
        command=command,
        map_svg=svg,
        extra=extra,
    )
    if incentives is not None:  # the section "What it would take" (:func:`incentives`)
        from orevalue.incentives.document import design_document

        inputs.extra["incentives"] = design_document(incentives)
    if portfolio is not None:  # the section "The province's programme"
        inputs.extra["portfolio"] = plain_json(portfolio.to_dict())
    html, doc = build(inputs)
    return Brief(html, doc)


# ------------------------------------------------------------------ incentives


def incentives(
    case: Loaded | Scenario,
    levers: str | Path | None = None,
    target_irr_pct: float | None = None,
    min_dscr: float | None = None,
    pathway: str | None = None,
    levels: int = 9,
    n_random: int = 3000,
    max_loss_probability: float | None = None,
    risk_samples: int = 2000,
    progress: Progress | None = None,
) -> Design:
    """The cheapest incentive package that makes ``pathway``'s plant (None: the case's focus
    pathway) bankable (equity IRR at
    least ``target_irr_pct`` % real, minimum DSCR at least ``min_dscr``; None: the lever
    file's targets, else 12 % and 1.3), the Pareto front of public cost against investor NPV
    and each lever's bang for buck. ``levers`` is a lever file laid over data/levers.toml.
    Every package is a sample of one vectorised engine call. With ``max_loss_probability``
    (or the lever file's), the package must also keep P(NPV < 0) at most that on a risk run
    of ``risk_samples``. ``progress`` hears ``("incentives", done, total)`` after each stage
    of the design. Raises :class:`ScenarioError` for a bad lever file or target."""
    import time

    from orevalue.incentives.design import design
    from orevalue.incentives.evaluate import make_setup
    from orevalue.incentives.levers import load_levers, with_targets
    from orevalue.incentives.overlay import package_fields

    start = time.perf_counter()
    table = with_targets(load_levers(levers), target_irr_pct, min_dscr, max_loss_probability)
    scenario = _scenario(case)
    setup = make_setup(scenario, table, pathway or scenario.focus_pathway)
    found = design(setup, levels=levels, n_random=n_random, progress=progress)
    if found.package is not None:
        found.fields = package_fields(setup, list(found.package.values()))
    p_max = table.targets.max_loss_probability
    if p_max is not None:
        from orevalue.incentives.riskcheck import check_loss

        loaded = _loaded(case)

        def variant(overlay: dict[str, Any]) -> Scenario:
            return loaded.variant(Overlay("incentive package", overlay))

        found.risk = check_loss(setup, found, variant, p_max, risk_samples)
        found.targets["max_loss_probability"] = p_max
    found.levers = {k: v.model_dump() for k, v in table.levers.items()}
    found.seconds = time.perf_counter() - start
    return found


def plain_json(item: Any) -> Any:
    """Plain JSON values (NumPy numbers as Python's, NaN and infinities as None): what
    brief.json holds and what both databases' JSON columns accept."""
    import json

    def plain(value: Any) -> Any:
        if hasattr(value, "item"):
            return value.item()
        if hasattr(value, "tolist"):
            return value.tolist()
        raise TypeError(f"not JSON: {type(value).__name__}")

    return json.loads(json.dumps(item, default=plain), parse_constant=lambda _: None)
