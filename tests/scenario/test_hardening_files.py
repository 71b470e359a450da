"""Extreme input files: too deep, too large, endless (issue 11, "Extreme files"). Each is one
line naming the file and what was expected, exit code 2, no traceback and nothing written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import orevalue
from orevalue.scenario import ScenarioError
from orevalue.scenario.load import MAX_INPUT_BYTES, MAX_NESTING, nesting_depth, parse_toml
from orevalue.siting import load_sites


def _deep(levels: int) -> str:
    return "x = " + "[" * levels + "]" * levels + "\n"


def _cli(*args: str, timeout: float = 120.0) -> subprocess.CompletedProcess[str]:
    src = str(Path(__file__).resolve().parents[2] / "src")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    return subprocess.run(
        [sys.executable, "-m", "orevalue", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


def _one_line(exc: pytest.ExceptionInfo[ScenarioError], file: Path, expected: str) -> None:
    problems = exc.value.problems
    assert len(problems) == 1
    assert str(problems[0]).startswith(f"{file}: ") and expected in str(problems[0])


def test_nested_arrays_2000_deep_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.toml"
    path.write_text(_deep(2000))
    with pytest.raises(ScenarioError) as exc:
        orevalue.load(path)
    _one_line(exc, path, f"expected at most {MAX_NESTING} levels")


@pytest.mark.parametrize(
    "text",
    [
        _deep(MAX_NESTING + 5),  # deeper than allowed, shallow enough for the parser
        "x = " + "{ a = " * 300 + "1" + " }" * 300 + "\n",  # inline tables
        "[" + ".".join(["a"] * 3000) + "]\nx = 1\n",  # a dotted table header
    ],
    ids=["arrays", "inline-tables", "dotted-header"],
)
def test_every_way_of_nesting_too_deep_is_refused(text: str) -> None:
    with pytest.raises(ScenarioError) as exc:
        parse_toml(text, "deep.toml")
    _one_line(exc, Path("deep.toml"), "nested too deep")


def test_nesting_up_to_the_cap_parses() -> None:
    assert nesting_depth(parse_toml(_deep(MAX_NESTING - 1), "ok.toml")) == MAX_NESTING


def test_a_file_over_the_size_cap_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    with path.open("wb") as handle:  # sparse: takes no disk
        handle.truncate(MAX_INPUT_BYTES + 1)
    with pytest.raises(ScenarioError) as exc:
        orevalue.load(path)
    _one_line(exc, path, "larger than 10 MB")


def test_a_file_at_the_size_cap_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    path.write_text("# " + "x" * (MAX_INPUT_BYTES - 3) + "\n")
    assert path.stat().st_size == MAX_INPUT_BYTES
    assert orevalue.load(path).name == orevalue.load().name


def test_the_sites_file_has_the_same_caps(tmp_path: Path) -> None:
    deep = tmp_path / "sites.toml"
    deep.write_text(_deep(2000))
    with pytest.raises(ScenarioError) as exc:
        load_sites(deep)
    _one_line(exc, deep, "nested too deep")
    with pytest.raises(ScenarioError) as exc:
        load_sites(Path("/dev/zero"))
    _one_line(exc, Path("/dev/zero"), "larger than 10 MB")


@pytest.mark.parametrize("command", ["run", "risk", "site"])
def test_dev_zero_via_the_cli_is_one_line_exit_2(command: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = _cli(command, "/dev/zero", "--out", str(out))
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [
        "/dev/zero: larger than 10 MB; expected a TOML input file of a few kB"
    ]
    assert not out.exists()


def test_deep_file_via_the_cli_is_one_line_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "deep.toml"
    path.write_text(_deep(2000))
    out = tmp_path / "out"
    done = _cli("run", str(path), "--out", str(out))
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"{path}: tables and arrays nested too deep")
    assert not out.exists()
