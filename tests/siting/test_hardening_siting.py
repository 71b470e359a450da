"""``orevalue site`` on scenarios ``run`` accepts: every failure of the optimiser is an explained
problem with exit code 2, never a SciPy ValueError or "HiGHS stopped without a plan" traceback
(issue 11)."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import orevalue
from orevalue.scenario import ScenarioError
from orevalue.siting import analyse, load_sites, model_for, solve
from orevalue.siting.solve import InfeasibleError, SolverError

solve_module = importlib.import_module("orevalue.siting.solve")

SCENARIOS = {  # case: (file, a field the message asks to check)
    # each crashed before: ValueError (costs not finite) or HiGHS status 15 (no plan)
    "wage": ("[labour.wage_usd_per_month]\noperator = 1e308\n", "labour.*"),
    "capacity_ref": (
        "[stages.smelter]\ncapacity_ref_t_per_yr = 1e-300\n",
        "stages.*.capacity_ref_t_per_yr",
    ),
    "copper_price": ("[prices.cu_usd_per_t]\n2030 = 1e200\n", "prices.*"),
    # infeasible, and said no more than "no plan meets the constraints"
    "nameplate": (
        "[project]\nnameplate_conc_dmt_per_yr = 1e300\n",
        "project.nameplate_conc_dmt_per_yr",
    ),
}

SITES = {
    "power_price": ("[sites.saindak]\npower.captive.usd_per_kwh = 1e308\n", "power.captive"),
    "security": ("[sites.saindak]\nsecurity_usd_per_yr = 1e308\n", "security_usd_per_yr"),
    "water_capex": (
        "[sites.saindak]\nwater.groundwater.capex_usd_per_m3_per_day = 1e308\n",
        "water.groundwater.capex_usd_per_m3_per_day",
    ),
    "rail": ("[economics]\nrail_usd_per_t_km = 1e300\n", "economics.rail_usd_per_t_km"),
}


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    src = str(Path(__file__).resolve().parents[2] / "src")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    return subprocess.run(
        [sys.executable, "-m", "orevalue", "site", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def _set(item: Any, parts: list[Any], value: Any) -> Any:
    """``item`` with the leaf at ``parts`` set to ``value``, past the schema's bounds."""
    if not parts:
        return value
    head, rest = parts[0], parts[1:]
    if isinstance(item, dict):
        key = int(head) if isinstance(next(iter(item), None), int) else head
        return {**item, key: _set(item.get(key), rest, value)}
    return item.model_copy(update={head: _set(getattr(item, head), rest, value)})


def _extreme(text: str) -> Any:
    """The default case with the one value of ``text`` laid in as it is: the schema's
    ranges refuse such values at load now; siting must still explain them if they come."""
    values = tomllib.loads(text)
    parts: list[Any] = []
    while isinstance(values, dict):
        (key, values), *_ = values.items()
        parts.append(key)
    return _set(orevalue.load(), parts, values)


@pytest.mark.parametrize("case", SCENARIOS, ids=list(SCENARIOS))
def test_extreme_scenario_values_are_explained(case: str, tmp_path: Path) -> None:
    text, field = SCENARIOS[case]
    path = tmp_path / f"{case}.toml"
    path.write_text(text)
    with pytest.raises(ScenarioError):  # refused by the schema's ranges at load
        orevalue.load(path)
    scenario = _extreme(text)
    with pytest.raises(ScenarioError) as exc:
        analyse(scenario, load_sites(None))
    assert isinstance(exc.value, SolverError | InfeasibleError)
    (problem,) = exc.value.problems
    assert str(problem).startswith("the scenario: its values make siting figures far outside")
    assert f"check {field}" in str(problem) or f", {field}" in str(problem)


@pytest.mark.parametrize("case", SITES, ids=list(SITES))
def test_extreme_sites_values_are_named_by_file_line_and_field(case: str, tmp_path: Path) -> None:
    text, field = SITES[case]
    path = tmp_path / f"{case}.sites.toml"
    path.write_text(text)
    with pytest.raises(SolverError) as exc:
        analyse(orevalue.load(), load_sites(path))
    (problem,) = exc.value.problems
    assert problem.file == str(path) and problem.line == 2 and field in problem.path
    assert "far outside any physical size" in problem.message


def test_zero_capacities_and_sites_without_power_still_plan(tmp_path: Path) -> None:
    path = tmp_path / "no-power.sites.toml"
    path.write_text(
        "[sites.saindak]\npower.captive.max_mw = 0.0\npower.solar.max_mw = 0.0\n"
        "power.grid.max_mw = 0.0\n"
    )
    siting = analyse(orevalue.load(), load_sites(path))
    assert siting.ranking


