"""Over a range of inputs: a sweep's best and worst points and its heat map (the plant NPV
over two inputs, with the break-even line), from the table ``orevalue sweep`` wrote."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from orevalue import outputs
from orevalue.report.brief.blocks import Block, Ctx, row, table, text


class SweepFileError(ValueError):
    """A sweep table that cannot be read or is not one; the message says why."""


def sweep_material(path: Path, labels: dict[str, str]) -> dict[str, Any]:
    """:func:`_material`, any failure to read the file raised as :class:`SweepFileError`."""
    try:
        return _material(path, labels)
    except SweepFileError:
        raise
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SweepFileError(str(exc) or type(exc).__name__) from exc


def _material(path: Path, labels: dict[str, str]) -> dict[str, Any]:
    """What the section shows, read from the sweep table at ``path`` (CSV or Parquet, with
    sweep.json beside it when there): the inputs, the best and worst points, the heat map as
    SVG. ``labels`` names the pathways."""
    import json

    from orevalue.sweep import heatmap
    from orevalue.sweep import table as sweep_table

    columns = sweep_table.read(path)
    inputs = sweep_table.input_columns(path, columns)
    info_file = path.parent / sweep_table.META_FILE
    info = json.loads(info_file.read_text(encoding="utf-8")) if info_file.is_file() else {}
    key = info.get("ranked_by") or _default_key(columns, labels)
    if key not in columns or not inputs:
        raise SweepFileError("not a sweep table (no varied inputs or no plant NPV column)")
    focus = key.removesuffix(".npv_usd")
    label = labels.get(focus, focus)
    values = columns[key]
    finite = np.isfinite(values)
    best = int(np.nanargmax(np.where(finite, values, np.nan))) if finite.any() else 0
    worst = int(np.nanargmin(np.where(finite, values, np.nan))) if finite.any() else 0
    drawn = heatmap.from_table(columns, inputs, key, label)
    return {
        "file": str(path),
        "method": info.get("method", "grid"),
        "inputs": inputs,
        "key": key,
        "label": label,
        "points": int(values.size),
        "positive": int(np.count_nonzero(values > 0)),
        "rows": {
            name: {col: float(columns[col][i]) for col in [*inputs, key]}
            for name, i in (("best", best), ("worst", worst))
        },
        "svg": heatmap.svg_text(drawn[0]) if drawn else None,
        "caption": drawn[1] if drawn else "",
    }


def _default_key(columns: dict[str, np.ndarray], labels: dict[str, str]) -> str:
    """The first pathway's plant NPV column that builds (any other than the first)."""
    names = [n for n in labels if f"{n}.npv_usd" in columns]
    return f"{names[1 if len(names) > 1 else 0]}.npv_usd" if names else ""


def sweep_section(ctx: Ctx) -> dict[str, Any] | None:
    material = ctx.inputs.extra.get("sweep")
    if material is None:
        return None
    m = material
    n, positive = m["points"], m["positive"]
    blocks: list[Block] = [
        text(
            f"The case evaluated at {n:,} points ({m['method']}) of "
            + ", ".join(m["inputs"])
            + f", all at once, from {Path(m['file']).name}; ranked by the plant NPV after tax "
            f"of {m['label']}. The NPV is above zero at {positive:,} of them "
            f"({100 * positive / max(n, 1):.0f} %)."
        )
    ]
    columns = ["point", *m["inputs"], "plant NPV, USD m"]
    rows = [
        row(
            name,
            *(f"{values[c]:,.6g}" for c in m["inputs"]),
            outputs.format_value("musd", values[m["key"]]),
        )
        for name, values in m["rows"].items()
    ]
    blocks.append(table(columns, rows, caption="Best and worst points of the sweep"))
    if m["svg"]:
        blocks.append({"kind": "svg", "svg": m["svg"], "caption": m["caption"]})
    return {"id": "sweep", "title": "Over a range of inputs", "blocks": blocks}
