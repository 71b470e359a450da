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
from orevalue.catalog import ELEMENTS, OZ_PER_T
from orevalue.economics.balance import GROUPS, KOZ, pathway_balance
from orevalue.results import Results, _jsonable_tree


def trade_context() -> dict[str, Any]:
    """Pakistan's copper exports to China by HS code, with sources (data/trade.toml)."""
    import tomllib
    from importlib import resources

    text = resources.files("orevalue.data").joinpath("trade.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def results_document(
    results: Results, sample: int = 0, balance: dict[str, dict[str, Any]] | None = None
) -> dict[str, Any]:
    """results.json as a dict: :meth:`Results.to_dict` with the verdict and the warnings (one
    line each, counted by their list) after the scenario and, for a copper case, today's
    copper exports to China after the regimes; each pathway's physical balance (``balance``,
    from :func:`balances`, worked out here when not given)."""
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
    balance = balances(results) if balance is None else balance
    for name, pathway in doc["pathways"].items():
        pathway["balance"] = _jsonable_tree(_pick_tree(balance[name], sample))
    return doc


def balances(results: Results) -> dict[str, dict[str, Any]]:
    """The physical balance of every pathway in the first full year, arrays (N,)
    (:func:`orevalue.economics.balance.pathway_balance`)."""
    return {
        name: pathway_balance(
            results.scenario, results.params, name, r.case.flows, results.steady_index
        )
        for name, r in results.pathways.items()
    }


def _pick_tree(tree: Any, sample: int) -> Any:
    if isinstance(tree, dict):
        return {k: _pick_tree(v, sample) for k, v in tree.items()}
    return tree[sample]


#: Columns of streams.csv after pathway, group and stream.
STREAM_COLUMNS = (
    "mass_t_per_yr",
    *(f"{el}_t_per_yr" for el in ELEMENTS),
    *(f"{el}_koz_per_yr" for el in KOZ),
)


def streams_csv(
    results: Results, sample: int = 0, balance: dict[str, dict[str, Any]] | None = None
) -> str:
    """Every stream of every pathway in the first full year as CSV text, t/yr (gold and
    silver also koz/yr), by group; then per pathway the closure: what comes in, what goes
    out and the mass taken up from air, flux and water (``balance`` as for
    :func:`results_document`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("pathway", "group", "stream", *STREAM_COLUMNS))
    for name, bal in (balances(results) if balance is None else balance).items():
        for group in GROUPS:
            for stream, entry in bal[group].items():
                values = [f"{entry[c][sample]:.10g}" for c in STREAM_COLUMNS]
                writer.writerow((name, group, stream, *values))
        closure = bal["closure"]
        for side in ("in", "out"):
            tonnes = [closure[f"{el}_{side}_t_per_yr"][sample] for el in ELEMENTS]
            koz = [closure[f"{el}_{side}_t_per_yr"][sample] * OZ_PER_T / 1e3 for el in KOZ]
            values = (closure[f"mass_{side}_t_per_yr"][sample], *tonnes, *koz)
            writer.writerow((name, "closure", side, *(f"{v:.10g}" for v in values)))
        taken = f"{closure['mass_taken_up_t_per_yr'][sample]:.10g}"
        writer.writerow((name, "closure", "taken_up", taken, *[""] * (len(STREAM_COLUMNS) - 1)))
    return buffer.getvalue()


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
    """Write results.json, one annual CSV per pathway, the resolved price deck (prices.csv) and
    streams.csv (the physical balance)
    into ``out_dir``; return the paths."""
    balance = balances(results)  # the physical balance, for results.json and streams.csv
    text = json.dumps(results_document(results, balance=balance), indent=2, allow_nan=False)
    text += "\n"
    texts = {"results.json": text}
    for name in results.pathways:
        texts[f"annual_{name}.csv"] = annual_csv(results, name)
    texts["prices.csv"] = prices_csv(results)
    texts["streams.csv"] = streams_csv(results, balance=balance)
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