def test_numbers_the_optimiser_cannot_take_are_refused_before_solving(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    model = model_for(orevalue.load(), load_sites(None))
    model.components["labour"] = np.full(model.n_vars, np.nan)

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("solved a programme HiGHS cannot take")

    monkeypatch.setattr(solve_module, "_run", never)
    with pytest.raises(SolverError) as exc:
        solve(model)
    (problem,) = exc.value.problems
    assert problem.file == "sites.toml"
    assert problem.message.startswith("the siting plan's labour costs are not finite or too")


def test_a_solver_stop_without_a_plan_says_what_it_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    model = model_for(orevalue.load(), load_sites(None))
    stopped = solve_module.Outcome(False, None, "HiGHS Status 15: model_status is Unknown")
    monkeypatch.setattr(solve_module, "_run", lambda *a, **k: stopped)
    with pytest.raises(SolverError) as exc:
        solve(model)
    (problem,) = exc.value.problems
    assert "stopped without a plan (HiGHS Status 15: model_status is Unknown)" in str(problem)
    assert "check the scenario's and the sites file's values" in str(problem)


def test_the_cli_says_it_in_one_line_with_exit_2(tmp_path: Path) -> None:
    # (the wage case also prints NumPy's overflow warnings, from the engine's costs)
    scenario = tmp_path / "capacity.toml"
    scenario.write_text(SCENARIOS["capacity_ref"][0])
    out = tmp_path / "out"
    done = _cli(str(scenario), "--out", str(out), "--no-map", "-q")
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr
    # refused at load by the field's range, before siting
    assert done.stderr.startswith(f"{scenario}:2: stages.smelter.capacity_ref_t_per_yr: got")
    sites = tmp_path / "security.sites.toml"
    sites.write_text(SITES["security"][0])
    done = _cli("--sites", str(sites), "--out", str(out), "--no-map", "-q")
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [
        f"{sites}:2: sites.saindak.security_usd_per_yr: got 1e+308, far outside any "
        "physical size: the siting optimiser cannot work with it; give a value of the size the "
        "field's description says"
    ]
    assert not out.exists()


def test_run_with_a_site_preset_says_it_too(tmp_path: Path) -> None:
    scenario = tmp_path / "capacity.toml"
    scenario.write_text(SCENARIOS["capacity_ref"][0])
    out = tmp_path / "out"
    src = str(Path(__file__).resolve().parents[2] / "src")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    args = ["run", str(scenario), "--site", "saindak", "--out", str(out)]
    done = subprocess.run(
        [sys.executable, "-m", "orevalue", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr
    assert "stages.smelter.capacity_ref_t_per_yr: got 1e-300; must be >= 1" in done.stderr
    assert not out.exists()


#: A sites file with a value of the wrong type: (file text, line, field, expected). Before,
#: true was read as 1, "8" as 8.0 and "yes" switched a source on.
WRONG_TYPES = {
    "bool_security": (
        "[sites.saindak]\nsecurity_usd_per_yr = true\n",
        2,
        "sites.saindak.security_usd_per_yr",
        "got True; expected a number",
    ),
    "text_rail_rate": (
        '[economics]\nrail_usd_per_t_km = "8"\n',
        2,
        "economics.rail_usd_per_t_km",
        "got '8'; expected a number",
    ),
    "text_leg_km": (
        '[legs.saindak-nokkundi-rail]\nkm = "8"\n',
        2,
        "legs.saindak-nokkundi-rail.km",
        "got '8'; expected a number",
    ),
    "inf_fuel": (  # an infinite price plans nothing
        "[sites.saindak]\nfuel_usd_per_gj = inf\n",
        2,
        "sites.saindak.fuel_usd_per_gj",
        "got inf; expected a finite number",
    ),
    "yes_enabled": (
        '[sources.reko-diq]\nenabled = "yes"\n',
        2,
        "sources.reko-diq.enabled",
        "got 'yes'; expected true or false",
    ),
}


@pytest.mark.parametrize("case", WRONG_TYPES, ids=list(WRONG_TYPES))
def test_a_wrong_type_in_a_sites_file_is_one_line_exit_2(case: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from orevalue.cli import app

    text, line, field, expected = WRONG_TYPES[case]
    path = tmp_path / f"{case}.sites.toml"
    path.write_text(text)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["site", "--sites", str(path), "--out", str(out), "-q"])
    assert result.exit_code == 2, result.output
    (message,) = result.stderr.splitlines()  # the field's description may follow
    assert message.startswith(f"{path}:{line}: {field}: {expected}"), message
    assert "Traceback" not in result.output and result.stdout == ""
    assert not out.exists()
