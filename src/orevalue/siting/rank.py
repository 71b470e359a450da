"""The siting analysis: the best plan over all sites, every site ranked on its own, and the
overlay that carries a site's costs into ``orevalue run --site``.

Siting works on the scenario object it is given and never evaluates it: the after-tax NPV of
a site's costs comes from the function the caller passes in (:func:`orevalue.api.site_npvs`).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from orevalue.forks import can_fork
from orevalue.risk.workers import default_workers
from orevalue.scenario import Overlay, Scenario, ScenarioError
from orevalue.siting.data import SitesData, load_sites, resolve_site
from orevalue.siting.model import ANODE, CONC, PRODUCT, Model, Options, build_model, model_for
from orevalue.siting.plan import (
    Plan,
    conc_freight_usd,
    dominant_mode,
    imports_landed_usd,
    product_freight_usd_per_t,
    read_plan,
    smelted_wmt,
)
from orevalue.siting.solve import InfeasibleError, Solution, solve

#: After-tax plant NPVs (USD) of several sites at once: for each (overlay, regime) pair, the
#: scenario with the site's overlay laid over it, taxed under the regime named (the site's
#: zone's), as the full engine computes it (:func:`orevalue.api.site_npvs`).
NpvFunction = Callable[[Sequence[tuple[Overlay, str]]], list[float]]

SITE_FIELDS = (
    "location_factor",
    "wage_premium_pct",
    "security_premium_pct",
    "security_usd_per_yr",
    "fuel_usd_per_gj",
    "acid_netback_usd_per_t",
)


def npv_key(product: str) -> str:
    """Key of a site's engine NPV in site.json's ranking: ``npv_<product>_usd``, the plant
    that makes the refined product (the focus pathway's)."""
    return f"npv_{product}_usd"


@dataclass
class SiteRank:
    """One site hosting every stage on its own: its plan, or why it cannot."""

    key: str
    label: str
    zone: str
    plan: Plan | None
    problems: list[str]
    overlay: Overlay | None = None
    npv_usd: float | None = None  # engine NPV after tax: site costs, zone's regime

    @property
    def feasible(self) -> bool:
        return self.plan is not None


@dataclass
class Siting:
    """Everything ``orevalue site`` reports."""

    scenario: str
    options: Options
    best: Plan
    best_model: Model
    best_solution: Solution
    baseline: Solution
    ranking: list[SiteRank]
    data: SitesData
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain values for site.json."""
        return {
            "scenario": self.scenario,
            "objective": self.options.objective,
            "steady_year": self.best_model.units.year,
            "best": self.best.to_dict(),
            "ranking": [
                {
                    "site": r.key,
                    "label": r.label,
                    "zone": r.zone,
                    "feasible": r.feasible,
                    "problems": r.problems,
                    npv_key(self.best.refined_product): r.npv_usd,
                    "plan": r.plan.to_dict() if r.plan else None,
                    "overlay": r.overlay.values if r.overlay else None,
                }
                for r in self.ranking
            ],
            "notes": self.notes,
            "inputs": {
                "file": self.data.source_file,
                "provenance": self.data.provenance,
                "zone_taxes": {
                    k: {
                        "regime": t.regime,
                        "turnover_pct": t.turnover_pct,
                        "duty_pct": t.duty_pct,
                        "note": t.note,
                    }
                    for k, t in zip(self.best_model.sites, self.best_model.zone_taxes, strict=True)
                },
            },
        }


def _with(model: Model, options: Options) -> Model:
    return build_model(model.data, model.units, options, model.zone_taxes)


def overlay_for(model: Model, sol: Solution, baseline: Solution, key: str) -> Overlay:
    """The ``[site]`` values of a single-site plan, for ``orevalue run --site``.

    Power and water are priced per kWh and m³ at what the plant pays for the plan's mix (energy
    plus the capital charge of plant-paid capex); freights are the network's. Fiscal values are
    not set: the zone's regime is data for the fiscal presets.
    """
    data = model.data
    s = data.sites[key]
    prov = data.provenance
    plan = read_plan(model, sol, baseline)
    parts = sol.components_usd
    power_kwh = sum(p.energy_per_yr for p in plan.supplies if p.resource == "power") * 1e6
    water_m3 = sum(p.energy_per_yr for p in plan.supplies if p.resource == "water")
    mix = ", ".join(f"{p.option} {p.amount:.1f} MW" for p in plan.supplies if p.resource == "power")
    wmix = ", ".join(
        f"{p.option} {p.amount:,.0f} m³/d" for p in plan.supplies if p.resource == "water"
    )
    # the freight the site saves the mine per wet tonne smelted, such that the engine's
    # freight totals equal the programme's; negative for a site farther from the mine than
    # the export port
    smelted = smelted_wmt(model, sol)
    saved = conc_freight_usd(model, baseline) - conc_freight_usd(model, sol)
    if model.units.single:  # the engine's feed of one group is the blend, imports included
        saved -= imports_landed_usd(model, sol) - imports_landed_usd(model, baseline)
    saving = saved / smelted if smelted > 0 else 0.0
    product = product_freight_usd_per_t(model, sol)
    here = f"orevalue site plan for {key} ({data.source_file})"
    product_note = (
        f"{here}: metal site to port {product:.2f} USD/t incl. the port's extra ocean freight"
    )

    def sourced(value: Any, source: str, tag: str = "D") -> dict[str, Any]:
        return {"value": value, "source": source, "tag": tag}

    values: dict[str, Any] = {
        "name": sourced(s.label, here, "E"),
        "power_usd_per_kwh": sourced(
            parts["power"] / power_kwh if power_kwh else 0.0,
            f"{here}: {mix}; energy plus capital charge of plant-paid capex",
        ),
        "water_usd_per_m3": sourced(
            parts["water"] / water_m3 if water_m3 else 0.0,
            f"{here}: {wmix}; running cost plus capital charge of plant-paid capex",
        ),
        "conc_freight_site_to_port_usd_per_wmt": sourced(
            saving,
            f"{here}: concentrate freight to the export port less that to the site, per wmt",
        ),
        "product_freight_site_to_port_usd_per_t": sourced(product, product_note),
        "feed_mode": sourced(dominant_mode(model, sol, CONC) or "road", here),
        "product_mode": sourced(
            dominant_mode(model, sol, PRODUCT) or dominant_mode(model, sol, ANODE) or "road", here
        ),
        "acid_mode": sourced(
            s.acid_mode, prov.get(f"sites.{key}.acid_mode", {}).get("source", here), "E"
        ),
    }
    for name in SITE_FIELDS:
        meta = prov.get(f"sites.{key}.{name}", {})
        values[name] = {"value": getattr(s, name), **meta} if meta else getattr(s, name)
    tables: dict[str, Any] = {"site": values}
    if model.units.single and model.units.feed_landed_usd_per_wmt:
        tables["feeds"] = _imported_feeds(model, saving, here)
    return Overlay(label=f"site preset {key}", values=tables)


def _imported_feeds(model: Model, saving: float, here: str) -> dict[str, Any]:
    """The landed freight of each feed the case imports, USD/wmt: what the plan pays for the
    feed it ships over its FOB value, less the ocean leg the feed's CIF China value holds."""
    landed = -saving - model.units.ocean_conc_usd_per_wmt
    note = f"{here}: import cost over FOB plus the haul to the site, less the ocean leg, per wmt"
    return {
        f: {"landed_freight_usd_per_wmt": {"value": landed, "source": note, "tag": "D"}}
        for f in model.units.feed_landed_usd_per_wmt
    }


