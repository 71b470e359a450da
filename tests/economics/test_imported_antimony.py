"""The antimony case's concentrate is bought abroad (``imported``): the roaster's import bill
is its imported dry tonnes x the CIF price, and nobody exports concentrate the country never
had."""

from __future__ import annotations

import numpy as np
import pytest

import orevalue


@pytest.fixture(scope="module")
def results():
    return orevalue.evaluate(orevalue.load(case="antimony"), breakeven=False, compare=False)


def _cif_usd_per_dmt(sb_usd_per_t: float) -> float:
    """CIF Hub per dry t of the case's concentrate: 65 % of the metal price on 55 % Sb, less
    the As penalty (0.3 % - 0.2 % threshold = one 0.1 % step x 14 USD) and the Pb penalty
    (one step x 10 USD), no gold paid at 2 g/t (below the 5 g/t step), plus the landed
    freight of 60 USD per wet t at 8 % moisture."""
    return 0.65 * 0.55 * sb_usd_per_t - 14.0 - 10.0 + 60.0 / (1.0 - 0.08)


def test_the_concentrate_is_flagged_imported():
    scenario = orevalue.load(case="antimony")
    assert scenario.feeds["concentrate"].imported
    assert not scenario.feeds["local"].imported


@pytest.mark.parametrize("pathway", ["trioxide", "ingot"])
def test_the_roasters_import_bill_is_its_imported_dry_tonnes_times_the_cif_price(results, pathway):
    """2035 (Sb 20,000 USD/t, the local mine long closed): the roaster at 90 % of its 4,345
    dmt/yr nameplate takes all 3,910 dmt/yr on offer: 3,910 x (7,150 - 24 + 65.22) = USD
    28.1 m, its export earnings' concentrate line at minus that. 2030 (Sb 20,000; 50 %
    utilisation): the local mine's 1,976 dmt fill most of 2,172.5, 196.5 dmt imported."""
    r = results.pathways[pathway]
    at = {int(y): i for i, y in enumerate(results.years)}
    bill = -r.exports_fob_usd["concentrate"][0]
    imported = r.case.flows.feeds_processed_dry_t["concentrate"][0]
    assert imported[at[2035]] == pytest.approx(3910.0, rel=1e-12)
    assert bill[at[2035]] == pytest.approx(3910.0 * _cif_usd_per_dmt(20000.0), rel=1e-9)
    assert bill[at[2035]] == pytest.approx(28.1e6, rel=2e-3)
    assert imported[at[2030]] == pytest.approx(4345.0 * 0.5 - 1976.0, rel=1e-12)
    assert bill[at[2030]] == pytest.approx(196.5 * _cif_usd_per_dmt(20000.0), rel=1e-9)
    # every year: the imported tonnes at the CIF price of the year's metal price
    sb = np.interp(results.years, [2026, 2030], [40000.0, 20000.0])
    np.testing.assert_allclose(
        bill, imported * (0.65 * 0.55 * sb - 24.0 + 60.0 / 0.92), rtol=1e-9, atol=1e-6
    )
    # the export earnings at full output are the products' less that bill (the local
    # concentrate all roasted: none exported)
    col = results.steady_index
    products = sum(v for k, v in r.exports_fob_usd.items() if k in r.case.sold)
    assert r.exports_fob_usd["local"][0, col] == 0.0
    earned = r.country["export_earnings_usd_per_yr"][0]
    assert earned == pytest.approx(products[0, col] - bill[col], rel=1e-12)
    assert bill[col] > 0.25 * products[0, col]  # the bill is no rounding error


def test_the_baseline_exports_no_imported_concentrate(results):
    """Exporting concentrate (the baseline) exports only the local mine's: in 2035, with the
    mine closed, nothing is shipped and nothing earned; the imported feed is not in its
    trade or its balance."""
    base = results.pathways["concentrate"]
    assert "concentrate" not in base.exports_fob_usd
    assert base.country["export_earnings_usd_per_yr"][0] == 0.0
    assert base.country["freight_feed_to_port_wet_t_per_yr"][0] == 0.0
    assert "concentrate" not in base.case.flows.feeds_available_dry_t
