"""Flowsheet: every element is conserved, whatever the recoveries and grades."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from orevalue import flowsheet
from orevalue.params import Params
from orevalue.scenario import ELEMENTS, Scenario


def _split_updates(scenario: Scenario, draws: list[float]) -> dict[str, float]:
    """Random splits per stage and element that add up to at most 100 %."""
    updates: dict[str, float] = {}
    it = iter(draws)
    for name, stage in scenario.stages.items():
        for el in ELEMENTS:
            outs = [o for o, split in stage.split.items() if el in split]
            if not outs:
                continue
            weights = np.array([next(it) for _ in range(len(outs) + 1)]) + 1e-9
            shares = 100.0 * weights / weights.sum()
            for out, share in zip(outs, shares, strict=False):
                updates[f"stages.{name}.split.{out}.{el}"] = share
    return updates


@settings(max_examples=60, deadline=None)
@given(
    draws=st.lists(st.floats(0.0, 1.0), min_size=80, max_size=80),
    grades=st.tuples(
        st.floats(0, 40), st.floats(0, 100), st.floats(0, 500), st.floats(0, 40), st.floats(0, 20)
    ),
    tonnes=st.floats(0, 2e6),
    blister=st.booleans(),
)
def test_every_element_is_conserved(default_scenario, draws, grades, tonnes, blister):
    s = default_scenario
    cu, au, ag, sulfur, arsenic = grades
    p = Params.from_scenario(s).replace(
        {
            **_split_updates(s, draws),
            "feeds.concentrate.cu_pct": cu,
            "feeds.concentrate.au_g_per_t": au,
            "feeds.concentrate.ag_g_per_t": ag,
            "feeds.concentrate.s_pct": sulfur,
            "feeds.concentrate.as_pct": arsenic,
        }
    )
    stages = list(s.pathways["rod"].stages)
    feeds = {"concentrate": np.array([[tonnes, tonnes / 2]])}
    if blister:
        feeds["blister"] = np.array([[16000.0, 0.0]])
    streams = flowsheet.balance(s, p, stages, feeds)
    taken = {i for n in stages for i in s.stages[n].inputs}
    leaving = [k for k in streams if k not in taken and k not in s.feeds]
    for el in ELEMENTS:
        fed = sum(flowsheet.feed_elements(p, f, t)[el] for f, t in feeds.items())
        out = sum(streams[k][el] for k in leaving)
        np.testing.assert_allclose(out, fed, rtol=1e-12, atol=1e-9)
        for k in leaving:  # no stream carries a negative amount
            assert np.all(streams[k][el] >= -1e-9)
    flowsheet.check_conservation(s, stages, streams)


def test_acid_follows_the_sulfur_balance(default_scenario, default_params):
    """1 dry t of 30 % S concentrate: S to offgas 99.8 %; gas cleaning scrubs 1.8 % of it to
    weak acid and the acid plant converts 99.7 % of the rest (97.91 % of the gas's S);
    H2SO4 is 32.69 % S. The weak acid's S and the stack's close the gas's sulfur."""
    s, p = default_scenario, default_params
    streams = flowsheet.balance(s, p, ["smelter", "acid_plant"], {"concentrate": np.array([[1.0]])})
    acid = flowsheet.stream_mass_t(s, p, "acid", streams["acid"])
    np.testing.assert_allclose(acid[0, 0], 0.30 * 0.998 * 0.9791 / 0.3269)
    np.testing.assert_allclose(streams["weak_acid"]["s"][0, 0], 0.30 * 0.998 * 0.018)
    gas_s = streams["acid"]["s"] + streams["weak_acid"]["s"] + streams["stack"]["s"]
    np.testing.assert_allclose(gas_s[0, 0], 0.30 * 0.998, rtol=1e-12)
    # the reference sheet's 0.88-1.0 t acid per dmt concentrate
    assert 0.88 <= acid[0, 0] <= 1.0


def test_cathode_recovery_matches_the_stage_splits(default_scenario, default_params):
    s, p = default_scenario, default_params
    streams = flowsheet.balance(
        s, p, ["smelter", "acid_plant", "refinery", "pmr"], {"concentrate": np.array([[1000.0]])}
    )
    np.testing.assert_allclose(streams["cathode"]["cu"], 1000 * 0.28 * 0.986 * 0.999)
    np.testing.assert_allclose(streams["gold"]["au"], 1000 * 10.8e-6 * 0.99 * 0.999 * 0.995)


def test_a_broken_split_fails_the_check(default_scenario, default_params):
    s, p = default_scenario, default_params
    stages = ["smelter", "acid_plant"]
    streams = flowsheet.balance(s, p, stages, {"concentrate": np.array([[1.0]])})
    streams["slag"]["cu"] = streams["slag"]["cu"] + 0.01
    try:
        flowsheet.check_conservation(s, stages, streams)
    except AssertionError:
        return
    raise AssertionError("check_conservation missed a copper imbalance")


def test_the_conservation_checks_closeness_is_numpys_allclose():
    from orevalue.flowsheet import _allclose

    special = [0.0, -0.0, 1.0, 1.0 + 1e-10, 1.0 + 1e-8, np.inf, -np.inf, np.nan, 2e-9, 1e308]
    pairs = [(np.array([x]), np.array([y])) for x in special for y in special]
    rng = np.random.default_rng(0)
    for _ in range(500):
        a = rng.normal(size=5) * 10.0 ** rng.integers(-12, 12)
        b = a * (1.0 + rng.normal(size=5) * 10.0 ** rng.integers(-12, -6))
        pairs += [(a, b), (a, b[:1])]
    answers = [_allclose(a, b, 1e-9, 1e-9) for a, b in pairs]
    assert answers == [bool(np.allclose(a, b, rtol=1e-9, atol=1e-9)) for a, b in pairs]
    assert any(answers) and not all(answers)
