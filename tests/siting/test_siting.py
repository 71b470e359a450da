"""Tests of the siting programme against answers worked out independently: small networks solved
by hand from the engine's own tonnages, brute-force enumeration of every stage configuration on
random instances, binding capacities, infeasible problems, the default case end to end, and the
engine fed a site's costs through ``orevalue run --site`` giving the programme's margin."""

from __future__ import annotations

import csv
import itertools
import json
from typing import Any

import numpy as np
import pytest
from scipy import sparse
from scipy.optimize import linprog
from typer.testing import CliRunner

import orevalue
from orevalue.cli import app
from orevalue.scenario import ScenarioError
from orevalue.siting import (
    InfeasibleError,
    Options,
    SitesData,
    analyse,
    build_model,
    load_sites,
    model_for,
    site_overlay,
    solve,
)
from orevalue.siting.plan import read_plan
from orevalue.siting.synthetic import random_sites_data
from orevalue.siting.units import unit_economics

RAIL, ROAD = 0.025, 0.055  # USD/t-km used by the hand networks


# ------------------------------------------------------------------ hand-made networks


def _site(lat: float, lon: float, **changes: Any) -> dict[str, Any]:
    site = {
        "label": "",
        "lat": lat,
        "lon": lon,
        "zone": "sez",
        "location_factor": 1.0,
        "wage_premium_pct": 0.0,
        "security_premium_pct": 0.0,
        "security_usd_per_yr": 0.0,
        "fuel_usd_per_gj": 12.0,
        "acid_netback_usd_per_t": 0.0,
        "acid_mode": "road",
        "power": {"grid": {"usd_per_kwh": 0.10}},
        "water": {"line": {"usd_per_m3": 1.0}},
    }
    site.update(changes)
    return site


def _leg(a: str, b: str, mode: str, km: float, **changes: Any) -> dict[str, Any]:
    return {"from": a, "to": b, "mode": mode, "km": km, **changes}


def _data(
    sites: dict[str, Any],
    legs: dict[str, Any],
    sizes: tuple[float, ...] = (100.0,),
    spare_t: float = 50e6,
    **demand: Any,
) -> SitesData:
    return SitesData.model_validate(
        {
            "demand": {"processed_pct": 100.0, "refined_pct": 100.0, "max_sites": 9, **demand},
            "sizes": {"pct_of_nameplate": list(sizes)},
            "economics": {
                "installed_to_average_power": 1.5,
                "train_payload_t": 1000.0,
                "truck_payload_t": 25.0,
                "rail_usd_per_t_km": RAIL,
                "road_usd_per_t_km": ROAD,
            },
            "sites": sites,
            "ports": {
                "P": {"lat": 25.0, "lon": 66.0, "spare_t_per_yr": spare_t, "ocean_extra_pct": 0}
            },
            "sources": {"M": {"feed": "concentrate", "lat": 29.0, "lon": 62.0}},
            "legs": legs,
        }
    )


def _model(scenario, data: SitesData, **options: Any):  # type: ignore[no-untyped-def]
    units = unit_economics(scenario, "concentrate", None, data.sizes.pct_of_nameplate)
    return build_model(data, units, Options(**options))  # no zone taxes


@pytest.fixture(scope="module")
def engine(default_scenario):  # type: ignore[no-untyped-def]
    """Tonnages of the cathode pathway from the engine: wet t smelted, t cathode, kWh, wet t
    of concentrate available."""
    r = orevalue.evaluate(default_scenario, breakeven=False, detail=False)
    feed = default_scenario.feeds["concentrate"]
    return {
        "wmt": r.value("cathode", "country", "freight_feed_to_plant_wet_t_per_yr"),
        "cathode_t": r.value("cathode", "country", "freight_products_to_port_t_per_yr"),
        "kwh": r.value("cathode", "country", "power_gwh_per_yr") * 1e6,
        "supply_wmt": feed.dry_t_per_yr / (1 - feed.moisture_pct / 100),
    }


def _two_sites(price_b: float) -> SitesData:
    return _data(
        {
            "A": _site(28.0, 63.0, power={"grid": {"usd_per_kwh": 0.10}}),
            "B": _site(27.0, 65.0, power={"grid": {"usd_per_kwh": price_b}}),
        },
        {
            "mp": _leg("M", "P", "rail", 1000),
            "ma": _leg("M", "A", "road", 100),
            "ap": _leg("A", "P", "rail", 900),
            "mb": _leg("M", "B", "rail", 500),
            "bp": _leg("B", "P", "rail", 500),
        },
    )


