"""Interrupted risk runs: temporaries live under ``--out``, stale ones are removed by the next
run, and Ctrl-C is one line with exit code 130 (issue 11, "Interrupted runs")."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from orevalue.risk import montecarlo

RISK = [sys.executable, "-m", "orevalue", "risk", "-q"]
SMALL = ["--samples", "200", "--sobol", "0", "--no-tornado", "--workers", "1"]
WAIT_S = 180.0  # longest wait for a run to reach its Monte Carlo (the machine may be busy)


def _env(tmp_path: Path) -> dict[str, str]:
    """The environment of a CLI subprocess: this tree's sources, a private system temp."""
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir(exist_ok=True)
    src = str(Path(__file__).resolve().parents[2] / "src")
    path = os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])
    return {**os.environ, "PYTHONPATH": path, "TMPDIR": str(system_tmp)}


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _fake_temporaries(folder: Path, pid: int) -> list[Path]:
    """A column store folder and a Parquet file as a run with ``pid`` leaves them."""
    folder.mkdir(parents=True, exist_ok=True)
    prefix = f"{montecarlo.SCRATCH_PREFIX}{pid}-{montecarlo._host()}-"
    store = folder / f"{prefix}abc123"
    store.mkdir()
    (store / "0.f64").write_bytes(b"\0" * 4096)
    parquet = folder / f"{prefix}def456-samples.parquet"
    parquet.write_bytes(b"PAR1")
    return [store, parquet]


def _leftovers(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.name.startswith((".tmp-", "orevalue-risk-")))


def test_a_run_removes_stale_temporaries_and_keeps_a_live_runs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    target = out / "balochistan-copper" / "risk"
    stale = _fake_temporaries(target, _dead_pid())
    live = _fake_temporaries(target, os.getpid())
    done = subprocess.run(
        [*RISK, *SMALL, "--parquet", "--out", str(out)],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=WAIT_S,
    )
    assert done.returncode == 0, done.stderr
    assert not any(p.exists() for p in stale)
    assert all(p.exists() for p in live)  # this test's process still runs
    assert (target / "summary.json").exists() and (target / "samples.parquet").exists()
    lines = done.stderr.splitlines()
    assert len(lines) == 1  # the size on disk depends on the file system
    assert lines[0].startswith(f"removed 2 temporaries of an interrupted risk run from {target} (")
    assert not list((tmp_path / "system-tmp").iterdir())  # nothing in the system's temp


def test_without_a_results_folder_the_system_temp_is_cleaned_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    old = tmp_path / f"{montecarlo.SYSTEM_PREFIX}{_dead_pid()}-{montecarlo._host()}-abc"
    old.mkdir()
    foreign = tmp_path / "orevalue-risk-unrelated"  # not named by a run: left alone
    foreign.mkdir()
    with montecarlo.temporary_folder() as folder:
        assert Path(folder).name.startswith(montecarlo.scratch_prefix(montecarlo.SYSTEM_PREFIX))
        assert not old.exists()
    assert not Path(folder).exists() and foreign.exists()


def test_a_temporary_older_than_any_run_is_stale_even_if_its_pid_runs(tmp_path: Path) -> None:
    store, parquet = _fake_temporaries(tmp_path, os.getpid())
    assert not montecarlo.is_stale(store) and not montecarlo.is_stale(parquet)
    old = time.time() - montecarlo.STALE_AFTER_S - 60
    for path in (store / "0.f64", store, parquet):
        os.utime(path, (old, old))
    assert montecarlo.is_stale(store) and montecarlo.is_stale(parquet)
    other_host = tmp_path / f".tmp-{_dead_pid()}-00000000-abc"
    other_host.mkdir()
    assert not montecarlo.is_stale(other_host)  # its pid means nothing on this machine


def _start_long_run(out: Path, tmp_path: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*RISK, "--samples", "2000000", "--workers", "2", *extra, "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(tmp_path),
        start_new_session=True,  # its own process group, as a terminal's job
    )


