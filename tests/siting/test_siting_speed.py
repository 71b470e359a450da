"""The fast paths of siting give the answers of the slow ones: sites valued in one batched
evaluation equal each valued alone (bit for bit), the programmes solved on forked workers
equal those solved in turn, and the map drawn on two processes equals the map drawn on one."""

from __future__ import annotations

import hashlib
import os
import re
import threading
from pathlib import Path

import numpy as np
import pytest

import orevalue
import orevalue.report.sitemap as sitemap
from fresh import in_fresh_process
from orevalue import api, forks
from orevalue.economics import metrics
from orevalue.scenario import Overlay, ScenarioError
from orevalue.siting import Options, SitesData, analyse, load_sites, rank
from orevalue.siting.synthetic import random_sites_data


@pytest.fixture(scope="module")
def default_siting(default_scenario):
    return analyse(default_scenario, load_sites())


def _with_site(overlay: Overlay, **values: object) -> Overlay:
    site = dict(overlay.values["site"])
    site.update(values)
    return Overlay(overlay.label + " (varied)", {"site": site})


def test_npv_rows_are_the_same_bits_alone_or_among_other_rates():
    rng = np.random.default_rng(7)
    cf = rng.normal(0.0, 1e8, (9, 28))
    rates = rng.uniform(0.02, 0.3, 9)
    together = metrics.npv(rates, cf)
    alone = np.array([metrics.npv(rates[i], cf[i : i + 1])[0] for i in range(9)])
    assert np.array_equal(together, alone)
    # and each is the discounted sum worked out term by term
    by_hand = [sum(cf[i, t] / (1 + rates[i]) ** t for t in range(28)) for i in range(9)]
    np.testing.assert_allclose(together, by_hand, rtol=1e-12)


def test_sites_valued_in_one_batch_equal_each_valued_alone(default_scenario, default_siting):
    loaded = api._loaded(default_scenario)
    feasible = [r for r in default_siting.ranking if r.overlay is not None]
    assert len({r.zone for r in feasible}) > 1  # batches of more than one regime
    pairs = [(r.overlay, r.zone) for r in feasible]
    # sites sharing a regime but differing in security premium (the discount rate), freight
    # modes and name: one batch, a site a sample
    first = feasible[0].overlay
    pairs.append((_with_site(first, security_premium_pct=2.5, feed_mode="rail"), feasible[0].zone))
    pairs.append((_with_site(first, name="elsewhere", power_usd_per_kwh=0.2), feasible[0].zone))
    batched = api.site_npvs(loaded)(pairs)
    alone = [api.site_npv(loaded)(overlay, zone) for overlay, zone in pairs]
    assert batched == alone  # the same floats, not merely close
    # alone is the engine on the case loaded with the overlays, one at a time
    overlay, zone = pairs[-2]
    by_hand = orevalue.evaluate(
        orevalue.load(overlays=(overlay, api.regime_overlay(zone, "zone"))),
        breakeven=False,
        detail=False,
        compare=False,
    ).value(default_scenario.focus_pathway, "plant", "npv_usd")
    assert batched[-2] == by_hand
    assert len(set(batched)) == len(batched)  # every site its own value


def test_a_bad_site_value_in_a_batch_is_the_loaders_error(default_scenario, default_siting):
    feasible = [r for r in default_siting.ranking if r.overlay is not None]
    bad = _with_site(feasible[0].overlay, power_usd_per_kwh=50.0)
    pairs = [(feasible[0].overlay, "epz"), (bad, "epz")]
    with pytest.raises(ScenarioError) as batch_error:
        api.site_npvs(default_scenario)(pairs)
    with pytest.raises(ScenarioError) as load_error:
        orevalue.load(overlays=(bad, api.regime_overlay("epz", "zone")))
    assert "power_usd_per_kwh" in str(batch_error.value)
    assert str(batch_error.value) == str(load_error.value)


def _in_fresh_process(name: str, *args: str) -> None:
    """Run this module's function ``name`` in a new interpreter (where siting may fork)."""
    in_fresh_process(__file__, name, *args)


def _workers_serial_for_few_programmes_or_where_forking_is_unsafe() -> None:
    assert rank.can_fork()
    assert rank.workers_for(rank.PARALLEL_FROM - 1) == 1
    assert rank.workers_for(3, workers=8) == 3  # never more workers than programmes
    assert rank.workers_for(40, workers=2) == 2
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not rank.can_fork()
        assert rank.workers_for(40, workers=2) == 1
    finally:
        stop.set()
        other.join()


def test_workers_serial_for_few_programmes_or_where_forking_is_unsafe():
    _in_fresh_process("_workers_serial_for_few_programmes_or_where_forking_is_unsafe")


def test_ranking_on_forked_workers_equals_the_ranking_in_turn():
    _in_fresh_process("_ranking_on_forked_workers_equals_the_ranking_in_turn")


def _ranking_on_forked_workers_equals_the_ranking_in_turn() -> None:
    default_scenario = orevalue.load()
    data = random_sites_data(14, n_sizes=3, n_power=2, seed=3)
    assert rank.workers_for(15, workers=2) == 2  # the pool is really used below
    serial = analyse(default_scenario, data, workers=1)
    forked = analyse(default_scenario, data, workers=2)
    assert forked.to_dict() == serial.to_dict()
    assert np.array_equal(forked.best_solution.x, serial.best_solution.x)
    assert sum(r.feasible for r in serial.ranking) >= 2


