"""Monte Carlo runs: seeds, chunk sizes, workers, price paths and the deterministic limit."""

from __future__ import annotations

import dataclasses
import math
import os
import time
import weakref

import numpy as np
import pytest
from scipy import stats

import orevalue
from orevalue.economics import schedule
from orevalue.params import Params
from orevalue.risk import montecarlo, prices, spec, summary
from orevalue.risk.distributions import Fixed
from orevalue.risk.sampling import BLOCK, RiskModel
from orevalue.risk.workers import local


@pytest.fixture(scope="module")
def model() -> RiskModel:
    s = orevalue.load()
    return RiskModel(s, spec.build(s))


def _run(model, n, seed, tmp_path, chunk=montecarlo.CHUNK, workers=1):
    folder = tmp_path / f"run-{n}-{seed}-{chunk}-{workers}"
    folder.mkdir()
    mc = montecarlo.run(model, n, seed, folder, chunk, workers)
    columns = {name: mc.store.read(name, 0, n).copy() for name in mc.store.names}
    mc.store.close()
    return mc, columns


def test_same_seed_same_numbers_whatever_the_chunk_size_and_workers(model, tmp_path):
    n = BLOCK + 476  # spans two blocks, ends inside one
    _, reference = _run(model, n, 7, tmp_path, chunk=n)
    for chunk, workers in ((300, 1), (1000, 2), (97, 1)):
        _, columns = _run(model, n, 7, tmp_path, chunk=chunk, workers=workers)
        for name, values in reference.items():
            np.testing.assert_array_equal(columns[name], values, err_msg=name)
    _, other = _run(model, n, 8, tmp_path, chunk=n)
    assert not np.array_equal(other["cathode.npv_usd"], reference["cathode.npv_usd"])


def test_a_longer_run_extends_a_shorter_one(model):
    short = model.draws(3, 0, 700)
    long = model.draws(3, 0, 1500)
    np.testing.assert_array_equal(long.u[:700], short.u)
    np.testing.assert_array_equal(long.shocks[:700], short.shocks)
    middle = model.draws(3, 650, 1200)
    np.testing.assert_array_equal(middle.u, long.u[650:1200])


def test_sampled_inputs_keep_marginals_and_rank_correlations(model):
    draws = model.draws(2, 0, 8 * BLOCK)
    p = model.params(draws)
    paths = list(model.spec.correlated)
    x = np.column_stack([p[path][:, 0] for path in paths])
    target = model.spec.rank_corr
    np.testing.assert_allclose(stats.spearmanr(x).statistic, target, atol=0.035)
    for inp in model.spec.inputs:
        if inp.path.startswith("prices."):
            continue  # a deck knot: the path's deviation is added to it
        low, high = inp.dist.p10_p90()
        sample = p[inp.path][:, 0]
        assert np.mean(sample <= low) == pytest.approx(0.1, abs=0.015), inp.path
        assert np.mean(sample <= high) == pytest.approx(0.9, abs=0.015), inp.path


def _quiet(model: RiskModel) -> RiskModel:
    """The model with every input fixed at the scenario's value and price paths without
    volatility or regime: the deterministic case, through the whole risk machinery."""
    sp = model.spec
    fixed = {i.path: i.base for i in sp.inputs}
    series = tuple(dataclasses.replace(s, sigma=0.0, regime=None) for s in sp.prices.series)
    quiet = dataclasses.replace(
        sp,
        inputs=tuple(dataclasses.replace(i, dist=Fixed(i.base)) for i in sp.inputs),
        fixed={**sp.fixed, **fixed},
        prices=dataclasses.replace(sp.prices, series=series),
    )
    return RiskModel(model.scenario, quiet)


