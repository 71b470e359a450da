"""The command line starts without the engine: ``orevalue --help`` and every command's
``--help`` run in a fresh interpreter and must not import the numeric stack (NumPy, Numba,
SciPy) nor the scenario schema. A property of the imports, not a timing, so that it holds on a
loaded machine and fails the day a module-level import brings the engine back."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from orevalue import api
from orevalue.cli.common import load_case, uncertainty_problems
from orevalue.scenario import case_files

#: Never imported by the help of the program or of a command.
HEAVY = ("numpy", "numba", "scipy", "orevalue.scenario.schema", "orevalue.engine")

COMMANDS = ("run", "init", "risk", "site", "sweep", "report", "portfolio", "incentives", "serve")

PROBE = """
import json, runpy, sys
sys.argv = ["orevalue", *json.loads(sys.argv[1])]
try:
    runpy.run_module("orevalue", run_name="__main__")
except SystemExit as exc:
    code = exc.code
else:
    code = None
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def _loaded(args: list[str]) -> tuple[object, set[str]]:
    """Exit code and the modules imported by ``orevalue ARGS`` in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["code"], set(report["modules"])


def test_importing_the_cli_imports_no_numeric_stack_nor_pydantic() -> None:
    code = "import json, sys, orevalue.cli; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    modules = set(json.loads(done.stdout))
    assert "orevalue.cli.risk" in modules  # the probe saw the commands being imported
    assert not {*HEAVY, "pydantic"} & modules


def test_program_help_imports_no_numeric_stack_nor_pydantic() -> None:
    code, modules = _loaded(["--help"])
    assert code == 0
    assert "typer" in modules
    assert not {*HEAVY, "pydantic"} & modules


@pytest.mark.parametrize("command", COMMANDS)
def test_command_help_imports_no_engine(command: str) -> None:
    # Typer itself validates the --help flag through pydantic, so pydantic may be loaded here;
    # orevalue's schema (the costly part: about 0.1 s of model building) must not be.
    code, modules = _loaded([command, "--help"])
    assert code == 0
    assert f"orevalue.cli.{command}" in modules
    assert not set(HEAVY) & modules


def test_probe_sees_the_engine_when_a_command_runs(tmp_path: object) -> None:
    # the same probe on a command that evaluates: the heavy modules do show up, so the
    # assertions above can fail
    code, modules = _loaded(["run", "-q", "--out", str(tmp_path)])
    assert code in (0, None)
    assert {"numpy", "orevalue.scenario.schema", "orevalue.engine"} <= modules


def test_run_imports_neither_numba_nor_scipy(tmp_path: object) -> None:
    # one sample's year loops run interpreted (orevalue.jit): loading Numba and its cache
    # cost a deterministic run 0.4 s, SciPy 0.15 s, openpyxl and the brief 0.5 s
    code, modules = _loaded(["run", "-q", "--out", str(tmp_path)])
    assert code in (0, None)
    assert "orevalue.kernels" in modules  # the kernels ran
    assert not {"numba", "scipy", "openpyxl", "orevalue.report.brief"} & modules
    # nothing printed, so no Rich (a tenth of the start) and no risk-only line scan of the file
    assert not {"rich", "rich.console", "orevalue.report.terminal"} & modules


def test_printing_run_and_a_bad_input_still_print(tmp_path: object) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "orevalue", "run", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and "Wrote " in done.stdout
    bad = tmp_path / "bad.toml"  # type: ignore[operator]
    bad.write_text('[uncertainty.inputs]\n"site.powr_usd_per_kwh" = { dist = "fixed" }\n')
    done = subprocess.run(
        [sys.executable, "-m", "orevalue", "run", str(bad), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith(f"{bad}:2: uncertainty.inputs.site.powr_usd_per_kwh")


def test_report_without_siting_imports_no_optimiser_nor_plotting(tmp_path: object) -> None:
    code, modules = _loaded(["report", "-q", "--no-siting", "--out", str(tmp_path)])
    assert code in (0, None)
    assert "orevalue.report.brief" in modules
    assert not {"numba", "scipy", "matplotlib"} & modules


def test_a_latin_hypercube_sweep_imports_no_scipy_stats(tmp_path: Path) -> None:
    vary = ["--vary", "prices.cu_usd_per_t=7000:12000", "--vary", "site.location_factor=0.5:1"]
    code, modules = _loaded(["sweep", *vary, "-n", "40", "-q", "--out", str(tmp_path)])
    assert code in (0, None)
    assert (tmp_path / "balochistan-copper" / "sweep" / "sweep.csv").read_text().count("\n") == 41
    assert "orevalue.sweep.design" in modules
    assert not {m for m in modules if m.startswith("scipy.stats")}


def test_site_draws_its_map_on_a_child_and_without_pyplot(tmp_path: Path) -> None:
    # the command's own process never imports matplotlib: a child forked at its start does
    code, modules = _loaded(["site", "-q", "--out", str(tmp_path)])
    assert code in (0, None)
    assert (tmp_path / "balochistan-copper" / "site" / "map.png").stat().st_size > 0
    assert not {m for m in modules if m.split(".")[0] == "matplotlib"}
    # the map is a Figure on the Agg canvas: pyplot's registry and styles are not needed
    code = (
        "import sys; from orevalue import api; from orevalue.report import sitemap; "
        "sitemap.render(sitemap.map_input(api.site(api.load(), engine_npv=False))); "
        "print('matplotlib.figure' in sys.modules, 'matplotlib.pyplot' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "False"]


@pytest.mark.parametrize("case", sorted(case_files()))
def test_every_embedded_case_passes_the_uncertainty_check(case: str) -> None:
    # why load_case need not check an embedded case as it ships: it passes, as risk checks it
    loaded = api.load(None, case=case)
    assert uncertainty_problems(loaded) == []
    api.risk_spec(loaded)  # risk itself accepts it (no value outside its range either)


def test_a_file_on_an_embedded_case_is_still_checked(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('case = "gold"\n[uncertainty.inputs]\n"site.powr_usd_per_kwh" = { low = 1 }\n')
    [problem] = uncertainty_problems(api.load(bad))
    assert problem.line == 3 and problem.path == "uncertainty.inputs.site.powr_usd_per_kwh"
    with pytest.raises(typer.Exit) as exc:
        load_case(bad)
    assert exc.value.exit_code == 2


def test_run_on_an_embedded_case_skips_the_check(tmp_path: object) -> None:
    code, modules = _loaded(["run", "-q", "--out", str(tmp_path)])
    assert code in (0, None)
    assert "orevalue.risk.spec" not in modules
    code, modules = _loaded(["run", "-q", "--regime", "sez", "--out", str(tmp_path)])
    assert code in (0, None)
    assert "orevalue.risk.spec" in modules  # a preset laid over it: checked
