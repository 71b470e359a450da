"""The outputs table (data/outputs.csv) declares every key an evaluation produces, and
nothing more."""

from __future__ import annotations

import pytest

import orevalue
from orevalue import catalog, outputs
from orevalue.economics import government, taxes

#: Where each group of the table sits in a pathway of ``Results.to_dict()``.
PATHWAY_GROUPS = {
    "plant": "plant",
    "margin_usd_per_t": "margin_usd_per_t_product_{element}",
    "country": "country",
    "dollars": "where_each_dollar_goes_pv_usd",
    "annual": "annual",
    "progressivity": "progressivity",
}


@pytest.fixture(scope="module")
def evaluated():
    results = orevalue.evaluate(orevalue.load())
    return results, results.to_dict()


def _products(results, name: str) -> list[str]:
    """What a pathway exports: each feed available as it is, and the products it sells bar
    those sold at home (terms with ``exported = false``: the acid, bars sold at home)."""
    terms = results.scenario.terms
    sold = [s for s in results.pathways[name].case.sold if terms[s].exported]
    feeds = results.pathways[name].case.flows.feeds_available_dry_t
    return list(dict.fromkeys([*feeds, *sold]))


def _members(results, name: str) -> dict[str, list[str]]:
    """What each placeholder of the table stands for in pathway ``name``: its products, and
    its main element by key, by name and by the series pricing it."""
    element = results.pathways[name].main_element
    return {
        "product": _products(results, name),
        "element": [element],
        "element_name": [catalog.elements()[element].name],
        "series": [catalog.element_price_series(element).key],
    }


def _field(results, name: str, field: str) -> str:
    return field.format(element=results.pathways[name].main_element)


def _check(produced: set[str], declared: set[str], where: str) -> None:
    undeclared = sorted(produced - declared)
    assert not undeclared, f"{where}: produced but not in data/outputs.csv: {undeclared}"


def _never(produced: set[str], declared: set[str], where: str) -> None:
    never = sorted(declared - produced)
    assert not never, f"{where}: declared in data/outputs.csv but never produced: {never}"


def test_every_pathway_key_is_declared_and_every_declared_key_produced(evaluated):
    """Over every embedded case (copper, gold, antimony): what a case produces is declared,
    and each declared key is produced by at least one case (``free_<element>`` by its own)."""
    from orevalue.scenario import case_files

    runs = [evaluated] + [
        (r, r.to_dict())
        for r in (orevalue.evaluate(orevalue.load(case=c)) for c in case_files() if c != "copper")
    ]
    seen: dict[str, set[str]] = {g: set() for g in PATHWAY_GROUPS}
    terms: set[str] = set()
    every: dict[str, list[str]] = {}
    for results, doc in runs:
        for name, pathway in doc["pathways"].items():
            for group, field in PATHWAY_GROUPS.items():
                declared = set(outputs.expand(group, **_members(results, name)))
                produced = set(pathway[_field(results, name, field)])
                _check(produced, declared, f"{results.scenario.name}.{name}.{field}")
                seen[group] |= produced
            for case in pathway["terms_cases"].values():
                margin = set(outputs.expand("margin_usd_per_t", **_members(results, name)))
                allowed = set(outputs.group("terms_cases")) | margin
                _check(set(case), allowed, f"{name}.terms_cases")
                terms |= set(case) - margin
        for n in doc["pathways"]:
            for placeholder, names in _members(results, n).items():
                every.setdefault(placeholder, []).extend(names)
    for group in PATHWAY_GROUPS:
        _never(seen[group], set(outputs.expand(group, **every)), group)
    _never(terms, set(outputs.group("terms_cases")), "terms_cases")


def test_regime_comparison_keys_are_declared(evaluated):
    _, doc = evaluated
    assert doc["regimes"], "the default case compares regimes"
    known = {*outputs.expand("plant"), *outputs.expand("country")}
    own = set(outputs.group("regimes"))
    seen: set[str] = set()
    for regime, by_pathway in doc["regimes"].items():
        for name, values in by_pathway.items():
            _check(set(values), known | own, f"regimes.{regime}.{name}")
            seen |= set(values)
    _never(seen, own, "regimes")


def test_risk_summary_keys_are_declared():
    from orevalue.risk.analysis import RiskOptions, run_risk

    summary = run_risk(
        orevalue.load(), RiskOptions(samples=64, seed=1, tornado=False, sobol_base=0, workers=1)
    )
    metrics = {*outputs.expand("plant"), *outputs.expand("country")}
    own, stats = set(outputs.group("risk")), set(outputs.group("risk_statistic"))
    seen, seen_stats = {k for k in summary if k in own}, set()
    for name, pathway in summary["pathways"].items():
        for key, item in pathway.items():
            if key in ("label", "builds"):
                continue
            if isinstance(item, dict):
                _check({key}, metrics, f"risk.{name}")
                _check(set(item), stats, f"risk.{name}.{key}")
                seen_stats |= set(item)
            else:
                _check({key}, own, f"risk.{name}")
                seen.add(key)
    _never(seen, own, "risk")
    _never(seen_stats, stats, "risk_statistic")


def test_government_instruments_come_from_the_table(evaluated):
    _, doc = evaluated
    instruments = outputs.group("government")
    prefix = "government_pv_usd_"
    for name, pathway in doc["pathways"].items():
        produced = [k.removeprefix(prefix) for k in pathway["country"] if k.startswith(prefix)]
        assert set(produced) == set(instruments), name
    assert set(government.PROVINCIAL) | set(government.FEDERAL) == set(instruments)
    assert set(government.PROVINCIAL) == set(outputs.instruments(level="province"))
    # the order the tax kernel writes its rows in (kernels.corporate_taxes)
    assert taxes.TAX_LINES == (
        "corporate_income_tax",
        "super_tax",
        "minimum_and_alternative_tax",
        "presumptive_turnover_tax",
    )
    for row in outputs.declared("government"):
        assert row.level in ("province", "federation"), row.key
        assert row.law and row.kind and row.payer in ("mine", "plant"), row.key


def test_every_row_has_a_unit_label_and_description():
    for row in outputs.table():
        assert row.unit in outputs.UNITS, row
        assert row.label and row.description.endswith("."), row
        fraction = row.unit == "fraction"
        if row.key.endswith(("_pct", "_pct_points")):
            assert not fraction, f"{row.key}: a _pct key is in percent, not a fraction"


def test_labels_and_units_of_family_keys():
    assert outputs.label("government_pv_usd_super_tax") == "super tax"
    assert outputs.label("plant_wages_pakistani", "dollars") == "Pakistani wages"
    assert outputs.unit("irr") == "fraction"
    assert outputs.caption("capex_initial_usd") == "Initial capex, USD m"
    with pytest.raises(KeyError):
        outputs.row("government_pv_usd_no_such_tax")


@pytest.mark.parametrize(
    ("kind", "value", "text"),
    [
        ("musd", -1.3814e9, "\u22121,381"),
        ("USD", 2.5e6, "2"),
        ("fraction", 0.125, "12.5"),
        ("pct2", 0.125, "12.50"),
        ("kt1", 236_440.0, "236.4"),
        ("t/yr", 236_440.0, "236"),
        ("pp", 1.5, "+1.5"),
        ("x", -0.5, "\u22120.50"),
        ("usd", -0.3, "0"),
        ("n", float("nan"), "\u2013"),
        ("irr", 0.081, "8.1"),
    ],
)
def test_format_value(kind, value, text):
    assert outputs.format_value(kind, value) == text
    assert outputs.format_value(kind, value, ascii_minus=True) == text.replace("\u2212", "-")
