"""The mine and the plant as one chain: its cash flows are the sum of the two companies' at
any transfer price, its value before government does not move with the transfer price, and
who gains over the baseline adds up."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import orevalue
from orevalue import outputs
from orevalue.economics import chain, mine, schedule
from orevalue.params import Params


@pytest.fixture(scope="module")
def linked(tmp_path_factory) -> orevalue.Scenario:
    """The default case with the mine's concentrate as the plant's feed."""
    path = tmp_path_factory.mktemp("chain") / "linked.toml"
    path.write_text("[mine_plan]\nsupplies_feed = true\n", encoding="utf-8")
    return orevalue.load(path)


def _chain(scenario, transfer_pct: float, pathway: str = "cathode"):
    p = Params.from_scenario(scenario).replace(
        {"fiscal.transfer_price_pct_of_arms_length": transfer_pct}
    )
    results = orevalue.evaluate(scenario, p, breakeven=False, detail=False, compare=False)
    q = results.params
    case = mine.mine_case(scenario, q)
    tl = schedule.timeline(scenario)
    return chain.two_companies(scenario, q, case, results.pathways[pathway].case, tl), q


def test_chain_is_the_sum_of_its_parts(linked):
    (_, m0, p0), _ = _chain(linked, 100.0)
    base = chain.chain_lines(m0, p0)
    np.testing.assert_allclose(
        base["cash_flow"], m0["cash_flow"] + p0["cash_flow"], rtol=1e-12, atol=1e-3
    )
    assert m0["sales_to_plant"].sum() > 0


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(transfer=st.floats(min_value=50.0, max_value=150.0))
def test_transfer_price_moves_taxes_not_the_chains_value(linked, transfer):
    (_, m0, p0), _ = _chain(linked, 100.0)
    (_, m1, p1), _ = _chain(linked, transfer)
    a, b = chain.chain_lines(m0, p0), chain.chain_lines(m1, p1)
    scale = np.abs(a["cash_flow_pre_government"]).max()
    np.testing.assert_allclose(
        b["cash_flow_pre_government"], a["cash_flow_pre_government"], atol=1e-9 * scale
    )
    # each company's cash flow before government is its part of the chain's
    np.testing.assert_allclose(
        b["cash_flow_pre_government"],
        m1["cash_flow_pre_government"] + p1["cash_flow_pre_government"],
        atol=1e-9 * scale,
    )
    if abs(transfer - 100.0) > 1.0:  # the mine's royalties follow its sales to the plant
        assert not np.allclose(m1["royalty_province"], m0["royalty_province"])


def test_who_gains_adds_up(default_results):
    for name, r in default_results.pathways.items():
        c = r.chain
        parts = sum(c[f"gain_{k}"] for k in chain.GAIN_KEYS)
        np.testing.assert_allclose(parts, c["gain_chain_pre_government_usd"], rtol=1e-9, atol=1.0)
        whole = c["mine_npv_usd"] + c["plant_npv_usd"] + c["province_pv_usd"]
        (
            np.testing.assert_allclose(
                whole + c["federation_pv_usd"],
                c["chain_npv_pre_government_usd"],
                rtol=1e-9,
                atol=1.0,
            ),
            name,
        )


def test_mine_and_chain_keys_are_declared(default_results):
    doc = default_results.to_dict()
    assert set(doc["mine"]) == set(outputs.group("mine"))
    levers = {k for k in outputs.group("chain") if k.startswith("lever_moved_")}
    for name, pathway in doc["pathways"].items():  # the default case sets no lever
        assert set(pathway["chain"]) == set(outputs.group("chain")) - levers, name


def test_supplied_feed_is_the_mines_concentrate(linked):
    p = mine.with_mine_feed(linked, Params.from_scenario(linked))
    tl = schedule.timeline(linked)
    conc = mine.concentrate_dry_t_on(linked, p, tl.years)
    year = list(tl.years).index(2040)
    results = orevalue.evaluate(linked, breakeven=False, detail=False, compare=False)
    supply = results.pathways["cathode"].case.flows.feeds_available_dry_t["concentrate"]
    np.testing.assert_allclose(supply[:, year], conc[:, year])
    # Phase 2: 90 Mt x 0.48 % x 86.6 % / 28 % Cu
    assert conc[0, year] == pytest.approx(90e6 * 0.0048 * 0.866 / 0.28)


def _levered(tmp_path, text: str) -> dict[str, np.ndarray]:
    path = tmp_path / "lever.toml"
    path.write_text("[mine_plan]\nsupplies_feed = true\n" + text, encoding="utf-8")
    results = orevalue.evaluate(orevalue.load(path), breakeven=False, detail=False, compare=False)
    return results.pathways["cathode"].chain


@pytest.mark.parametrize(
    "lever",
    [
        # below the market's 60 USD/dmt and 6 c/lb: from the plant to the mine
        "regulated_terms = true\nregulated_tc_usd_per_dmt = 20.0\nregulated_rc_usc_per_lb = 2.0\n",
        "export_ban = true\n",
        "[fiscal]\nexport_duty_conc_pct = 10.0\n",
    ],
    ids=["regulated TC/RC", "export ban", "export duty"],
)
def test_each_lever_shows_the_value_it_moves_and_the_moves_add_up(tmp_path, lever):
    c = _levered(tmp_path, lever)
    assert {k for k in outputs.group("chain") if k.startswith("lever_moved_")} <= set(c)
    moved = sum(c[f"lever_moved_{k}"] for k in chain.GAIN_KEYS)
    np.testing.assert_allclose(moved, c["lever_moved_chain_npv_pre_government_usd"], atol=1.0)
    assert abs(c["lever_moved_mine_npv_usd"][0]) > 1e6
    if lever.startswith("regulated"):
        assert c["lever_moved_mine_npv_usd"][0] > 0 > c["lever_moved_plant_npv_usd"][0]
        assert abs(c["lever_moved_chain_npv_pre_government_usd"][0]) < 1.0
    if lever.startswith("[fiscal]"):
        assert c["lever_moved_federation_pv_usd"][0] > 0 > c["lever_moved_mine_npv_usd"][0]
