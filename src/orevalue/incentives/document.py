"""The designer's findings as plain data: incentives.json and its CSV tables (NaN as empty)."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
from typing import Any

from orevalue.incentives.optimise import Design


def _plain(item: Any) -> Any:
    if isinstance(item, dict):
        return {str(k): _plain(v) for k, v in item.items()}
    if isinstance(item, list | tuple):
        return [_plain(v) for v in item]
    if hasattr(item, "item"):  # a NumPy scalar
        item = item.item()
    if isinstance(item, float) and not math.isfinite(item):
        return None
    return item


def design_document(design: Design) -> dict[str, Any]:
    """Everything the designer found, as JSON-ready values (NaN and infinities as null)."""
    return _plain(dataclasses.asdict(design))


def design_json(design: Design) -> str:
    return json.dumps(design_document(design), indent=2, allow_nan=False) + "\n"


def _csv(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    out = io.StringIO()
    keys = list(dict.fromkeys(k for row in rows for k in row))
    writer = csv.DictWriter(out, keys, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in keys})
    return out.getvalue()


def design_csvs(design: Design) -> dict[str, str]:
    """File name -> CSV text: the lever ranking, the Pareto front, the package."""
    doc = design_document(design)
    front = [
        {**{k: v for k, v in row.items() if k != "package"}, **(row["package"] or {})}
        for row in doc["pareto"]
    ]
    package = [
        {
            "lever": name,
            "amount": amount,
            "unit": doc["levers"][name]["unit"],
            "pays": doc["levers"][name]["pays"],
            "outlay_pv_usd": doc["package_cost_by_lever"].get(name),
        }
        for name, amount in (doc["package"] or {}).items()
    ]
    return {
        "ranking.csv": _csv(doc["ranking"]),
        "pareto.csv": _csv(front),
        "package.csv": _csv(package),
    }
