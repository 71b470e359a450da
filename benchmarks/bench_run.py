"""Start-up and evaluation speed of `orevalue run`, printed as a table.

Run on demand:  python benchmarks/bench_run.py [--repeat 7]
Cold start = a fresh Python process running `orevalue run --quiet` on the default case (imports,
loading, evaluation with break-even solving, writing results). Figures are medians; compare
ratios within one run, since shared machines are noisy.
"""

from __future__ import annotations

import argparse
import sys
import tempfile

import orevalue
from orevalue.params import Params
from timing import command_seconds, median_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as out:
        python = sys.executable
        rows = [
            (
                "python -c pass (interpreter alone)",
                command_seconds([python, "-c", "pass"], args.repeat),
            ),
            (
                "python -c 'import orevalue'",
                command_seconds([python, "-c", "import orevalue"], args.repeat),
            ),
            (
                "orevalue run --quiet (cold start, default case)",
                command_seconds(
                    [python, "-m", "orevalue", "run", "--quiet", "--out", out], args.repeat
                ),
            ),
        ]
    scenario = orevalue.load()
    rows.append(("load() default case, in process", median_seconds(orevalue.load, args.repeat)))
    rows.append(
        (
            "evaluate() with break-even TC, N=1",
            median_seconds(lambda: orevalue.evaluate(scenario), args.repeat),
        )
    )
    one = Params.from_scenario(scenario)
    rows.append(
        (
            "evaluate() without break-even, N=1",
            median_seconds(lambda: orevalue.evaluate(scenario, one, breakeven=False), args.repeat),
        )
    )
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
