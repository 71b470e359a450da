"""Siting speed, printed as tables: the programme (build and solve) in process, and whole
commands in fresh processes, as ratios to a baseline tree measured in the same run.

Run on demand:  python benchmarks/bench_site.py [--repeat 5] [--baseline /tmp/base/src]

The programme rows: the default case (7 sites, 5 sizes, 2-3 power options: build the sparse
programme, solve it with HiGHS, and the whole ranking of 7 single-site plans + baseline without
the engine NPVs) and synthetic networks (n sites x 5 sizes x 3 power options, seeds
0..repeat-1). The command rows, each a fresh interpreter: ``orevalue site --quiet`` on the
default case with and without the map, and the 100-site case (``siting.synthetic``, seed 0)
as the command runs it: load the case, rank every site with the engine's NPVs, write the
files and draw the map. With ``--baseline`` (the ``src`` folder of another checkout, e.g. the
previous commit in a ``git worktree``), each command runs on both trees in turn, run by run,
and the ratio (this tree / baseline) is the median of the paired ratios with their range.
Figures are medians with min-max, wall time and CPU time (user + system of the process and
its workers); shared machines are noisy, so compare ratios within a run.
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

import orevalue
from orevalue.siting import analyse, load_sites, model_for, solve
from orevalue.siting.synthetic import random_sites_data
from paired import tree_env
from timing import median_seconds

SRC = Path(__file__).resolve().parents[1] / "src"

#: The 100-site case as ``orevalue site`` runs it (works on trees before and after the
#: engine valued the sites in batches: ``site_npvs`` is taken when the tree has it; and before
#: and after the map was drawn by a child forked at the start: ``sitemap.drawer``).
HUNDRED = """
import sys, tempfile
from functools import partial
from pathlib import Path
from orevalue.report import sitemap
maps = sitemap.drawer() if hasattr(sitemap, "drawer") else None
from orevalue import api
from orevalue.siting import Options, analyse
from orevalue.siting.synthetic import random_sites_data
from orevalue.report.sitetables import write_siting
loaded = api.load()
api.risk_spec(loaded)  # the command's check of the case's [uncertainty] table
data = random_sites_data(100, n_sizes=5, n_power=3, seed=0)
npv = api.site_npvs(loaded) if hasattr(api, "site_npvs") else api.site_npv(loaded)
planned = {} if maps is None else {"planned": partial(sitemap.draw_later, maps)}
siting = analyse(loaded.scenario, data, Options(), npv, **planned)
with tempfile.TemporaryDirectory() as folder:
    write_siting(siting, Path(folder))
    if maps is None:
        sitemap.draw_map(siting, Path(folder))
    else:
        sitemap.write_map(maps.result(), Path(folder))
        maps.close()
"""


def programme_rows(repeat: int) -> list[tuple[str, str, float, float | None]]:
    """In-process medians: build and solve the programme, and the ranking without NPVs."""
    scenario = orevalue.load()
    data = load_sites()
    model = model_for(scenario, data)
    solve(model)  # warm up HiGHS
    rows: list[tuple[str, str, float, float | None]] = [
        (
            "default case",
            "build programme",
            median_seconds(lambda: model_for(scenario, data), repeat),
            None,
        ),
        ("default case", "solve (HiGHS)", median_seconds(lambda: solve(model), repeat), 1.0),
        (
            "default case",
            "ranking: 9 solves, no engine",
            median_seconds(lambda: analyse(scenario, data), repeat),
            None,
        ),
    ]
    for n_sites in (30, 100):
        builds, solves, sizes = [], [], ""
        for seed in range(repeat):
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
        target = 10.0 if n_sites == 100 else None
        rows.append((label, f"solve (HiGHS; {sizes})", statistics.median(solves), target))
    return rows


def print_programme(rows: list[tuple[str, str, float, float | None]]) -> None:
    width = [max(len(r[i]) for r in rows) for i in range(2)]
    print(f"{'case':<{width[0]}}  {'step':<{width[1]}}  median wall time  target")
    for case, step, seconds, target in rows:
        goal = f"< {target:g} s {'ok' if seconds < target else 'MISSED'}" if target else ""
        print(f"{case:<{width[0]}}  {step:<{width[1]}}  {seconds * 1000:12.1f} ms  {goal}")


def commands(out: str) -> list[tuple[str, list[str], float]]:
    """(label, arguments after the interpreter, target seconds) of each command row."""
    site = ["-m", "orevalue", "site", "--quiet", "--out", out]
    return [
        ("orevalue site, default case", site, 1.0),
        ("orevalue site --no-map, default case", [*site, "--no-map"], 1.0),
        ("100 sites x 5 sizes: site with engine NPVs, files, map", ["-c", HUNDRED], 3.0),
    ]


def _run(src: Path, args: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system, the process and its workers) of one run."""
    env = tree_env(src)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], check=True, capture_output=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def _spread(values: list[float], scale: float = 1.0, fmt: str = "{:.2f}") -> str:
    lo, mid, hi = min(values) * scale, statistics.median(values) * scale, max(values) * scale
    return f"{fmt.format(mid)} ({fmt.format(lo)}-{fmt.format(hi)})"


def command_rows(repeat: int, baseline: Path | None) -> None:
    """Each command ``repeat`` times in a fresh process, alternating with the baseline; wall
    time and CPU time (which a loaded machine moves less)."""
    with tempfile.TemporaryDirectory(prefix="bench-site-") as out:
        rows = []
        for label, args, target in commands(out):
            _run(SRC, args)  # warm the file caches and Numba's
            if baseline is not None:
                _run(baseline, args)
            mine, base = [], []
            for _ in range(repeat):
                mine.append(_run(SRC, args))
                if baseline is not None:
                    base.append(_run(baseline, args))
            rows.append((label, mine, base, target))
    width = max(len(r[0]) for r in rows)
    head = f"{'command (fresh process)':<{width}}  what  {'this tree, s':>20}"
    if baseline is not None:
        head += f"  {'baseline, s':>20}  {'ratio (paired)':>20}"
    print(head + "  target")
    for label, mine, base, target in rows:
        for k, what in enumerate(("wall", "CPU ")):
            ours = [m[k] for m in mine]
            line = f"{label if k == 0 else '':<{width}}  {what}  {_spread(ours):>20}"
            if base:
                theirs = [b[k] for b in base]
                ratios = [m / b for m, b in zip(ours, theirs, strict=True)]
                line += f"  {_spread(theirs):>20}  {_spread(ratios, fmt='{:.3f}'):>20}"
            ok = "ok" if statistics.median(ours) < target else "MISSED"
            print(f"{line}  < {target:g} s {ok}" if k == 0 else line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--baseline", type=Path, default=None, help="src folder of the tree to compare with"
    )
    parser.add_argument(
        "--commands-only", action="store_true", help="skip the in-process programme rows"
    )
    args = parser.parse_args()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if not args.commands_only:
        print_programme(programme_rows(args.repeat))
        print()
    command_rows(args.repeat, args.baseline)
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
