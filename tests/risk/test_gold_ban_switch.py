"""The risk switch of gold's trade rule: each simulated year exports are open (100 %) or
banned for most of it (45.5 %, 2025's share), a two-state chain that leaves a ban after a year
and enters one with probability 1/10 a year; a share moves by its regime only."""

from __future__ import annotations

import numpy as np
import pytest

import orevalue
from orevalue.economics import schedule
from orevalue.risk import spec
from orevalue.risk.sampling import RiskModel
from orevalue.scenario import ScenarioError


@pytest.fixture(scope="module")
def gold():
    s = orevalue.load(case="gold")
    return RiskModel(s, spec.build(s))


def test_the_switch_is_the_cases_chain(gold):
    series = {x.name: x for x in gold.spec.prices.series}["au_export_allowed_pct"]
    assert series.sigma == 0.0
    r = series.regime
    assert (r.start_tight, r.tight, r.normal) == (False, 45.5, 100.0)
    assert (r.p_leave_tight, r.p_leave_normal) == (1.0, 0.1)


def test_ban_years_come_at_the_chains_stationary_rate(gold):
    """Stationary share of ban years = 0.1 / (0.1 + 1) = 1/11; the spot year (2026) is open; a
    year after a ban is always open (a ban lasts one year)."""
    n = 20_000
    p = gold.params(gold.draws(3, 0, n))
    years = schedule.timeline(gold.scenario).years
    share = p.deck("prices.au_export_allowed_pct", years)
    assert set(np.unique(share)) == {45.5, 100.0}
    banned = share == 45.5
    late = [int(y) for y in years].index(2040)
    assert banned[:, late].mean() == pytest.approx(1 / 11, abs=0.006)
    assert not (banned[:, :-1] & banned[:, 1:]).any()
    first = [int(y) for y in years].index(2027)
    assert banned[:, first].mean() == pytest.approx(0.1, abs=0.006)  # one step from open


def test_a_share_that_drifts_is_refused(tmp_path):
    case = tmp_path / "drift.toml"
    case.write_text(
        'case = "gold"\n[uncertainty.prices.au_export_allowed_pct]\n'
        'process = "arithmetic"\nvolatility = 5.0\n',
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as err:
        spec.build(orevalue.load(case))
    assert "uncertainty.prices.au_export_allowed_pct.volatility" in str(err.value)
    assert "switches by its regime only" in str(err.value)
