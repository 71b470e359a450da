"""Speed of `orevalue sweep`, printed as a table.

Run on demand:  python benchmarks/bench_sweep.py [--repeat 5] [--baseline /tmp/base]
    [--samples 30000]
Whole commands are fresh processes on the default case, interleaved with the same commands of
``--baseline`` (another checkout) so that each ratio compares runs of one moment; bytecode is
written and read, as an installed package has it:

- the README's 289-point grid (17 treatment charges x 17 location factors);
- a Latin hypercube of ``--samples`` points over the copper price and the treatment charge.

Below them, in one process of this checkout (kernels loaded): the 289-point grid through
``api.sweep`` against one evaluation of a single point with the sweep's options, the ratio
that says the points are the engine's sample axis, not a loop. Figures are medians and
min-max; the load average is printed, since shared machines are noisy.
"""

from __future__ import annotations

import sys
import tempfile

from paired import arguments, interleaved, load, table, trees_for
from timing import spread_seconds

GRID = ["prices.tc_usd_per_dmt=0:400:25", "site.location_factor=0.3:1.1:0.05"]
HYPERCUBE = ["prices.cu_usd_per_t=7000:12000", "prices.tc_usd_per_dmt=0:100"]


def _vary(specs: list[str]) -> list[str]:
    return [part for spec in specs for part in ("--vary", spec)]


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--samples", type=int, default=30_000, help="points of the hypercube")
    args = parser.parse_args()
    trees = trees_for(args.baseline)
    print(f"load average before: {load()}")
    with tempfile.TemporaryDirectory() as out:
        sweep = ["-m", "orevalue", "sweep", "--quiet", "--out", out]
        commands = {
            "orevalue sweep, 289-point grid": ([*sweep, *_vary(GRID)], False),
            f"orevalue sweep --samples {args.samples:,}": (
                [*sweep, *_vary(HYPERCUBE), "--samples", str(args.samples)],
                False,
            ),
        }
        times = interleaved(commands, trees, args.repeat)
    print(table(times, list(trees), unit="s"))
    print(f"load average after: {load()}")
    print()

    sys.path.insert(0, str(trees["this"]))
    from orevalue import api, engine

    loaded = api.load()
    api.sweep(loaded, GRID)  # kernels and imports loaded
    grid = spread_seconds(lambda: api.sweep(loaded, GRID), args.repeat)
    one = spread_seconds(
        lambda: engine.evaluate(loaded.scenario, breakeven=False, detail=False, compare=False),
        args.repeat,
    )
    print("in one process (this checkout), seconds median (min-max):")
    print(f"  api.sweep, 289-point grid   {grid[0]:.3f} ({grid[1]:.3f}-{grid[2]:.3f})")
    print(f"  one point, the same options {one[0]:.3f} ({one[1]:.3f}-{one[2]:.3f})")
    print(f"  ratio                       {grid[0] / one[0]:.2f} (289 points)")


if __name__ == "__main__":
    main()
