"""Rows of the brief's pathway tables made from the outputs table: a declared key's label, unit
and format, and the pointer to its value in brief.json."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from orevalue import outputs
from orevalue.report.brief.blocks import R
from orevalue.results import Results, margin_field

#: Where each group of the outputs table sits in a pathway of brief.json's results (the
#: margin per tonne's field names the pathway's main element: :func:`margin_field`).
FIELDS = {
    "plant": "plant",
    "margin_usd_per_t": "margin_usd_per_t_product_{element}",
    "country": "country",
    "dollars": "where_each_dollar_goes_pv_usd",
}


def _resolve(results: Results | None, name: str, template: str) -> str:
    """``template`` for pathway ``name`` of ``results`` (a template names the main element)."""
    if "{" not in template:
        return template
    if results is None:
        raise ValueError(f"{template!r} needs the results to name the pathway's main element")
    if template == FIELDS["margin_usd_per_t"]:
        return margin_field(results.pathways[name].main_element)
    return results.pathways[name].key(template)


def focus_key(results: Results, template: str) -> str:
    """The concrete key of a declared ``template`` for the case's focus pathway (whose main
    element names the keys people read: ``product_cu_t_per_yr``)."""
    return results.pathways[results.scenario.focus_pathway].key(template)


Spec = tuple[Any, Callable[[str], str | None] | None, str]


def metric(
    group: str,
    key: str,
    *,
    indent: str = "",
    text: str | None = None,
    unit: bool = True,
    results: Results | None = None,
) -> Spec:
    """A row of :meth:`Ctx.pathway_rows`: ``label, unit`` of ``key`` (or ``text``), the
    pathway's pointer to it and its format kind. A ``key`` that names the main element
    (``product_{element}_t_per_yr``) needs ``results``: each pathway reads its own key, the
    label is the focus pathway's."""
    shown_key = focus_key(results, key) if "{" in key and results is not None else key
    label = text if text is not None else outputs.label(shown_key, group)
    shown = outputs.shown_unit(shown_key, group) if unit else ""
    return (
        indent + label + (f", {shown}" if shown else ""),
        pointer(group, key, results),
        outputs.format_kind(shown_key, group),
    )


def pointer(group: str, key: str, results: Results | None = None) -> Callable[[str], str]:
    """The pathway's pointer to a declared key (``results`` where the key or the group's
    field names the main element)."""
    field = FIELDS[group]
    return lambda n: R("pathways", n, _resolve(results, n, field), _resolve(results, n, key))
