"""Tests for the ``orevalue`` command: run, init, results files and bad-input reporting."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

import orevalue
from orevalue.cli import app
from orevalue.template import template_text

runner = CliRunner()


def invoke(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args])


def line_of(text: str, snippet: str) -> int:
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if snippet in line]
    assert len(hits) == 1, f"{snippet!r} found on lines {hits}"
    return hits[0]


def results_of(out: Path, name: str) -> dict:
    return json.loads((out / name / "results.json").read_text(encoding="utf-8"))


def assert_results_folder(folder: Path, results: dict) -> None:
    """results.json, one annual CSV per pathway, the price deck and streams.csv, and no
    temporary files left behind."""
    expected = {
        "results.json",
        "prices.csv",
        "streams.csv",
        *(f"annual_{p}.csv" for p in results["pathways"]),
    }
    assert {p.name for p in folder.iterdir()} == expected
    for name in results["pathways"]:
        rows = (folder / f"annual_{name}.csv").read_text(encoding="utf-8").splitlines()
        assert rows[0].startswith("year,")
        assert len(rows) - 1 == len(results["pathways"][name]["annual"]["year"])


# ------------------------------------------------------------------ run and init


@pytest.fixture(scope="module")
def default_run(tmp_path_factory) -> tuple[Path, object]:
    """``orevalue run`` with no scenario, once for the module."""
    out = tmp_path_factory.mktemp("default") / "out"
    result = invoke("run", "--out", out)
    return out, result


def test_run_without_a_file_evaluates_the_default_case(default_run):
    out, result = default_run
    assert result.exit_code == 0, result.output
    name = orevalue.load().name
    results = results_of(out, name)
    assert_results_folder(out / name, results)
    assert set(results["pathways"]) == set(orevalue.load().pathways)
    assert results["scenario"]["name"] == name
    assert f"to {out / name}/" in result.stdout  # not --quiet: says where it wrote


def test_init_then_run_gives_the_default_results(tmp_path, default_run):
    default_out, _ = default_run
    scenario = tmp_path / "case.toml"
    result = invoke("init", scenario)
    assert result.exit_code == 0, result.output
    assert scenario.read_text(encoding="utf-8") == template_text(str(scenario))

    out = tmp_path / "out"
    result = invoke("run", scenario, "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    name = orevalue.load().name
    mine, default = results_of(out, name), results_of(default_out, name)
    assert_results_folder(out / name, mine)
    assert mine["scenario"]["file"] == str(scenario)
    assert mine["pathways"] == default["pathways"]
    assert mine["verdict"] == default["verdict"]
    # values equal to the default keep the default's sources
    assert mine["inputs"] == default["inputs"]


def test_changed_value_changes_results_and_is_tagged_user(tmp_path, default_run):
    default_out, _ = default_run
    scenario = tmp_path / "rich.toml"
    scenario.write_text("[feeds.concentrate]\ncu_pct = 30\n", encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("run", scenario, "--out", out, "-q")
    assert result.exit_code == 0, result.output
    # a file without a name is named by its stem, so its results do not overwrite the default's
    mine, default = results_of(out, "rich"), results_of(default_out, orevalue.load().name)
    assert mine["inputs"]["feeds.concentrate.cu_pct"] == {
        "value": 30.0,
        "source": "set in rich.toml",
        "tag": "user",
    }
    changed = {k for k in mine["inputs"] if mine["inputs"][k] != default["inputs"][k]}
    assert changed == {"feeds.concentrate.cu_pct", "name"}
    assert mine["pathways"] != default["pathways"]


def test_init_refuses_to_overwrite_without_force(tmp_path):
    scenario = tmp_path / "a-rather-long-folder-name-for-wrapping" / "existing-scenario.toml"
    scenario.parent.mkdir()
    scenario.write_text("# mine\n", encoding="utf-8")
    result = invoke("init", scenario)
    assert result.exit_code == 2
    assert scenario.read_text(encoding="utf-8") == "# mine\n"
    [line] = result.stderr.splitlines()
    assert str(scenario) in line and "--force" in line

    result = invoke("init", scenario, "--force")
    assert result.exit_code == 0, result.output
    assert tomllib.loads(scenario.read_text(encoding="utf-8"))["name"] == orevalue.load().name
    assert [p.name for p in scenario.parent.iterdir()] == [scenario.name]


def test_init_creates_missing_folders(tmp_path):
    scenario = tmp_path / "new" / "folder" / "case.toml"
    result = invoke("init", scenario)
    assert result.exit_code == 0, result.output
    assert scenario.is_file()
    assert f"orevalue run {scenario}" in result.stdout


# ------------------------------------------------------------------ bad input

# (file text, dotted path, snippet on the expected line, texts the line must contain)
BAD = {
    "unknown key": (
        "[project]\ndiscount_rte_pct = 10.0\n",
        "project.discount_rte_pct",
        "discount_rte_pct",
        ["did you mean 'discount_rate_pct'"],
    ),
    "wrong type": (
        "[fiscal]\nloss_carry_forward_years = 7.5\n",
        "fiscal.loss_carry_forward_years",
        "loss_carry_forward_years",
        ["7.5", "whole number"],
    ),
    "recovery above 100": (
        "[stages.pmr]\nsplit.gold = { au = 100.1 }\n",
        "stages.pmr.split.gold.au",
        "split.gold",
        ["100.1", "<= 100"],
    ),
    "recoveries summing above 100": (
        "[stages.smelter.split]\nanode = { s = 50.0 }\noffgas = { s = 60.0 }\n",
        "stages.smelter.split",
        "[stages.smelter.split]",
        ["s recoveries", "110", "at most 100"],
    ),
    "negative tonnage": (
        "[feeds.blister]\ndry_t_per_yr = -1\n",
        "feeds.blister.dry_t_per_yr",
        "dry_t_per_yr",
        ["-1", ">= 0"],
    ),
    "grade above 100": (
        "[feeds.concentrate]\nfe_pct = 100.5\n",
        "feeds.concentrate.fe_pct",
        "fe_pct",
        ["100.5", "<= 100"],
    ),
    "missing stage": (
        '[pathways.anode]\nstages = ["smelter", "acid"]\n',
        "pathways.anode.stages.1",
        "stages =",
        ["no stage named 'acid'", "acid_plant"],
    ),
    "syntax error": (
        "[project]\nstart_year = = 2027\n",
        None,
        "start_year",
        ["TOML"],
    ),
}


def problem_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


@pytest.mark.parametrize("case", BAD.values(), ids=BAD.keys())
def test_bad_input_exits_2_with_one_line_per_problem_and_writes_nothing(tmp_path, case):
    text, path, snippet, hints = case
    scenario = tmp_path / "bad.toml"
    scenario.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("run", scenario, "--out", out)
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    assert not out.exists()
    assert result.stdout == ""
    lines = problem_lines(result.stderr)
    prefix = f"{scenario}:{line_of(text, snippet)}: "
    if path is None:
        [line] = lines
    else:
        [line] = [x for x in lines if x.startswith(f"{prefix}{path}: ")]
    assert line.startswith(prefix)
    for hint in hints:
        assert hint in line
    assert all(x.startswith(f"{scenario}:") for x in lines)
    assert "Traceback" not in result.output


def test_missing_file_exits_2(tmp_path):
    out = tmp_path / "out"
    missing = tmp_path / "nowhere.toml"
    result = invoke("run", missing, "--out", out)
    assert result.exit_code == 2
    assert not out.exists()
    [line] = problem_lines(result.stderr)
    assert line.startswith(f"{missing}: ") and "not found" in line


def test_several_problems_are_all_reported_one_line_each(tmp_path):
    text = (
        "[project]\n"
        "discount_rte_pct = 10.0\n"
        'operating_years = "many"\n'
        "[feeds.concentrate]\n"
        "cu_pct = 120.0\n"
        "dry_t_per_yr = -5.0\n"
        "[stages.smelter]\n"
        "split.anode = { cu = 101.0 }\n"
        "[site]\n"
        "power_usd_per_kwh = -0.1\n"
    )
    scenario = tmp_path / "many.toml"
    scenario.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("run", scenario, "--out", out)
    assert result.exit_code == 2
    assert not out.exists()
    expected = {
        "project.discount_rte_pct": "discount_rte_pct",
        "project.operating_years": "operating_years",
        "feeds.concentrate.cu_pct": "cu_pct",
        "feeds.concentrate.dry_t_per_yr": "dry_t_per_yr",
        "stages.smelter.split.anode.cu": "split.anode",
        "site.power_usd_per_kwh": "power_usd_per_kwh",
    }
    lines = problem_lines(result.stderr)
    assert len(lines) == len(expected)
    pattern = re.compile(rf"^{re.escape(str(scenario))}:(\d+): ([\w.]+): .+$")
    seen = {}
    for line in lines:
        match = pattern.match(line)
        assert match, line
        seen[match.group(2)] = int(match.group(1))
    assert seen == {path: line_of(text, snippet) for path, snippet in expected.items()}


def test_bad_value_is_printed_verbatim(tmp_path):
    scenario = tmp_path / "odd.toml"
    scenario.write_text('[feeds.concentrate]\nterms = ":smile: [bold]x[/bold]"\n', "utf-8")
    result = invoke("run", scenario, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "':smile: [bold]x[/bold]'" in result.stderr


def test_error_keeps_existing_results(tmp_path, default_run):
    """A failed run leaves an earlier run's results as they were."""
    default_out, _ = default_run
    name = orevalue.load().name
    before = {p.name: p.read_bytes() for p in (default_out / name).iterdir()}
    scenario = tmp_path / "bad.toml"
    scenario.write_text("[feeds.concentrate]\ncu_pct = -1\n", encoding="utf-8")
    result = invoke("run", scenario, "--out", default_out)
    assert result.exit_code == 2
    assert {p.name: p.read_bytes() for p in (default_out / name).iterdir()} == before