@pytest.mark.parametrize("price_b", [0.12, 0.09, 0.08])
def test_two_sites_by_hand(default_scenario, engine, price_b):
    """Sites alike but for freight and power: the cost difference is worked out by hand."""
    w, c, kwh = engine["wmt"], engine["cathode_t"], engine["kwh"]
    cost_a = w * 100 * ROAD + c * 900 * RAIL + kwh * 0.10
    cost_b = w * 500 * RAIL + c * 500 * RAIL + kwh * price_b
    data = _two_sites(price_b)
    alone = {k: solve(_model(default_scenario, data, sites=(k,))).objective_usd for k in "AB"}
    assert alone["B"] - alone["A"] == pytest.approx(cost_b - cost_a, rel=1e-6)
    best = _model(default_scenario, data)
    plan = read_plan(best, solve(best), solve(_model(default_scenario, data, baseline=True)))
    assert plan.sites == ["A" if cost_a < cost_b else "B"]


def test_baseline_route_and_binding_rail_capacity(default_scenario, engine):
    """Exports only: rail up to its capacity, the rest by road; freight by hand."""
    cap, s = 400_000.0, engine["supply_wmt"]
    data = _data(
        {"A": _site(28.0, 63.0)},
        {
            "rail": _leg("M", "P", "rail", 1000, capacity_t_per_yr=cap),
            "road": _leg("M", "P", "road", 1000),
        },
    )
    model = _model(default_scenario, data, baseline=True)
    sol = solve(model)
    assert sol.components_usd["freight"] == pytest.approx(
        cap * 1000 * RAIL + (s - cap) * 1000 * ROAD, rel=1e-9
    )
    plan = read_plan(model, sol, sol)
    rail = next(u for u in plan.legs if u.leg == "rail")
    assert rail.use_pct == pytest.approx(100.0)
    assert rail.vehicles_per_day == pytest.approx(cap / 1000 / 365)


def _capital_factor(rate: float, shares: list[float], years: int) -> float:
    """Capex carried to the end of the last build year, then recovered as an annuity over
    the operating years that follow (so its NPV is zero): by hand."""
    build = len(shares)
    grown = sum(sh * (1 + rate) ** (build - 1 - t) for t, sh in enumerate(shares))
    return grown / ((1 - (1 + rate) ** -years) / rate)


@pytest.mark.parametrize("factor", [0.9, 1.1])
def test_upgrade_is_built_when_it_pays(default_scenario, engine, factor):
    """A rail upgrade is worth the road freight it saves; below that capex it is built."""
    cap, s = 400_000.0, engine["supply_wmt"]
    project = default_scenario.project
    cf = _capital_factor(
        project.discount_rate_pct / 100,
        [x / 100 for x in project.construction_spend_pct],
        project.operating_years,
    )
    threshold = (s - cap) * 1000 * (ROAD - RAIL) / cf
    data = _data(
        {"A": _site(28.0, 63.0)},
        {
            "rail": _leg(
                "M",
                "P",
                "rail",
                1000,
                capacity_t_per_yr=cap,
                upgrade_capex_usd=factor * threshold,
                upgrade_capacity_t_per_yr=2e6,
            ),
            "road": _leg("M", "P", "road", 1000),
        },
    )
    model = _model(default_scenario, data, baseline=True)
    sol = solve(model)
    upgraded = sol.x[model.blocks["leg_up"].idx()][0] > 0.5
    assert upgraded == (factor < 1)
    expected = s * 1000 * RAIL + threshold * factor * cf if upgraded else None
    if expected is not None:
        assert sol.objective_usd == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize(("processed", "size"), [(40.0, 50.0), (60.0, 100.0)])
