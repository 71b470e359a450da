"""The physical balance each pathway reports (results.json and streams.csv): every element
closes, sulfur ends in anode, slag, acid, gypsum and stack, and gypsum and lime follow from the
weak acid's sulfur by molar masses."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest

import orevalue
from orevalue import outputs
from orevalue.catalog import ELEMENTS
from orevalue.params import Params
from orevalue.report.files import balances, results_document, streams_csv
from orevalue.scenario import case_files

#: IUPAC 2021 standard atomic weights, g/mol
CA, S, OX, H = 40.078, 32.06, 15.999, 1.008
GYPSUM = CA + S + 4 * OX + 2 * (2 * H + OX)  # CaSO4·2H2O
H2SO4 = 2 * H + S + 4 * OX


@pytest.fixture(scope="module")
def copper():
    return orevalue.evaluate(orevalue.load(), breakeven=False, detail=False, compare=False)


def _varied(n: int):
    """The copper case over n samples of different grades, splits and utilisation."""
    scenario = orevalue.load()
    rng = np.random.default_rng(7)
    p = Params.from_scenario(scenario, n)
    p = p.replace(
        {
            "feeds.concentrate.cu_pct": rng.uniform(24, 33, n),
            "feeds.concentrate.s_pct": rng.uniform(26, 35, n),
            "feeds.concentrate.as_pct": rng.uniform(0.0, 0.5, n),
            "stages.smelter.split.anode.cu": rng.uniform(97, 99.5, n),
            "stages.acid_plant.split.weak_acid.s": rng.uniform(0.5, 2.2, n),
            "project.utilisation_pct.2": rng.uniform(70, 100, n),
        }
    )
    return orevalue.evaluate(scenario, p, breakeven=False, detail=False, compare=False)


@pytest.mark.parametrize("case", [None, *[c for c in case_files() if c != "copper"]])
def test_every_element_of_every_pathway_closes(case):
    """Conservation: per element, what the pathway takes in (feeds, reagents) equals what
    leaves it (products, residues with the gypsum, losses), within 1e-9 relative, in every
    embedded case; and no stream weighs less than the elements it holds."""
    results = orevalue.evaluate(orevalue.load(case=case), breakeven=False, detail=False)
    for name, bal in balances(results).items():
        c = bal["closure"]
        for el in ELEMENTS:
            np.testing.assert_allclose(
                c[f"{el}_out_t_per_yr"], c[f"{el}_in_t_per_yr"], rtol=1e-9, atol=1e-9
            )
            assert np.all(np.abs(c[f"{el}_closure"]) < 1e-9), (name, el)
        for group in ("feeds", "products", "residues", "losses", "internal"):
            for stream, entry in bal[group].items():
                held = sum(entry[f"{el}_t_per_yr"] for el in ELEMENTS)
                assert np.all(entry["mass_t_per_yr"] >= held * (1 - 1e-12)), (name, stream)


def test_closure_holds_sample_by_sample_when_inputs_vary():
    """The same conservation over 16 samples of grades, recoveries, weak-acid share and
    utilisation (a plant sized below its feed exports the rest as concentrate)."""
    results = _varied(16)
    for bal in balances(results).values():
        c = bal["closure"]
        tracked_in = sum(c[f"{el}_in_t_per_yr"] for el in ELEMENTS)
        tracked_out = sum(c[f"{el}_out_t_per_yr"] for el in ELEMENTS)
        np.testing.assert_allclose(tracked_out, tracked_in, rtol=1e-9)
        for el in ELEMENTS:
            np.testing.assert_allclose(
                c[f"{el}_out_t_per_yr"], c[f"{el}_in_t_per_yr"], rtol=1e-9, atol=1e-9
            )
        mass = c["mass_in_t_per_yr"] + c["mass_taken_up_t_per_yr"]
        np.testing.assert_allclose(mass, c["mass_out_t_per_yr"], rtol=1e-12)


def test_gypsum_and_lime_from_the_sulfur_balance_by_hand(copper):
    """First full year of the cathode pathway, by hand: the plant takes 930,000 t/yr x 92 %
    = 855,600 dmt of concentrate at 30 % S; 99.8 % of the S goes to the off-gas and 1.8 % of
    that to the weak acid. Gypsum = S x M(CaSO4·2H2O) / M(S); lime = H2SO4 x 0.64."""
    s_weak = 930_000 * 0.92 * 0.30 * 0.998 * 0.018
    gypsum = s_weak * GYPSUM / S  # 24,762 t
    lime = s_weak * H2SO4 / S * 0.64  # 9,028 t
    handling = balances(copper)["cathode"]["residue_handling"]
    assert handling["gypsum_t_per_yr"][0] == pytest.approx(gypsum, rel=1e-4)
    assert handling["lime_t_per_yr"][0] == pytest.approx(lime, rel=2e-4)
    assert gypsum / (930_000 * 0.92) == pytest.approx(0.029, abs=5e-4)  # CTE §2.1: 0.03-0.12
    # slag: Fe to slag / 34.2 % Fe; cost = slag x (2 + 5) + lime x 120 + gypsum x 15
    slag = 930_000 * 0.92 * 0.26 * (1 - 0.001) / 0.342
    assert handling["slag_t_per_yr"][0] == pytest.approx(slag, rel=1e-12)
    cost = slag * 7.0 + lime * 120.0 + gypsum * 15.0
    assert handling["residues_usd_per_yr"][0] == pytest.approx(cost, rel=2e-4)
    col = copper.steady_index
    opex = copper.pathways["cathode"].case.opex_parts["residues"][0, col]
    assert opex == pytest.approx(handling["residues_usd_per_yr"][0], rel=1e-12)


def test_sulfur_fate_closes(copper):
    """S in the concentrate processed = anode + slag + acid + gypsum + stack (cathode path:
    the anode's S reports to the bleed)."""
    bal = balances(copper)["anode"]
    s_in = bal["feeds"]["concentrate"]["s_t_per_yr"] - bal["products"]["concentrate"]["s_t_per_yr"]
    fate = sum(
        bal[g][n]["s_t_per_yr"]
        for g, n in [
            ("products", "anode"),
            ("products", "acid"),
            ("residues", "slag"),
            ("residues", "gypsum"),
            ("losses", "stack"),
        ]
    )
    np.testing.assert_allclose(fate, s_in, rtol=1e-12)
    assert bal["residues"]["gypsum"]["s_t_per_yr"][0] > 0.0


def test_selling_slag_lowers_the_cost_by_price_plus_disposal_avoided():
    """Selling a share of the slag at a price: the residue cost falls by sold t x (price +
    the disposal it no longer pays)."""
    scenario = orevalue.load()
    base = orevalue.evaluate(scenario, breakeven=False, detail=False, compare=False)
    q = Params.from_scenario(scenario).replace(
        {"residues.slag_sold_pct": 40.0, "residues.slag_price_usd_per_t": 3.0}
    )
    sold = orevalue.evaluate(scenario, q, breakeven=False, detail=False, compare=False)
    a = balances(base)["cathode"]["residue_handling"]
    b = balances(sold)["cathode"]["residue_handling"]
    drop = a["residues_usd_per_yr"][0] - b["residues_usd_per_yr"][0]
    assert drop == pytest.approx(a["slag_t_per_yr"][0] * 0.4 * (3.0 + 5.0), rel=1e-12)


def test_streams_csv_adds_up_to_the_closure(copper):
    """streams.csv: for each pathway the rows of feeds and reagents add up to its "in" row and
    those of products, residues and losses to its "out" row, column by column."""
    rows = list(csv.DictReader(io.StringIO(streams_csv(copper))))
    columns = [c for c in rows[0] if c not in ("pathway", "group", "stream")]
    for name in copper.pathways:
        mine = [r for r in rows if r["pathway"] == name]
        sides = {"in": ("feeds", "reagents"), "out": ("products", "residues", "losses")}
        for side, groups in sides.items():
            want = next(r for r in mine if r["group"] == "closure" and r["stream"] == side)
            for c in columns:
                got = sum(float(r[c]) for r in mine if r["group"] in groups)
                assert got == pytest.approx(float(want[c]), rel=1e-8, abs=1e-6), (name, c)


def test_balance_keys_are_declared(copper):
    """Every key of a stream, the closure and the residue handling in results.json is in
    data/outputs.csv, and every key declared there is produced."""
    doc = results_document(copper)
    seen: dict[str, set[str]] = {"stream": set(), "closure": set(), "residue_handling": set()}
    for pathway in doc["pathways"].values():
        bal = pathway["balance"]
        for group in ("feeds", "reagents", "products", "residues", "losses", "internal"):
            for entry in bal[group].values():
                seen["stream"] |= set(entry)
        seen["closure"] |= set(bal["closure"])
        seen["residue_handling"] |= set(bal["residue_handling"])
    for group, keys in seen.items():
        assert keys == set(outputs.expand(group)), group