def test_python_m_orevalue_reports_without_traceback(tmp_path):
    scenario = tmp_path / "bad.toml"
    text = "# a comment\n[feeds.concentrate]\ncu_pct = 101\n"
    scenario.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "orevalue", "run", str(scenario), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert not out.exists()
    [line] = problem_lines(proc.stderr)
    assert line.startswith(f"{scenario}:3: feeds.concentrate.cu_pct: ")
    assert "101" in line and "<= 100" in line


def test_python_m_orevalue_risk_prints_and_writes_everything_before_it_ends(tmp_path):
    # the risk command ends its process without the interpreter's teardown: its tables and
    # files are out first, whole, with exit code 0; a bad option still exits with code 2
    base = [sys.executable, "-m", "orevalue", "risk", "-n", "64", "--workers", "1"]
    args = [*base, "--sobol", "0", "--no-tornado", "--out", str(tmp_path)]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    folder = tmp_path / "balochistan-copper" / "risk"
    assert proc.stdout.rstrip().endswith(f"Wrote summary.json to {folder}/")
    assert json.loads((folder / "summary.json").read_text())["run"]["samples"] == 64
    bad = subprocess.run(
        [*base, "--sobol", "3"], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert bad.returncode == 2 and "--sobol: got 3" in bad.stderr


def test_init_onto_a_folder_fails_cleanly(tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    result = invoke("init", folder, "--force")
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    [line] = problem_lines(result.stderr)
    assert line.startswith(f"{folder}: ")
    assert list(folder.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir()] == ["folder"]  # no temporary file left


def test_out_that_is_a_file_fails_cleanly(tmp_path):
    out = tmp_path / "out"
    out.write_text("not a folder", encoding="utf-8")
    result = invoke("run", "--out", out, "-q")
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    [line] = problem_lines(result.stderr)
    assert line.startswith(f"{out / orevalue.load().name}: ")
    assert out.read_text(encoding="utf-8") == "not a folder"
