"""CPU per sample of the risk engine's lean path, paired against a baseline source tree.

Each measurement is a fresh process that builds the default case's risk model, evaluates one
warm-up chunk, then times ``--rounds`` chunks of ``--n`` samples on one thread (process CPU
time, which a shared machine disturbs less than wall time). With ``--vs SRC`` (the ``src``
folder of another checkout, e.g. ``git worktree add /tmp/base 10dd908`` then
``--vs /tmp/base/src``) the two trees are measured alternately and each pair gives a ratio.

    python benchmarks/bench_engine.py --n 8192 --repeat 5 --vs /tmp/base/src

With ``--pieces 2048 8192`` this tree alone is measured at each size of the pieces a chunk is
evaluated in (``montecarlo.PIECE``), in turn, process by process, each as a ratio to the last.

Run on demand; never part of the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from paired import tree_env

HERE = Path(__file__).resolve().parent.parent / "src"

CHILD = """
import json, sys, time
from threadpoolctl import threadpool_limits
import orevalue
from orevalue.risk import montecarlo, spec
from orevalue.risk.montecarlo import run_chunk, tune_allocator
from orevalue.risk.sampling import RiskModel

n, rounds, piece = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
if piece:
    montecarlo.PIECE = piece
tune_allocator()
scenario = orevalue.load()
model = RiskModel(scenario, spec.build(scenario))
with threadpool_limits(1):
    run_chunk(model, 1, 0, min(n, 1024))
    start = time.process_time()
    for r in range(rounds):
        run_chunk(model, 1, r * n, (r + 1) * n)
    cpu_s = time.process_time() - start
print(json.dumps({"us_per_sample": cpu_s / (n * rounds) * 1e6}))
"""


def measure(src: Path, n: int, rounds: int, piece: int = 0) -> float:
    """CPU microseconds per sample of the tree at ``src`` (a fresh process), in pieces of
    ``piece`` samples (0: the tree's own)."""
    env = tree_env(src, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(n), str(rounds), str(piece)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return float(json.loads(done.stdout.strip().splitlines()[-1])["us_per_sample"])


def _spread(values: list[float], digits: int = 1) -> str:
    return (
        f"{statistics.median(values):.{digits}f} "
        f"({min(values):.{digits}f}-{max(values):.{digits}f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=8192, help="samples per chunk")
    parser.add_argument("--rounds", type=int, default=4, help="chunks timed per process")
    parser.add_argument("--repeat", type=int, default=5, help="fresh processes per tree")
    parser.add_argument("--vs", type=Path, default=None, help="baseline src folder")
    parser.add_argument("--pieces", type=int, nargs="+", help="piece sizes to compare (this tree)")
    args = parser.parse_args()
    if args.pieces:
        pieces(args.n, args.rounds, args.repeat, args.pieces)
        return
    ours, theirs = [], []
    for _ in range(args.repeat):
        ours.append(measure(HERE, args.n, args.rounds))
        if args.vs is not None:
            theirs.append(measure(args.vs, args.n, args.rounds))
    load = os.getloadavg()[0]
    print(f"load average {load:.2f}; chunks of {args.n:,}, {args.rounds} per process")
    print(f"this tree      : {_spread(ours)} us/sample CPU (median, min-max of {args.repeat})")
    if theirs:
        ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
        print(f"baseline {args.vs}: {_spread(theirs)} us/sample CPU")
        print(f"ratio this/baseline: {_spread(ratios, 3)}")


def pieces(n: int, rounds: int, repeat: int, sizes: list[int]) -> None:
    """This tree at each piece size in turn, ``repeat`` processes each; ratios to the last."""
    got: dict[int, list[float]] = {size: [] for size in sizes}
    for _ in range(repeat):
        for size in sizes:
            got[size].append(measure(HERE, n, rounds, size))
    print(f"load average {os.getloadavg()[0]:.2f}; chunks of {n:,}, {rounds} per process")
    last = got[sizes[-1]]
    for size in sizes:
        ratios = [a / b for a, b in zip(got[size], last, strict=True)]
        print(
            f"pieces of {size:>6,}: {_spread(got[size])} us/sample CPU, "
            f"ratio to {sizes[-1]:,}: {_spread(ratios, 3)}"
        )


if __name__ == "__main__":
    main()
