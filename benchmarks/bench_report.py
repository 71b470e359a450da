"""Speed of `orevalue report`, printed as a table.

Run on demand:  python benchmarks/bench_report.py [--repeat 5] [--baseline /tmp/base]
    [--risk 20000]
Whole commands are fresh processes on the default case (imports, evaluation, siting and map,
HTML, and the PDF through headless Chromium when there is one), interleaved with the same
commands of ``--baseline`` (another checkout) so that the ratio compares runs of one moment;
bytecode is written and read, as an installed package has it. The stages below them are timed
in one process of this checkout. Figures are medians and min-max; the load average is printed,
since shared machines are noisy.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from paired import arguments, interleaved, load, table, trees_for
from timing import median_seconds


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--risk", type=int, default=20_000, help="samples of the risk row")
    args = parser.parse_args()
    trees = trees_for(args.baseline)
    sys.path.insert(0, str(trees["this"]))
    print(f"load average before: {load()}")
    with tempfile.TemporaryDirectory() as out:
        report = ["-m", "orevalue", "report", "--quiet", "--out", out]
        commands = {
            "orevalue report (default case)": (report, False),
            "orevalue report --no-siting": ([*report, "--no-siting"], False),
        }
        times = interleaved(commands, trees, args.repeat)
        if shutil.which("chromium"):
            pdf = {"orevalue report --pdf": ([*report, "--pdf"], False)}
            times.update(interleaved(pdf, trees, 1))
        risk = [*report, "--risk", str(args.risk), "--site", "port-qasim"]
        times.update(
            interleaved(
                {f"orevalue report --risk {args.risk:,} --site port-qasim": (risk, False)}, trees, 1
            )
        )
        size = (Path(out) / "balochistan-copper" / "brief.html").stat().st_size
    print(table(times, list(trees), unit="s"))
    print(f"load average after: {load()}")
    print()

    rows: list[tuple[str, float]] = []
    start = time.perf_counter()
    import orevalue
    from orevalue.api import site, site_map_svg
    from orevalue.report.brief import BriefInputs, build

    rows.append(("  import the engine and the brief (once)", time.perf_counter() - start))

    scenario = orevalue.load()
    results = orevalue.evaluate(scenario)
    rows.append(
        (
            "  evaluate() with break-even and regimes",
            median_seconds(lambda: orevalue.evaluate(scenario), args.repeat),
        )
    )
    start = time.perf_counter()
    siting = site(scenario)
    rows.append(("  siting analysis (first, with its imports)", time.perf_counter() - start))
    start = time.perf_counter()
    svg = site_map_svg(siting)
    rows.append(("  the map as SVG (first, with matplotlib's import)", time.perf_counter() - start))
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
