"""A trade rule on a lot that pays freight: copper concentrate barred from export all of 2033
is sold at home at export parity (its terms' value less the freight it would have paid), so
the mine's royalties and the plants' feed cost do not move, and the year exports nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

import orevalue

BAN = Path(__file__).parents[1] / "data" / "copper-conc-ban-2033.toml"


@pytest.fixture(scope="module")
def both():
    free = orevalue.evaluate(orevalue.load(), breakeven=False, compare=False)
    ban = orevalue.evaluate(orevalue.load(BAN), breakeven=False, compare=False)
    return free, ban


def test_a_barred_year_exports_no_concentrate(both):
    """857 kt of Phase 1 concentrate a year: exported in 2032, none in 2033, the baseline's
    whole export in 2033 otherwise FOB = its value at ocean freight 28 USD/wmt."""
    free, ban = both
    at = [int(y) for y in free.years].index(2033)
    base, barred = free.pathways["concentrate"], ban.pathways["concentrate"]
    assert base.case.flows.feeds_available_dry_t["concentrate"][0, at] == 857_000.0
    assert base.exports_fob_usd["concentrate"][0, at] > 3e9
    assert barred.exports_fob_usd["concentrate"][0, at] == 0.0
    assert (
        barred.exports_fob_usd["concentrate"][0, at - 1]
        == (base.exports_fob_usd["concentrate"][0, at - 1])
    )


def test_sold_at_home_at_parity_the_mine_and_the_plants_do_not_move(both):
    """The mine's 5 % provincial royalty falls on its sales at home as on its exports, at the
    same value; every plant buys its feed at the same parity."""
    free, ban = both
    at = [int(y) for y in free.years].index(2033)
    for name, pathway in free.pathways.items():
        barred = ban.pathways[name]
        assert barred.government_usd["mine_royalty_province"][0, at] == pytest.approx(
            pathway.government_usd["mine_royalty_province"][0, at], rel=1e-12
        )
        assert barred.plant["npv_usd"][0] == pytest.approx(pathway.plant["npv_usd"][0], rel=1e-12)
    royalty = free.pathways["concentrate"].government_usd["mine_royalty_province"][0, at]
    fob = free.pathways["concentrate"].exports_fob_usd["concentrate"][0, at]
    assert royalty == pytest.approx(0.05 * fob, rel=1e-12)


def test_no_export_duty_falls_on_concentrate_sold_at_home(tmp_path):
    """With a 10 % export duty on concentrate, the baseline pays 10 % of its FOB in an open
    year and nothing in the barred year: the duty falls on exports only."""
    duty = "[fiscal]\nexport_duty_conc_pct = 10.0\n"
    path = tmp_path / "duty-ban.toml"
    path.write_text(BAN.read_text(encoding="utf-8") + duty, encoding="utf-8")
    results = orevalue.evaluate(orevalue.load(path), breakeven=False, compare=False)
    at = [int(y) for y in results.years].index(2033)
    base = results.pathways["concentrate"]
    paid = base.government_usd["export_duty"][0]
    assert paid[at] == 0.0
    assert paid[at - 1] == pytest.approx(0.1 * base.exports_fob_usd["concentrate"][0, at - 1])
    assert paid[at - 1] > 3e8
