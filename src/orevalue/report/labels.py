"""Names people read for the margin parts, costs and payments, shared by the terminal tables
and the brief; every label comes from the outputs table (data/outputs.csv)."""

from __future__ import annotations

from typing import Any

from orevalue import outputs

#: The totals of the margin per tonne, shown with a leading "=".
MARGIN_TOTALS = ("cash_margin", "margin_after_capital")
_MARGIN_SUMS = (*MARGIN_TOTALS, "capital_charge")
_MARGIN = outputs.group("margin_usd_per_t")


def main_element(case: Any) -> str:
    """The main element of ``case``: a scenario's focus pathway's (its terms' element), or
    ``case`` itself when it is already an element key ("cu")."""
    if isinstance(case, str):
        return case
    product = case.pathways[case.focus_pathway].main_product
    return case.terms[product].element


def margin_labels(case: Any) -> dict[str, str]:
    """Value the plant adds per tonne, by part, for a case whose main element is ``case`` (an
    element key, or a scenario: its focus pathway's): key as declared
    (``free_{element_name}``) -> label (``free copper …``). Read a pathway's value with
    ``outputs.key(key, element)``."""
    element = main_element(case)
    return {
        k: outputs.label(outputs.key(k, element), "margin_usd_per_t")
        for k in _MARGIN
        if not k.startswith("cost_") and k not in _MARGIN_SUMS
    }


#: Costs per tonne, by part: key -> label.
COST_LABELS = {k: outputs.label(k, "margin_usd_per_t") for k in _MARGIN if k.startswith("cost_")}


def margin_rows(case: Any) -> dict[str, str]:
    """Every row of the margin per tonne, in order, the totals marked "= ": key as declared
    -> label, for a case whose main element is ``case`` (an element key or a scenario; see
    :func:`margin_labels`)."""
    return {
        **margin_labels(case),
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


def sells_to_reserves(scenario: Any) -> bool:
    """Whether some product of ``scenario`` is sold to the central bank for its reserves
    (terms with ``reserves``): only then do the tables show what it buys."""
    return any(t.reserves for t in scenario.terms.values())


def sentence(text: str) -> str:
    """A label as the start of a sentence or a heading: its first letter upper case."""
    return text[:1].upper() + text[1:]


def words(siting: Any) -> dict[str, str]:
    """What a siting analysis's case calls things, for labels: its ``metal``, the ``feed`` the
    plant takes, its ``product``, and the ``value_added`` row's label."""
    units = siting.best_model.units
    return {
        "metal": units.metal,
        "feed": units.feed_word,
        "product": units.product,
        "value_added": (
            "value added (the plant)" if units.single else "value added (smelt + refine)"
        ),
    }
