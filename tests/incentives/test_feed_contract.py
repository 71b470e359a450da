"""The feed levers added to the table: a captive-feed contract's share of the mine's
concentrate and the obligation's regulated RC, priced on the engine's sample axis; and a
package with a longer loan tenor, written as an overlay, re-derived through ``orevalue run``."""

from __future__ import annotations

import json

import numpy as np
import pytest
from package_checks import assert_plant_matches_package, write_levers
from typer.testing import CliRunner

from orevalue import api, engine
from orevalue.cli import app
from orevalue.incentives.evaluate import make_setup, package_params, price
from orevalue.incentives.levers import load_levers
from orevalue.incentives.overlay import overlay_text, package_fields
from orevalue.scenario import ScenarioError

runner = CliRunner()


def _plain(scenario, p=None) -> dict:
    return engine.evaluate(scenario, params=p, breakeven=False, detail=False, compare=False)


@pytest.fixture(scope="module")
def captive(tmp_path_factory):
    folder = tmp_path_factory.mktemp("captive")
    table = load_levers(write_levers(folder, 'use = ["captive_feed_share"]\n'))
    return make_setup(api.load().scenario, table, "cathode")


def test_the_feed_levers_are_rows_off_by_default(tmp_path):
    assert not {"captive_feed_share", "processing_obligation_rc"} & set(load_levers().levers)
    both = 'use = ["captive_feed_share", "processing_obligation_rc"]\n'
    table = load_levers(write_levers(tmp_path, both)).levers
    share, rc = table["captive_feed_share"], table["processing_obligation_rc"]
    assert (share.path, share.unit, tuple(share.range)) == (
        "mine_plan.captive_share_pct",
        "% of the mine's concentrate",
        (0.0, 100.0),
    )
    assert share.tag == "E" and "R17" in share.source
    assert (rc.path, tuple(rc.range), rc.tag) == (
        "mine_plan.regulated_rc_usc_per_lb",
        (0.0, 3.0),
        "S",
    )


def test_a_captive_share_is_priced_as_samples_and_its_ends_are_the_two_cases(captive, tmp_path):
    rows = np.array([[0.0], [50.0], [100.0]])
    priced = price(captive, rows)
    ref = captive.reference.result
    assert priced.npv_usd[0] == ref.plant["npv_usd"][0]
    assert priced.cost_pv_usd()[0] == 0.0
    # all of the mine's concentrate under the contract is the mine supplying the feed
    case = tmp_path / "supplies.toml"
    case.write_text("[mine_plan]\nsupplies_feed = true\n", encoding="utf-8")
    supplies = _plain(api.load(case).scenario).pathways["cathode"]
    assert priced.npv_usd[2] == supplies.plant["npv_usd"][0]
    assert priced.mine_npv_usd[2] == supplies.chain["mine_npv_usd"][0]
    assert priced.npv_usd[1] not in (priced.npv_usd[0], priced.npv_usd[2])
    # the public cost counts the mine's royalties (province, in the plant view) and its
    # income tax (federation, from the chain) as they move with the contract
    p = package_params(captive, rows)
    run = _plain(captive.scenario, p).pathways["cathode"]
    gov = run.country["government_revenue_federation_pv_usd"]
    mine_tax = run.chain["mine_income_tax_pv_usd"]
    assert mine_tax[2] != mine_tax[0]
    assert priced.forgone_pv_usd["federation"][2] != pytest.approx(gov[0] - gov[2], rel=1e-6)


def test_the_ranking_shows_what_the_contract_moves_from_the_mine(tmp_path):
    levers = write_levers(tmp_path, 'use = ["captive_feed_share", "processing_obligation_rc"]\n')
    args = ["incentives", "--levers", str(levers), "--out", str(tmp_path), "-q"]
    result = runner.invoke(app, [*args, "--target-irr", "0", "--min-dscr", "0"])
    assert result.exit_code == 0, result.output
    doc = json.loads(
        (tmp_path / "balochistan-copper" / "incentives" / "incentives.json").read_text()
    )
    ranking = {row["lever"]: row for row in doc["ranking"]}
    rc = ranking["processing_obligation_rc"]
    # 3 c/lb more RC: the plant gains what the mine loses, before taxes
    assert rc["plant_npv_gain_usd"] > 0 > rc["mine_npv_change_usd"]
    assert ranking["captive_feed_share"]["mine_npv_change_usd"] != 0.0


def test_the_regulated_rc_lever_switches_the_obligation_on_and_moves_the_rc(tmp_path):
    table = load_levers(write_levers(tmp_path, 'use = ["processing_obligation_rc"]\n'))
    setup = make_setup(api.load().scenario, table, "cathode")
    assert setup.switches == {"mine_plan.regulated_terms": True}
    p = package_params(setup, np.array([[0.0], [3.0]]))
    np.testing.assert_array_equal(p["mine_plan.regulated_rc_usc_per_lb"][:, 0], [6.0, 9.0])
    np.testing.assert_array_equal(p["mine_plan.regulated_tc_usd_per_dmt"][:, 0], [60.0, 60.0])
    priced = price(setup, np.array([[0.0], [3.0]]))
    assert priced.npv_usd[1] > priced.npv_usd[0] and priced.mine_npv_usd[1] < priced.mine_npv_usd[0]


