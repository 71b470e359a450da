"""Files of results: results.json (the results of one sample with the verdict and the trade
context laid in), one annual CSV per pathway and the resolved price deck (prices.csv).
Everything is rendered in memory first, then each file is replaced atomically
(:func:`orevalue.atomic.write_atomic`)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from orevalue.atomic import write_atomic
from orevalue.results import Results


def trade_context() -> dict[str, Any]:
    """Pakistan's copper exports to China by HS code, with sources (data/trade.toml)."""
    import tomllib
    from importlib import resources

    text = resources.files("orevalue.data").joinpath("trade.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def results_document(results: Results, sample: int = 0) -> dict[str, Any]:
    """results.json as a dict: :meth:`Results.to_dict` with the verdict and the warnings (one
    line each, counted by their list) after the scenario and, for a copper case, today's
    copper exports to China after the regimes."""
    from orevalue.report.labels import metal_name
    from orevalue.report.verdict import verdict, warnings_of

    after: dict[str, list[tuple[str, Any]]] = {
        "scenario": [
            ("verdict", lambda: verdict(results, sample)),
            ("warnings", lambda: warnings_of(results, sample)),
        ],
    }
    if metal_name(results.scenario) == "copper":  # the trade table is of copper exports
        after["regimes"] = [("copper_exports_to_china", trade_context)]
    doc: dict[str, Any] = {}
    for key, value in results.to_dict(sample).items():
        doc[key] = value
        for name, make in after.get(key, []):
            doc[name] = make()
    return doc


def annual_csv(results: Results, pathway: str, sample: int = 0) -> str:
    """Annual lines of one pathway as CSV text: one row per year, USD (real) and tonnes."""
    lines = results.annual(pathway, sample)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(lines.keys())
    for i in range(results.years.size):
        row = [int(lines["year"][i])] + [f"{v[i]:.6g}" for k, v in lines.items() if k != "year"]
        writer.writerow(row)
    return buffer.getvalue()


def write_results(results: Results, out_dir: Path) -> list[Path]:
    """Write results.json, one annual CSV per pathway and the resolved price deck (prices.csv)
    into ``out_dir``; return the paths."""
    text = json.dumps(results_document(results), indent=2, allow_nan=False) + "\n"
    texts = {"results.json": text}
    for name in results.pathways:
        texts[f"annual_{name}.csv"] = annual_csv(results, name)
    texts["prices.csv"] = prices_csv(results)
    written = []
    for filename, text in texts.items():
        write_atomic(out_dir / filename, text)
        written.append(out_dir / filename)
    return written


def prices_csv(results: Results, sample: int = 0) -> str:
    """The price deck the run used, as CSV text: one row per year, one column per series of
    the scenario's ``[prices]`` (in its unit, data/price_series.toml): the knots after the
    scenario's overrides (``flat``, ``replace`` or merged into the case's), linear between
    them and flat outside."""
    names = list(results.scenario.prices)
    decks = [results.params.deck(f"prices.{n}", results.years)[sample] for n in names]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["year", *names])
    for i, year in enumerate(results.years.tolist()):
        writer.writerow([int(year), *(f"{d[i]:.6g}" for d in decks)])
    return buffer.getvalue()
