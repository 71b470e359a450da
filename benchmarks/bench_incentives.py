"""Speed of the incentive designer (`orevalue incentives`), printed as a table.

Run on demand:  python benchmarks/bench_incentives.py [--repeat 3]
The whole search on the default case (13 levers, a 9-level grid, 3,000 random packages for
the Pareto front, the sequential MILP and the refinement) in one process after a warm-up, the
engine call pricing N packages at once against N calls of one, and the whole command in a
fresh process. Figures are medians; shared machines are noisy, so compare within one run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile

import numpy as np

from orevalue import api
from orevalue.incentives.evaluate import make_setup, price
from orevalue.incentives.levers import load_levers, with_targets
from timing import command_seconds, median_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    loaded = api.load()
    api.incentives(loaded)  # warm-up: Numba caches, SciPy imports
    rows: list[tuple[str, float]] = []
    found = api.incentives(loaded)
    rows.append(
        (
            f"whole search, default targets (12 %, 1.3): {found.evaluations} packages",
            median_seconds(lambda: api.incentives(loaded), args.repeat),
        )
    )
    reach = api.incentives(loaded, target_irr_pct=0.0, min_dscr=0.0)
    rows.append(
        (
            f"whole search, a reachable target (0 %, 0): {reach.evaluations} packages",
            median_seconds(lambda: api.incentives(loaded, None, 0.0, 0.0), args.repeat),
        )
    )
    setup = make_setup(loaded.scenario, with_targets(load_levers()), "cathode")
    high = np.array([lv.range[1] for lv in setup.levers.levers.values()])
    many = np.random.default_rng(0).uniform(0, 1, (3000, high.size)) * high
    rows.append(
        ("price 3,000 packages in one engine call", median_seconds(lambda: price(setup, many), 3))
    )
    one = median_seconds(lambda: [price(setup, many[i : i + 1]) for i in range(50)], 1) / 50
    rows.append(("price one package per call (per package)", one))
    with tempfile.TemporaryDirectory() as out:
        cmd = [sys.executable, "-m", "orevalue", "incentives", "--quiet", "--out", out]
        rows.append(("orevalue incentives --quiet (fresh process)", command_seconds(cmd, 3)))
    width = max(len(r[0]) for r in rows)
    for label, seconds in rows:
        print(f"{label:<{width}}  {seconds:8.3f} s")


if __name__ == "__main__":
    main()
