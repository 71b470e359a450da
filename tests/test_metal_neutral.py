"""The metal-neutral core: elements, price series and sales terms come from data tables.

A new element (Sb), a new product on registered terms (gold doré at the gold price less a
refining charge per ounce) and a stage sized by a stream's total mass are all written here as
case data only; the model values them as worked out by hand.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import orevalue
from orevalue import catalog, flowsheet
from orevalue.economics import schedule, terms
from orevalue.economics.plant import pathway_flows, plant_case
from orevalue.economics.pricing import Market, Value
from orevalue.economics.supply import FeedSupply
from orevalue.params import Params
from orevalue.scenario import TERMS_FUNCTIONS, Feed, Problem, ScenarioError

OZ_PER_T = 1e6 / 31.1034768


def _load(tmp_path: Path, text: str) -> orevalue.Scenario:
    path = tmp_path / "case.toml"
    path.write_text(text, encoding="utf-8")
    return orevalue.load(path)


def _problems(tmp_path: Path, text: str) -> list[Problem]:
    with pytest.raises(ScenarioError) as info:
        _load(tmp_path, text)
    return info.value.problems


def _at(problems: list[Problem], path: str) -> Problem:
    found = [p for p in problems if p.path == path]
    assert len(found) == 1, f"expected one problem at {path}, got {problems}"
    return found[0]


# ------------------------------------------------------------------ elements


def test_the_element_table_makes_the_feed_grades():
    for key, element in catalog.elements().items():
        field = Feed.model_fields[element.grade_field]
        assert field.default == 0.0, key  # an element a feed leaves out is at 0
        assert element.name in (field.description or "")
    assert {"sb", "pb"} <= set(catalog.ELEMENTS)
    assert catalog.elements()["au"].grade_field == "au_g_per_t"
    assert catalog.elements()["sb"].grade_field == "sb_pct"


def test_an_antimony_grade_is_accepted_and_conserved(tmp_path, default_results):
    s = _load(
        tmp_path,
        "[feeds.concentrate]\nsb_pct = 0.4\n"
        "[stages.smelter.split.anode]\nsb = 40.0\n"
        "[stages.smelter.split.offgas]\nsb = 10.0\n",
    )
    assert s.feeds["concentrate"].sb_pct == 0.4
    p = Params.from_scenario(s)
    stages = list(s.pathways["cathode"].stages)
    streams = flowsheet.balance(s, p, stages, {"concentrate": np.array([[1000.0]])})
    flowsheet.check_conservation(s, stages, streams)  # Sb included
    sb_in = 1000.0 * 0.4 / 100.0
    assert streams["anode"]["sb"][0, 0] == pytest.approx(sb_in * 0.40, rel=1e-12)
    assert streams["offgas"]["sb"][0, 0] == pytest.approx(sb_in * 0.10, rel=1e-12)
    assert streams["slag"]["sb"][0, 0] == pytest.approx(sb_in * 0.50, rel=1e-12)
    # no terms pay for antimony: the money is the default case's
    npv = orevalue.evaluate(s, breakeven=False, detail=False, compare=False)
    for name, r in npv.pathways.items():
        assert r.plant["npv_usd"][0] == default_results.pathways[name].plant["npv_usd"][0]


@pytest.mark.parametrize(
    ("text", "path", "hint"),
    [
        ("[feeds.concentrate]\nsbb_pct = 0.4\n", "feeds.concentrate.sbb_pct", "'sb_pct'"),
        ("[stages.smelter.split.anode]\nsn = 3.0\n", "stages.smelter.split.anode.sn", "'sb'"),
    ],
)
def test_an_unknown_element_is_rejected_with_what_is_known(tmp_path, text, path, hint):
    problem = _at(_problems(tmp_path, text), path)
    assert hint in problem.message
    assert problem.line is not None


# ------------------------------------------------------------------ price series


def test_a_price_series_not_in_the_table_is_rejected(tmp_path):
    text = "[prices.cu_usd_per_tt]\n2026 = 9000.0\n"
    problem = _at(_problems(tmp_path, text), "prices.cu_usd_per_tt")
    assert "no price series named 'cu_usd_per_tt'; did you mean 'cu_usd_per_t'?" in problem.message
    assert problem.line == 1


def test_terms_naming_an_unknown_series_are_rejected(tmp_path):
    text = '[terms.cathode]\npremiums = ["cathod_premium_usd_per_t"]\n'
    problem = _at(_problems(tmp_path, text), "terms.cathode.premiums.0")
    assert "did you mean 'cathode_premium_usd_per_t'?" in problem.message


def test_the_market_is_built_from_the_series_table(default_params):
    years = np.array([2026, 2030, 2040])
    market = Market.from_params(default_params, years)
    with_deck = {k for k, s in catalog.price_series().items() if s.fallback is None}
    # every series the case gives a deck for (the copper case: all but the antimony series,
    # the gold refining charge, the bars' listing premium and the trade rules, which only
    # those cases (or a scenario) give); the acid netback is a path only in a risk run
    others = {
        "sb_usd_per_t",
        "sb2o3_usd_per_t",
        "au_rc_usd_per_oz",
        "lbma_premium_usd_per_oz",
        "au_export_allowed_pct",
        "au_import_allowed_pct",
        "conc_export_allowed_pct",
    }
    copper_decks = with_deck - others
    assert set(market) == copper_decks
    price, usd_per_t = market.element_price("au")
    assert usd_per_t == OZ_PER_T
    np.testing.assert_array_equal(price, default_params.deck("prices.au_usd_per_oz", years))
    assert catalog.price_series()["rc_usc_per_lb"].usd_per_t_factor == catalog.LB_PER_T / 100.0


# ------------------------------------------------------------------ sales terms

DORE = """
[stages.dore_furnace]
label = "Doré furnace (gold from the PMR cast as doré)"
inputs = ["gold"]
basis = "dore"
rest = "dore_slag"
split.dore = { au = 99.0 }
power_mwh_per_t = 0.0
fuel_gj_per_t = 0.0
water_m3_per_t = 0.0
consumables_usd_per_t = 1000.0
capex_ref_usd = 1e6
capacity_ref_t_per_yr = 10.0
capex_exponent = 0.6
headcount = { operator = 2 }

