"""The assumptions table: every resolved input with its value, unit, source and tag."""

from __future__ import annotations

import math
from typing import Any

from orevalue.report.brief.blocks import (
    Ctx,
    R,
    pointer_join,
    text,
)
from orevalue.report.brief.numbers import Num

# ------------------------------------------------------------------ assumptions

UNIT_TOKENS = {
    "usd": "USD",
    "usc": "US¢",
    "pct": "%",
    "mwh": "MWh",
    "kwh": "kWh",
    "gj": "GJ",
    "m3": "m³",
    "g": "g",
    "t": "t",
    "dmt": "dmt",
    "wmt": "wmt",
    "tpa": "t/yr",
    "oz": "oz",
    "lb": "lb",
    "mw": "MW",
    "km": "km",
    "pkr": "PKR",
    "yr": "yr",
    "years": "years",
    "days": "days",
    "year": "year",
    "month": "month",
    "points": "points",
    "musd": "USD m",
}


def unit_of(path: str, value: Any = 0.0) -> str:
    """Unit of an input from its name (units live in names: ``capex_usd_per_tpa``), looking
    at the last segment that names one; else from the schema's description. Words and flags
    have none."""
    from orevalue.scenario import field_description

    if isinstance(value, str | bool):
        return ""
    for segment in reversed(path.split(".")):
        unit = _unit_from_name(segment)
        if unit:
            return unit
    desc = field_description(path.split("."))
    if desc.startswith("% "):
        return "%"
    tail = desc.rsplit(", ", 1)[-1] if ", " in desc else ""
    return tail if 0 < len(tail) <= 24 and any(c in tail for c in "%/³") else ""


#: Tokens that start a unit in a name, and tokens that start one only after the first word.
UNIT_STARTS = {"usd", "usc", "pct", "mwh", "kwh", "gj", "m3", "dmt", "wmt", "mw", "km", "pkr"}


def _unit_from_name(name: str) -> str:
    tokens = name.lower().split("_")
    start = None
    for i, tok in enumerate(tokens):
        if tok in UNIT_STARTS or (tok in ("g", "t") and i > 0):
            start = i
            break
        if tok == "per" and i + 1 < len(tokens) and tokens[i + 1] == "musd":
            start = i
            break
    if start is None:
        last = tokens[-1]
        if last in ("years", "days"):
            return last
        return "calendar year" if last == "year" else ""
    words: list[str] = []
    for tok in tokens[start:]:
        if tok.isdigit() and words and words[-1].replace(".", "").isdigit():
            words[-1] += "." + tok
        else:
            words.append({"per": "/", "of": "of"}.get(tok, UNIT_TOKENS.get(tok, tok)))
    text = ""
    for i, word in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if word == "/":
            text += " per " if not text or nxt[:1].isdigit() else "/"
        else:
            text += word if not text or text.endswith(("/", " ")) else " " + word
    return text.strip()


def assumptions_section(ctx: Ctx) -> dict[str, Any]:
    from orevalue.scenario import field_description

    inputs = ctx.src.get(R("inputs"), {}) or {}
    groups: dict[str, list[dict[str, Any]]] = {}
    for path, entry in inputs.items():
        group = path.split(".", 1)[0] if "." in path else "case"
        groups.setdefault(group, []).append(
            {
                "path": path,
                "meaning": field_description(path.split(".")),
                "value": _value_cells(
                    ctx, R("inputs", path, "value"), entry.get("value"), path.endswith("year")
                ),
                "unit": unit_of(path, entry.get("value")),
                "tag": entry.get("tag") or "",
                "source": entry.get("source") or "",
                "note": entry.get("note") or "",
            }
        )
    tags = {}
    for entry in inputs.values():
        tags[entry.get("tag") or "none"] = tags.get(entry.get("tag") or "none", 0) + 1
    summary = ", ".join(f"{n} {t}" for t, n in sorted(tags.items(), key=lambda kv: -kv[1]))
    return {
        "id": "assumptions",
        "title": "Assumptions",
        "blocks": [
            text(
                f"Every input the results rest on, {len(inputs):,} in all ({summary}), with its "
                "value, unit, source and tag: S found in a cited public source, D derived by "
                "arithmetic from sourced figures, E an estimate to replace with study data, "
                "S-w a weaker source, user a value set in a scenario file without a source. "
                "CTE and BAL are the reference sheets (copper techno-economics; "
                "Balochistan–Pakistan), cited by section."
            ),
            {"kind": "assumptions", "groups": groups, "count": len(inputs)},
        ],
    }


def _value_cells(ctx: Ctx, ptr: str, value: Any, year: bool = False) -> list[str | Num]:
    """An input's value as cells: numbers as :class:`Num` (a calendar year without commas),
    lists element by element."""
    if isinstance(value, bool):
        return ["yes" if value else "no"]
    if isinstance(value, int | float) and math.isfinite(float(value)):
        whole = float(value).is_integer()
        return [ctx.src.num(ptr, "int" if year and whole else "g")]
    if value is None:
        return ["–"]
    if isinstance(value, list):
        out: list[str | Num] = ["["]
        for i, item in enumerate(value):
            if i:
                out.append(", ")
            out.extend(_value_cells(ctx, pointer_join(ptr, i), item))
        out.append("]")
        return out
    if isinstance(value, dict):
        out = ["{"]
        for i, (k, item) in enumerate(value.items()):
            if i:
                out.append(", ")
            out.append(f"{k}: ")
            out.extend(_value_cells(ctx, pointer_join(ptr, k), item))
        out.append("}")
        return out
    return [str(value)]
