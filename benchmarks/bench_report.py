"""Speed of `orevalue report`, printed as a table.

Run on demand:  python benchmarks/bench_report.py [--repeat 3] [--risk 20000]
Whole commands are fresh processes on the default case (imports, evaluation, siting and map,
HTML, and the PDF through headless Chromium when asked); the stages below them are timed in
one process. Figures are medians; shared machines are noisy, so compare within one run.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from timing import command_seconds, median_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--risk", type=int, default=20_000, help="samples of the risk row")
    args = parser.parse_args()
    report = [sys.executable, "-m", "orevalue", "report", "--quiet"]
    rows: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as out:
        rows.append(
            (
                "orevalue report (default case)",
                command_seconds([*report, "--out", out], args.repeat),
            )
        )
        rows.append(
            (
                "orevalue report --no-siting",
                command_seconds([*report, "--no-siting", "--out", out], args.repeat),
            )
        )
        if shutil.which("chromium"):
            rows.append(
                ("orevalue report --pdf", command_seconds([*report, "--pdf", "--out", out], 1))
            )
        risk = [*report, "--risk", str(args.risk), "--site", "port-qasim", "--pdf"]
        rows.append(
            (
                f"orevalue report --risk {args.risk:,} --site port-qasim --pdf",
                command_seconds([*risk, "--out", out], 1),
            )
        )
        size = (Path(out) / "balochistan-copper" / "brief.html").stat().st_size

    import orevalue
    from orevalue.api import brief_siting
    from orevalue.report.brief import BriefInputs, build

    scenario = orevalue.load()
    results = orevalue.evaluate(scenario)
    rows.append(
        (
            "  evaluate() with break-even and regimes",
            median_seconds(lambda: orevalue.evaluate(scenario), args.repeat),
        )
    )
    siting, _, svg = brief_siting(scenario)
    rows.append(("  siting analysis and map", median_seconds(lambda: brief_siting(scenario), 1)))
    inputs = BriefInputs(results=results, siting=siting, map_svg=svg)
    rows.append(
        ("  assemble and render the HTML", median_seconds(lambda: build(inputs), args.repeat))
    )
    width = max(len(r[0]) for r in rows)
    print(f"{'what':<{width}}  median wall time")
    for label, seconds in rows:
        print(f"{label:<{width}}  {seconds:8.2f} s")
    print(f"brief.html of the default case: {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
