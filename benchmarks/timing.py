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


def command_seconds(cmd: list[str], repeat: int) -> float:
    """Median wall time of running ``cmd`` in a fresh process, seconds."""
    return median_seconds(lambda: subprocess.run(cmd, check=True, capture_output=True), repeat)