def test_smallest_size_that_fits_is_built(default_scenario, processed, size):
    """Half the nameplate at steady utilisation holds 40 % of the throughput, not 60 %."""
    s = default_scenario
    target = min(s.feeds["concentrate"].dry_t_per_yr, s.project.nameplate_conc_dmt_per_yr * 0.92)
    assert (0.5 * s.project.nameplate_conc_dmt_per_yr * 0.92 >= processed / 100 * target) == (
        size == 50.0
    )
    data = _data(
        {"A": _site(28.0, 63.0)},
        {"ma": _leg("M", "A", "rail", 100), "ap": _leg("A", "P", "rail", 100)},
        sizes=(50.0, 100.0),
        processed_pct=processed,
    )
    model = _model(s, data)
    plan = read_plan(model, solve(model), solve(_model(s, data, baseline=True)))
    assert {st.stage: st.size_pct for st in plan.stages} == {"smelter": size, "refinery": size}
    # demand is a floor: a plant whose cash margin is positive runs full
    full = min(
        s.feeds["concentrate"].dry_t_per_yr, size / 100 * s.project.nameplate_conc_dmt_per_yr * 0.92
    )
    assert plan.conc_processed_dmt_per_yr == pytest.approx(full)
    assert plan.conc_processed_dmt_per_yr >= processed / 100 * target


# ------------------------------------------------------------------ brute force


def _lp_with(model, fixed: dict[int, float]) -> float | None:  # type: ignore[no-untyped-def]
    """The programme as an LP with some variables fixed; None if infeasible."""
    lb, ub = model.lb.copy(), model.ub.copy()
    for i, v in fixed.items():
        lb[i] = ub[i] = v
    a = sparse.csr_matrix(model.a.toarray())
    eq = model.row_lb == model.row_ub
    up = np.isfinite(model.row_ub) & ~eq
    lo = np.isfinite(model.row_lb) & ~eq
    a_ub = sparse.vstack([a[up], -a[lo]])
    b_ub = np.concatenate([model.row_ub[up], -model.row_lb[lo]])
    res = linprog(
        model.objective() * 1e-6,
        A_ub=a_ub,
        b_ub=b_ub,
        A_eq=a[eq],
        b_eq=model.row_lb[eq],
        bounds=np.column_stack([lb, ub]),
        method="highs",
    )
    return float(model.objective() @ res.x) if res.status == 0 else None


@pytest.mark.parametrize("seed", range(4))
def test_milp_equals_brute_force(default_scenario, seed):
    """Every choice of stage and size at every site, each solved as an LP: the MILP finds the
    cheapest."""
    data = random_sites_data(
        2, n_sizes=2, n_power=3, seed=seed, fixed_capex=False, build_legs=False
    )
    data = data.model_copy(
        update={"demand": data.demand.model_copy(update={"processed_pct": 70.0})}
    )
    model = model_for(default_scenario, data)
    best = solve(model).objective_usd
    build, opened = model.blocks["build"].idx(), model.blocks["open"].idx()
    n_k, _, n_z = build.shape
    values = []
    for choice in itertools.product(range(n_z + 1), repeat=2 * n_k):  # 0: none, z + 1: size z
        pick = np.array(choice).reshape(n_k, 2)
        fixed = {int(i): 0.0 for i in build.ravel()}
        fixed.update(
            {
                int(build[k, g, pick[k, g] - 1]): 1.0
                for k in range(n_k)
                for g in range(2)
                if pick[k, g]
            }
        )
        fixed.update({int(opened[k]): float(pick[k].any()) for k in range(n_k)})
        value = _lp_with(model, fixed)
        if value is not None:
            values.append(value)
    assert values, "no feasible configuration"
    assert best == pytest.approx(min(values), rel=1e-7, abs=1.0)


def test_random_instances_solve_and_read(default_scenario):
    """A mid-sized random network: the plan's stages cover its throughput, capacities hold."""
    data = random_sites_data(12, n_sizes=3, n_power=3, seed=7)
    model = model_for(default_scenario, data)
    sol = solve(model)
    plan = read_plan(model, sol, solve(model_for(default_scenario, data, Options(baseline=True))))
    util = model.units.utilisation
    units = model.units
    assert units.conc_target_dmt_per_yr * (1 - 1e-9) <= plan.conc_processed_dmt_per_yr
    assert plan.conc_processed_dmt_per_yr <= units.conc_available_dmt_per_yr * (1 + 1e-9)
    for st in plan.stages:
        assert st.throughput_t_per_yr <= util * st.nameplate_t_per_yr * (1 + 1e-9)
    for use in plan.legs:
        assert use.total_t_per_yr <= use.capacity_t_per_yr * (1 + 1e-9)


# ------------------------------------------------------------------ infeasible problems


