"""Names people read for the margin parts, costs and payments, shared by the terminal tables
and the brief; every label comes from the outputs table (data/outputs.csv)."""

from __future__ import annotations

from orevalue import outputs

#: The totals of the margin per tonne, shown with a leading "=".
MARGIN_TOTALS = ("cash_margin", "margin_after_capital")
_MARGIN_SUMS = (*MARGIN_TOTALS, "capital_charge")
_MARGIN = outputs.group("margin_usd_per_t")


def margin_labels(element: str) -> dict[str, str]:
    """Value the plant adds per tonne, by part, for a case whose main element is ``element``:
    key as declared (``free_{element_name}``) -> label (``free copper …``). Read a pathway's
    value with ``outputs.key(key, element)``."""
    return {
        k: outputs.label(outputs.key(k, element), "margin_usd_per_t")
        for k in _MARGIN
        if not k.startswith("cost_") and k not in _MARGIN_SUMS
    }


#: Costs per tonne, by part: key -> label.
COST_LABELS = {k: outputs.label(k, "margin_usd_per_t") for k in _MARGIN if k.startswith("cost_")}


def margin_rows(element: str) -> dict[str, str]:
    """Every row of the margin per tonne, in order, the totals marked "= ": key as declared
    -> label, for a case whose main element is ``element`` (see :func:`margin_labels`)."""
    return {
        **margin_labels(element),
        **COST_LABELS,
        **{
            k: ("= " if k in MARGIN_TOTALS else "") + outputs.label(k, "margin_usd_per_t")
            for k in ("cash_margin", "capital_charge", "margin_after_capital")
        },
    }


#: Who the plant pays, as the stakeholders group of the table lists them: key -> label.
STAKEHOLDERS = {k: outputs.label(k, "stakeholders") for k in outputs.group("stakeholders")}


def sentence(text: str) -> str:
    """A label as the start of a sentence or a heading: its first letter upper case."""
    return text[:1].upper() + text[1:]