def test_an_error_in_a_worker_is_raised_as_it_is_in_turn():
    _in_fresh_process("_an_error_in_a_worker_is_raised_as_it_is_in_turn")


def _an_error_in_a_worker_is_raised_as_it_is_in_turn() -> None:
    default_scenario = orevalue.load()
    assert rank.workers_for(15, workers=2) == 2  # the error really comes from a worker
    raw = random_sites_data(14, n_sizes=3, n_power=2, seed=3).model_dump(by_alias=True)
    for site in raw["sites"].values():
        for option in site["water"].values():
            option["max_m3_per_day"] = 1.0  # no site can be watered: every plan infeasible
    tight = SitesData.model_validate(raw)
    errors = []
    for workers in (1, 2):
        with pytest.raises(ScenarioError) as exc:
            analyse(default_scenario, tight, Options(), workers=workers)
        errors.append((type(exc.value), [str(p) for p in exc.value.problems]))
    assert errors[0] == errors[1]
    assert errors[0][0] is rank.InfeasibleError


def _ids(svg: str) -> str:
    """The SVG without the names matplotlib gives its clip paths and markers at random."""
    return re.sub(r'(id="|#)[mp][0-9a-f]{10}', r"\1X", svg)


def _digests(folder: Path) -> tuple[str, str]:
    png = hashlib.sha256((folder / "map.png").read_bytes()).hexdigest()
    svg = _ids((folder / "map.svg").read_text())  # the drawing is the rest
    return png, hashlib.sha256(svg.encode()).hexdigest()


def test_map_drawn_on_two_processes_equals_the_map_drawn_on_one(tmp_path):
    _in_fresh_process("_map_drawn_on_two_processes_equals_the_map_drawn_on_one", str(tmp_path))


def _map_drawn_on_two_processes_equals_the_map_drawn_on_one(folder: str) -> None:
    tmp_path = Path(folder)
    default_siting = analyse(orevalue.load(), load_sites())
    parent = os.getpid()
    for name in ("one", "two", "fallback", "drawer", "drawer-fails", "svg"):
        (tmp_path / name).mkdir()
    assert forks.can_fork()
    sitemap.draw_map(default_siting, tmp_path / "two")
    # drawn by a drawer, forked before the analysis: the same files, written by this process
    with sitemap.drawer() as maps:
        sitemap.draw_later(maps, default_siting)
        files = maps.result()
    assert sitemap.write_map(files, tmp_path / "drawer") == [
        tmp_path / "drawer" / "map.png",
        tmp_path / "drawer" / "map.svg",
    ]
    with sitemap.drawer() as maps:
        sitemap.draw_later(maps, default_siting, svg_only=True)
        drawn = api.site_map_svg(default_siting, maps)
    assert _ids(drawn) == _ids(api.site_map_svg(default_siting))
    forks.can_fork = lambda: False  # a fresh process of its own: no need to put it back
    sitemap.draw_map(default_siting, tmp_path / "one")
    assert _digests(tmp_path / "two") == _digests(tmp_path / "one")
    assert _digests(tmp_path / "drawer") == _digests(tmp_path / "one")
    # a child that fails leaves the SVG to this process, and a drawer's map too
    forks.can_fork = lambda: True
    svg = sitemap._svg

    def fails_in_child(fig):
        if os.getpid() != parent:
            raise OSError("out of memory")
        return svg(fig)

    sitemap._svg = fails_in_child
    sitemap.draw_map(default_siting, tmp_path / "fallback")
    assert _digests(tmp_path / "fallback") == _digests(tmp_path / "one")
    with sitemap.drawer() as maps:
        sitemap.draw_later(maps, default_siting)
        sitemap.write_map(maps.result(), tmp_path / "drawer-fails")
    assert _digests(tmp_path / "drawer-fails") == _digests(tmp_path / "one")


def test_a_large_batch_runs_compiled_and_gives_the_same_bits(
    default_scenario, default_siting, monkeypatch
):
    from orevalue import jit, sitenpv

    feasible = [r for r in default_siting.ranking if r.overlay is not None]
    pairs = [(r.overlay, "epz") for r in feasible]  # one regime: one batch
    alone = [api.site_npv(default_scenario)(o, z) for o, z in pairs]
    monkeypatch.setattr(sitenpv, "INTERPRETED", 1)
    modes = []
    evaluate = sitenpv.engine.evaluate

    def spy(*args, **kwargs):
        modes.append(jit.set_mode("auto"))  # the mode the batch runs in (put back below)
        jit.set_mode(modes[-1])
        return evaluate(*args, **kwargs)

    monkeypatch.setattr(sitenpv.engine, "evaluate", spy)
    before = jit.set_mode("auto")
    try:
        assert api.site_npvs(default_scenario)(pairs) == alone
        assert modes == ["compiled"]
        assert jit.set_mode("auto") == "auto"  # and the choice is put back
    finally:
        jit.set_mode(before)
