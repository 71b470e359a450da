"""Monte Carlo chunks as Dask tasks: the same seed gives the same summary, bit for bit, on
one process, the process pool and a real two-worker Dask cluster."""

from __future__ import annotations

import json
import logging
import warnings

import distributed  # the test extra installs it
import pytest
from typer.testing import CliRunner

from orevalue import api
from orevalue.cli import app
from orevalue.risk import daskrun

runner = CliRunner()
#: Keys of the run block that say how and how fast it ran, not what it found.
HOW = ("workers", "scheduler", "monte_carlo_seconds", "samples_per_second", "total_seconds")


@pytest.fixture(scope="module")
def cluster():  # type: ignore[no-untyped-def]
    warnings.filterwarnings("ignore", "Port 8787 is already in use", UserWarning)
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as c:
        yield c


def _what(summary: dict) -> dict:  # type: ignore[type-arg]
    summary = json.loads(json.dumps(summary)) if not isinstance(summary, dict) else summary
    run = {k: v for k, v in summary["run"].items() if k not in HOW}
    return {**summary, "run": run}


def _cli(tmp_path, name, *options):  # type: ignore[no-untyped-def]
    out = tmp_path / name
    args = ["risk", "-n", "1500", "--seed", "11", "--chunk", "250", "--sobol", "0"]
    result = runner.invoke(app, [*args, "--no-tornado", "-q", "--out", str(out), *options])
    assert result.exit_code == 0, result.output
    return json.loads((out / "balochistan-copper" / "risk" / "summary.json").read_text())


def test_summary_json_is_bit_identical_on_the_pool_and_a_dask_cluster(cluster, tmp_path):
    one = _cli(tmp_path, "one", "--workers", "1")
    pool = _cli(tmp_path, "pool", "--workers", "2")
    dask = _cli(tmp_path, "dask", "--scheduler", cluster.scheduler_address)
    assert dask["run"]["scheduler"] == cluster.scheduler_address
    assert _what(dask) == _what(pool) == _what(one)  # exact: floats compared as written
    assert (
        dask["pathways"]["cathode"]["npv_usd"]["p50"]
        == pool["pathways"]["cathode"]["npv_usd"]["p50"]
    )


def test_local_cluster_and_chunks_written_by_the_workers_match_with_samples(tmp_path):
    kwargs = dict(chunk=300, tornado=False, sobol=0)
    import pyarrow.parquet as pq

    pool = api.risk(
        api.load(),
        1200,
        3,
        workers=2,
        parquet=tmp_path / "a.parquet",
        scratch=tmp_path / "a",
        **kwargs,
    )
    dask = api.risk(
        api.load(),
        1200,
        3,
        workers=2,
        parquet=tmp_path / "b.parquet",
        scratch=tmp_path / "b",
        scheduler="local",
        **kwargs,
    )
    assert _what(dask) == _what(pool)
    assert pq.read_table(tmp_path / "a.parquet").equals(pq.read_table(tmp_path / "b.parquet"))
    # the column store lived in the scratch folder and is gone
    assert not [p for p in (tmp_path / "b").iterdir() if p.name.startswith(".tmp-")]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("foo", "expected pool, local or a scheduler address"), ("tcp://", "tcp://HOST:PORT")],
)
def test_bad_scheduler_exits_2_naming_the_option(value, expected):
    result = runner.invoke(app, ["risk", "-n", "10", "--scheduler", value])
    assert result.exit_code == 2
    assert "--scheduler" in result.output and expected in result.output


def test_no_cluster_at_the_address_is_one_line(monkeypatch):
    monkeypatch.setattr(daskrun, "CONNECT_TIMEOUT_S", 1.0)
    result = runner.invoke(
        app, ["risk", "-n", "10", "--sobol", "0", "-q", "--scheduler", "tcp://127.0.0.1:9"]
    )
    assert result.exit_code == 2
    assert "--scheduler tcp://127.0.0.1:9: no Dask scheduler reached" in result.output


def test_sweep_chunks_as_dask_tasks_give_the_same_table(cluster):
    import numpy as np

    vary = ["prices.tc_usd_per_dmt=0:150:25", "site.location_factor=0.6:1.2:0.1"]
    pool = api.sweep(api.load(), vary, chunk=10)
    dask = api.sweep(api.load(), vary, chunk=10, scheduler=cluster.scheduler_address)
    assert dask.n == pool.n == 49
    for key, values in pool.metrics.items():
        np.testing.assert_array_equal(dask.metrics[key], values)


def test_workers_return_only_counts_not_outputs(cluster, tmp_path):
    from orevalue.risk import montecarlo, spec
    from orevalue.risk.sampling import RiskModel

    scenario = api.load().scenario
    model = RiskModel(scenario, spec.build(scenario))
    seen = []

    def on_chunk(start, stop, out, inputs):  # type: ignore[no-untyped-def]
        seen.append((start, stop, len(out), len(inputs)))

    folder = tmp_path / "store"
    folder.mkdir()
    mc = montecarlo.run(
        model, 900, 2, folder, 200, on_chunk=on_chunk, scheduler=cluster.scheduler_address
    )
    assert [(a, b) for a, b, _, _ in seen] == montecarlo.chunks(900, 200)  # in sample order
    assert all(n_out == 0 and n_in == 0 for _, _, n_out, n_in in seen)  # stayed on the workers
    pool = montecarlo.run(model, 900, 2, tmp_path, 200)
    for name in mc.store.names:
        assert mc.store.read(name, 0, 900).tobytes() == pool.store.read(name, 0, 900).tobytes()
    assert (mc.failures, mc.beats_baseline, mc.best) == (
        pool.failures,
        pool.beats_baseline,
        pool.best,
    )
    mc.store.close()
    pool.store.close()


def test_ctrl_c_on_a_local_cluster_is_one_line_exit_130_and_leaves_no_temporaries(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    out = tmp_path / "out"
    target = out / "balochistan-copper" / "risk"
    src = str(Path(__file__).resolve().parents[2] / "src")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    cmd = [sys.executable, "-m", "orevalue", "risk", "-q", "--samples", "2000000"]
    cmd += ["--scheduler", "local", "--workers", "2", "--out", str(out)]
    run = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:  # until a worker has written its first chunk
            assert run.poll() is None, run.communicate()[1]
            if [p for p in target.glob(".tmp-*/0.f64") if p.stat().st_blocks > 0]:
                break
            time.sleep(0.1)
        os.killpg(run.pid, signal.SIGINT)  # as Ctrl-C: the client and every worker process
        _, stderr = run.communicate(timeout=120)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
    assert run.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr, stderr
    assert len(stderr.splitlines()) <= 2, stderr
    assert not [p for p in out.rglob("*") if p.name.startswith(".tmp-")]


def test_without_dask_the_option_says_how_to_install_it(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed: ImportError
    for command in (["risk", "-n", "10"], ["sweep", "--vary", "site.location_factor=1"]):
        result = runner.invoke(app, [*command, "-q", "--scheduler", "local"])
        assert result.exit_code == 2
        assert "--scheduler: needs dask.distributed" in result.output
        assert "pip install 'orevalue[dask]'" in result.output
