"""Names people read for the margin parts, costs and payments, shared by the terminal tables
and the brief; every label comes from the outputs table (data/outputs.csv)."""

from __future__ import annotations

from typing import Any

from orevalue import outputs

#: The totals of the margin per tonne, shown with a leading "=".
MARGIN_TOTALS = ("cash_margin", "margin_after_capital")
_MARGIN_SUMS = (*MARGIN_TOTALS, "capital_charge")
_MARGIN = outputs.group("margin_usd_per_t")

#: Value the plant adds per tonne, by part: key -> label.
MARGIN_LABELS = {
    k: outputs.label(k, "margin_usd_per_t")
    for k in _MARGIN
    if not k.startswith("cost_") and k not in _MARGIN_SUMS
}
#: Costs per tonne, by part: key -> label.
COST_LABELS = {k: outputs.label(k, "margin_usd_per_t") for k in _MARGIN if k.startswith("cost_")}
#: Every row of the margin per tonne, in order, the totals marked "= ": key -> label.
MARGIN_ROWS = {
    **MARGIN_LABELS,
    **COST_LABELS,
    **{
        k: ("= " if k in MARGIN_TOTALS else "") + outputs.label(k, "margin_usd_per_t")
        for k in ("cash_margin", "capital_charge", "margin_after_capital")
    },
}
#: Who the plant pays, as the stakeholders group of the table lists them: key -> label.
STAKEHOLDERS = {k: outputs.label(k, "stakeholders") for k in outputs.group("stakeholders")}


def metal_name(scenario: Any) -> str:
    """Name of the element the case's focus pathway sells its main product for ("copper",
    "antimony"), from data/elements.toml."""
    from orevalue import catalog

    product = scenario.pathways[scenario.focus_pathway].main_product
    return catalog.elements()[scenario.terms[product].element].name


def for_metal(text: str, scenario: Any) -> str:
    """``text`` (a label written for the default case) with the case's metal named in place
    of copper; unchanged for a copper case."""
    name = metal_name(scenario)
    if name == "copper":
        return text
    return text.replace("copper", name).replace("Copper", name.capitalize())


def margin_rows(scenario: Any) -> dict[str, str]:
    """:data:`MARGIN_ROWS` for a case: of the ``free_<element>`` rows only its own metal's."""
    own = f"free_{metal_name(scenario)}"
    return {k: v for k, v in MARGIN_ROWS.items() if not k.startswith("free_") or k == own}


def sentence(text: str) -> str:
    """A label as the start of a sentence or a heading: its first letter upper case."""
    return text[:1].upper() + text[1:]