#: Fewest programmes worth solving on more than one process (forking costs ~10 ms a worker).
PARALLEL_FROM = 12
#: The model and the baseline a forked worker solves its single-site plans against.
_SHARED: tuple[Model, Solution] | None = None


def workers_for(jobs: int, workers: int | None = None) -> int:
    """Processes to solve ``jobs`` programmes on: ``workers`` if given, else every CPU this
    process may use (at most 8) from :data:`PARALLEL_FROM` programmes on; one where forking
    is unsafe (:func:`can_fork`)."""
    if workers is None:
        workers = default_workers() if jobs >= PARALLEL_FROM else 1
    return max(1, min(workers, jobs)) if can_fork() else 1


def _solve_job(key: str | None) -> Solution | SiteRank | tuple[type, list]:
    """One programme of the analysis (in a worker or not): the best plan over all sites
    (``key`` None) or site ``key`` alone; an error as (its class, its problems), which the
    parent raises (a ScenarioError does not survive pickling)."""
    assert _SHARED is not None
    model, baseline = _SHARED
    try:
        if key is None:
            return solve(model)
        site = model.data.sites[key]
        options = replace(model.options, sites=(key,), max_sites=None, force=True)
        single = _with(model, options)
        try:
            sol = solve(single)
        except InfeasibleError as exc:
            return SiteRank(key, site.label, site.zone, None, [str(p) for p in exc.problems])
        rank = SiteRank(key, site.label, site.zone, read_plan(single, sol, baseline), [])
        rank.overlay = overlay_for(single, sol, baseline, key)
        return rank
    except ScenarioError as exc:
        return (type(exc), exc.problems)


