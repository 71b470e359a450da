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


G_PER_OZ = 31.1034768


def _lot_fob_usd(dry_t: float, au_g_t: float, au_pay: float, ag_g_t: float, ag_pay: float):
    """FOB of a doré or scrap lot by hand: payable gold oz x (3,200 - the 1 USD/oz refining
    charge) + payable silver oz x 38 USD/oz (2033 decks; no charge per tonne, no freight)."""
    au_oz = dry_t * au_g_t * au_pay / G_PER_OZ
    ag_oz = dry_t * ag_g_t * ag_pay / G_PER_OZ
    return au_oz * (3200.0 - 1.0) + ag_oz * 38.0


def test_the_baselines_lots_by_hand_and_the_mine_royalty_through_a_ban(both):
    """The baseline exports 6 t of scrap (83 % Au, 99.5 % payable; 5 % Ag, 95 % paid) and
    0.6 t of doré (85 % Au, 99.9 %; 10 % Ag, 98 %) a year: in 2033 45.5 % of each is exported,
    the rest sold at home on the same terms. The small mines' 5 % royalty falls on all the
    doré they sell, at home or abroad: the ban does not move it."""
    free, ban = both
    at = _col(free, 2033)
    scrap = _lot_fob_usd(6.0, 830_000.0, 0.995, 50_000.0, 0.95)
    dore = _lot_fob_usd(0.6, 850_000.0, 0.999, 100_000.0, 0.98)
    fob = {r: x.pathways["export"].exports_fob_usd for r, x in (("free", free), ("ban", ban))}
    assert fob["free"]["scrap"][0, at] == pytest.approx(scrap, rel=1e-12)
    assert fob["free"]["dore"][0, at] == pytest.approx(dore, rel=1e-12)
    assert fob["ban"]["scrap"][0, at] == pytest.approx(OPEN_2033 * scrap, rel=1e-12)
    assert fob["ban"]["dore"][0, at] == pytest.approx(OPEN_2033 * dore, rel=1e-12)
    for results in (free, ban):
        royalty = results.pathways["export"].government_usd["mine_royalty_province"][0, at]
        assert royalty == pytest.approx(0.05 * dore, rel=1e-12)


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


def _imported_dore(tmp_path: Path, open_pct: float | None):
    """The gold case with its imported doré on (5.3 t/yr), imports open at ``open_pct`` % of
    every year or, None, as the case ships them (0: no foreign exchange for gold imports)."""
    text = 'case = "gold"\n[feeds.imported_dore]\nenabled = true\n'
    if open_pct is not None:
        text += f"[prices.au_import_allowed_pct]\n2026 = {open_pct}\n"
    path = tmp_path / ("imported-shut.toml" if open_pct is None else "imported-open.toml")
    path.write_text(text, encoding="utf-8")
    return orevalue.evaluate(orevalue.load(path), breakeven=False, compare=False)


def test_the_state_banks_import_rule_lets_no_doré_in(tmp_path, both):
    """Imports barred all years: none of the imported doré is bought, and the refinery is not
    built for it: every number of the refinery is the case's without the feed."""
    free, _ = both
    barred = _imported_dore(tmp_path, None).pathways["bars_home"]
    assert not barred.case.flows.feeds_processed_dry_t["imported_dore"].any()
    assert not barred.exports_fob_usd["imported_dore"].any()
    assert barred.plant["npv_usd"][0] == free.pathways["bars_home"].plant["npv_usd"][0]


def test_open_imports_bring_the_doré_at_its_landed_price(tmp_path):
    """Imports open: at full output the refinery takes the 5.3 t/yr, an import bill of payable
    gold oz x (3,200 - 1) + payable silver oz x 38 + 32,150 USD/t landed (air freight)."""
    results = _imported_dore(tmp_path, 100.0)
    home, col = results.pathways["bars_home"], results.steady_index
    assert home.case.flows.feeds_processed_dry_t["imported_dore"][0, col] == pytest.approx(5.3)
    bill = _lot_fob_usd(5.3, 850_000.0, 0.999, 100_000.0, 0.98) + 5.3 * 32_150.0
    assert -home.exports_fob_usd["imported_dore"][0, col] == pytest.approx(bill, rel=1e-12)
    assert bill > 4e8