def _wait_for_first_chunk(run: subprocess.Popen[str], target: Path) -> list[Path]:
    """Wait until the run's column store holds a written chunk (its pool is running)."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        assert run.poll() is None, run.communicate()[1]
        written = [p for p in target.glob(".tmp-*/0.f64") if p.stat().st_blocks > 0]
        if written:
            return _leftovers(target)
        time.sleep(0.1)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    pytest.fail(f"no chunk written in {WAIT_S:.0f} s")


def test_killed_runs_temporaries_are_found_and_removed_by_the_next(tmp_path: Path) -> None:
    out = tmp_path / "out"
    target = out / "balochistan-copper" / "risk"
    run = _start_long_run(out, tmp_path, "--parquet")
    try:
        temporaries = _wait_for_first_chunk(run, target)
    finally:
        os.killpg(run.pid, signal.SIGKILL)  # kill -9, workers included
        run.wait(timeout=60)
    assert len(temporaries) >= 2  # the column store and the Parquet file, under --out
    assert all(p.exists() for p in temporaries)
    assert not list((tmp_path / "system-tmp").iterdir())
    done = subprocess.run(
        [*RISK, *SMALL, "--out", str(out)],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=WAIT_S,
    )
    assert done.returncode == 0, done.stderr
    assert "removed 2 temporaries of an interrupted risk run" in done.stderr
    assert _leftovers(out) == []


def test_ctrl_c_is_one_line_exit_130_and_leaves_no_temporaries(tmp_path: Path) -> None:
    out = tmp_path / "out"
    target = out / "balochistan-copper" / "risk"
    run = _start_long_run(out, tmp_path, "--parquet")
    try:
        _wait_for_first_chunk(run, target)
        os.killpg(run.pid, signal.SIGINT)  # as Ctrl-C: the parent and its workers
        _, stderr = run.communicate(timeout=WAIT_S)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
    assert run.returncode == 130, stderr
    assert len(stderr.splitlines()) <= 2, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert _leftovers(out) == []
    assert not list((tmp_path / "system-tmp").iterdir())


# ---------------------------------------------------------------- strict types (issue 11)

#: [uncertainty] tables with a value of the wrong type: (file text, line, field, expected).
WRONG_TYPES = {
    "bool_low": (
        '[uncertainty.inputs."site.location_factor"]\ndist = "triangular"\nlow = true\n'
        "high = 1.3\n",
        3,
        "uncertainty.inputs.site.location_factor.low",
        "got True; expected a number",
    ),
    "text_high": (
        '[uncertainty.inputs."site.location_factor"]\ndist = "uniform"\nlow = 0.9\nhigh = "8"\n',
        4,
        "uncertainty.inputs.site.location_factor.high",
        "got '8'; expected a number",
    ),
    "bool_volatility": (
        '[uncertainty.prices.cu_usd_per_t]\nprocess = "log"\nvolatility_pct = true\n',
        3,
        "uncertainty.prices.cu_usd_per_t.volatility_pct",
        "got True; expected a number",
    ),
    "text_half_life": (
        '[uncertainty.prices]\nhalf_life_years = "8"\n',
        2,
        "uncertainty.prices.half_life_years",
        "got '8'; expected a number",
    ),
    "yes_enabled": (
        '[uncertainty.prices]\nenabled = "yes"\n',
        2,
        "uncertainty.prices.enabled",
        "got 'yes'; expected true or false",
    ),
}


@pytest.mark.parametrize("command", ["risk", "run"])
@pytest.mark.parametrize("case", WRONG_TYPES, ids=list(WRONG_TYPES))
def test_a_wrong_type_in_uncertainty_is_one_line_exit_2(
    case: str, command: str, tmp_path: Path
) -> None:
    # before, true was read as 1, "8" as 8.0 and "yes" as on; every command checks the table
    from typer.testing import CliRunner

    from orevalue.cli import app

    text, line, field, expected = WRONG_TYPES[case]
    path = tmp_path / f"{case}.toml"
    path.write_text(text)
    out = tmp_path / "out"
    extra = ["-n", "16", "--sobol", "0", "--no-tornado", "--workers", "1"]
    args = [command, str(path), "--out", str(out), "-q", *(extra if command == "risk" else [])]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    (message,) = result.stderr.splitlines()  # the field's description may follow
    assert message.startswith(f"{path}:{line}: {field}: {expected}"), message
    assert "Traceback" not in result.output and result.stdout == ""
    assert not out.exists()


@pytest.mark.parametrize("command", ["risk", "report"])
def test_workers_help_shows_its_default(command: str) -> None:
    # "[default: CPUs]" written into the help text was read as Rich markup and vanished
    from typer.testing import CliRunner

    from orevalue.cli import app

    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    start = next(i for i, ln in enumerate(lines) if "│ --workers " in ln)
    end = next(i for i in range(start + 1, len(lines)) if "│ --" in lines[i])
    entry = " ".join(ln.strip("│ ") for ln in lines[start:end])  # the option's wrapped lines
    assert "processes." in entry and "[default: (CPUs)]" in entry, entry
