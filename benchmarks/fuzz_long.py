"""The long fuzz of the inputs: ``python benchmarks/fuzz_long.py [EXAMPLES] [--seconds S]``
runs EXAMPLES (default 10,000) random scenario files through ``orevalue run`` in-process
(tests/fuzz/fuzzing.py) and prints how many were refused (exit 2), ran (exit 0), and the
first failure of the property, if any. Stops early after S seconds when given.

The files, drawn in turn: four in six change up to three fields of the default case (two in
three of those draws give each field a valid value, of its type inside its declared range, so
that they run in full; one a random value, type or structure), one in six is a random TOML
structure, one in six random bytes.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "fuzz"))

from fuzzing import changes, check_command, structure_text, toml_of, toml_tables
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("examples", type=int, nargs="?", default=10_000)
    parser.add_argument("--seconds", type=float, default=None)
    args = parser.parse_args()
    counts: Counter[str] = Counter()
    started = time.monotonic()
    kinds = (
        *[changes.map(lambda c: ("fields", _text(c)))] * 4,
        toml_tables.map(lambda t: ("structure", structure_text(t))),
        st.binary(max_size=300).map(lambda b: ("bytes", b)),
    )
    files = st.sampled_from(kinds).flatmap(lambda kind: kind)  # a uniform pick of the kind

    @settings(
        max_examples=args.examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(files)
    def fuzz(file: tuple[str, str | bytes | None]) -> None:
        kind, text = file
        if args.seconds and time.monotonic() - started > args.seconds:
            counts["skipped (time)"] += 1
            return
        if text is None:
            counts["unwritable as TOML"] += 1
            return
        outcome = check_command(["run"], text)
        counts[outcome] += 1
        counts[f"{kind} {outcome}"] += 1

    try:
        fuzz()
    finally:
        total = sum(counts[k] for k in ("ok", "refused", "unwritable as TOML"))
        print(f"{total} examples in {time.monotonic() - started:.0f} s: {dict(counts)}")
    return 0


def _text(changes: list) -> str | None:  # type: ignore[type-arg]
    try:
        return toml_of(changes)
    except TypeError:
        return None


if __name__ == "__main__":
    sys.exit(main())
