"""The imported concentrate feed ([feeds.imported]): bought CIF a Pakistani port on the CIF
China benchmark terms plus its landed freight, in orevalue run."""

from __future__ import annotations

import numpy as np
import pytest

import orevalue
from orevalue.params import Params
from orevalue.report.files import balances

#: the Reko Diq concentrate's grades and moisture (data/balochistan-copper.toml)
LOCAL_GRADES = (
    "cu_pct = 28.0\nau_g_per_t = 10.8\nag_g_per_t = 40.0\ns_pct = 30.0\nfe_pct = 26.0\n"
    "as_pct = 0.05\nmoisture_pct = 9.0\n"
)


def _evaluate(tmp_path, text: str, name: str):
    path = tmp_path / f"{name}.toml"
    path.write_text(f'name = "{name}"\n' + text, encoding="utf-8")
    scenario = orevalue.load(path)
    return scenario, orevalue.evaluate(scenario, breakeven=False, detail=False, compare=False)


def _margin(results, pathway: str) -> dict[str, float]:
    return {k: float(v[0]) for k, v in results.pathways[pathway].margin_usd_per_t.items()}


@pytest.mark.parametrize(
    ("local_t", "ocean"), [(557_000.0, 28.0), (257_000.0, 40.0), (800_000.0, 18.0)]
)
def test_imported_feed_on_the_local_terms_at_no_freight_difference_changes_no_margin(
    tmp_path, local_t, ocean
):
    """Property: part of the 857 kt/yr bought abroad instead, with the local feed's grades
    and terms and a landed freight equal to the local feed's export-parity freight (minus
    the ocean freight and the site's leg), leaves the plant's margin per tonne, every part of
    it, and its NPV as they were."""
    freight = f"[logistics]\nconc_ocean_usd_per_wmt = {ocean}\n"
    _, local = _evaluate(tmp_path, freight, "local")
    mixed_text = (
        freight
        + f"[feeds.concentrate]\ndry_t_per_yr = {local_t}\n"
        + "[feeds.imported]\nenabled = true\n"
        + f"dry_t_per_yr = {857_000.0 - local_t}\n"
        + f"landed_freight_usd_per_wmt = {-(ocean + 0.0)}\n"  # site leg 0 at Port Qasim
        + LOCAL_GRADES
    )
    _, mixed = _evaluate(tmp_path, mixed_text, "mixed")
    for pathway in ("anode", "cathode", "rod"):
        a, b = _margin(local, pathway), _margin(mixed, pathway)
        assert a.keys() == b.keys()
        for key in a:
            assert b[key] == pytest.approx(a[key], rel=1e-9, abs=1e-6), (pathway, key)
        npv_a = local.value(pathway, "plant", "npv_usd")
        assert mixed.value(pathway, "plant", "npv_usd") == pytest.approx(npv_a, rel=1e-9)
    bought = mixed.pathways["cathode"].case.flows.feeds_processed_dry_t["imported"]
    assert bought[0, local.steady_index] > 0.0  # the imported feed is really used


def test_landed_freight_enters_the_plant_cost_by_hand(tmp_path):
    """Raising the imported feed's landed freight by 10 USD/wmt raises the plant's feed cost
    by 10 x the dry tonnes bought / (1 - 9 % moisture) in every year, and nothing else."""
    scenario, base = _evaluate(
        tmp_path, "[project]\nsize_to_feed = true\n[feeds.imported]\nenabled = true\n", "imp"
    )
    q = Params.from_scenario(scenario).replace({"feeds.imported.landed_freight_usd_per_wmt": 25.0})
    dearer = orevalue.evaluate(scenario, q, breakeven=False, detail=False, compare=False)
    a, b = base.pathways["cathode"].case, dearer.pathways["cathode"].case
    dry_t = a.flows.feeds_processed_dry_t["imported"][0]
    assert dry_t.max() == pytest.approx(300_000.0)  # sized to the feed: all of it bought
    expected = 10.0 * dry_t / (1.0 - 0.09)
    np.testing.assert_allclose(b.lines["feed_cost"][0] - a.lines["feed_cost"][0], expected)
    np.testing.assert_allclose(b.lines["revenue"][0], a.lines["revenue"][0], rtol=1e-12)
    np.testing.assert_allclose(b.lines["opex"][0], a.lines["opex"][0], rtol=1e-12)


def test_imported_feed_is_an_import_and_off_by_default(tmp_path):
    """Off by default (the default case's feeds are the Reko Diq concentrate alone); on, the
    plant's export earnings count what it pays for the imported feed as an import, the
    baseline does not buy it, and the plant is sized for both feeds only once."""
    default = orevalue.evaluate(orevalue.load(), breakeven=False, detail=False, compare=False)
    assert "imported" not in default.pathways["cathode"].case.flows.feeds_available_dry_t
    _, on = _evaluate(
        tmp_path, "[project]\nsize_to_feed = true\n[feeds.imported]\nenabled = true\n", "imp"
    )
    case = on.pathways["cathode"].case
    paid = case.supply.purchase("imported")[0].total_usd
    np.testing.assert_allclose(on.pathways["cathode"].exports_fob_usd["imported"], -paid)
    assert "imported" not in on.pathways["concentrate"].case.flows.feeds_available_dry_t
    # one nameplate shared: capacity = the anode copper of (857 + 300) kt at full use / 92 %
    nameplate = (857_000.0 + 300_000.0) / 0.92
    np.testing.assert_allclose(case.supply.nameplate_conc_dmt_per_yr, nameplate)
    shares = sum(case.supply.nameplate_dry_t[f] for f in ("concentrate", "imported"))
    np.testing.assert_allclose(shares, nameplate)
    bal = balances(on)["cathode"]
    assert bal["feeds"]["imported"]["mass_t_per_yr"][0] == pytest.approx(300_000.0)
    assert abs(bal["closure"]["cu_closure"][0]) < 1e-9
