"""Feed beyond the plant's nameplate x utilisation is exported and said so; a plant sized to
its feed takes it all."""

from __future__ import annotations

import numpy as np

import orevalue
from orevalue.report.terminal import feed_notes


def _results(tmp_path, text: str):
    path = tmp_path / "feed.toml"
    path.write_text(text, encoding="utf-8")
    return orevalue.evaluate(orevalue.load(path), breakeven=False, detail=False, compare=False)


def test_feed_beyond_capacity_is_exported_and_said_so(tmp_path):
    r = _results(tmp_path, "[mine_plan]\nsupplies_feed = true\n")
    supply = r.pathways["cathode"].case.supply
    year = list(r.years).index(2040)
    available = supply.available_dry_t["concentrate"][0, year]
    processed = supply.processed_dry_t["concentrate"][0, year]
    assert processed == np.float64(930000.0 * 0.92)
    assert supply.beyond_capacity_dry_t()[0, year] == available - processed > 0
    [line, *_] = feed_notes(r)
    assert "beyond the nameplate" in line and "size_to_feed" in line


def test_plant_sized_to_its_feed_takes_it_all(tmp_path):
    r = _results(tmp_path, "[project]\nsize_to_feed = true\n[mine_plan]\nsupplies_feed = true\n")
    supply = r.pathways["cathode"].case.supply
    peak = supply.available_dry_t["concentrate"].max()
    assert supply.nameplate_conc_dmt_per_yr[0, 0] == peak / 0.92
    full = r.years >= r.years[r.steady_index]
    assert np.allclose(supply.beyond_capacity_dry_t()[0, full], 0.0, atol=1e-6)
    assert feed_notes(r) == []
