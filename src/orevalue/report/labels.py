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
    """Name of the case's metal (:func:`orevalue.economics.sales.metal_name`, imported when
    asked for: the labels are read by commands that evaluate nothing)."""
    from orevalue.economics.sales import metal_name as name_of

    return name_of(scenario)


def baseline_export(scenario: Any) -> str | None:
    """What the baseline exports, from its label: "concentrate" for a baseline labelled
    "Export concentrate" ("doré and scrap" for gold's "Export doré and scrap"); None for a
    baseline labelled otherwise."""
    label = scenario.pathways[scenario.baseline_pathway].label
    return label.removeprefix("Export ") if label.startswith("Export ") else None


def against_baseline(scenario: Any) -> str:
    """The baseline as the object of "against": "exporting concentrate" for a baseline
    labelled "Export concentrate" ("exporting doré and scrap" for gold's), else its label."""
    exported = baseline_export(scenario)
    if exported is not None:
        return "exporting " + exported
    label = scenario.pathways[scenario.baseline_pathway].label
    return f"the baseline ({label})"


#: What the labels of the outputs table say of the default (copper) case's baseline, and the
#: feed it exports.
BASELINE_WORDS = "exporting concentrate"
EXPORTED_WORD = "concentrate"
#: The charges a plant keeps, as the default case's label names them (a TC and an RC).
CHARGES_WORDS = "TC/RC and refining charges"


def _charged_terms(scenario: Any) -> Any:
    """The sales terms of the feed the plant keeps the charges of (the baseline pathway's
    main product's: those the break-even TC moves)."""
    return scenario.terms[scenario.pathways[scenario.baseline_pathway].main_product]


def tc_per_rc(scenario: Any) -> float | None:
    """Treatment charge per unit of refining charge of those terms (10 for RC = TC/10);
    None for terms without charges."""
    ratio = getattr(_charged_terms(scenario), "tc_per_rc", None)
    return None if ratio is None else float(ratio)


def for_case(text: str, scenario: Any) -> str:
    """``text`` (a label of the outputs table, written for the default copper case) in the
    words of ``scenario``'s case: its metal named in place of copper, its baseline in place
    of "exporting concentrate" (:func:`against_baseline`) and what the baseline exports in
    place of any other "concentrate" ("export duty on doré and scrap"), its charges without
    "TC/RC" where its feed pays no TC (:func:`shows_breakeven_tc`) and its terms' TC per RC
    in place of "RC = TC/10"; unchanged for the copper case."""
    name = metal_name(scenario)
    if name != "copper":
        text = text.replace("copper", name).replace("Copper", name.capitalize())
    if BASELINE_WORDS in text:
        text = text.replace(BASELINE_WORDS, against_baseline(scenario))
    exported = baseline_export(scenario)
    if exported is not None and EXPORTED_WORD in text:
        text = text.replace(EXPORTED_WORD, exported)
    if CHARGES_WORDS in text and not shows_breakeven_tc(scenario):
        text = text.replace(CHARGES_WORDS, "refining charges")
    ratio = tc_per_rc(scenario) if "RC = TC/10" in text else None
    if ratio is not None:
        text = text.replace("RC = TC/10", f"RC = TC/{ratio:g}")
    return text


def shows_breakeven_tc(scenario: Any) -> bool:
    """Whether the break-even TC means something for ``scenario``: its plant buys its feed on
    concentrate terms that charge a treatment charge (a non-zero knot of the TC deck, or a
    terms case setting one). Doré and scrap (gold) and antimony concentrate are bought with
    no TC per tonne (their decks are zero, the ratio unused): a break-even "TC" there is a
    charge nobody pays, so their tables leave the row out."""
    terms = _charged_terms(scenario)
    series = getattr(terms, "tc_series", None)
    if terms.function != "concentrate" or not series:
        return False
    deck = scenario.prices.get(series, {})
    cases = (c.prices.get(series, 0.0) for c in scenario.terms_cases.values())
    return any(float(v) != 0.0 for v in (*deck.values(), *cases))


def mass_row(label: str, values: Any, kind: str) -> tuple[str, str]:
    """A row of tonnes per year (``label`` ending in the declared ", kt/yr"; ``kind`` "kt"
    or "kt1") at the scale of ``values``, the tonnes shown with it (its table's, so that
    the table's rows share one unit; :func:`outputs.mass_scale`): (label with the unit
    shown, format kind)."""
    scaled, shown = outputs.mass_scale(values, kind)
    declared = f", {outputs.UNITS['t/yr'][1]}"
    if shown != outputs.UNITS["t/yr"][1] and label.endswith(declared):
        label = label.removesuffix(declared) + f", {shown}"
    return label, scaled


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