def test_all_uncertainty_fixed_reproduces_the_deterministic_result(model, tmp_path):
    s = model.scenario
    deterministic = orevalue.evaluate(s)
    _, columns = _run(_quiet(model), 300, 1, tmp_path, chunk=128)
    for name, pathway in s.pathways.items():
        want = deterministic.value(name, "plant", "npv_usd")
        np.testing.assert_allclose(columns[f"{name}.npv_usd"], want, rtol=1e-12, atol=1e-3)
        if pathway.stages:
            want_irr = deterministic.value(name, "plant", "irr")
            np.testing.assert_allclose(columns[f"{name}.irr"], want_irr, rtol=1e-9)


def test_price_paths_without_volatility_are_the_deck(model):
    quiet = _quiet(model)
    p = quiet.params(quiet.draws(1, 0, 5))
    years = schedule.timeline(model.scenario).years
    deck = Params.from_scenario(model.scenario)
    for series in ("cu_usd_per_t", "tc_usd_per_dmt", "rc_usc_per_lb"):
        np.testing.assert_allclose(
            p.deck(f"prices.{series}", years), deck.deck(f"prices.{series}", years)[[0] * 5]
        )
    acid = p.deck("prices.acid_netback_usd_per_t", years)
    np.testing.assert_allclose(acid, deck["site.acid_netback_usd_per_t"][0, 0])


def test_ou_deviation_has_the_analytic_spread_and_reverts():
    shocks = np.random.default_rng(4).standard_normal((40_000, 30))
    x = prices.ou_deviation(shocks, 0.22, 5.0)
    for t in (1, 5, 30):
        assert x[:, t].std() == pytest.approx(prices.ou_sd(0.22, 5.0, t), rel=0.02)
    # lag-1 autocorrelation at stationarity is exp(-ln 2 / half-life)
    rho = np.corrcoef(x[:, 29], x[:, 30])[0, 1]
    assert rho == pytest.approx(math.exp(-math.log(2) / 5.0), abs=0.01)
    # read at the timeline's columns (spot year repeated, the last clipped): the same numbers
    at = np.clip(np.arange(-2, 34), 0, 30)
    picked = prices.ou_deviation(shocks[:50], 0.22, 5.0, at=at)
    assert picked.flags.c_contiguous
    np.testing.assert_array_equal(picked, x[:50, at])


def test_regime_chain_settles_at_its_stationary_share():
    u = np.random.default_rng(6).random((20_000, 60))
    tight = prices.regime_tight(True, 1 / 3, 1 / 20, u)
    assert tight[:, 0].all()
    stationary = (1 / 20) / (1 / 20 + 1 / 3)
    assert tight[:, -1].mean() == pytest.approx(stationary, abs=0.01)
    # a tight spell lasts 3 years on average: P(still tight after 1 year) = 2/3
    assert tight[:, 1].mean() == pytest.approx(2 / 3, abs=0.01)


def test_summary_quantiles_are_exact_with_bounded_memory():
    data = np.random.default_rng(2).lognormal(size=30_001)
    data[::1000] = np.nan

    def pieces():
        return (data[i : i + 999] for i in range(0, data.size, 999))

    stats_small = summary.describe(pieces, limit=500)  # forces the histogram selection
    finite = data[np.isfinite(data)]
    want = np.quantile(finite, summary.QUANTILES)
    got = [stats_small[f"p{round(q * 100):02d}"] for q in summary.QUANTILES]
    np.testing.assert_array_equal(got, want)
    assert stats_small["n_failed"] == 31
    assert stats_small["mean"] == pytest.approx(finite.mean(), rel=1e-12)
    assert stats_small["sd"] == pytest.approx(finite.std(ddof=1), rel=1e-12)


def test_undefined_irr_is_nan_with_a_reason():
    cf = np.array([[-1.0, -1.0, -1.0], [-1.0, 2.0, 0.0], [1.0, 1.0, 1.0]])
    irr = orevalue.economics.metrics.irr(cf)
    reasons = montecarlo.irr_failures(cf, irr)
    assert np.isnan(irr[0]) and np.isnan(irr[2]) and irr[1] == pytest.approx(1.0)
    assert reasons == {
        montecarlo.IRR_REASONS["never_positive"]: 1,
        montecarlo.IRR_REASONS["never_negative"]: 1,
    }


