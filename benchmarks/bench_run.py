"""Start-up and evaluation speed of `orevalue run`, printed as a table.

Run on demand:  python benchmarks/bench_run.py [--repeat 5] [--baseline /tmp/base]
Whole commands run in fresh processes, interleaved with the same commands of ``--baseline``
(another checkout, e.g. ``git worktree add --detach /tmp/base main``) so that the ratio
compares runs of one moment: cold start = ``orevalue run --quiet`` on the default case
(imports, loading, evaluation with break-even solving, writing results); first run = the
same in an empty Numba cache folder (a first run after installing). Bytecode is written and
read, as an installed package has it. Figures are medians and min-max; the load average is
printed, since shared machines are noisy.
"""

from __future__ import annotations

import tempfile

import orevalue
from orevalue import engine, jit
from orevalue.economics import mine, schedule
from orevalue.params import Params
from paired import arguments, interleaved, load, table, trees_for
from timing import median_seconds


def breakevens_alone(scenario: orevalue.Scenario) -> None:
    """The break-even searches of a deterministic run (``engine.breakevens``, 9 evaluations of
    the plant a pathway where one midpoint a call took 38), without the rest of ``evaluate``."""
    p = mine.with_mine_feed(scenario, Params.from_scenario(scenario))
    tl = schedule.timeline(scenario)
    for name, pathway in scenario.pathways.items():
        if pathway.stages:
            engine.breakevens(scenario, p, name, tl)


def main() -> None:
    parser = arguments(__doc__)
    args = parser.parse_args()
    trees = trees_for(args.baseline)
    print(f"load average before: {load()}")
    with tempfile.TemporaryDirectory() as out:
        run = ["-m", "orevalue", "run", "--quiet", "--out", out]
        commands = {
            "python -c pass (interpreter alone)": (["-c", "pass"], False),
            "python -c 'import orevalue'": (["-c", "import orevalue"], False),
            "orevalue --help": (["-m", "orevalue", "--help"], False),
            "orevalue run --quiet (cold start, default case)": (run, False),
            "orevalue run --quiet, first run (empty Numba cache)": (run, True),
        }
        times = interleaved(commands, trees, args.repeat)
    print(table(times, list(trees)))
    print(f"load average after: {load()}")
    print()
    rows = []
    scenario = orevalue.load()
    rows.append(("load() default case, in process", median_seconds(orevalue.load, args.repeat)))
    one = Params.from_scenario(scenario)
    for mode in ("interpreted", "compiled"):  # orevalue.jit: a process starts interpreted
        jit.set_mode(mode)
        orevalue.evaluate(scenario)  # compiled: the cache loaded before timing
        rows.append(
            (
                f"evaluate() with break-evens and METR, N=1, kernels {mode}",
                median_seconds(lambda: orevalue.evaluate(scenario), args.repeat),
            )
        )
        rows.append(
            (
                f"evaluate() without break-even, N=1, kernels {mode}",
                median_seconds(
                    lambda: orevalue.evaluate(scenario, one, breakeven=False), args.repeat
                ),
            )
        )
        rows.append(
            (
                f"break-even TC and price of every building pathway, N=1, kernels {mode}",
                median_seconds(lambda: breakevens_alone(scenario), args.repeat),
            )
        )
    jit.set_mode("auto")
    for n in (1_000, 10_000):
        many = Params.from_scenario(scenario, n)
        t = median_seconds(
            lambda m=many: orevalue.evaluate(scenario, m, breakeven=False), max(1, args.repeat // 2)
        )
        rows.append((f"evaluate() without break-even, N={n:,} ({n / t:,.0f} samples/s)", t))
    width = max(len(r[0]) for r in rows)
    print(f"{'what':<{width}}  median wall time")
    for label, seconds in rows:
        print(f"{label:<{width}}  {seconds * 1000:9.1f} ms")


if __name__ == "__main__":
    main()
