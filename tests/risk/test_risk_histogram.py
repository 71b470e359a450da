"""Histograms of the plant NPV in the risk summary: common bin edges, counts that match
NumPy's, nothing lost (counts + below + above + NaN = N), and the same numbers whatever the
chunk size, workers or the size of the pieces the column store is read in."""

from __future__ import annotations

import numpy as np
import pytest

import orevalue
from orevalue.risk import montecarlo, summary
from orevalue.risk.analysis import RiskOptions, run_risk
from orevalue.risk.sampling import RiskModel
from orevalue.risk.spec import build


def _pieces(data: np.ndarray, size: int) -> summary.Pieces:
    return lambda: (data[i : i + size] for i in range(0, data.size, size))


def _columns(data: dict[str, np.ndarray], size: int) -> dict[str, summary.Pieces]:
    return {name: _pieces(values, size) for name, values in data.items()}


def _check(hist: dict, data: dict[str, np.ndarray]) -> None:
    """Every column's counts are NumPy's on the common edges; nothing is lost."""
    edges = np.asarray(hist["edges"])
    assert edges.size == hist["bins"] + 1 and np.all(np.diff(edges) > 0)
    for name, values in data.items():
        got = hist["columns"][name]
        finite = values[np.isfinite(values)]
        np.testing.assert_array_equal(got["counts"], np.histogram(finite, bins=edges)[0])
        assert got["below"] == np.count_nonzero(finite < edges[0])
        assert got["above"] == np.count_nonzero(finite > edges[-1])
        assert got["nan"] == values.size - finite.size
        assert got["n"] == values.size
        assert sum(got["counts"]) + got["below"] + got["above"] == got["n"] - got["nan"]


def test_small_hand_made_sample_matches_numpy():
    a = np.array([0.0, 1.0, 1.0, 2.5, 3.0, 4.0, np.nan, 10.0, -np.inf, 5.0])
    b = np.array([2.0, 2.0, 6.0, 7.0, np.nan, np.nan, 8.0, 8.0, 9.0, 20.0])
    data = {"a": a, "b": b}
    hist = summary.histograms(_columns(data, 3), bins=4, tails=(0.0, 1.0))
    # the span of both columns, min to max: 0 .. 20 in four bins of 5
    assert hist["edges"] == [0.0, 5.0, 10.0, 15.0, 20.0]
    assert hist["columns"]["a"] == {
        "n": 10,
        "counts": [6, 1, 1, 0],
        "below": 0,
        "above": 0,
        "nan": 2,
    }
    # 20.0 is the last edge: in the last bin, closed on the right as in numpy.histogram
    assert hist["columns"]["b"] == {
        "n": 10,
        "counts": [2, 5, 0, 1],
        "below": 0,
        "above": 0,
        "nan": 2,
    }
    _check(hist, data)

    # spanned by "a" only (P0.5 .. P99.5 by default): b's values beyond it counted apart
    hist = summary.histograms(_columns(data, 4), span=["a"], bins=5)
    finite_a = a[np.isfinite(a)]
    lo, hi = np.quantile(finite_a, summary.HIST_SPAN)
    np.testing.assert_array_equal(hist["edges"], np.linspace(lo, hi, 6))
    assert hist["columns"]["b"]["above"] > 0
    _check(hist, data)


def test_edges_span_the_lowest_p0_5_to_the_highest_p99_5():
    rng = np.random.default_rng(11)
    data = {
        "left": rng.normal(-3.0, 1.0, 5_001),
        "right": rng.lognormal(0.5, 0.8, 4_000),
        "wide": rng.standard_t(3, 3_333) * 2.0,
    }
    data["wide"][::97] = np.nan
    hist = summary.histograms(_columns(data, 1000), span=["left", "right"])
    lo = min(np.quantile(data[k], 0.005) for k in ("left", "right"))
    hi = max(np.quantile(data[k], 0.995) for k in ("left", "right"))
    assert hist["edges"][0] == lo and hist["edges"][-1] == hi
    assert len(hist["edges"]) == summary.HIST_BINS + 1
    _check(hist, data)
    for name in ("left", "right"):  # at most 0.5 % of a spanning column on each side
        got = hist["columns"][name]
        assert got["below"] <= 0.005 * data[name].size + 1
        assert got["above"] <= 0.005 * data[name].size + 1


