"""Speed of `orevalue report`, printed as a table.

Run on demand:  python benchmarks/bench_report.py [--repeat 3] [--risk 20000]
Whole commands are fresh processes on the default case (imports, evaluation, siting and map,
HTML, and the PDF through headless Chromium when asked); the stages below them are timed in
one process. Figures are medians; shared machines are noisy, so compare within one run.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _wall(cmd: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _timed(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--risk", type=int, default=20_000, help="samples of the risk row")
    args = parser.parse_args()
    report = [sys.executable, "-m", "orevalue", "report", "--quiet"]
    rows: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as out:
        rows.append(("orevalue report (default case)", _wall([*report, "--out", out], args.repeat)))
        rows.append(
            (
                "orevalue report --no-siting",
                _wall([*report, "--no-siting", "--out", out], args.repeat),
            )
        )
        if shutil.which("chromium"):
            rows.append(("orevalue report --pdf", _wall([*report, "--pdf", "--out", out], 1)))
        risk = [*report, "--risk", str(args.risk), "--site", "port-qasim", "--pdf"]
        rows.append(
            (
                f"orevalue report --risk {args.risk:,} --site port-qasim --pdf",
                _wall([*risk, "--out", out], 1),
            )
        )
        size = (Path(out) / "balochistan-copper" / "brief.html").stat().st_size

    import orevalue
    from orevalue.cli_report import _siting
    from orevalue.report.brief import BriefInputs, build

    scenario = orevalue.load()
    results = orevalue.evaluate(scenario)
    rows.append(
        (
            "  evaluate() with break-even and regimes",
            _timed(lambda: orevalue.evaluate(scenario), args.repeat),
        )
    )
    siting, _, svg = _siting(None)
    rows.append(("  siting analysis and map", _timed(lambda: _siting(None), 1)))
    inputs = BriefInputs(results=results, siting=siting, map_svg=svg)
    rows.append(("  assemble and render the HTML", _timed(lambda: build(inputs), args.repeat)))
    width = max(len(r[0]) for r in rows)
    print(f"{'what':<{width}}  median wall time")
    for label, seconds in rows:
        print(f"{label:<{width}}  {seconds:8.2f} s")
    print(f"brief.html of the default case: {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
