"""The antimony case's local ore (Qila Abdullah) through the mine model, by hand: the mine's
life from the deposit, its concentrate, its invoice and cash flow, the roaster's feed split
between the mine's and imported concentrate, and when the local feed runs out."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

import orevalue
from orevalue.cli import app
from orevalue.economics import mine, schedule
from orevalue.economics.pricing import Market
from orevalue.economics.supply import FeedSupply
from orevalue.params import Params

# the deposit and the plan, as the case file states them (BAL §2.4, GA §5, GA §14.1)
ORE_T = 26_000.0  # t of ore at Qila Abdullah
GRADE = 0.095  # Sb in ore, the middle of 7-12 %
RECOVERY = 0.88  # flotation to concentrate
CONC_GRADE = 0.55  # Sb in concentrate
MILL_T_PER_YR = 13_000.0
NAMEPLATE = 4345.0  # dmt/yr; 90 % of it is the 3,910 t of a 2 kt/yr roaster
CONC_PER_YR = MILL_T_PER_YR * GRADE * RECOVERY / CONC_GRADE  # 1,976 dmt


@pytest.fixture(scope="module")
def case():
    scenario = orevalue.load(case="antimony")
    return scenario, Params.from_scenario(scenario)


def test_the_mines_life_is_the_deposit_over_the_mill_rate(case):
    """Life = recoverable Sb / Sb recovered per year = (contained x recovery) / (mill rate x
    grade x recovery) = 2,470 x 0.88 / (13,000 x 0.095 x 0.88) = 2 years (2030 and 2031)."""
    scenario, p = case
    contained = ORE_T * GRADE
    assert contained == pytest.approx(2470.0)  # inside the sheet's 1.8-3.1 kt
    life = contained * RECOVERY / (MILL_T_PER_YR * GRADE * RECOVERY)
    assert life == pytest.approx(2.0)
    assert scenario.mine_plan.life_years == round(life)
    view = mine.mine_view(scenario, p)
    assert view["last_year"][0] == 2031.0
    assert view["ore_milled_t_per_yr"][0] == pytest.approx(MILL_T_PER_YR)
    assert view["concentrate_dry_t_per_yr"][0] == pytest.approx(CONC_PER_YR, rel=1e-12)
    assert abs(CONC_PER_YR - 1976.0) < 1e-9


def test_the_local_feed_is_under_18_months_of_the_roasters(case):
    """2 years x 1,976 dmt = 3,952 dmt against 4,345 x 90 % = 3,910.5 dmt a year: 12.1
    months, under the sheet's 18 (GA §0 #1)."""
    scenario, p = case
    months = 12.0 * 2 * CONC_PER_YR / (NAMEPLATE * 0.90)
    assert months == pytest.approx(12.127, abs=1e-3) and months < 18.0
    assert mine.mine_view(scenario, p)["plant_feed_months"][0] == pytest.approx(months, rel=1e-12)


def test_the_mines_invoice_and_cash_flow_by_hand(case):
    """One dmt of the mine's concentrate in 2030, FOB: 55 % x 65 % payable x 20,000 USD/t,
    less the As penalty (0.5 % against the 0.2 % threshold: 3 x 14 USD), no Pb penalty (0.2
    % is the threshold), less ocean freight 60 USD/wmt at 8 % moisture. The mine's cash flow
    before government, 2028-2031: capex 9.8 m at 40/60 %, then sales less road freight 34
    USD/wmt, mining 25 USD/t of ore and waste (strip 1), processing 40 and G&A 20 USD/t ore,
    sustaining 5 USD/t ore, closure 0.5 m in the last year; NPV at 12 % to 2028."""
    scenario, p = case
    per_dmt = 0.55 * 0.65 * 20000.0 - 3 * 14.0 - 60.0 / 0.92
    case_ = mine.mine_case(scenario, p)
    assert float(case_.value_per_dry_t.total_usd[0, 2]) == pytest.approx(per_dmt, rel=1e-12)
    sales = CONC_PER_YR * per_dmt
    assert mine.mine_view(scenario, p)["revenue_usd_per_yr"][0] == pytest.approx(sales)
    wmt = CONC_PER_YR / 0.92
    costs = wmt * 34.0 + 2 * MILL_T_PER_YR * 25.0 + MILL_T_PER_YR * (40.0 + 20.0 + 5.0)
    cash = [-0.4 * 9.8e6, -0.6 * 9.8e6, sales - costs, sales - costs - 0.5e6]
    assert list(case_.years.years) == [2028, 2029, 2030, 2031]
    np.testing.assert_allclose(case_.lines["cash_flow_pre_government"][0], cash, rtol=1e-12)
    npv = sum(c / 1.12**t for t, c in enumerate(cash))
    assert mine.mine_view(scenario, p)["npv_pre_government_usd"][0] == pytest.approx(npv)


def test_the_roaster_takes_the_mines_concentrate_first_and_imports_the_rest(case):
    """Room = nameplate x the year's utilisation (50, 80, 90 %): the mine's 1,976 dmt first,
    imported concentrate for the rest, up to the 3,910 dmt offered; from 2032 imported only."""
    scenario, p = case
    tl = schedule.timeline(scenario)
    supply = FeedSupply(scenario, p, tl, Market.from_params(p, tl.years))
    at = {int(y): i for i, y in enumerate(tl.years)}
    local, imported = supply.processed_dry_t["local"][0], supply.processed_dry_t["concentrate"][0]
    for year, util in ((2030, 0.5), (2031, 0.8), (2032, 0.9), (2049, 0.9)):
        room = NAMEPLATE * util
        mine_t = CONC_PER_YR if year <= 2031 else 0.0
        assert local[at[year]] == pytest.approx(mine_t), year
        assert imported[at[year]] == pytest.approx(min(3910.0, room - mine_t)), year
    # one nameplate between the two feeds: the stages are sized once, at the imported mix
    total = supply.nameplate_dry_t["local"] + supply.nameplate_dry_t["concentrate"]
    assert float(total[0, 0]) == pytest.approx(NAMEPLATE)


def test_the_mines_head_grade_over_100_pct_exits_2_naming_the_field(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('case = "antimony"\n\n[mine_plan]\nhead_grade.sb_pct = 120.0\n')
    result = CliRunner().invoke(app, ["run", str(path), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "mine_plan.head_grade.sb_pct" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "bad").exists()


def test_the_verdict_says_when_the_local_feed_runs_out(tmp_path):
    result = CliRunner().invoke(app, ["run", "--case", "antimony", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "The local mine's concentrate (local) runs out after 2031: 12.1 months" in text
    assert "from 2032 the plant runs on its other feeds only" in text


def test_the_mines_inputs_can_be_sampled(case):
    """The mine's concentrate grades reach the plant through a copy of the parameters
    (Params.replace); a risk run still sees the mine's inputs read per sample."""
    from orevalue.risk.checks import not_read_per_sample

    scenario, p = case
    paths = ["mine_plan.head_grade.sb_pct", "mine_plan.recovery_pct.sb", "feeds.local.as_pct"]
    assert not_read_per_sample(scenario, p, [*paths, "terms.concentrate.payable_pct"]) == []
    assert not_read_per_sample(scenario, p, ["stages.roaster.label_width"]) == [
        "stages.roaster.label_width"
    ]
