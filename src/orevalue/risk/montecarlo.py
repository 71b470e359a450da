"""Chunked, seeded Monte Carlo: the engine evaluated on N samples a chunk at a time.

Memory stays bounded whatever N: each chunk's samples are evaluated, their headline outputs
written to a column store on disk at their sample positions, and the statistics read back from
there in fixed-size pieces. Chunks run in worker processes when asked. Sample i always gets the
random numbers of its block (see :mod:`orevalue.risk.sampling`), so the numbers do not depend
on the chunk size or the number of workers.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import logging
import os
import shutil
import socket
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from orevalue.arrays import joined
from orevalue.engine import evaluate
from orevalue.risk import CHUNK
from orevalue.risk.sampling import RiskModel
from orevalue.risk.workers import Executor, local
from orevalue.risk.workers import default_workers as default_workers  # known here before
from orevalue.risk.workers import tune_allocator as tune_allocator

log = logging.getLogger(__name__)

#: The default scheduler: this machine's processes (see :func:`run`).
POOL = "pool"

IRR_REASONS = {
    "never_positive": "cash flow never turns positive",
    "never_negative": "cash flow never negative",
    "not_finite": "cash flow not finite",
    "no_root": "no IRR between -99 % and +1000 %",
}


def output_names(model: RiskModel) -> list[str]:
    """Headline outputs per sample: ``<pathway>.npv_usd``, ``<pathway>.irr`` (pathways that
    build a plant) and ``<pathway>.export_gain_pv_usd``."""
    names = []
    for name, pathway in model.scenario.pathways.items():
        names.append(f"{name}.npv_usd")
        if pathway.stages:
            names.append(f"{name}.irr")
        names.append(f"{name}.export_gain_pv_usd")
    return names


def evaluate_outputs(
    model: RiskModel, p: object
) -> tuple[dict[str, np.ndarray], dict[str, dict[str, int]]]:
    """Headline outputs of the samples in ``p`` (each (n,)) and, per output, the number of
    samples that could not be evaluated, by reason (they are NaN, never zero)."""
    results = evaluate(  # type: ignore[arg-type]
        model.scenario, p, breakeven=False, detail=False, compare=False, lean=True
    )
    out: dict[str, np.ndarray] = {}
    failures: dict[str, dict[str, int]] = {}
    for name, r in results.pathways.items():
        out[f"{name}.npv_usd"] = np.asarray(r.plant["npv_usd"], dtype=float)
        if r.builds:
            irr = np.asarray(r.plant["irr"], dtype=float)
            out[f"{name}.irr"] = irr
            if np.isnan(irr).any():
                failures[f"{name}.irr"] = irr_failures(r.case.lines["cash_flow"], irr)
        out[f"{name}.export_gain_pv_usd"] = np.asarray(r.country["export_gain_pv_usd"], float)
    for key, values in out.items():
        if key.endswith(".irr"):
            continue
        bad = int(np.count_nonzero(~np.isfinite(values)))
        if bad:
            out[key] = np.where(np.isfinite(values), values, np.nan)
            failures[key] = {"not finite": bad}
    return out, failures


def evaluate_npvs(model: RiskModel, p: object) -> dict[str, np.ndarray]:
    """Each pathway's plant NPV (``<pathway>.npv_usd``, (n,)) of the samples in ``p``, NaN
    where not finite, as :func:`evaluate_outputs` gives it: what a tornado or a Sobol design
    reads, without the IRR and export earnings (a quarter of the engine's time there)."""
    results = evaluate(  # type: ignore[arg-type]
        model.scenario, p, breakeven=False, detail=False, compare=False, lean=True, npv_only=True
    )
    out = {}
    for name, r in results.pathways.items():
        values = np.asarray(r.plant["npv_usd"], dtype=float)
        finite = np.isfinite(values)
        out[f"{name}.npv_usd"] = values if finite.all() else np.where(finite, values, np.nan)
    return out


def irr_failures(cash_flow: np.ndarray, irr: np.ndarray) -> dict[str, int]:
    """Why the IRR is undefined, counted over the samples where it is NaN."""
    nan = np.isnan(irr)
    cf = cash_flow[nan]
    finite = np.isfinite(cf).all(axis=1)
    pos, neg = (cf > 0).any(axis=1), (cf < 0).any(axis=1)
    counts = {
        IRR_REASONS["not_finite"]: int(np.count_nonzero(~finite)),
        IRR_REASONS["never_positive"]: int(np.count_nonzero(finite & ~pos)),
        IRR_REASONS["never_negative"]: int(np.count_nonzero(finite & pos & ~neg)),
        IRR_REASONS["no_root"]: int(np.count_nonzero(finite & pos & neg)),
    }
    return {k: v for k, v in counts.items() if v}


# ------------------------------------------------------------------ column store


def column_file(folder: Path, index: int) -> Path:
    """File of the ``index``-th column of a store in ``folder``."""
    return folder / f"{index}.f64"


def write_columns(folder: Path, names: list[str], start: int, out: dict[str, np.ndarray]) -> None:
    """Write a chunk's outputs into the store in ``folder`` at sample ``start`` (from any
    process that sees the folder: a Dask worker writes its own chunk)."""
    for i, name in enumerate(names):
        fd = os.open(column_file(folder, i), os.O_WRONLY)
        try:
            data = np.ascontiguousarray(out[name], dtype=np.float64).tobytes()
            os.pwrite(fd, data, 8 * start)
        finally:
            os.close(fd)


class ColumnStore:
    """Float64 columns of N values on disk, written and read by sample position (unbuffered,
    so values written by other processes are read as they are)."""

    def __init__(self, folder: Path, names: list[str], n: int):
        self.folder, self.names, self.n = folder, list(names), n
        self._files = {
            name: open(column_file(folder, i), "w+b", buffering=0)  # noqa: SIM115
            for i, name in enumerate(names)
        }
        for handle in self._files.values():
            handle.truncate(8 * n)

    def write(self, name: str, start: int, values: np.ndarray) -> None:
        data = np.ascontiguousarray(values, dtype=np.float64).tobytes()
        os.pwrite(self._files[name].fileno(), data, 8 * start)

    def read(self, name: str, start: int, stop: int) -> np.ndarray:
        data = os.pread(self._files[name].fileno(), 8 * (stop - start), 8 * start)
        return np.frombuffer(data, dtype=np.float64)

    def pieces(self, name: str, size: int = 1 << 20) -> Iterator[np.ndarray]:
        """The column in sample order, ``size`` values at a time (fixed, so sums taken piece
        by piece are the same whatever chunks wrote the column)."""
        for start in range(0, self.n, size):
            yield self.read(name, start, min(start + size, self.n))

    def close(self) -> None:
        for handle in self._files.values():
            handle.close()


# ------------------------------------------------------------------ the run


@dataclass
class MonteCarlo:
    """What a Monte Carlo run leaves: the store of outputs and the counts found on the way."""

    n: int
    seed: int
    store: ColumnStore
    failures: dict[str, dict[str, int]] = field(default_factory=dict)
    beats_baseline: dict[str, int] = field(default_factory=dict)  # pathway -> samples
    any_beats_baseline: int = 0
    best: dict[str, int] = field(default_factory=dict)  # pathway -> samples where it is best


#: Samples evaluated at once inside a chunk, the pieces starting at multiples of it (so of
#: :data:`sampling.BLOCK`: no block of random numbers is drawn twice); the default chunk is
#: one piece. How large a piece pays depends on the machine's caches and Python's fixed cost
#: per evaluation (about 4.5 ms). On a 2-core EPYC with 1 MB of L2 a core and 32 MB of L3,
#: processes of 16 chunks ran at 18.1 / 17.0 / 16.2 us a sample in pieces of 2,048 / 4,096 /
#: 8,192 (``benchmarks/bench_engine.py --pieces``), and ``risk -n 1000000`` took 10.8 s in
#: pieces of 2,048 against 9.7 s in one (largest process 412 MB); an earlier machine with a
#: 2 MB L2 a core had favoured 2,048 by 5 %. Every sample's outputs depend on that sample
#: alone, so the pieces change no number.
PIECE = 8192


def run_chunk(
    model: RiskModel, seed: int, start: int, stop: int, want_inputs: bool = False
) -> tuple[int, int, dict[str, np.ndarray], dict[str, dict[str, int]], dict[str, np.ndarray]]:
    """Outputs of samples ``start`` .. ``stop - 1`` (evaluated :data:`PIECE` samples at a
    time); with the sampled inputs if asked."""
    cuts = [start, *range((start // PIECE + 1) * PIECE, stop, PIECE), stop]
    outs: list[dict[str, np.ndarray]] = []
    ins: list[dict[str, np.ndarray]] = []
    failures: dict[str, dict[str, int]] = {}
    for a, b in itertools.pairwise(cuts):
        p = model.params(model.draws(seed, a, b))
        out, found = evaluate_outputs(model, p)
        outs.append(out)
        _merge_failures(failures, found)  # as the run adds up its chunks' counts
        if want_inputs:
            ins.append({inp.path: p[inp.path][:, 0].copy() for inp in model.inputs})
    return start, stop, joined(outs), failures, joined(ins) if want_inputs else {}


def warm_up(model: RiskModel) -> None:
    """Evaluate two samples, results unused, so that this process has imported and loaded
    what a chunk needs (SciPy's special functions for the draws, the compiled kernels of the
    price paths and the engine's lean path) before its workers fork: each worker loading them
    itself took 0.1-0.15 s of a run's start (SciPy's import alone about 0.1 s a process)."""
    p = model.params(model.draws(0, 0, 2))
    evaluate_outputs(model, p)
    evaluate_npvs(model, p)


def chunks(n: int, size: int) -> list[tuple[int, int]]:
    """Sample ranges [start, stop) of at most ``size`` samples covering 0 .. n - 1."""
    return [(a, min(a + size, n)) for a in range(0, n, max(1, size))]


#: What a chunk adds to the run's counts: (failures by output and reason, samples where each
#: building pathway beats the baseline, samples where any does, samples where each is best).
Counts = tuple[dict[str, dict[str, int]], dict[str, int], int, dict[str, int]]


def chunk_counts(
    model: RiskModel, out: dict[str, np.ndarray], failures: dict[str, dict[str, int]]
) -> Counts:
    """The integer counts of one chunk's outputs (sums of them are the same whatever the
    chunks, their order or the process that counted them)."""
    pathways = model.scenario.pathways
    base = out[f"{model.scenario.baseline_pathway}.npv_usd"]
    beats_any = np.zeros(base.shape, dtype=bool)
    beats: dict[str, int] = {}
    for name, pw in pathways.items():
        if pw.stages:
            wins = out[f"{name}.npv_usd"] > base  # paired: same samples; NaN never wins
            beats[name] = int(np.count_nonzero(wins))
            beats_any |= wins
    stacked = np.stack([out[f"{name}.npv_usd"] for name in pathways])
    finite = np.isfinite(stacked).all(axis=0)
    winner = np.argmax(np.where(np.isfinite(stacked), stacked, -np.inf), axis=0)
    best = {name: int(np.count_nonzero(finite & (winner == i))) for i, name in enumerate(pathways)}
    return failures, beats, int(np.count_nonzero(beats_any)), best


def _merge_failures(into: dict[str, dict[str, int]], found: dict[str, dict[str, int]]) -> None:
    """Add the counts of failed samples by output and reason of ``found`` into ``into``."""
    for key, reasons in found.items():
        total = into.setdefault(key, {})
        for reason, count in reasons.items():
            total[reason] = total.get(reason, 0) + count


def _add_counts(mc: MonteCarlo, counts: Counts) -> None:
    failures, beats, beats_any, best = counts
    _merge_failures(mc.failures, failures)
    for name, count in beats.items():
        mc.beats_baseline[name] += count
    mc.any_beats_baseline += beats_any
    for name, count in best.items():
        mc.best[name] += count


def run(
    model: RiskModel,
    n: int,
    seed: int,
    folder: Path,
    chunk_size: int = CHUNK,
    workers: int = 1,
    on_chunk: OnChunk | None = None,
    want_inputs: bool = False,
    scheduler: str = POOL,
) -> MonteCarlo:
    """Evaluate ``n`` samples in chunks; outputs go to a column store in ``folder``.

    ``on_chunk(start, stop, outputs, inputs)`` is called in sample order after each chunk (for
    progress and for writing samples out; on Dask, ``outputs`` is empty unless
    ``want_inputs``: they stay in the store). ``scheduler`` is :data:`POOL` (``workers``
    processes on this machine), ``"local"`` (a Dask ``LocalCluster`` of ``workers``) or the
    ``tcp://`` address of a Dask scheduler; on Dask each chunk is a task that writes its own
    outputs into the store and returns only its counts (see :mod:`orevalue.risk.daskrun`).
    A whole risk run shares one executor between its stages: see :func:`start`.
    """
    with executor(model, scheduler, workers, len(chunks(n, chunk_size))) as ex:
        return start(ex, model, n, seed, folder, chunk_size, want_inputs).finish(on_chunk)


def executor(
    model: RiskModel, scheduler: str, workers: int, tasks: int
) -> contextlib.AbstractContextManager[Executor]:
    """The executor of a run of ``tasks`` calls: this machine's (:func:`workers.local`) for
    :data:`POOL`, else a Dask cluster's (:func:`orevalue.risk.daskrun.executor`)."""
    if scheduler == POOL:
        return local(model, workers, tasks, prepare=lambda: warm_up(model))
    from orevalue.risk import daskrun

    return daskrun.executor(model, scheduler, workers)


#: Called after each chunk, in sample order: (start, stop, outputs, sampled inputs).
OnChunk = Callable[[int, int, dict[str, np.ndarray], dict[str, np.ndarray]], None]


@dataclass
class Started:
    """A Monte Carlo run whose chunks are queued on an executor; :meth:`finish` takes their
    results in sample order into the store and the counts."""

    model: RiskModel
    mc: MonteCarlo
    results: Iterator[tuple]  # type: ignore[type-arg]
    want_inputs: bool

    def finish(self, on_chunk: OnChunk | None = None) -> MonteCarlo:
        mc, names = self.mc, self.mc.store.names
        for start, stop, out, counts, inputs in self.results:
            if out is None:  # written into the store by a Dask worker; read back if wanted
                out = {n: mc.store.read(n, start, stop) for n in names} if self.want_inputs else {}
            else:
                for name in names:
                    mc.store.write(name, start, out[name])
                counts = chunk_counts(self.model, out, counts)
            _add_counts(mc, counts)
            if on_chunk is not None:
                on_chunk(start, stop, out, inputs)
        return mc


def start(
    ex: Executor,
    model: RiskModel,
    n: int,
    seed: int,
    folder: Path,
    chunk_size: int = CHUNK,
    want_inputs: bool = False,
) -> Started:
    """Queue the ``n`` samples' chunks on ``ex`` (see :func:`run`), the column store in
    ``folder`` made first (Dask workers write into it)."""
    names = output_names(model)
    mc = MonteCarlo(n, seed, ColumnStore(folder, names, n))
    mc.beats_baseline = {name: 0 for name, pw in model.scenario.pathways.items() if pw.stages}
    mc.best = dict.fromkeys(model.scenario.pathways, 0)
    tune_allocator()
    jobs = [(seed, a, b, want_inputs) for a, b in chunks(n, chunk_size)]
    if ex.remote:
        from orevalue.risk.daskrun import chunk_task

        results = ex.map(chunk_task, [(*job, str(folder)) for job in jobs])
    else:
        results = ex.map(run_chunk, jobs)
    return Started(model, mc, results, want_inputs)


# ------------------------------------------------------------------ temporaries

#: Name of the temporaries a run keeps in its results folder while it runs (the column store,
#: the Parquet file being written): ``.tmp-<pid>-<host>-<random>...``.
SCRATCH_PREFIX = ".tmp-"
#: Their prefix in the system's temporary folder, for runs given no results folder.
SYSTEM_PREFIX = "orevalue-risk-"
#: A temporary older than this is stale even if a process with its pid runs (the pid was
#: reused); no risk run lasts that long.
STALE_AFTER_S = 7 * 24 * 3600.0


def _host() -> str:
    """This machine, as 8 hex digits (a results folder may be shared between machines)."""
    return hashlib.sha1(socket.gethostname().encode()).hexdigest()[:8]


def scratch_prefix(base: str = SCRATCH_PREFIX) -> str:
    """Prefix of this process's temporaries: ``<base><pid>-<host>-``."""
    return f"{base}{os.getpid()}-{_host()}-"


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return pid > 0
    return True


def _age_s(path: Path) -> float:
    """Seconds since ``path`` or, for a folder, any file in it last changed."""
    stamps = [path.lstat().st_mtime]
    if path.is_dir():
        stamps += [child.lstat().st_mtime for child in path.iterdir()]
    return time.time() - max(stamps)


def is_stale(path: Path, base: str = SCRATCH_PREFIX) -> bool:
    """Whether ``path`` is the temporary of a run that ended without removing it (killed):
    its process no longer runs on this machine, or it is older than :data:`STALE_AFTER_S`."""
    parts = path.name[len(base) :].split("-")
    if not path.name.startswith(base) or len(parts) < 3 or not parts[0].isdigit():
        return False
    try:
        if _age_s(path) > STALE_AFTER_S:
            return True
    except OSError:
        return False
    pid, host = int(parts[0]), parts[1]
    return host == _host() and pid != os.getpid() and not _running(pid)


def _disk_bytes(path: Path) -> int:
    """Bytes ``path`` takes on disk (a column store's files are sparse until written)."""
    stat = path.lstat()
    return 512 * stat.st_blocks if hasattr(stat, "st_blocks") else stat.st_size


def remove_stale(folder: Path, base: str = SCRATCH_PREFIX) -> list[Path]:
    """Remove the stale temporaries (see :func:`is_stale`) in ``folder``, saying so in one
    line (logged as a warning: on stderr unless logging is set up otherwise)."""
    try:
        found = [p for p in folder.iterdir() if p.name.startswith(base) and is_stale(p, base)]
    except OSError:
        return []
    removed, size = [], 0
    for path in found:
        try:
            if path.is_dir() and not path.is_symlink():
                size += sum(_disk_bytes(f) for f in path.iterdir())
                shutil.rmtree(path)
            else:
                size += _disk_bytes(path)
                path.unlink()
            removed.append(path)
        except OSError:
            continue
    if removed:
        log.warning(
            "removed %d temporar%s of an interrupted risk run from %s (%.1f MB)",
            len(removed),
            "y" if len(removed) == 1 else "ies",
            folder,
            size / 1e6,
        )
    return removed


def temporary_folder(root: Path | None = None) -> tempfile.TemporaryDirectory[str]:
    """Folder for the column store of one run (removed afterwards): in ``root`` (the run's
    results folder, where it is found should the run be killed) or, without one, in the
    system's temporary folder. Stale temporaries of killed runs there are removed first."""
    if root is None:
        folder, base = Path(tempfile.gettempdir()), SYSTEM_PREFIX
    else:
        folder, base = Path(root), SCRATCH_PREFIX
        folder.mkdir(parents=True, exist_ok=True)
    remove_stale(folder, base)
    return tempfile.TemporaryDirectory(prefix=scratch_prefix(base), dir=folder)
