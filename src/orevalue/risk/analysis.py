"""A whole risk run: Monte Carlo, tornado and Sobol indices, gathered into one summary dict."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from orevalue import jit
from orevalue.atomic import file_mode
from orevalue.risk import CHUNK, montecarlo, sensitivity, summary
from orevalue.risk.sampling import RiskModel
from orevalue.risk.spec import RiskSpec, build
from orevalue.scenario import Scenario

#: Progress callback: (stage, done, total); stage is "monte carlo", "tornado" or "sobol".
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class RiskOptions:
    samples: int = 10_000
    seed: int = 1
    chunk_size: int = CHUNK
    workers: int = 1
    tornado: bool = True
    sobol_base: int = 512  # 0: no Sobol indices
    parquet: Path | None = None  # write every sample's inputs and outputs there
    scratch: Path | None = None  # folder for the run's temporaries (None: the system's)
    scheduler: str = "pool"  # "pool", "local" (a Dask LocalCluster) or a tcp:// address


def _monte_carlo(
    started: montecarlo.Started,
    options: RiskOptions,
    writer: _ParquetSink | None,
    report: Progress,
) -> montecarlo.MonteCarlo:
    """The results of the queued Monte Carlo run, each chunk written to ``writer`` (if any,
    closed at the end, removed on failure) and reported as progress."""

    def on_chunk(start: int, stop: int, out: dict[str, np.ndarray], inputs: dict) -> None:  # type: ignore[type-arg]
        if writer is not None:
            writer.write(start, stop, out, inputs)
        report("monte carlo", stop, options.samples)

    try:
        mc = started.finish(on_chunk)
        if writer is not None:
            writer.close()
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    return mc


def _pathway_results(
    scenario: Scenario, mc: montecarlo.MonteCarlo, samples: int
) -> dict[str, dict[str, Any]]:
    """Each pathway's NPV, IRR and export gain statistics (with their failures), and the
    shares of samples where it beats the baseline and where it is best."""
    results = {}
    for name, pw in scenario.pathways.items():
        keys = [f"{name}.npv_usd", f"{name}.irr", f"{name}.export_gain_pv_usd"]
        entry: dict[str, Any] = {"label": pw.label, "builds": bool(pw.stages)}
        for key in keys:
            if key in mc.store.names:
                stats = summary.describe(lambda k=key: mc.store.pieces(k))
                stats["failures"] = mc.failures.get(key, {})
                entry[key.split(".", 1)[1]] = stats
        if pw.stages:
            entry["prob_beats_baseline"] = mc.beats_baseline[name] / samples
        entry["prob_best"] = mc.best[name] / samples
        results[name] = entry
    return results


def _npv_histograms(
    scenario: Scenario,
    mc: montecarlo.MonteCarlo,
    building: list[str],
    results: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """Histograms of every pathway's NPV on common bins spanning the pathways that build:
    each pathway's counts go into its ``results`` entry; the bins are returned."""
    hist = summary.histograms(
        {
            name: (lambda k=f"{name}.npv_usd": mc.store.pieces(k))
            for name in scenario.pathways
            if f"{name}.npv_usd" in mc.store.names
        },
        span=building,
    )
    for name, counts in hist.pop("columns").items():
        results[name]["npv_usd"]["histogram"] = counts
    return hist


def _scenario_block(scenario: Scenario) -> dict[str, Any]:
    """Which case was run, and in what money."""
    return {
        "name": scenario.name,
        "title": scenario.title,
        "file": scenario.source_file,
        "money": f"real USD of {scenario.base_year}",
        "baseline_pathway": scenario.baseline_pathway,
        "focus_pathway": scenario.focus_pathway,
    }


def _run_block(options: RiskOptions, mc_seconds: float) -> dict[str, Any]:
    """How the Monte Carlo was run and how fast (seconds, samples per second)."""
    return {
        "samples": options.samples,
        "seed": options.seed,
        "chunk_size": options.chunk_size,
        "workers": options.workers,
        "scheduler": options.scheduler,
        "monte_carlo_seconds": mc_seconds,
        "samples_per_second": options.samples / mc_seconds if mc_seconds > 0 else None,
    }


