"""Numbers for people, each tied to where it comes from.

Every number the brief shows is a :class:`Num`: its value, how it is formatted, and a *key*
saying how it is computed from ``brief.json`` (the results, the risk summary and the siting
summary the brief was made from). A key is a small expression over JSON pointers (RFC 6901,
each path segment percent-encoded, so a segment never holds a space, ``/`` or ``+``)::

    key   := ["-"] term ((" + " | " - ") term)*
    term  := pointer [" / " pointer]

e.g. ``/results/pathways/cathode/plant/npv_usd`` or
``/results/pathways/cathode/annual/feed_cost/5 / /results/pathways/cathode/annual/product_cu_t/5``.

Each number's *kind* (musd, usd, pct, pp, kt, n, x, yr, int, g …) is the format
:func:`orevalue.outputs.format_value` gives it, the one number formatter of the brief, the
terminal and the risk tables (its table of kinds is in :mod:`orevalue.outputs`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from orevalue.outputs import format_value


def pointer(*segments: str | int) -> str:
    """A JSON pointer into brief.json, each segment percent-encoded."""
    return "".join(
        "/" + quote(str(s).replace("~", "~0").replace("/", "~1"), safe="") for s in segments
    )


def resolve(doc: Any, ptr: str) -> Any:
    """The item of ``doc`` at ``ptr`` (KeyError/IndexError when there is none)."""
    item = doc
    for raw in ptr.split("/")[1:]:
        seg = unquote(raw).replace("~1", "/").replace("~0", "~")
        item = item[int(seg)] if isinstance(item, list) else item[seg]
    return item


def evaluate(doc: Any, key: str) -> float | None:
    """Value of a key expression over ``doc``; None when a term is missing or not finite."""
    tokens = key.split(" ")
    total, sign, i = 0.0, 1.0, 0
    if tokens and tokens[0] == "-":
        sign, i = -1.0, 1
    while i < len(tokens):
        num = resolve(doc, tokens[i])
        if num is None:
            return None
        term = float(num)
        i += 1
        if i < len(tokens) and tokens[i] == "/":
            den = resolve(doc, tokens[i + 1])
            if den is None or float(den) == 0.0:
                return None
            term /= float(den)
            i += 2
        total += sign * term
        if i < len(tokens):
            sign = {"+": 1.0, "-": -1.0}[tokens[i]]
            i += 1
    return total if math.isfinite(total) else None


def ratio(num: str, den: str) -> str:
    """Key of ``num / den``."""
    return f"{num} / {den}"


def total(*keys: str) -> str:
    """Key of the sum of single-pointer or ratio keys."""
    return " + ".join(keys)


def neg(key: str) -> str:
    """Key of minus a single term."""
    return f"- {key}"


@dataclass(frozen=True)
class Num:
    """A number shown in the brief: value, format and the key it comes from."""

    value: float | None
    kind: str
    key: str

    @property
    def text(self) -> str:
        return format_value(self.kind, self.value)

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "kind": self.kind, "key": self.key, "text": self.text}


class Source:
    """brief.json, and :class:`Num` made from keys over it."""

    def __init__(self, doc: dict[str, Any]):
        self.doc = doc

    def has(self, ptr: str) -> bool:
        try:
            resolve(self.doc, ptr)
        except (KeyError, IndexError, TypeError, ValueError):
            return False
        return True

    def get(self, ptr: str, default: Any = None) -> Any:
        try:
            return resolve(self.doc, ptr)
        except (KeyError, IndexError, TypeError, ValueError):
            return default

    def value(self, key: str) -> float | None:
        return evaluate(self.doc, key)

    def num(self, key: str, kind: str) -> Num:
        return Num(self.value(key), kind, key)

    def maybe(self, key: str, kind: str) -> Num | None:
        """A :class:`Num`, or None when a pointer of ``key`` is not in the document."""
        ptrs = [t for t in key.split(" ") if t.startswith("/")]
        if not all(self.has(p) for p in ptrs):
            return None
        return self.num(key, kind)