def test_paired_probabilities_count_the_same_samples(model, tmp_path):
    mc, columns = _run(model, 600, 5, tmp_path, chunk=250)
    base = columns["concentrate.npv_usd"]
    for name in ("anode", "cathode", "rod"):
        assert mc.beats_baseline[name] == np.count_nonzero(columns[f"{name}.npv_usd"] > base)
    assert sum(mc.best.values()) == 600


def test_plant_npvs_alone_are_those_of_the_whole_lean_evaluation(model):
    # the tornado and the Sobol design evaluate the plant NPVs alone (no IRR, no export
    # earnings): the same bits as the lean evaluation's, with price paths and sampled inputs
    p = model.params(model.draws(9, 0, 300))
    alone = montecarlo.evaluate_npvs(model, p)
    whole, _ = montecarlo.evaluate_outputs(model, p)
    assert set(alone) == {k for k in whole if k.endswith(".npv_usd")}
    for key, values in alone.items():
        assert values.tobytes() == whole[key].tobytes(), key


def _where_and_square(model: object, x: int) -> tuple[int, int]:
    if x == 13:
        raise ValueError("thirteen")
    return os.getpid(), x * x


def test_the_pool_and_this_process_share_the_calls_results_in_order():
    # this process runs queued calls while the result it wants is not in: every result comes
    # in its call's order, whoever ran it, and a call's exception is raised when its result
    # is taken, after the results before it
    with local(None, 3, 40) as ex:
        first = ex.map(_where_and_square, [(i,) for i in range(13)])
        second = ex.map(_where_and_square, [(i,) for i in range(20, 40)])
        got = list(first) + list(second)
        failing = ex.map(_where_and_square, [(11,), (12,), (13,), (14,)])
        assert [next(failing)[1], next(failing)[1]] == [121, 144]
        with pytest.raises(ValueError, match="thirteen"):
            next(failing)
    assert [v for _, v in got] == [i * i for i in [*range(13), *range(20, 40)]]
    pids = {pid for pid, _ in got}
    assert os.getpid() in pids and len(pids) >= 2


def _column(model: object, x: int) -> np.ndarray:
    return np.full(1000, float(x))


def test_the_pool_holds_no_result_once_taken():
    # a run's memory stays flat in its number of chunks: a chunk's outputs are let go as soon
    # as they are taken, whichever process computed them
    with local(None, 2, 30) as ex:
        results = ex.map(_column, [(i,) for i in range(30)])
        for i in range(30):
            values = next(results)
            assert values[0] == i
            taken = weakref.ref(values)
            del values
            # the pool's result thread lets go of its own copy just after it hands the result
            # over, so that copy may live a moment longer; a result held by the pool stays
            waited = time.monotonic() + 5.0
            while taken() is not None and time.monotonic() < waited:
                time.sleep(0.001)
            assert taken() is None, i  # while the run goes on


def test_a_chunk_evaluated_in_pieces_gives_the_numbers_of_one_evaluation(model, monkeypatch):
    # pieces from an odd start, one of them ending inside a block of random numbers; the
    # inputs and the failures of the pieces add up to those of the whole chunk
    start, stop = 700, 3 * BLOCK + 13
    p = model.params(model.draws(3, start, stop))
    whole, failures = montecarlo.evaluate_outputs(model, p)
    monkeypatch.setattr(montecarlo, "PIECE", BLOCK)
    a, b, out, found, inputs = montecarlo.run_chunk(model, 3, start, stop, want_inputs=True)
    assert (a, b) == (start, stop) and found == failures
    assert out.keys() == whole.keys()
    for key, values in whole.items():
        assert out[key].shape == (stop - start,)
        np.testing.assert_array_equal(out[key].view(np.int64), values.view(np.int64))  # bits
    for inp in model.inputs:
        np.testing.assert_array_equal(inputs[inp.path], p[inp.path][:, 0])