def test_infeasible_power_names_the_limit(default_scenario):
    data = _data(
        {"A": _site(28.0, 63.0, power={"grid": {"usd_per_kwh": 0.1, "max_mw": 5.0}})},
        {"ma": _leg("M", "A", "rail", 100), "ap": _leg("A", "P", "rail", 100)},
    )
    with pytest.raises(InfeasibleError) as caught:
        solve(_model(default_scenario, data))
    (problem,) = caught.value.problems
    assert problem.path == "sites.A.power.grid.max_mw"
    assert "at most 5 MW" in problem.message and "MW more" in problem.message


def test_infeasible_port_names_the_port(default_scenario):
    data = _data(
        {"A": _site(28.0, 63.0)},
        {"mp": _leg("M", "P", "rail", 1000)},
        spare_t=100_000.0,
    )
    with pytest.raises(InfeasibleError) as caught:
        solve(_model(default_scenario, data, baseline=True))
    assert [p.path for p in caught.value.problems] == ["ports.P.spare_t_per_yr"]


def test_infeasible_size_with_one_site(default_scenario):
    data = _data(
        {"A": _site(28.0, 63.0), "B": _site(27.0, 64.0)},
        {
            "ma": _leg("M", "A", "rail", 100),
            "ap": _leg("A", "P", "rail", 100),
            "mb": _leg("M", "B", "rail", 100),
            "bp": _leg("B", "P", "rail", 100),
        },
        sizes=(25.0, 50.0),
        max_sites=1,
    )
    with pytest.raises(InfeasibleError) as caught:
        solve(_model(default_scenario, data))
    paths = {p.path for p in caught.value.problems}
    assert paths == {"sizes.pct_of_nameplate"}
    # two sites may share the work
    solve(_model(default_scenario, data, max_sites=2))


# ------------------------------------------------------------------ the default case


@pytest.fixture(scope="module")
def default_siting(default_scenario):  # type: ignore[no-untyped-def]
    return analyse(default_scenario, load_sites())


def test_default_ranking_and_plan(default_siting):
    siting = default_siting
    data = siting.data
    assert {r.key for r in siting.ranking} == set(data.sites)
    margins = [r.plan.margin_usd_per_yr for r in siting.ranking if r.plan]
    assert margins == sorted(margins, reverse=True)
    # the best plan over all sites is at least as good as any site alone
    assert siting.best.margin_usd_per_yr >= margins[0] - 1.0
    plan = siting.best
    assert plan.refined_t_per_yr > 0
    # cost breakdown adds up to the margin
    assert -sum(plan.components_usd_per_yr.values()) == pytest.approx(plan.margin_usd_per_yr)
    assert plan.product_t_per_yr == pytest.approx(plan.refined_t_per_yr)
    assert sum(plan.per_t_product.values()) * plan.product_t_per_yr == pytest.approx(
        -plan.margin_usd_per_yr
    )
    # power and water supplied match the need of the tonnes processed
    units = siting.best_model.units
    mwh = sum(s.energy_per_yr for s in plan.supplies if s.resource == "power") * 1000
    smelted = plan.conc_processed_dmt_per_yr / (1 - units.moisture_frac)
    need = (
        smelted * units.smelter_use.power_mwh
        + plan.anode_t_per_yr * units.refinery_use_anode.power_mwh
    )
    assert mwh == pytest.approx(need, rel=1e-6)
    assert plan.power_peak_mw == pytest.approx(
        plan.power_mw * data.economics.installed_to_average_power
    )
    json.dumps(siting.to_dict(), allow_nan=False)


def test_run_site_gives_the_programmes_margin(default_scenario, tmp_path):
    """The engine fed a site's costs (orevalue run --site) finds the programme's margin, site by
    site, once taxes that the screen treats linearly are set aside, and residue handling,
    which the screen does not cost (slag, lime and gypsum at no cost here)."""
    case = tmp_path / "no-turnover-taxes.toml"
    case.write_text(
        'name = "x"\n[fiscal]\ncustoms_duty_capital_goods_pct = 0.0\n'
        "minimum_tax_pct_of_turnover = 0.0\n[residues]\nslag_freight_usd_per_t = 0.0\n"
        "slag_disposal_usd_per_t = 0.0\nlime_usd_per_t = 0.0\ngypsum_disposal_usd_per_t = 0.0\n",
        encoding="utf-8",
    )
    scenario = orevalue.load(case)
    data = load_sites()
    baseline = solve(model_for(scenario, data, Options(baseline=True)))
    for key in ("port-qasim", "gwadar", "saindak"):
        model = model_for(scenario, data, Options(sites=(key,)))
        plan = read_plan(model, solve(model), baseline)
        overlay = site_overlay(key, scenario)
        result = orevalue.evaluate(
            orevalue.load(case, overlays=(overlay,)), breakeven=False, detail=False
        )
        path = result.pathways["cathode"]
        engine_margin = (
            path.margin_usd_per_t["margin_after_capital"][0] * path.plant["product_cu_t_per_yr"][0]
        )
        screen = plan.plant_margin_usd_per_yr + plan.components_usd_per_yr["taxes"]
        assert engine_margin == pytest.approx(screen, rel=1e-6), key


