"""Solve time of the siting programme, printed as a table.

Run on demand:  python benchmarks/bench_site.py [--repeat 5]
Rows: the default case (7 sites, 5 sizes, 2-3 power options: build the sparse programme, solve
it with HiGHS, and the whole ranking of 7 single-site plans + baseline without the engine NPVs)
and synthetic networks (n sites x 5 sizes x 3 power options, seeds 0..repeat-1). Figures are
medians of wall time; shared machines are noisy, so compare ratios within one run.
"""

from __future__ import annotations

import argparse
import statistics
import time

import orevalue
from orevalue.siting import analyse, load_sites, model_for, solve
from orevalue.siting.synthetic import random_sites_data
from timing import median_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    scenario = orevalue.load()
    data = load_sites()
    model = model_for(scenario, data)
    solve(model)  # warm up HiGHS
    rows: list[tuple[str, str, float, float | None]] = [
        (
            "default case",
            "build programme",
            median_seconds(lambda: model_for(scenario, data), args.repeat),
            None,
        ),
        ("default case", "solve (HiGHS)", median_seconds(lambda: solve(model), args.repeat), 1.0),
        (
            "default case",
            "ranking: 9 solves, no engine",
            median_seconds(lambda: analyse(scenario, data), args.repeat),
            None,
        ),
    ]
    for n_sites in (30, 100):
        builds, solves, sizes = [], [], ""
        for seed in range(args.repeat):
            synthetic = random_sites_data(n_sites, n_sizes=5, n_power=3, seed=seed)
            start = time.perf_counter()
            m = model_for(scenario, synthetic)
            builds.append(time.perf_counter() - start)
            start = time.perf_counter()
            solve(m)
            solves.append(time.perf_counter() - start)
            sizes = f"{m.n_vars:,} vars, {int(m.integrality.sum()):,} binary, {m.a.shape[0]:,} rows"
        label = f"{n_sites} sites x 5 sizes x 3 power"
        rows.append((label, "build programme", statistics.median(builds), None))
        rows.append(
            (
                label,
                f"solve (HiGHS; {sizes})",
                statistics.median(solves),
                10.0 if n_sites == 100 else None,
            )
        )
    width = [max(len(r[i]) for r in rows) for i in range(2)]
    print(f"{'case':<{width[0]}}  {'step':<{width[1]}}  median wall time  target")
    for case, step, seconds, target in rows:
        goal = f"< {target:g} s {'ok' if seconds < target else 'MISSED'}" if target else ""
        print(f"{case:<{width[0]}}  {step:<{width[1]}}  {seconds * 1000:12.1f} ms  {goal}")


if __name__ == "__main__":
    main()