def _solve_all(model: Model, baseline: Solution, keys: list[str | None], workers: int) -> list:
    """:func:`_solve_job` of every key, in order, on ``workers`` forked processes (each
    programme on one; HiGHS is deterministic, so the plans are those of one process)."""
    global _SHARED
    _SHARED = (model, baseline)
    try:
        if workers <= 1:
            return [_solve_job(k) for k in keys]
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return pool.map(_solve_job, keys, chunksize=1)
    finally:
        _SHARED = None


def analyse(
    scenario: Scenario,
    data: SitesData,
    options: Options | None = None,
    npv: NpvFunction | None = None,
    workers: int | None = None,
    planned: Callable[[Siting], object] | None = None,
) -> Siting:
    """Best plan over all sites, and each site alone ranked by its margin (best first).

    ``npv``, when given, values every feasible site's costs (its overlay, under its zone's
    regime) with the full engine, in one call: the NPV after tax of the ranking. The
    programmes (the best plan and one per site) are solved on ``workers`` processes
    (:func:`workers_for`). ``planned``, when given, is called with the analysis once its
    plans are solved and ranked, before the sites are valued (the map, which shows no NPV,
    can be drawn meanwhile). Raises :class:`InfeasibleError` when no plan over all sites
    meets the constraints.
    """
    options = options or Options()
    model = model_for(scenario, data, options)
    base_model = _with(model, replace(options, baseline=True, sites=None))
    baseline = solve(base_model)
    keys: list[str | None] = [None, *data.sites]  # the longest programme first
    done = _solve_all(model, baseline, keys, workers_for(len(keys), workers))
    for item in done:
        if isinstance(item, tuple):
            raise item[0](item[1])
    best_sol, ranking = done[0], done[1:]
    best = read_plan(model, best_sol, baseline)
    ranking.sort(key=lambda r: -r.plan.margin_usd_per_yr if r.plan else float("inf"))
    notes = [
        "Taxes in the screen: turnover taxes (EPZ presumptive tax, or minimum tax outside a "
        "holiday), plant royalty and duty on imported plant, from the zone's regime preset; "
        "income tax on profit is in orevalue run."
    ]
    siting = Siting(scenario.name, options, best, model, best_sol, baseline, ranking, data, notes)
    if planned is not None:
        planned(siting)
    if npv is not None:  # one call, so that the engine values the sites in batches
        valued = [r for r in done[1:] if r.overlay is not None]  # in the sites' order
        for r, value in zip(valued, npv([(r.overlay, r.zone) for r in valued]), strict=True):
            r.npv_usd = value
    return siting


def site_overlay(name: str, scenario: Scenario, data: SitesData | None = None) -> Overlay:
    """The overlay for ``orevalue run --site NAME`` on ``scenario``: the site hosting every
    stage, its power, water and routes chosen by the programme, its costs as ``[site]``
    values. ``data`` defaults to the embedded sites.

    Raises :class:`ScenarioError` for an unknown site (one line naming the known ones) or a
    site that cannot host the plant (naming the constraint that cannot be met).
    """
    data = data if data is not None else load_sites()
    key = resolve_site(data, name)
    model = model_for(scenario, data, Options(sites=(key,), max_sites=None, force=True))
    baseline = solve(_with(model, replace(model.options, baseline=True, sites=None)))
    try:
        sol = solve(model)
    except InfeasibleError as exc:
        raise ScenarioError(exc.problems) from None
    return overlay_for(model, sol, baseline, key)