def test_site_names_and_unknown_site():
    data = load_sites()
    from orevalue.siting import resolve_site

    assert resolve_site(data, "Port Qasim") == "port-qasim"
    assert resolve_site(data, "QUETTA") == "bostan"
    with pytest.raises(ScenarioError) as caught:
        resolve_site(data, "atlantis")
    (problem,) = caught.value.problems
    assert "known sites: " in str(problem) and all(k in str(problem) for k in data.sites)


def test_bad_sites_file_names_file_line_and_field(tmp_path):
    bad = tmp_path / "sites.toml"
    bad.write_text("[sites.gwadar]\nlocation_factor = -1\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_sites(bad)
    (problem,) = caught.value.problems
    assert str(problem).startswith(f"{bad}:2: sites.gwadar.location_factor: got -1; must be > 0.0")
    bad.write_text(
        '[legs.x]\nfrom = "nowhere"\nto = "hub"\nmode = "rail"\nkm = 5\n', encoding="utf-8"
    )
    with pytest.raises(ScenarioError) as caught:
        load_sites(bad)
    (problem,) = caught.value.problems
    assert problem.path == "legs.x.from" and problem.line == 2
    assert "no node named 'nowhere'" in problem.message


# ------------------------------------------------------------------ command line

runner = CliRunner()


def test_site_command_writes_ranking_plan_and_map(tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["site", "--out", str(out)])
    assert result.exit_code == 0, result.output
    folder = out / orevalue.load().name / "site"
    assert {p.name for p in folder.iterdir()} == {"site.json", "ranking.csv", "map.png", "map.svg"}
    assert (folder / "map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in (folder / "map.svg").read_text(encoding="utf-8")
    rows = list(csv.DictReader((folder / "ranking.csv").open(encoding="utf-8")))
    assert len(rows) == len(load_sites().sites)
    report = json.loads((folder / "site.json").read_text(encoding="utf-8"))
    assert report["best"]["stages"]
    for text in ("Where to build", "Optimal plan", "Traffic on each leg", "who pays"):
        assert text in result.stdout


def test_run_with_unknown_site_exits_2_with_one_line(tmp_path):
    result = runner.invoke(app, ["run", "--site", "atlantis", "--out", str(tmp_path), "-q"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "atlantis" in lines[0] and "port-qasim" in lines[0]


def test_run_with_site_moves_the_answer(tmp_path):
    npv = {}
    for site in ("gwadar", "port-qasim"):
        result = runner.invoke(app, ["run", "--site", site, "--out", str(tmp_path), "-q"])
        assert result.exit_code == 0, result.output
        saved = json.loads(
            (tmp_path / f"{orevalue.load().name}-{site}" / "results.json").read_text()
        )
        npv[site] = saved["pathways"]["cathode"]["plant"]["npv_usd"]
        power = saved["inputs"]["site.power_usd_per_kwh"]
        assert power["tag"] == "D" and f"orevalue site plan for {site}" in power["source"]
    assert npv["port-qasim"] > npv["gwadar"]


def test_without_demand_nothing_is_built_when_no_site_pays(default_scenario):
    siting = analyse(default_scenario, load_sites(), Options(processed_pct=0.0, refined_pct=0.0))
    forced = [r.plan for r in siting.ranking]
    assert all(p is not None and p.stages for p in forced)  # each site made to host the plant
    assert all(p.margin_usd_per_yr < 0 for p in forced)  # no site pays on the default case
    assert siting.best.stages == []
    assert siting.best.margin_usd_per_yr == pytest.approx(0.0, abs=1.0)
