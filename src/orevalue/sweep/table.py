"""The sweep's table: one row a point, its varied inputs then its key metrics per pathway,
written as CSV (or Parquet) and read back (by ``orevalue report --sweep``)."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from orevalue.atomic import write_atomic
from orevalue.sweep.evaluate import METRICS, Sweep

#: The file beside the table that says which columns were varied (and how).
META_FILE = "sweep.json"


def meta(sweep: Sweep) -> dict[str, Any]:
    """What the table holds: the inputs varied, the ranking column, best and worst points."""
    best, worst = sweep.ranked()
    return {
        "scenario": sweep.scenario,
        "method": sweep.method,
        "seed": sweep.seed,
        "points": sweep.n,
        "inputs": [{"path": v.path, "spec": v.text, "whole_deck": v.deck} for v in sweep.varied],
        "pathways": sweep.pathways,
        "ranked_by": sweep.key,
        "best_point": best,
        "worst_point": worst,
    }


def csv_text(columns: dict[str, np.ndarray]) -> str:
    """The columns as CSV text (floats as Python writes them, so they read back exactly; NaN
    as an empty cell)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list(columns))
    # Python numbers (``tolist``) format and test faster than NumPy scalars do
    cells = [
        [repr(x) for x in values.tolist()]
        if values.dtype.kind in "iu"
        else [repr(x) if math.isfinite(x) else "" for x in values.astype(float).tolist()]
        for values in columns.values()
    ]
    # the cells are numbers, which never need quoting: joined rather than written one by one
    rows = map(",".join, zip(*cells, strict=True))
    return buffer.getvalue() + "".join(row + "\n" for row in rows)


def write(sweep: Sweep, folder: Path, parquet: bool = False) -> list[Path]:
    """Write the table (sweep.csv, or sweep.parquet) and sweep.json into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    columns = sweep.columns()
    if parquet:
        import pyarrow as pa
        import pyarrow.parquet as pq

        sink = pa.BufferOutputStream()
        pq.write_table(pa.table(columns), sink)
        path = folder / "sweep.parquet"
        write_atomic(path, sink.getvalue().to_pybytes())
    else:
        path = folder / "sweep.csv"
        write_atomic(path, csv_text(columns))
    info = folder / META_FILE
    write_atomic(info, json.dumps({**meta(sweep), "table": path.name}, indent=2) + "\n")
    return [path, info]


def read(path: Path) -> dict[str, np.ndarray]:
    """A sweep table (CSV or Parquet) as float columns (``point`` as integers)."""
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        return {name: table.column(name).to_numpy() for name in table.column_names}
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    if not rows:
        raise ValueError("empty table")
    head, body = rows[0], rows[1:]
    out: dict[str, np.ndarray] = {}
    for j, name in enumerate(head):
        cells = [row[j] if j < len(row) else "" for row in body]
        values = np.array([float(c) if c else np.nan for c in cells], dtype=np.float64)
        out[name] = values.astype(np.int64) if name == "point" else values
    return out


def input_columns(path: Path, columns: dict[str, np.ndarray]) -> list[str]:
    """The varied inputs of a table: from sweep.json beside it, else every column that is
    neither ``point`` nor a ``<pathway>.<metric>`` of :data:`METRICS`."""
    info = path.parent / META_FILE
    if info.is_file():
        try:
            names = [i["path"] for i in json.loads(info.read_text(encoding="utf-8"))["inputs"]]
            if all(n in columns for n in names):
                return names
        except (ValueError, KeyError, TypeError):
            pass
    metrics = {key for _, key in METRICS}
    return [name for name in columns if name != "point" and name.rpartition(".")[2] not in metrics]
