"""A terms case is a label and flat values of price series named as in
data/price_series.toml; the engine holds each series it gives flat over the life."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import orevalue
from orevalue.params import Params
from orevalue.scenario import ScenarioError


def _load(tmp_path: Path, text: str) -> orevalue.Scenario:
    path = tmp_path / "case.toml"
    path.write_text(text, encoding="utf-8")
    return orevalue.load(path)


def test_default_terms_cases_set_the_charges():
    cases = orevalue.load().terms_cases
    assert cases["average_2018_2024"].prices == {"tc_usd_per_dmt": 73.94, "rc_usc_per_lb": 7.394}
    assert cases["average_2018_2024"].label == "2018-24 average"


def test_a_series_not_in_the_table_is_named_with_the_closest(tmp_path):
    with pytest.raises(ScenarioError) as info:
        _load(tmp_path, "[terms_cases.benchmark_2026]\ntc_usd_per_dmtt = 5.0\n")
    found = [
        p for p in info.value.problems if p.path == "terms_cases.benchmark_2026.tc_usd_per_dmtt"
    ]
    assert found, [p.path for p in info.value.problems]
    assert "did you mean 'tc_usd_per_dmt'?" in found[0].message


def test_a_value_that_is_not_a_number_is_refused(tmp_path):
    with pytest.raises(ScenarioError) as info:
        _load(tmp_path, '[terms_cases.benchmark_2026]\ntc_usd_per_dmt = "low"\n')
    assert any(p.path.startswith("terms_cases.benchmark_2026") for p in info.value.problems)


def test_a_case_on_the_metal_price_is_the_flat_price_evaluation(tmp_path):
    """A terms case may set any series: here the copper price alone, flat at 9,000 USD/t;
    its NPV is the plant NPV with the copper deck held flat at that price."""
    text = '[terms_cases.flat_copper]\nlabel = "flat copper"\ncu_usd_per_t = 9000.0\n'
    scenario = _load(tmp_path, text)
    r = orevalue.evaluate(scenario, compare=False, breakeven=False)
    p = Params.from_scenario(scenario).flat_deck("prices.cu_usd_per_t", np.array([9000.0]))
    flat = orevalue.evaluate(scenario, p, compare=False, breakeven=False, detail=False)
    got = r.pathways["cathode"].terms_cases["flat_copper"]["npv_usd"][0]
    assert got == pytest.approx(flat.pathways["cathode"].plant["npv_usd"][0], rel=1e-12)
