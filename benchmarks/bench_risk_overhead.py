"""The fixed overhead of `orevalue risk`, paired against a baseline source tree.

Rows, each the whole command in a fresh process (cold start, results in a temporary folder),
wall time and CPU time (this process's children: the command and its workers):

- `risk -n 1000`: at a thousand samples the Monte Carlo is a few milliseconds of work, so the
  command is its overhead: start-up, the case and its checks, the workers, tornado, Sobol.
- `risk -n 1000 --no-tornado --sobol 0`: the same without the sensitivity analyses.
- tornado + Sobol: the difference of the two, pair by pair.
- with ``--big N``, `risk -n N` too (the whole command of the issue's table).

With ``--vs SRC`` (the ``src`` folder of another checkout, e.g. ``git worktree add /tmp/base
main`` then ``--vs /tmp/base/src``) the two trees run alternately and each pair gives a ratio.

    python benchmarks/bench_risk_overhead.py --repeat 5 --vs /tmp/base/src [--big 100000]

Run on demand; never part of the tests. Shared machines are noisy: compare within one run.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from paired import tree_env

HERE = Path(__file__).resolve().parent.parent / "src"
SMALL = ["-n", "1000"]
BARE = [*SMALL, "--no-tornado", "--sobol", "0"]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(src: Path, args: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of ``orevalue risk ARGS --seed 1`` with the tree at ``src``."""
    env = tree_env(src)
    with tempfile.TemporaryDirectory() as out:
        cmd = [sys.executable, "-m", "orevalue", "risk", *args, "--seed", "1", "-q"]
        cpu, start = _children_cpu(), time.perf_counter()
        subprocess.run([*cmd, "--out", out], env=env, check=True, capture_output=True)
        return time.perf_counter() - start, _children_cpu() - cpu


def _spread(values: list[float], digits: int = 2) -> str:
    return (
        f"{statistics.median(values):.{digits}f} "
        f"({min(values):.{digits}f}-{max(values):.{digits}f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of each row per tree")
    parser.add_argument("--vs", type=Path, default=None, help="baseline src folder")
    parser.add_argument("--big", type=int, default=0, help="also the command at N samples")
    args = parser.parse_args()
    rows = {"risk -n 1000": SMALL, "risk -n 1000, no tornado/Sobol": BARE}
    if args.big:
        rows[f"risk -n {args.big}"] = ["-n", str(args.big)]
    trees = {"this": HERE} | ({"base": args.vs} if args.vs is not None else {})
    wall: dict[tuple[str, str], list[float]] = {}
    cpu: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.repeat):
        for row, row_args in rows.items():
            for tree, src in trees.items():
                w, c = measure(src, row_args)
                wall.setdefault((row, tree), []).append(w)
                cpu.setdefault((row, tree), []).append(c)
    full, bare = "risk -n 1000", "risk -n 1000, no tornado/Sobol"
    for tree in trees:  # the sensitivity analyses' share, run by run
        for table in (wall, cpu):
            pairs = zip(table[(full, tree)], table[(bare, tree)], strict=True)
            table[("tornado + Sobol", tree)] = [a - b for a, b in pairs]
    load = os.getloadavg()[0]
    print(f"load average {load:.2f}; seconds, median (min-max) of {args.repeat} fresh runs")
    head = f"{'row':32} {'wall this':>17} {'CPU this':>17}"
    if args.vs is not None:
        head += f" {'wall base':>17} {'CPU base':>17} {'wall this/base':>17}"
    print(head)
    for row in [*rows, "tornado + Sobol"]:
        line = f"{row:32} {_spread(wall[(row, 'this')]):>17} {_spread(cpu[(row, 'this')]):>17}"
        if args.vs is not None:
            ratios = [a / b for a, b in zip(wall[(row, "this")], wall[(row, "base")], strict=True)]
            line += f" {_spread(wall[(row, 'base')]):>17} {_spread(cpu[(row, 'base')]):>17}"
            line += f" {_spread(ratios, 3):>17}"
        print(line)
    if args.vs is not None:
        print(f"baseline: {args.vs}")


if __name__ == "__main__":
    main()
