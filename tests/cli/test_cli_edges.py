"""User text shown as written, never as Rich markup, and the command line's edges (issue 11)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orevalue import __version__
from orevalue.cli import app
from orevalue.cli.risk import sobol_notes

runner = CliRunner()

MARKUP = "[/] [bold]x"
LABELLED = f"""\
name = "marked"
title = "T {MARKUP}"
[site]
name = "S {MARKUP}"
[pathways.cathode]
label = "P {MARKUP}"
[terms_cases.benchmark_2026]
label = "C {MARKUP}"
"""


@pytest.fixture
def labelled(tmp_path: Path) -> Path:
    path = tmp_path / "marked.toml"
    path.write_text(LABELLED, encoding="utf-8")
    return path


def test_run_prints_labels_as_written(tmp_path, labelled):
    result = runner.invoke(app, ["run", str(labelled), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    for text in (f"T {MARKUP}", f"S {MARKUP}", f"P {MARKUP}", f"C {MARKUP}"):
        assert text in result.output, text


def test_risk_prints_labels_as_written(tmp_path, labelled):
    args = ["risk", str(labelled), "-n", "64", "--sobol", "8", "--workers", "1"]
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert f"T {MARKUP}" in result.output and f"P {MARKUP}" in result.output


def test_site_prints_site_labels_as_written(tmp_path):
    sites = tmp_path / "sites.toml"
    sites.write_text(  # the best site, its grid and water options are in the plan printed
        f'[sites.port-qasim]\nlabel = "G {MARKUP}"\n'
        f'[sites.port-qasim.power.grid]\nlabel = "Q {MARKUP}"\n'
        f'[sites.port-qasim.water.zone]\nlabel = "W {MARKUP}"\n',
        encoding="utf-8",
    )
    args = ["site", "--sites", str(sites), "--out", str(tmp_path / "o"), "--no-map"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    for text in (f"G {MARKUP}", f"Q {MARKUP}", f"W {MARKUP}"):
        assert text in result.output, text


def test_version_and_short_help():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"orevalue {__version__}"
    result = runner.invoke(app, ["-h"])
    assert result.exit_code == 0 and "Usage" in result.output and "run" in result.output
    result = runner.invoke(app, ["run", "-h"])
    assert result.exit_code == 0 and "--out" in result.output


def test_workers_help_shows_its_default():
    result = runner.invoke(app, ["risk", "--help"], env={"COLUMNS": "200"})
    line = next(ln for ln in result.output.splitlines() if "--workers" in ln)
    assert "default" in line and "CPUs" in line


def test_one_sample_is_one_sample(tmp_path):
    args = ["risk", "-n", "1", "--sobol", "0", "--no-tornado", "--workers", "1"]
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "o")], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "1 sample," in result.output and "1 samples" not in result.output


def test_sobol_indices_off_their_bounds_are_noted_with_their_confidence():
    notes = sobol_notes(
        {
            "a": {"S1": 0.31, "S1_conf": 0.05, "ST": 0.30, "ST_conf": 0.04},
            "b": {"S1": -0.02, "S1_conf": 0.03, "ST": 0.01, "ST_conf": 0.01},
            "c": {"S1": 0.2, "S1_conf": 0.01, "ST": 0.3, "ST_conf": 0.01},
        }
    )
    assert len(notes) == 2
    assert "a:" in notes[0] and "0.31 ± 0.05" in notes[0] and "above its total" in notes[0]
    assert "b:" in notes[1] and "below zero" in notes[1] and "0.01 ± 0.01" in notes[1]


def test_a_value_outside_its_sampled_range_stops_risk_only(tmp_path):
    path = tmp_path / "cheap-power.toml"
    path.write_text("[site]\npower_usd_per_kwh = 0.06\n", encoding="utf-8")
    out = str(tmp_path / "o")
    assert runner.invoke(app, ["run", str(path), "--out", out, "-q"]).exit_code == 0
    result = runner.invoke(app, ["risk", str(path), "--out", out, "-q", "-n", "8"])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "uncertainty.inputs.site.power_usd_per_kwh" in result.output


def test_a_risk_command_run_inside_a_program_leaves_it_as_it_found_it(tmp_path, monkeypatch):
    """The risk command runs without the cyclic collector and with one BLAS thread, and puts
    both back when it ends: a program that runs it (here, the test's runner) keeps its
    collector and its environment."""
    import gc

    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    assert gc.isenabled()
    result = runner.invoke(
        app, ["risk", "-n", "300", "--seed", "1", "--workers", "1", "-q", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert gc.isenabled()
    assert "OPENBLAS_NUM_THREADS" not in os.environ