def test_a_captive_share_on_a_case_whose_mine_supplies_all_its_feed_exits_naming_it(tmp_path):
    case = tmp_path / "supplies.toml"
    case.write_text("[mine_plan]\nsupplies_feed = true\n", encoding="utf-8")
    table = load_levers(write_levers(tmp_path, 'use = ["captive_feed_share"]\n'))
    with pytest.raises(ScenarioError, match=r"captive_feed_share\.path") as info:
        make_setup(api.load(case).scenario, table, "cathode")
    assert "supplies_feed = false" in str(info.value)


def test_a_captive_share_overlay_runs_to_the_same_numbers(captive, tmp_path):
    fields = package_fields(captive, np.array([40.0]))
    assert fields == {"mine_plan.captive_share_pct": 40.0}
    overlay = tmp_path / "pkg.toml"
    overlay.write_text(overlay_text(fields, None, ["captive share"]), encoding="utf-8")
    again = _plain(api.load(overlay).scenario).pathways["cathode"]
    priced = price(captive, np.array([[40.0]]))
    assert again.plant["npv_usd"][0] == pytest.approx(priced.npv_usd[0], rel=1e-12)
    assert again.chain["mine_npv_usd"][0] == pytest.approx(priced.mine_npv_usd[0], rel=1e-12)


def test_a_package_with_a_longer_tenor_re_runs_through_its_overlay(tmp_path):
    """A plant that covers its debt (a 10 % export duty makes its feed cheap): a cover
    target between that of today's tenor and of 8 more years takes the tenor lever."""
    case = tmp_path / "duty.toml"
    case.write_text("[fiscal]\nexport_duty_conc_pct = 10.0\n", encoding="utf-8")
    levers = write_levers(tmp_path, 'use = ["loan_tenor", "capex_grant"]\n')
    setup = make_setup(api.load(case).scenario, load_levers(levers), "cathode")
    ends = price(setup, np.array([[0.0, 0.0], [8.0, 0.0]]))
    assert ends.dscr_min[1] > ends.dscr_min[0]
    target_dscr = float(0.5 * (ends.dscr_min[0] + ends.dscr_min[1]))
    overlay = tmp_path / "pkg.toml"
    args = ["incentives", str(case), "--levers", str(levers), "--out", str(tmp_path)]
    args += ["--target-irr", "0", "--min-dscr", f"{target_dscr:.6f}"]
    result = runner.invoke(app, [*args, "--write-overlay", str(overlay), "-q"])
    assert result.exit_code == 0, result.output
    found = json.loads((tmp_path / "duty" / "incentives" / "incentives.json").read_text())
    assert found["bankable"] and found["package"]["loan_tenor"] >= 1.0
    tenor = setup.scenario.finance.tenor_years + round(found["package"]["loan_tenor"])
    assert f"tenor_years = {tenor}\n" in overlay.read_text()
    run = runner.invoke(app, ["run", str(overlay), "--out", str(tmp_path / "run"), "-q"])
    assert run.exit_code == 0, run.output
    plant = _plain(api.load(overlay).scenario).pathways["cathode"].plant
    m = found["package_metrics"]
    assert plant["dscr_min"][0] >= target_dscr - 1e-9
    assert_plant_matches_package(plant, m)


def test_the_public_cost_takes_the_mine_as_the_chain_sees_it(captive):
    """The plant view sees the mine through the plant's feed: with all of the mine's
    concentrate under contract it sees the mine plan's Phase 2 exports, which it does not see
    at the feed's own figures. The public cost takes the mine's royalties, export duty and
    income tax from the chain, which sees all of the mine's concentrate either way."""
    rows = np.array([[0.0], [100.0]])
    priced = price(captive, rows)
    run = _plain(captive.scenario, package_params(captive, rows)).pathways["cathode"]
    c, ch, p = run.country, run.chain, package_params(captive, rows)
    g = p["project.discount_rate_pct"][0, 0] / 100.0
    # the chain's axis starts in 2026 (Phase 1's capex, 4 years before 2030), the plant's in
    # 2027 (its construction)
    to_plant_year = (1.0 + g) ** 1
    assert captive.reference.result.chain and to_plant_year > 1.0
    share = 5.0 / (5.0 + 1.5)  # the province's 5 % of the mine's 6.5 % of royalties
    plant_province = (
        c["government_revenue_province_pv_usd"] - c["government_pv_usd_mine_royalty_province"]
    )
    mine_province = ch["mine_royalties_pv_usd"] * share * to_plant_year
    hand = -(plant_province[1] - plant_province[0]) - (mine_province[1] - mine_province[0])
    assert priced.forgone_pv_usd["province"][1] == pytest.approx(hand, rel=1e-9)
    # the plant view alone would count the royalty on the Phase 2 exports as a gain
    seen = c["government_pv_usd_mine_royalty_province"]
    assert seen[1] - seen[0] > 5.0 * (mine_province[1] - mine_province[0])