def _tornado(results: Iterator[Any], headline: list[str], report: Progress) -> dict[str, Any]:
    """Each headline output's base value and tornado bars, from the tornado's task."""
    report("tornado", 0, 1)
    base, table = next(results)
    out = {name: {"base": base[name], "bars": table[name]} for name in headline}
    report("tornado", 1, 1)
    return out


def _sobol(
    model: RiskModel,
    plan: sensitivity.Design,
    results: Iterator[dict[str, np.ndarray]],
    headline: list[str],
    options: RiskOptions,
    report: Progress,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Sobol indices of each headline output from the design's chunks, and the inputs worth
    a study for each."""
    rows = plan.rows
    y = {name: np.empty(rows) for name in headline}
    for (start, stop), out in zip(plan.chunks(), results, strict=True):
        for name in headline:
            y[name][start:stop] = out[name]
        report("sobol", stop, rows)
    indices = plan.indices(y)
    sobol = {
        "base_samples": options.sobol_base,
        "evaluations": options.sobol_base * (len(model.factors) + 2),
        "note": "factors taken as independent (correlations not applied)",
        "indices": indices,
    }
    worth = {name: sensitivity.worth_a_study(model, indices[name]) for name in headline}
    return sobol, worth


def run_risk(
    scenario: Scenario,
    options: RiskOptions,
    progress: Progress | None = None,
    spec: RiskSpec | None = None,
) -> dict[str, Any]:
    """Run the risk analysis of ``scenario`` and return its summary (JSON-ready).

    BLAS runs one thread here as in the workers: its products are small (5 x 5 factors over
    a block of samples), and idle BLAS threads spinning for work made the parent's block of
    random numbers 19x slower on two cores (7.8 ms against 0.41 ms); the numbers are the same.
    """
    with threadpool_limits(1), jit.compiled_run():
        return _run_risk(scenario, options, progress, spec)


def _run_risk(
    scenario: Scenario,
    options: RiskOptions,
    progress: Progress | None,
    spec: RiskSpec | None,
) -> dict[str, Any]:
    from orevalue import __version__

    model = RiskModel(scenario, spec if spec is not None else build(scenario))
    report = progress or (lambda stage, done, total: None)
    building = [name for name, pw in scenario.pathways.items() if pw.stages]
    headline = [f"{name}.npv_usd" for name in building]

    writer = _ParquetSink(options.parquet, model) if options.parquet else None
    want_tornado = options.tornado and bool(model.factors)
    n_base = options.sobol_base if model.factors else 0
    tasks = len(montecarlo.chunks(options.samples, options.chunk_size)) + want_tornado
    tasks += sensitivity.model_design_tasks(model, n_base) if n_base else 0
    started = time.perf_counter()
    # the design's points before the workers start: drawn meanwhile, they took three times
    # as long (three processes on two cores) and held back the workers' first tasks
    plan = sensitivity.model_design(model, n_base, options.seed) if n_base else None
    with (
        montecarlo.temporary_folder(options.scratch) as folder,
        montecarlo.executor(model, options.scheduler, options.workers, tasks) as ex,
    ):
        # every stage queued at once: the workers go on to the tornado and the Sobol design
        # while this process reads the Monte Carlo's results and sums them up
        queued = montecarlo.start(
            ex,
            model,
            options.samples,
            options.seed,
            Path(folder),
            options.chunk_size,
            want_inputs=writer is not None,
        )
        tornado = ex.map(sensitivity.tornado, [(headline, options.seed)]) if want_tornado else None
        if plan is not None:
            calls = [(plan.part(a, b), headline) for a, b in plan.chunks()]
            sobol = ex.map(sensitivity.evaluate_part, calls)
        mc = _monte_carlo(queued, options, writer, report)
        mc_seconds = time.perf_counter() - started
        results = _pathway_results(scenario, mc, options.samples)
        hist = _npv_histograms(scenario, mc, building, results)
        mc.store.close()
        extra: dict[str, Any] = {}
        if tornado is not None:
            extra["tornado"] = _tornado(tornado, headline, report)
        if plan is not None:
            extra["sobol"], extra["worth_a_study"] = _sobol(
                model, plan, sobol, headline, options, report
            )

    out: dict[str, Any] = {
        "orevalue_version": __version__,
        "scenario": _scenario_block(scenario),
        "run": _run_block(options, mc_seconds),
        "headline_outputs": headline,
        "pathways": results,
        "prob_any_pathway_beats_baseline": mc.any_beats_baseline / options.samples,
        "npv_histogram": {
            **hist,
            "note": "bins common to every pathway's plant NPV (USD), from the lowest P0.5 to "
            "the highest P99.5 of the pathways that build; the counts are in "
            "pathways/<name>/npv_usd/histogram",
        },
        "uncertainty": describe_uncertainty(model),
        **extra,
    }
    out["run"]["total_seconds"] = time.perf_counter() - started
    return out


def describe_uncertainty(model: RiskModel) -> dict[str, Any]:
    """The resolved uncertainty: each input's distribution with its P10/P90 and sources."""
    spec = model.spec
    inputs = []
    for inp in spec.inputs:
        p10, p90 = inp.dist.p10_p90()
        inputs.append(
            {
                "path": inp.path,
                "dist": inp.kind,
                "base": inp.base,
                "mean": inp.dist.mean,
                "p10": p10,
                "p90": p90,
                "source": inp.source,
                "tag": inp.tag,
                "value_tag": inp.value_tag,
            }
        )
    out: dict[str, Any] = {"inputs": inputs, "fixed": spec.fixed}
    if spec.correlated:
        out["correlation"] = {
            "method": spec.method,
            "inputs": list(spec.correlated),
            "rank_matrix": np.asarray(spec.rank_corr).tolist(),
        }
    if spec.prices is not None:
        pm = spec.prices
        out["prices"] = {
            "start_year": pm.start_year,
            "series": [
                {
                    "name": s.name,
                    "process": s.process,
                    "volatility": s.sigma,
                    "half_life_years": s.half_life_years,
                    "regime": None
                    if s.regime is None
                    else {
                        "start": "tight" if s.regime.start_tight else "normal",
                        "tight": s.regime.tight,
                        "normal": s.regime.normal,
                        "p_leave_tight": s.regime.p_leave_tight,
                        "p_leave_normal": s.regime.p_leave_normal,
                    },
                }
                for s in pm.series
            ],
            "linked": [{"name": k.name, "to": k.base, "ratio": k.ratio} for k in pm.linked],
            "shock_correlation": pm.corr.tolist(),
        }
    return out


class _ParquetSink:
    """Samples written chunk by chunk into a Parquet file, moved into place when complete.

    Until then the file is a temporary named by :func:`montecarlo.scratch_prefix` beside it,
    removed on failure, and by the next run in the folder if this one is killed.
    """

    def __init__(self, path: Path, model: RiskModel):
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.pa, self.path = pa, path
        path.parent.mkdir(parents=True, exist_ok=True)
        montecarlo.remove_stale(path.parent)
        fd, tmp = tempfile.mkstemp(
            dir=path.parent, prefix=montecarlo.scratch_prefix(), suffix=f"-{path.name}"
        )
        os.close(fd)
        self.tmp = Path(tmp)
        names = ["sample"] + [i.path for i in model.inputs] + montecarlo.output_names(model)
        fields = [pa.field("sample", pa.int64())] + [pa.field(n, pa.float64()) for n in names[1:]]
        self.schema = pa.schema(fields)
        self.writer = pq.ParquetWriter(self.tmp, self.schema)

    def write(self, start: int, stop: int, out: dict, inputs: dict) -> None:  # type: ignore[type-arg]
        columns = {"sample": np.arange(start, stop, dtype=np.int64), **inputs, **out}
        self.writer.write_table(self.pa.table(columns, schema=self.schema))

    def close(self) -> None:
        self.writer.close()
        os.chmod(self.tmp, file_mode())
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        try:
            self.writer.close()
        finally:
            self.tmp.unlink(missing_ok=True)
