"""Gold's trade rule and its State Bank buyer (GA §11.2): in a ban year only the open share of
the year is exported, the rest is sold at home; bars sold to the State Bank add to its reserves
and are no export. Checked by hand from the lots' gold tonnes and the case's terms."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import orevalue
from orevalue.catalog import OZ_PER_T

BAN = Path(__file__).parents[1] / "data" / "gold-ban-2033.toml"
OPEN_2033 = 0.455  # the 2025 share: exports open 166 of 365 days


@pytest.fixture(scope="module")
def both():
    """The default gold case and the same case with a ban in 2033."""
    free = orevalue.evaluate(orevalue.load(case="gold"), breakeven=False, compare=False)
    ban = orevalue.evaluate(orevalue.load(BAN), breakeven=False, compare=False)
    return free, ban


def _col(results, year: int) -> int:
    return [int(y) for y in results.years].index(year)


def test_the_2025_ban_is_the_decks_own_year():
    """166 days open of 365 (1 Jan - 5 May and 21 Nov - 31 Dec 2025), open from 2026."""
    prices = orevalue.load(case="gold").prices["au_export_allowed_pct"]
    assert prices[2025] == pytest.approx(100.0 * (125 + 41) / 365, abs=0.05)
    assert prices[2026] == 100.0


def test_a_ban_year_exports_only_the_open_share(both):
    """Every exported lot's FOB in 2033 is 45.5 % of the open year's, every other year equal."""
    free, ban = both
    at = _col(free, 2033)
    other = [i for i in range(len(free.years)) if i != at]
    for name in ("export", "bars_abroad", "bars_lbma"):
        for lot, fob in free.pathways[name].exports_fob_usd.items():
            barred = ban.pathways[name].exports_fob_usd[lot]
            assert barred[0, at] == pytest.approx(OPEN_2033 * fob[0, at], rel=1e-12), (name, lot)
            np.testing.assert_array_equal(barred[0, other], fob[0, other])
    assert free.pathways["bars_abroad"].exports_fob_usd["kilobars"][0, at] > 1e8


def test_barred_kilobars_sell_at_home_at_the_home_terms(both):
    """Kilobars fetch 99.5 % of the gold price abroad and the home market's 100 %: in 2033 the
    barred 54.5 % of them earn 0.5 % more, (1 - 0.455) x oz x 3,200 x (1.000 - 0.995)."""
    free, ban = both
    at = _col(free, 2033)
    au_t = free.pathways["bars_abroad"].case.flows.streams["kilobars"]["au"][0, at]
    oz = au_t * OZ_PER_T
    assert free.pathways["bars_abroad"].exports_fob_usd["kilobars"][0, at] == pytest.approx(
        oz * 3200.0 * 0.995, rel=1e-12
    )
    gain = (1.0 - OPEN_2033) * oz * 3200.0 * 0.005
    before, after = (x.pathways["bars_abroad"].case.lines["revenue"][0] for x in (free, ban))
    assert after[at] - before[at] == pytest.approx(gain, rel=1e-9)
    assert gain > 5e5  # no rounding error


def test_a_ban_leaves_home_sales_and_the_state_bank_alone(both):
    """The bars sold at home or to the State Bank never leave: a ban in 2033, when the refinery
    takes all the doré and scrap, changes none of their numbers (their feed is bought at home
    in the barred share on the same terms, at the same price)."""
    free, ban = both
    at = _col(free, 2033)
    for name in ("bars_home", "bars_sbp"):
        a, b = free.pathways[name], ban.pathways[name]
        assert b.plant["npv_usd"][0] == a.plant["npv_usd"][0]
        assert b.country["export_earnings_pv_usd"][0] == a.country["export_earnings_pv_usd"][0]
        assert sum(fob[0, at] for fob in a.exports_fob_usd.values()) == 0.0


def test_the_state_bank_buys_the_bars_for_its_reserves(both):
    """The State Bank pays 99.5 % of the gold price for the bars' gold: reserves added at full
    output = oz x 3,200 x 0.995, no export; its pathway's revenue is the home market's less
    0.5 % of the same gold (the silver sold alike)."""
    free, _ = both
    col = free.steady_index
    sbp, home = free.pathways["bars_sbp"], free.pathways["bars_home"]
    oz = sbp.case.flows.streams["sbp_bars"]["au"][0, col] * OZ_PER_T
    reserves = sbp.country["reserves_added_usd_per_yr"][0]
    assert reserves == pytest.approx(oz * 3200.0 * 0.995, rel=1e-12)
    assert sbp.country["export_earnings_usd_per_yr"][0] == 0.0
    less = home.case.lines["revenue"][0, col] - sbp.case.lines["revenue"][0, col]
    assert less == pytest.approx(oz * 3200.0 * 0.005, rel=1e-9)
    for name in ("export", "bars_home", "bars_abroad", "bars_lbma"):
        assert free.pathways[name].country["reserves_added_usd_per_yr"][0] == 0.0
