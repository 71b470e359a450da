"""The kernels give the same bits interpreted (small calls, a deterministic run) as compiled
by Numba (Monte Carlo chunks): :mod:`orevalue.jit` runs one source either way, and these tests
compare the two on random inputs, kernel by kernel and through the whole engine."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

import orevalue
from orevalue import jit, kernels
from orevalue.economics import metrics
from orevalue.params import Params


@pytest.fixture
def modes() -> Iterator[None]:
    before = jit.set_mode("auto")
    yield
    jit.set_mode(before)


def _both(fn, *args):  # type: ignore[no-untyped-def]
    """``fn(*args)`` interpreted and compiled, each on its own copies of the arrays."""
    outs = []
    for mode in ("interpreted", "compiled"):
        jit.set_mode(mode)
        copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
        fn(*copies)
        outs.append([a for a in copies if isinstance(a, np.ndarray)])
    jit.set_mode("auto")
    return outs


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and a.tobytes() == b.tobytes()


def _flows(rng: np.random.Generator, n: int, years: int) -> np.ndarray:
    """Project-like cash flows: outlays first, then noisy returns, some rows with a second
    outlay (several roots) and some without a sign change."""
    cf = rng.normal(1.0, 0.8, (n, years)) * 10.0 ** rng.uniform(5, 9, (n, 1))
    build = rng.integers(1, 5, n)
    for i in range(n):
        cf[i, : build[i]] = -np.abs(cf[i, : build[i]]) * rng.uniform(1, 8)
    cf[::7, -3] -= np.abs(cf[::7].sum(axis=1)) * 2.0  # a late closure cost
    cf[::11] = np.abs(cf[::11])  # no outlay: no IRR
    return cf


@pytest.mark.parametrize("years", [6, 28, 60])
def test_irr_interpreted_equal_compiled(modes: None, years: int) -> None:
    rng = np.random.default_rng(years)
    cf = _flows(rng, 300, years)
    runs = []
    for mode in ("interpreted", "compiled"):
        jit.set_mode(mode)
        runs.append(metrics.irr(cf))
    assert np.isfinite(runs[0]).sum() > 200  # the walk found roots: the test can fail
    assert _same_bits(*runs)


def _carry_forward():  # type: ignore[no-untyped-def]
    """The carry-forward kernel, in kernels.py or with the tax kernels in kernels_taxes.py."""
    import importlib

    if hasattr(kernels, "carry_forward"):
        return kernels.carry_forward
    return importlib.import_module("orevalue.kernels_taxes").carry_forward


def test_carry_forward_interpreted_equal_compiled(modes: None) -> None:
    rng = np.random.default_rng(3)
    income = rng.normal(0, 1e7, (300, 30))
    income[5, 4] = np.nan
    for years in (-1, 0, 3, 6):
        a, b = _both(_carry_forward(), income, years, np.empty_like(income), np.empty_like(income))
        assert all(_same_bits(x, y) for x, y in zip(a, b, strict=True))


def test_price_paths_interpreted_equal_compiled(modes: None) -> None:
    rng = np.random.default_rng(5)
    shocks = rng.standard_normal((200, 27))
    out = np.zeros((200, 28))
    out[:, 0] = rng.normal(0, 0.1, 200)
    a, b = _both(kernels.ou_paths, shocks, 0.87, 0.21, out)
    assert _same_bits(a[-1], b[-1])
    u = rng.uniform(size=(200, 27))
    a, b = _both(kernels.markov_states, True, 0.2, 0.35, u, np.zeros((200, 28), bool))
    assert _same_bits(a[-1], b[-1])


#: Inputs varied per sample, so that the samples take different branches of the year loops
#: (losses carried, a super-tax bracket, minimum tax, no IRR).
VARIED = {
    "prices.cu_usd_per_t.2030": (5_000.0, 16_000.0),
    "prices.tc_usd_per_dmt.2030": (-60.0, 120.0),
    "stages.smelter.capex_ref_usd": (250e6, 900e6),
    "site.acid_netback_usd_per_t": (-40.0, 130.0),
    "feeds.concentrate.cu_pct": (20.0, 34.0),
}


def _numbers(results: orevalue.engine.Results) -> dict[str, np.ndarray]:  # type: ignore[name-defined]
    out = {}
    for name, r in results.pathways.items():
        for group in ("plant", "country", "margin_usd_per_t", "chain"):
            for key, value in getattr(r, group).items():
                out[f"{name}.{group}.{key}"] = np.asarray(value)
        for key, value in r.case.lines.items():
            out[f"{name}.lines.{key}"] = np.asarray(value)
    return out


def test_engine_interpreted_equal_compiled(default_scenario, modes: None) -> None:
    s = default_scenario
    n = 24
    rng = np.random.default_rng(11)
    p = Params.from_scenario(s, n).replace(
        {k: rng.uniform(lo, hi, n) for k, (lo, hi) in VARIED.items()}
    )
    runs = []
    for mode in ("interpreted", "compiled"):
        jit.set_mode(mode)
        runs.append(_numbers(orevalue.evaluate(s, p, breakeven=False)))
    a, b = runs
    assert a.keys() == b.keys() and len(a) > 100
    different = [k for k in a if not _same_bits(a[k], b[k])]
    assert not different


def test_small_calls_run_interpreted_and_a_long_run_compiles(modes: None) -> None:
    income = np.array([[-5.0, 2.0, 4.0]])
    start = jit._State.interpreted
    _carry_forward()(income, -1, np.empty_like(income), np.empty_like(income))
    assert jit._State.interpreted > start  # timed against the budget: it ran interpreted
    budget, jit.BUDGET = jit.BUDGET, 0.0
    try:
        _carry_forward()(income, -1, np.empty_like(income), np.empty_like(income))
        assert jit._State.mode == "compiled"
    finally:
        jit.BUDGET = budget


def test_bad_kernel_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="kernel mode"):
        jit.set_mode("fast")


def test_z90_is_scipys_normal_quantile() -> None:
    from scipy import special

    from orevalue.risk.distributions import Z90

    assert float(special.ndtri(0.9)) == Z90


def test_threads_share_kernels(modes: None) -> None:
    # the web app evaluates on several threads: small calls stay interpreted per thread and
    # the first compiled call builds one dispatcher however many threads ask at once
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.default_rng(23)
    small = [_flows(rng, 2, 28) for _ in range(8)]
    large = _flows(rng, 400, 28)
    serial = [metrics.irr(cf) for cf in small] + [metrics.irr(large)]
    with ThreadPoolExecutor(4) as pool:
        threaded = list(pool.map(metrics.irr, [*small, large]))
    assert all(_same_bits(a, b) for a, b in zip(serial, threaded, strict=True))


def test_kernels_pickle_by_name() -> None:
    import pickle

    assert pickle.loads(pickle.dumps(kernels.irr_rows)) is kernels.irr_rows
