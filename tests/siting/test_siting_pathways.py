"""Siting reads the pathways it plans with from the case: the focus pathway is the refinery
pathway, the longest pathway building its first stages the smelter's."""

from __future__ import annotations

import pytest

import orevalue
from orevalue.scenario import ScenarioError
from orevalue.siting.plan import refined_key
from orevalue.siting.rank import npv_key
from orevalue.siting.units import siting_pathways


def test_default_case_plans_anode_into_cathode():
    ways = siting_pathways(orevalue.load())
    assert (ways.smelter, ways.refinery, ways.intermediate) == ("anode", "cathode", "anode")


def test_a_focus_pathway_further_down_the_chain_takes_the_longest_first_part():
    scenario = orevalue.load()
    rod = scenario.model_copy(update={"focus_pathway": "rod"})
    ways = siting_pathways(rod)
    assert (ways.smelter, ways.refinery, ways.intermediate) == ("cathode", "rod", "cathode")


def test_without_a_first_part_siting_plans_the_focus_pathway_as_one_group():
    """No other pathway builds the focus pathway's first stages: every stage of the focus
    pathway is one group at one site, selling its own product."""
    scenario = orevalue.load()
    alone = {k: v for k, v in scenario.pathways.items() if k not in ("anode",)}
    case = scenario.model_copy(update={"pathways": alone, "focus_pathway": "cathode"})
    ways = siting_pathways(case)
    assert ways.single and ways.smelter == ways.refinery == "cathode"
    assert ways.intermediate == "cathode"


def test_a_focus_pathway_without_stages_cannot_be_sited():
    scenario = orevalue.load()
    case = scenario.model_copy(update={"focus_pathway": scenario.baseline_pathway})
    with pytest.raises(ScenarioError) as err:
        siting_pathways(case)
    assert err.value.problems[0].path == f"pathways.{scenario.baseline_pathway}"


def test_public_keys_of_site_json_follow_the_product():
    assert refined_key("cathode") == "cathode_t_per_yr"
    assert npv_key("cathode") == "npv_cathode_usd"
