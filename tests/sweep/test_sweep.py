"""Sweeps: the grid and the hypercube as the engine's sample axis, checked against single
evaluations of the same inputs, the table, the heat map and the messages of bad specs."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from fresh import in_fresh_process
from orevalue import api, engine
from orevalue.cli import app
from orevalue.scenario import Overlay, ScenarioError
from orevalue.sweep import latin_hypercube, parse, table
from orevalue.sweep.design import unit_hypercube

runner = CliRunner()
VARY = ["prices.tc_usd_per_dmt=0:150:50", "site.location_factor=0.6,1.0"]


def _single(tc: float, location: float, cu_2030: float | None = None):  # type: ignore[no-untyped-def]
    """The full evaluation of the scenario loaded with those values written into it."""
    prices: dict = {"tc_usd_per_dmt": {"2026": tc, "2030": tc}}  # type: ignore[type-arg]
    if cu_2030 is not None:
        prices["cu_usd_per_t"] = {"2030": cu_2030}
    overlay = Overlay("test", {"prices": prices, "site": {"location_factor": location}})
    return api.evaluate(api.load().variant(overlay))


def test_grid_points_equal_single_evaluations_of_the_same_inputs():
    sweep = api.sweep(api.load(), [*VARY, "prices.cu_usd_per_t.2030=9000,12000"])
    assert sweep.n == 4 * 2 * 2
    tcs, locs, cus = (
        sweep.inputs[k]
        for k in ("prices.tc_usd_per_dmt", "site.location_factor", "prices.cu_usd_per_t.2030")
    )
    assert sorted(set(tcs)) == [0, 50, 100, 150] and sorted(set(cus)) == [9000, 12000]
    for i in (0, 5, 11, 15):
        single = _single(tcs[i], locs[i], cus[i])
        for name in single.pathways:
            for group, key in (
                ("plant", "npv_usd"),
                ("country", "export_gain_pv_usd"),
                ("country", "government_revenue_pv_usd"),
            ):
                expected = single.value(name, group, key)
                got = sweep.metrics[f"{name}.{key}"][i]
                assert got == pytest.approx(expected, rel=1e-9, abs=1e-3), (i, name, key)
            if single.pathways[name].builds:
                irr = single.value(name, "plant", "irr")
                assert sweep.metrics[f"{name}.irr"][i] == pytest.approx(irr, rel=1e-9)


def test_the_grid_is_one_vectorised_evaluation(monkeypatch):
    calls = []
    real = engine.evaluate

    def counting(scenario, params=None, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(params.n_samples)
        return real(scenario, params, *args, **kwargs)

    monkeypatch.setattr(engine, "evaluate", counting)
    sweep = api.sweep(api.load(), ["site.location_factor=0.5:1.5:0.01"])
    assert calls == [101] and sweep.n == 101
    best, worst = sweep.ranked()
    values = sweep.metrics[sweep.key]
    assert values[best] == values.max() and values[worst] == values.min()


def test_latin_hypercube_puts_one_point_in_each_stratum():
    scenario = api.load().scenario
    varied = parse(
        [
            "site.location_factor=0.5:1.5",
            "prices.cu_usd_per_t.2030=8000:14000",
            "project.owner_and_infra_pct=5,10,15,20",
        ],
        scenario,
    )
    n = 200
    design = latin_hypercube(varied, n, seed=4)
    for path, (low, high) in (
        ("site.location_factor", (0.5, 1.5)),
        ("prices.cu_usd_per_t.2030", (8000, 14000)),
    ):
        strata = np.floor((design[path] - low) / (high - low) * n).astype(int)
        assert sorted(strata) == list(range(n))
    _, counts = np.unique(design["project.owner_and_infra_pct"], return_counts=True)
    assert counts.tolist() == [50, 50, 50, 50]
    again = latin_hypercube(varied, n, seed=4)
    assert all(np.array_equal(design[k], again[k]) for k in design)


@pytest.mark.parametrize("n", [1, 2, 7, 200, 5000])
@pytest.mark.parametrize("d", [1, 3, 6])
def test_unit_hypercube_is_scipys_latin_hypercube(n, d):
    from scipy.stats import qmc

    for seed in (0, 1, 4, 2**40):
        expected = qmc.LatinHypercube(d=d, seed=np.random.default_rng(seed)).random(n)
        assert np.array_equal(unit_hypercube(n, d, seed), expected)
    assert not np.array_equal(unit_hypercube(n, d, 1), unit_hypercube(n, d, 2))


def test_cli_writes_the_table_and_the_heat_map(tmp_path):
    args = ["sweep", *[a for v in VARY for a in ("--vary", v)], "--out", str(tmp_path)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "best" in result.output and "worst" in result.output
    folder = tmp_path / "balochistan-copper" / "sweep"
    png = (folder / "heatmap.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 5000
    assert (folder / "heatmap.svg").read_text().startswith("<svg")
    columns = table.read(folder / "sweep.csv")
    assert columns["point"].tolist() == list(range(8))
    assert table.input_columns(folder / "sweep.csv", columns) == [v.split("=")[0] for v in VARY]
    info = json.loads((folder / "sweep.json").read_text())
    assert info["points"] == 8 and info["method"] == "grid"
    sweep = api.sweep(api.load(), VARY)
    for key, values in sweep.metrics.items():  # written exactly (NaN as empty cells)
        np.testing.assert_array_equal(columns[key], values)


def test_chunks_shared_with_worker_processes_give_the_same_metrics():
    loaded = api.load()
    vary = ["prices.cu_usd_per_t=7000:12000", "site.location_factor=0.5:1.5"]
    alone = api.sweep(loaded, vary, samples=96, chunk=96, workers=1)
    shared = api.sweep(loaded, vary, samples=96, chunk=16, workers=3)  # 6 chunks, 3 processes
    assert alone.metrics.keys() == shared.metrics.keys()
    for key, values in alone.metrics.items():
        np.testing.assert_array_equal(shared.metrics[key], values, err_msg=key)
    assert alone.ranked() == shared.ranked()


def test_the_heat_map_drawn_by_a_child_is_the_one_drawn_here():
    in_fresh_process(__file__, "_drawn_by_a_child_and_here")


def _drawn_by_a_child_and_here() -> None:
    from orevalue.sweep import heatmap

    sweep = api.sweep(api.load(), ["prices.cu_usd_per_t=7000:12000", *VARY[1:]], samples=300)
    args = (sweep.columns(), list(sweep.inputs), sweep.key, "cathode")
    with heatmap.drawer() as maps:
        assert maps._pid > 0  # a child was forked
        maps.submit(heatmap.rendered, *args)
        theirs = maps.result()
    here = heatmap.rendered(*args)
    assert set(theirs) == {"heatmap.png", "heatmap.svg"} and theirs == here
    # the colours and the dots are an image in the SVG, the rest vector paths
    assert "<image" in here["heatmap.svg"] and "<path" in here["heatmap.svg"]
    assert "dc:date" not in here["heatmap.svg"]  # the same text every run


def test_cli_hypercube_with_parquet(tmp_path):
    args = [
        "sweep",
        "--vary",
        "site.location_factor=0.5:1.5",
        "--vary",
        "prices.tc_usd_per_dmt=0:300",
        "-n",
        "64",
        "--parquet",
        "-q",
        "--out",
        str(tmp_path),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    folder = tmp_path / "balochistan-copper" / "sweep"
    columns = table.read(folder / "sweep.parquet")
    assert len(columns["point"]) == 64 and (folder / "heatmap.png").is_file()


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (
            "site.location_factr=0.6:1:0.1",
            "no numeric input 'site.location_factr'; did you mean 'site.location_factor'?",
        ),
        ("prices.tc_usd_per_dmtt=0:100:10", "did you mean 'prices.tc_usd_per_dmt'?"),
        ("site.location_factor=0.6:1:x", "'x' is not a number"),
        ("site.location_factor=0.6:1:0.1:3", "expected LOW:HIGH:STEP"),
        ("site.location_factor", "expected PATH=LOW:HIGH:STEP"),
        ("site.location_factor=0.6:1:0", "the step is 0"),
        ("site.location_factor=1:0.6:0.1", "upside down"),
        ("site.location_factor=0.6:1", "only with --samples N"),
        ("site.location_factor=-1:1:0.5", "outside what it allows"),
    ],
)
def test_bad_vary_exits_2_naming_the_option(spec, expected):
    result = runner.invoke(app, ["sweep", "--vary", spec, "-q"])
    assert result.exit_code == 2, result.output
    line = " ".join(result.output.split())
    assert f"--vary: {spec}" in line and expected in line


def test_other_bad_inputs_exit_2():
    result = runner.invoke(app, ["sweep", "-q"])
    assert result.exit_code == 2 and "--vary" in result.output
    result = runner.invoke(app, ["sweep", "--vary", VARY[1], "--pathway", "cathod", "-q"])
    assert result.exit_code == 2 and "did you mean 'cathode'" in result.output
    twice = ["sweep", "--vary", VARY[1], "--vary", "site.location_factor=0.7", "-q"]
    assert "varied twice" in runner.invoke(app, twice).output
    with pytest.raises(ScenarioError):
        api.sweep(api.load(), ["uncertainty.prices.cu_usd_per_t=1,2"])


def test_report_adds_the_sweeps_heat_map_to_the_brief(tmp_path):
    args = ["sweep", *[a for v in VARY for a in ("--vary", v)], "-q", "--out", str(tmp_path)]
    assert runner.invoke(app, args).exit_code == 0
    csv = tmp_path / "balochistan-copper" / "sweep" / "sweep.csv"
    brief = api.report(api.load(), siting=False, sweep=csv)
    assert "Over a range of inputs" in brief.html
    section = brief.html[brief.html.find('id="sweep"') :]
    assert section.find("<svg") != -1 and "break-even line" in section
    result = runner.invoke(app, ["report", "--no-siting", "-q", "--sweep", str(tmp_path / "x.csv")])
    assert result.exit_code == 2 and "--sweep" in result.output
