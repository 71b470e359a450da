"""Median wall times for the benchmark scripts (run on demand, never in the tests)."""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable


def median_seconds(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``fn()`` over ``repeat`` calls, seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def spread_seconds(fn: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    """Median, minimum and maximum wall time of ``fn()`` over ``repeat`` calls, seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), max(times)


def command_seconds(cmd: list[str], repeat: int) -> float:
    """Median wall time of running ``cmd`` in a fresh process, seconds."""
    return median_seconds(lambda: subprocess.run(cmd, check=True, capture_output=True), repeat)


def command_spread(cmd: list[str], repeat: int) -> tuple[float, float, float]:
    """Minimum, median and maximum wall time of ``cmd`` in a fresh process, seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), max(times)
