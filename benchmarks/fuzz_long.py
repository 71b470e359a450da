"""The long fuzz of the inputs: ``python benchmarks/fuzz_long.py [EXAMPLES] [--seconds S]``
runs EXAMPLES (default 10,000) random scenario files through ``orevalue run`` in-process
(tests/fuzz/fuzzing.py: random fields, random TOML structure, random bytes, in turn) and
prints how many were refused (exit 2), ran (exit 0), and the first failure of the property,
if any. Stops early after S seconds when given."""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "fuzz"))

from fuzzing import check_command, paths, toml_of, values
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("examples", type=int, nargs="?", default=10_000)
    parser.add_argument("--seconds", type=float, default=None)
    args = parser.parse_args()
    counts: Counter[str] = Counter()
    started = time.monotonic()
    changes = st.lists(st.tuples(paths, values), min_size=1, max_size=3, unique_by=lambda c: c[0])
    files = st.one_of(
        changes.map(lambda c: _text(c)),
        st.binary(max_size=300),
    )

    @settings(
        max_examples=args.examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(files)
    def fuzz(text: str | bytes | None) -> None:
        if args.seconds and time.monotonic() - started > args.seconds:
            counts["skipped (time)"] += 1
            return
        if text is None:
            counts["unwritable as TOML"] += 1
            return
        counts[check_command(["run"], text)] += 1

    try:
        fuzz()
    finally:
        total = sum(v for k, v in counts.items() if k != "skipped (time)")
        print(f"{total} examples in {time.monotonic() - started:.0f} s: {dict(counts)}")
    return 0


def _text(changes: list) -> str | None:  # type: ignore[type-arg]
    try:
        return toml_of(changes)
    except TypeError:
        return None


if __name__ == "__main__":
    sys.exit(main())
