"""Rows of the brief's pathway tables made from the outputs table: a declared key's label, unit
and format, and the pointer to its value in brief.json."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from orevalue import outputs
from orevalue.report.brief.blocks import R

#: Where each group of the outputs table sits in a pathway of brief.json's results.
FIELDS = {
    "plant": "plant",
    "margin_usd_per_t": "margin_usd_per_t_product_cu",
    "country": "country",
    "dollars": "where_each_dollar_goes_pv_usd",
}

Spec = tuple[Any, Callable[[str], str | None] | None, str]


def metric(
    group: str, key: str, *, indent: str = "", text: str | None = None, unit: bool = True
) -> Spec:
    """A row of :meth:`Ctx.pathway_rows`: ``label, unit`` of ``key`` (or ``text``), the
    pathway's pointer to it and its format kind."""
    label = text if text is not None else outputs.label(key, group)
    shown = outputs.shown_unit(key, group) if unit else ""
    field = FIELDS[group]
    return (
        indent + label + (f", {shown}" if shown else ""),
        lambda n: R("pathways", n, field, key),
        outputs.format_kind(key, group),
    )


def pointer(group: str, key: str) -> Callable[[str], str]:
    """The pathway's pointer to a declared key."""
    field = FIELDS[group]
    return lambda n: R("pathways", n, field, key)
