"""Commands timed in fresh processes, interleaved with the same commands of a baseline source
tree (e.g. a worktree of main: ``git worktree add --detach /tmp/base main``), so that a ratio
compares runs of one moment on a shared machine (run on demand, never in the tests)."""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

#: Environment a timed command gets: bytecode written and read as an installed package has
#: it (a shell that sets PYTHONDONTWRITEBYTECODE would make every start compile the sources).
DROPPED = ("PYTHONDONTWRITEBYTECODE",)


def tree_env(src: Path, **extra: str) -> dict[str, str]:
    """The environment that runs the ``orevalue`` package of the folder ``src``."""
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    env["PYTHONPATH"] = str(src)
    env.update(extra)
    return env


def source_of(tree: str | Path) -> Path:
    """The folder holding the package ``orevalue`` of a checkout (``tree/src``) or of ``tree``."""
    tree = Path(tree)
    return tree / "src" if (tree / "src" / "orevalue").is_dir() else tree


def arguments(doc: str | None) -> argparse.ArgumentParser:
    """A command line with a paired benchmark's options, ``--repeat`` and ``--baseline`` (a
    checkout), described by the first line of ``doc``; the script adds its own."""
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline", type=Path, help="checkout to compare with (its src/)")
    return parser


def trees_for(baseline: Path | None) -> dict[str, Path]:
    """The package folder of this checkout (``this``) and, when given, of ``baseline``."""
    out = {"this": source_of(Path(__file__).resolve().parents[1])}
    if baseline is not None:
        out["baseline"] = source_of(baseline)
    return out


def load() -> str:
    """The 1, 5 and 15 minute load averages, as text."""
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def _run(cmd: Sequence[str], env: Mapping[str, str], fresh_cache: bool) -> tuple[float, float]:
    """Wall time and CPU time (user + system, its children's included) of ``cmd`` in a fresh
    process; with ``fresh_cache`` in an empty Numba cache folder (a first run after
    installing: every kernel that runs compiled is compiled)."""
    with tempfile.TemporaryDirectory(prefix="orevalue-bench-") as folder:
        run_env = dict(env)
        if fresh_cache:
            run_env["NUMBA_CACHE_DIR"] = folder
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(list(cmd), env=run_env, check=True, capture_output=True)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


#: CPU times of the last :func:`interleaved` call, as its wall times are laid out.
CPU: dict[str, dict[str, list[float]]] = {}


def interleaved(
    commands: Mapping[str, tuple[Sequence[str], bool]],
    trees: Mapping[str, Path],
    repeat: int,
) -> dict[str, dict[str, list[float]]]:
    """Wall times of each command (label: argv after ``python``, whether in a fresh Numba
    cache) for each source tree (name: folder of the package), ``repeat`` rounds of every
    command on every tree in turn, after one warm-up round (bytecode and caches written).
    Their CPU times go to :data:`CPU`."""
    times: dict[str, dict[str, list[float]]] = {c: {t: [] for t in trees} for c in commands}
    for label in commands:
        CPU[label] = {t: [] for t in trees}
    for round_ in range(repeat + 1):
        for label, (argv, fresh) in commands.items():
            for name, src in trees.items():
                wall, cpu = _run([sys.executable, *argv], tree_env(src), fresh)
                if round_:
                    times[label][name].append(wall)
                    CPU[label][name].append(cpu)
    return times


def spread(values: Sequence[float], scale: float = 1.0, digits: int = 0) -> str:
    """``median (min-max)`` of ``values`` times ``scale``."""
    med, lo, hi = (f"{v * scale:.{digits}f}" for v in (statistics.median(values), *_ends(values)))
    return f"{med} ({lo}-{hi})"


def _ends(values: Sequence[float]) -> tuple[float, float]:
    return min(values), max(values)


def table(
    times: Mapping[str, Mapping[str, list[float]]],
    trees: Sequence[str],
    unit: str = "ms",
) -> str:
    """Rows of median (min-max) wall time per tree and, with two trees, the ratios of the
    first's medians to the second's (the baseline's): wall time, and CPU time (from
    :data:`CPU`), which a loaded machine disturbs less."""
    scale, digits = (1e3, 0) if unit == "ms" else (1.0, 2)
    width = max(map(len, times))
    head = f"{'command (fresh process)':<{width}}  " + "  ".join(
        f"{name + ', ' + unit + ' median (min-max)':<28}" for name in trees
    )
    lines = [head + ("  wall ratio  CPU ratio" if len(trees) == 2 else "")]
    for label, per_tree in times.items():
        cells = "  ".join(f"{spread(per_tree[t], scale, digits):<28}" for t in trees)
        line = f"{label:<{width}}  {cells}"
        if len(trees) == 2:
            a, b = (statistics.median(per_tree[t]) for t in trees)
            line += f"  {a / b:10.2f}"
            if label in CPU:
                c, d = (statistics.median(CPU[label][t]) for t in trees)
                line += f"  {c / d:9.2f}"
        lines.append(line)
    return "\n".join(lines)
