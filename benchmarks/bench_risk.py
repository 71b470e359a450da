"""Speed and memory of `orevalue risk`, printed as tables.

Run on demand:  python benchmarks/bench_risk.py [--sizes 10000 100000 1000000] [--loop 200]

- Monte Carlo throughput: the full default case (every pathway, the whole project life, price
  paths, correlated inputs), N samples in chunks, in 1 process and in 2 worker processes; each
  run in a fresh subprocess whose peak resident memory (parent and largest worker) is read
  from getrusage.
- The same engine called one sample at a time in a Python loop (N = 1 per call), for the
  speed-up of the vectorised chunks.
- The whole command, `orevalue risk --samples 100000 --seed 1` (Monte Carlo, tornado, Sobol),
  wall time from a cold start.
Shared machines are noisy: compare figures within one run.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from orevalue.risk import CHUNK


def _measure(n: int, workers: int, chunk: int) -> dict[str, float]:
    """Run the Monte Carlo in this process; return seconds and peak memory (MB)."""
    import orevalue
    from orevalue.risk import montecarlo, spec
    from orevalue.risk.sampling import RiskModel

    scenario = orevalue.load()
    model = RiskModel(scenario, spec.build(scenario))
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        mc = montecarlo.run(model, n, 1, Path(folder), chunk, workers)
        seconds = time.perf_counter() - start
        mc.store.close()
    return {
        "seconds": seconds,
        "parent_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def _subprocess(n: int, workers: int, chunk: int) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--child", str(n), str(workers), str(chunk)]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _loop(count: int) -> float:
    """Samples per second of the engine called once per sample (N = 1) in a Python loop."""
    import orevalue
    from orevalue.risk import spec
    from orevalue.risk.montecarlo import evaluate_outputs
    from orevalue.risk.sampling import RiskModel

    scenario = orevalue.load()
    model = RiskModel(scenario, spec.build(scenario))
    draws = model.draws(1, 0, count)
    evaluate_outputs(model, model.params(draws.rows(0, 1)))  # warm up
    start = time.perf_counter()
    for i in range(count):
        evaluate_outputs(model, model.params(draws.rows(i, i + 1)))
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--loop", type=int, default=200, help="samples for the N = 1 loop")
    parser.add_argument("--chunk", type=int, default=CHUNK)
    parser.add_argument("--child", type=int, nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_measure(*args.child)))
        return

    loop_rate = _loop(args.loop)
    rows = []
    for n in args.sizes:
        for workers in (1, 2):
            r = _subprocess(n, workers, args.chunk)
            rows.append((n, workers, r))
    print(f"Monte Carlo, default case, chunks of {args.chunk:,} samples")
    print(
        f"{'samples':>10} {'workers':>7} {'seconds':>8} {'samples/s':>10} "
        f"{'x loop':>7} {'peak MB parent':>14} {'peak MB worker':>14}"
    )
    for n, workers, r in rows:
        rate = n / r["seconds"]
        worker = f"{r['worker_mb']:14.0f}" if workers > 1 else f"{'—':>14}"
        print(
            f"{n:>10,} {workers:>7} {r['seconds']:8.2f} {rate:10,.0f} "
            f"{rate / loop_rate:7.0f} {r['parent_mb']:14.0f} {worker}"
        )
    print(f"one sample at a time (N = 1 per call, {args.loop} calls): {loop_rate:,.0f} samples/s")

    with tempfile.TemporaryDirectory() as out:
        cmd = [sys.executable, "-m", "orevalue", "risk", "--samples", "100000", "--seed", "1"]
        start = time.perf_counter()
        subprocess.run([*cmd, "--out", out, "--quiet"], check=True, capture_output=True)
        print(f"{' '.join(cmd[2:])} (with tornado and Sobol): {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
