"""Sobol indices against the Ishigami function's analytic values, and the tornado of the
default case against one-at-a-time evaluations."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

import orevalue
from orevalue.risk import sensitivity, spec
from orevalue.risk.sampling import RiskModel


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    x1, x2, x3 = (np.pi * (2 * x[:, i] - 1) for i in range(3))
    return np.sin(x1) + a * np.sin(x2) ** 2 + b * x3**4 * np.sin(x1)


def ishigami_indices(a: float = 7.0, b: float = 0.1) -> tuple[list[float], list[float]]:
    """Analytic first-order and total indices (Ishigami and Homma 1990)."""
    pi = math.pi
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return [v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v]


def test_sobol_indices_of_the_ishigami_function():
    s1, st = ishigami_indices()
    result = sensitivity.sobol_indices(
        ["x1", "x2", "x3"],
        ["x1", "x2", "x3"],
        lambda x: {"y": ishigami(x)},
        ["y"],
        n_base=4096,
        seed=3,
    )["y"]
    for i, name in enumerate(["x1", "x2", "x3"]):
        assert result[name]["S1"] == pytest.approx(s1[i], abs=0.03)
        assert result[name]["ST"] == pytest.approx(st[i], abs=0.03)


@pytest.fixture(scope="module")
def model() -> RiskModel:
    s = orevalue.load()
    return RiskModel(s, spec.build(s))


def test_tornado_base_is_the_deterministic_result_and_bars_are_one_at_a_time(model):
    s = model.scenario
    base, bars = sensitivity.tornado(model, ["cathode.npv_usd"], seed=1)
    deterministic = orevalue.evaluate(s).value("cathode", "plant", "npv_usd")
    assert base["cathode.npv_usd"] == pytest.approx(deterministic, rel=1e-12)
    by_name = {b["factor"]: b for b in bars["cathode.npv_usd"]}
    bar = by_name["site.location_factor"]
    for q, key in ((0.1, "output_at_p10"), (0.9, "output_at_p90")):
        value = model.spec.inputs[
            [i.path for i in model.spec.inputs].index("site.location_factor")
        ].dist.ppf(np.array([q]))[0]
        p = orevalue.params.Params.from_scenario(s).replace({"site.location_factor": value})
        alone = orevalue.evaluate(s, p, breakeven=False).value("cathode", "plant", "npv_usd")
        assert bar[key] == pytest.approx(alone, rel=1e-9)
    swings = [b["swing"] for b in bars["cathode.npv_usd"]]
    assert swings == sorted(swings, reverse=True)


def test_sobol_of_the_default_case_ranks_estimates(model):
    result = sensitivity.sobol(model, ["cathode.npv_usd"], n_base=64, seed=2)
    indices = result["cathode.npv_usd"]
    assert set(indices) == {f.name for f in model.factors}
    study = sensitivity.worth_a_study(model, indices)
    assert study, "the default case has estimates [E] among its uncertain inputs"
    shares = [row["variance_share_total"] for row in study]
    assert shares == sorted(shares, reverse=True)
    tags = {i.path: i.value_tag for i in model.spec.inputs}
    assert all(tags[row["input"]] == "E" for row in study)


@pytest.mark.parametrize("grouped", [True, False])
def test_saltelli_design_is_salibs(grouped):
    # the array-built design must be SALib's own, row for row, so that SALib's analysis of
    # the outputs holds; groups in any order, a group spread over several columns
    from SALib.sample import sobol as salib_sample

    groups = ["b", "a", "b", "c", "a", "d", "b"]
    names = [f"x{i}" for i in range(len(groups))]
    problem = {
        "num_vars": len(names),
        "names": names,
        "bounds": [[0.0, 1.0]] * len(names),
        "groups": groups if grouped else None,
    }
    expected = salib_sample.sample(problem, 128, calc_second_order=False, scramble=True, seed=7)
    got = sensitivity.saltelli_design(groups if grouped else names, 128, 7)
    np.testing.assert_array_equal(got, expected)


def test_a_design_task_builds_the_rows_of_the_whole_design():
    # a Sobol task is sent its rows' base points and builds the rows itself: the same rows
    # as the whole design's, for chunks that start and end inside a base point's rows
    groups = ["b", "a", "b", "c", "a"]
    names = [f"x{i}" for i in range(len(groups))]
    plan = dataclasses.replace(sensitivity.design(names, groups, 64, 5), chunk=37)
    x = plan.x
    np.testing.assert_array_equal(x, sensitivity.saltelli_design(groups, 64, 5))
    assert plan.rows == x.shape[0] == 64 * 5
    for start, stop in plan.chunks():
        part = sensitivity.design_part(*plan.part(start, stop))
        assert part.tobytes() == x[start:stop].tobytes(), (start, stop)
