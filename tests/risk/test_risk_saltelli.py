"""The NumPy Saltelli scheme against the libraries it replaces: the scrambled Sobol' points of
``scipy.stats.qmc.Sobol`` and the indices of ``SALib.analyze.sobol.analyze``, compared bit for
bit (the risk summary must not change), and a whole run's tornado and Sobol indices the same
in this process and on two workers, at any chunk size."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings

import numpy as np
import pytest
from SALib.analyze import sobol as salib_analyze
from scipy.stats import qmc

from orevalue import api
from orevalue.risk import saltelli, sensitivity
from orevalue.risk.sampling import RiskModel

#: Keys of the run block that say how and how fast it ran, not what it found.
HOW = ("workers", "chunk_size", "monte_carlo_seconds", "samples_per_second", "total_seconds")


@pytest.mark.parametrize(
    ("d", "n", "seed"),
    [(1, 1, 0), (1, 8, 1), (3, 7, 5), (37, 512, 1), (74, 64, 12345), (400, 1024, 2)],
)
def test_sobol_points_are_scipys_bit_for_bit(d: int, n: int, seed: int) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SciPy warns when n is not a power of 2
        expected = qmc.Sobol(d=d, scramble=True, seed=seed).random(n)
    got = saltelli.sobol_points(d, n, seed)
    assert got.shape == expected.shape
    assert got.tobytes() == expected.tobytes()


def test_sobol_points_keep_the_balance_of_a_net() -> None:
    # each coordinate of 2^m scrambled Sobol' points has exactly one point per 1/2^m interval
    x = saltelli.sobol_points(5, 256, 9)
    for column in x.T:
        assert sorted(np.floor(column * 256).astype(int).tolist()) == list(range(256))


@pytest.mark.parametrize(("groups", "n", "seed"), [(3, 64, 5), (37, 512, 1), (6, 128, 42)])
def test_indices_are_salibs_bit_for_bit(groups: int, n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    y = rng.normal(size=n * (groups + 2)) ** 3 + np.repeat(rng.normal(size=n), groups + 2)
    names = [f"x{i}" for i in range(groups)]
    problem = {"num_vars": groups, "names": names, "bounds": [[0.0, 1.0]] * groups}
    expected = salib_analyze.analyze(problem, y, calc_second_order=False, seed=seed)
    got = saltelli.indices(y, groups, seed)
    for key in ("S1", "S1_conf", "ST", "ST_conf"):
        assert got[key].tobytes() == np.asarray(expected[key]).tobytes(), key


def test_indices_of_an_additive_model_are_its_variance_shares() -> None:
    # y = x1 + 2 x2 on uniforms: variance shares 1/5 and 4/5, no interaction (S1 = ST)
    design = sensitivity.design(["x1", "x2"], ["x1", "x2"], 4096, 3)
    x = design.x
    si = design.indices({"y": x[:, 0] + 2 * x[:, 1]})["y"]
    for name, share in (("x1", 0.2), ("x2", 0.8)):
        assert si[name]["S1"] == pytest.approx(share, abs=0.02)
        assert si[name]["ST"] == pytest.approx(share, abs=0.02)


def test_a_wrong_number_of_outputs_is_refused() -> None:
    with pytest.raises(ValueError, match="not a multiple of 5"):
        saltelli.indices(np.ones(12), 3, 1)


def _what(summary: dict) -> dict:  # type: ignore[type-arg]
    run = {k: v for k, v in summary["run"].items() if k not in HOW}
    return json.loads(json.dumps({**summary, "run": run}))


def test_tornado_and_sobol_are_the_same_in_this_process_and_on_two_workers() -> None:
    kwargs = dict(tornado=True, sobol=64)  # 64 x 39 rows: two design tasks
    one = api.risk(api.load(), 700, 4, chunk=700, workers=1, **kwargs)
    two = api.risk(api.load(), 700, 4, chunk=150, workers=2, **kwargs)
    assert one["sobol"]["indices"] and one["tornado"]
    assert _what(one) == _what(two)  # exact: floats compared as written


def test_run_sobol_indices_are_the_libraries_on_the_same_design() -> None:
    # the design of SciPy's points and SALib's analysis of the model's outputs on it: what
    # the summary held before the NumPy scheme, bit for bit
    loaded = api.load()
    summary = api.risk(loaded, 200, 3, workers=2, tornado=False, sobol=32)
    model = RiskModel(loaded.scenario, api.risk_spec(loaded))
    groups = model.groups()
    labels = list(dict.fromkeys(groups))
    d = len(groups)
    base = qmc.Sobol(d=2 * d, scramble=True, seed=3).random(32)
    a, b = base[:, :d], base[:, d:]
    blocks = [a]
    for label in labels:
        mixed = a.copy()
        mixed[:, np.asarray(groups) == label] = b[:, np.asarray(groups) == label]
        blocks.append(mixed)
    x = np.stack([*blocks, b], axis=1).reshape(-1, d)
    key = "cathode.npv_usd"
    y = sensitivity.evaluate_design(model, x, [key])[key]
    problem = {
        "num_vars": d,
        "names": [f"{g}#{i}" for i, g in enumerate(groups)],
        "bounds": [[0.0, 1.0]] * d,
        "groups": groups,
    }
    si = salib_analyze.analyze(problem, y, calc_second_order=False, seed=3)
    got = summary["sobol"]["indices"][key]
    assert list(got) == labels
    for i, label in enumerate(labels):
        for stat in ("S1", "S1_conf", "ST", "ST_conf"):
            assert got[label][stat] == float(si[stat][i]), (label, stat)


def test_a_risk_run_imports_neither_salib_nor_scipy_stats() -> None:
    # importing them cost 0.8 s of every run's fixed overhead (pandas included)
    code = (
        "import json, sys; from orevalue import api; "
        "api.risk(api.load(), 50, 1, workers=1, sobol=8); "
        "print(json.dumps(sorted(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    modules = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "orevalue.risk.saltelli" in modules  # the run computed Sobol indices
    assert not {"SALib", "scipy.stats", "pandas"} & modules
