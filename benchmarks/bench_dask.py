"""Monte Carlo samples/s on the process pool and on a 2-worker Dask LocalCluster, side by side.

Run on demand:  python benchmarks/bench_dask.py [--sizes 100000 1000000] [--repeat 3]

- For each N, the full default case's Monte Carlo (`montecarlo.run`, chunks of 8,192) on the
  process pool (2 workers) and as Dask tasks on a LocalCluster of 2 single-threaded worker
  processes on 127.0.0.1 (started once per N, its start-up timed apart), ``repeat`` times
  each; each mode in a fresh subprocess, whose peak resident memory is the client's (the
  workers write their outputs into the column store themselves). The columns written are
  compared: they must be equal bit for bit.
- The overhead per Dask task: empty tasks run through the same in-order, bounded submission
  as the chunks, and (Dask - pool) seconds per chunk at the real chunk size.
Shared machines are noisy: compare figures within one run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHUNK = 8192


def _noop() -> int:
    return 0


def _digest(store: object, names: list[str]) -> str:
    h = hashlib.sha256()
    for name in names:
        for piece in store.pieces(name):  # type: ignore[attr-defined]
            h.update(piece.tobytes())
    return h.hexdigest()[:16]


def _child(mode: str, n: int, repeat: int) -> dict[str, object]:
    """Time ``repeat`` Monte Carlo runs of ``n`` samples on ``mode`` ("pool" or "dask")."""
    import contextlib

    import orevalue
    from orevalue.risk import daskrun, montecarlo, spec
    from orevalue.risk.sampling import RiskModel

    scenario = orevalue.load()
    model = RiskModel(scenario, spec.build(scenario))
    out: dict[str, object] = {"mode": mode, "n": n, "tasks": len(montecarlo.chunks(n, CHUNK))}
    with contextlib.ExitStack() as stack:
        scheduler = "pool"
        if mode == "dask":
            from distributed import Client, LocalCluster

            start = time.perf_counter()
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=2,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                    silence_logs=40,
                )
            )
            client = stack.enter_context(Client(cluster))
            out["startup_s"] = time.perf_counter() - start
            scheduler = cluster.scheduler_address
            calls = (() for _ in range(500))
            start = time.perf_counter()
            for _ in daskrun.ordered_map(client, _noop, calls):
                pass
            out["noop_task_ms"] = (time.perf_counter() - start) / 500 * 1e3
        seconds, digest = [], ""
        for _ in range(repeat + 1):  # the first warms the workers' compiled code: not timed
            with tempfile.TemporaryDirectory() as folder:
                start = time.perf_counter()
                mc = montecarlo.run(model, n, 1, Path(folder), CHUNK, 2, scheduler=scheduler)
                seconds.append(time.perf_counter() - start)
                digest = _digest(mc.store, mc.store.names)
                mc.store.close()
        out["seconds"] = seconds[1:]
        out["digest"] = digest
    out["client_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _run_child(mode: str, n: int, repeat: int) -> dict[str, object]:
    cmd = [sys.executable, __file__, "--child", mode, str(n), str(repeat)]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=3, metavar=("MODE", "N", "REPEAT"))
    args = parser.parse_args()
    if args.child:
        mode, n, repeat = args.child
        print(json.dumps(_child(mode, int(n), int(repeat))))
        return
    print(
        f"chunks of {CHUNK:,} samples; 2 workers each; {args.repeat} timed runs (after one "
        "warm-up run)\n"
    )
    head = f"{'N':>10} {'mode':>5} {'tasks':>6} {'samples/s median (min-max)':>34} {'client':>9}"
    print(head)
    for n in args.sizes:
        rows = {mode: _run_child(mode, n, args.repeat) for mode in ("pool", "dask")}
        for mode, r in rows.items():
            rates = [n / s for s in r["seconds"]]  # type: ignore[attr-defined]
            spread = f"{statistics.median(rates):,.0f} ({min(rates):,.0f}-{max(rates):,.0f})"
            print(f"{n:>10,} {mode:>5} {r['tasks']:>6} {spread:>34} {r['client_mb']:>6.0f} MB")
        pool, dask = rows["pool"], rows["dask"]
        p, d = statistics.median(pool["seconds"]), statistics.median(dask["seconds"])  # type: ignore[arg-type]
        same = "bit-identical" if pool["digest"] == dask["digest"] else "DIFFERENT"
        print(
            f"{'':>10} dask/pool speed {p / d:.2f}; (dask - pool) per task "
            f"{(d - p) / int(dask['tasks']) * 1e3:+.1f} ms; empty task round trip "  # type: ignore[call-overload]
            f"{dask['noop_task_ms']:.2f} ms; cluster start {dask['startup_s']:.1f} s; "
            f"columns {same}"
        )


if __name__ == "__main__":
    main()
