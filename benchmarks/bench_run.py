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
from timing import command_spread, median_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory() as out:
        commands = {
            "python -c pass (interpreter alone, the baseline)": [python, "-c", "pass"],
            "python -c 'import orevalue'": [python, "-c", "import orevalue"],
            "orevalue --help": [python, "-m", "orevalue", "--help"],
            "orevalue run --quiet (cold start, default case)": [
                *(python, "-m", "orevalue", "run", "--quiet", "--out", out)
            ],
        }
        spreads = {label: command_spread(cmd, args.repeat) for label, cmd in commands.items()}
    base = next(iter(spreads.values()))[1]
    width = max(map(len, spreads))
    print(f"{'command (fresh process)':<{width}}  median ms  (min-max)      x interpreter")
    for label, (lo, mid, hi) in spreads.items():
        spread = f"({lo * 1e3:.0f}-{hi * 1e3:.0f})"
        print(f"{label:<{width}}  {mid * 1e3:9.0f}  {spread:<13} {mid / base:8.1f}")
    print()
    rows = []
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