[streams]
dore = { element = "au", pct = 90.0 }

[terms.dore]
function = "element_price"
element = "au"
freight = "none"
payable_pct = 99.5
refining_usd_per_unit = 1.5

[pathways.dore]
label = "Export cathode + gold doré, Ag, acid"
stages = ["smelter", "acid_plant", "refinery", "pmr", "dore_furnace"]
sells = ["cathode", "dore", "silver", "acid"]
main_product = "cathode"
"""


def test_the_registry_has_a_function_for_every_terms_kind():
    assert set(terms.TERMS) == set(TERMS_FUNCTIONS)


def test_a_dore_lot_is_valued_as_by_hand(tmp_path):
    s = _load(tmp_path, DORE)
    p = Params.from_scenario(s)
    market = Market({"au_usd_per_oz": np.array([[3000.0]])})
    lot = terms.Lot({"au": np.array([[0.01]])}, None)  # 10 kg of gold in doré
    value = terms.value(s, p, "dore", lot, market, 0.0)
    oz = 0.01 * 1e6 / 31.1034768 * 0.995  # payable troy ounces
    assert value.total_usd[0, 0] == pytest.approx(oz * (3000.0 - 1.5), rel=1e-12)
    assert value.charges_usd[0, 0] == pytest.approx(oz * 1.5, rel=1e-12)


def test_a_dore_pathway_from_data_only(tmp_path):
    s = _load(tmp_path, DORE)
    p = Params.from_scenario(s)
    tl = schedule.timeline(s)
    market = Market.from_params(p, tl.years)
    case = plant_case(s, p, "dore", tl, market)
    dore_au = case.flows.streams["dore"]["au"]
    oz = dore_au * OZ_PER_T * 0.995
    expected = oz * market["au_usd_per_oz"] - oz * 1.5
    np.testing.assert_allclose(case.sold["dore"].total_usd, expected, rtol=1e-12)
    # 99 % of the PMR's gold reports to doré
    gold = plant_case(s, p, "cathode", tl, market).flows.streams["gold"]["au"]
    np.testing.assert_allclose(dore_au, gold * 0.99, rtol=1e-12)
    result = orevalue.evaluate(s, breakeven=False, detail=False, compare=False)
    assert np.isfinite(result.pathways["dore"].plant["npv_usd"][0])


def test_a_stage_sized_by_a_streams_total_mass(tmp_path):
    s = _load(tmp_path, DORE)
    p = Params.from_scenario(s)
    tl = schedule.timeline(s)
    market = Market.from_params(p, tl.years)
    supply = FeedSupply(s, p, tl, market)
    flows = pathway_flows(s, p, "dore", supply)
    plain = pathway_flows(s, p, "cathode", supply)
    # capacity: the doré mass at nameplate = its gold / 90 %
    nameplate = flowsheet.scale(
        flowsheet.unit_balances(s, p, flows.stages, ["concentrate"]),
        {"concentrate": supply.nameplate_dry_t["concentrate"]},
    )
    np.testing.assert_allclose(
        flows.capacity_t_per_yr["dore_furnace"], nameplate["dore"]["au"] / 0.9, rtol=1e-12
    )
    # operating cost: consumables 1,000 USD per t of doré on top of the cathode pathway's
    full = plant_case(s, p, "dore", tl, market).opex_parts["consumables"]
    base = plant_case(s, p, "cathode", tl, market).opex_parts["consumables"]
    dore_t = flows.streams["dore"]["au"] / 0.9
    np.testing.assert_allclose(full - base, 1000.0 * dore_t, rtol=1e-9, atol=1e-6)
    assert plain.capacity_t_per_yr.keys() < flows.capacity_t_per_yr.keys()


def test_a_default_stage_sized_by_mass_instead_of_copper(tmp_path):
    s = _load(tmp_path, '[stages.rod_mill]\nbasis = "rod"\n')
    p = Params.from_scenario(s)
    tl = schedule.timeline(s)
    market = Market.from_params(p, tl.years)
    supply = FeedSupply(s, p, tl, market)
    by_mass = pathway_flows(s, p, "rod", supply).capacity_t_per_yr["rod_mill"]
    by_cu = pathway_flows(orevalue.load(), p, "rod", supply).capacity_t_per_yr["rod_mill"]
    np.testing.assert_allclose(by_mass, by_cu / 0.9999, rtol=1e-12)  # rod is 99.99 % Cu


@pytest.mark.parametrize(
    ("text", "path", "hint"),
    [
        ('[stages.rod_mill]\nbasis = "rod.cuu"\n', "stages.rod_mill.basis", "'cu'"),
        ('[stages.rod_mill]\nbasis = "rodd.cu"\n', "stages.rod_mill.basis", "'rod'"),
        (
            '[pathways.rod]\nmain_product = "slag"\n',
            "pathways.rod.main_product",
            "known: acid, gold, rod",
        ),
        ('focus_pathway = "concentrate"\n', "focus_pathway", "build a plant"),
        ('[feeds.blister]\nterms = "gold"\n', "feeds.blister.terms", "'blister'"),
    ],
)
def test_declared_names_are_checked(tmp_path, text, path, hint):
    assert hint in _at(_problems(tmp_path, text), path).message


def test_main_product_and_focus_are_read_from_the_case(default_scenario, default_results):
    from orevalue.economics.plant import main_element, main_product

    assert default_scenario.focus_pathway == "cathode"
    assert main_product(default_scenario, "rod") == "rod"
    assert main_element(default_scenario, "cathode") == "cu"
    margins = default_results.pathways["cathode"].margin_usd_per_t
    assert "free_copper" in margins  # "free_" + the element's name in data/elements.toml


def test_an_antimony_penalty_on_concentrate_is_data(tmp_path, default_scenario):
    """0.3 % Sb against a 0.1 % threshold at 3 USD/dmt per 0.1 %: 6 USD/dmt more charges."""
    s = _load(
        tmp_path,
        "[feeds.concentrate]\nsb_pct = 0.3\n"
        "[terms.concentrate.penalties.sb]\nthreshold_pct = 0.1\nusd_per_dmt_per_0_1_pct = 3.0\n",
    )
    years = np.array([2032])
    dmt = np.array([[1000.0]])

    def value(case: orevalue.Scenario) -> Value:
        p = Params.from_scenario(case)
        lot = terms.Lot({}, dmt, "concentrate")
        return terms.value(case, p, "concentrate", lot, Market.from_params(p, years), 0.0)

    extra = value(s).charges_usd - value(default_scenario).charges_usd
    assert extra[0, 0] == pytest.approx(1000.0 * (0.3 - 0.1) / 0.1 * 3.0, rel=1e-9)