def test_same_histogram_whatever_the_pieces_and_memory_limit():
    rng = np.random.default_rng(5)
    data = {"x": rng.lognormal(size=20_011) - 2.0, "y": rng.normal(size=20_011)}
    data["x"][::1000] = np.nan
    data["y"][7] = np.inf
    reference = summary.histograms(_columns(data, data["x"].size))
    _check(reference, data)
    for size, limit in ((997, summary.LIMIT), (64, 300), (5_000, 1_000)):
        # a small limit finds the spanning quantiles by histogram refinement
        assert summary.histograms(_columns(data, size), limit=limit) == reference


def test_degenerate_columns():
    data = {"same": np.full(50, 3.0), "gone": np.full(50, np.nan)}
    hist = summary.histograms(_columns(data, 8), bins=4)
    assert hist["edges"][0] < 3.0 < hist["edges"][-1]
    assert hist["columns"]["same"]["counts"] == [0, 0, 50, 0]
    assert hist["columns"]["gone"] == {
        "n": 50,
        "counts": [0] * 4,
        "below": 0,
        "above": 0,
        "nan": 50,
    }
    nothing = summary.histograms(_columns({"gone": data["gone"]}, 8), bins=4)
    assert nothing["edges"] is None
    assert nothing["columns"]["gone"] == {"n": 50, "counts": [], "below": 0, "above": 0, "nan": 50}
    # spanned by a column with no finite value: the others span it
    hist = summary.histograms(_columns(data, 8), span=["gone"], bins=4)
    assert hist["columns"]["same"]["counts"] == [0, 0, 50, 0]


@pytest.fixture(scope="module")
def scenario():
    return orevalue.load()


def _risk(scenario, n: int, chunk: int, workers: int = 1) -> dict:
    options = RiskOptions(
        samples=n, seed=3, chunk_size=chunk, workers=workers, tornado=False, sobol_base=0
    )
    return run_risk(scenario, options)


def test_risk_summary_histograms_count_every_sample_whatever_the_chunk_size(scenario, tmp_path):
    n = 1_500
    reference = _risk(scenario, n, chunk=n)
    common = reference["npv_histogram"]
    assert len(common["edges"]) == common["bins"] + 1 == summary.HIST_BINS + 1
    building = [name for name, pw in scenario.pathways.items() if pw.stages]
    for name, entry in reference["pathways"].items():
        hist = entry["npv_usd"]["histogram"]
        assert hist["n"] == n
        assert hist["nan"] == entry["npv_usd"]["n_failed"]
        assert sum(hist["counts"]) + hist["below"] + hist["above"] == n - hist["nan"]
        if name in building:
            assert sum(hist["counts"]) >= 0.98 * (n - hist["nan"])
    # the counts are NumPy's over the sampled column on the common edges
    model = RiskModel(scenario, build(scenario))
    mc = montecarlo.run(model, n, 3, tmp_path, 700)
    edges = np.asarray(common["edges"])
    for name in reference["pathways"]:
        values = mc.store.read(f"{name}.npv_usd", 0, n)
        finite = values[np.isfinite(values)]
        got = reference["pathways"][name]["npv_usd"]["histogram"]
        np.testing.assert_array_equal(got["counts"], np.histogram(finite, bins=edges)[0])
    mc.store.close()
    for chunk, workers in ((256, 1), (97, 1), (500, 2)):
        other = _risk(scenario, n, chunk=chunk, workers=workers)
        assert other["npv_histogram"] == common
        for name, entry in reference["pathways"].items():
            assert other["pathways"][name]["npv_usd"] == entry["npv_usd"], name
