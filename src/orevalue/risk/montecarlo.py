"""Chunked, seeded Monte Carlo: the engine evaluated on N samples a chunk at a time.

Memory stays bounded whatever N: each chunk's samples are evaluated, their headline outputs
written to a column store on disk at their sample positions, and the statistics read back from
there in fixed-size pieces. Chunks run in worker processes when asked. Sample i always gets the
random numbers of its block (see :mod:`orevalue.risk.sampling`), so the numbers do not depend
on the chunk size or the number of workers.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import logging
import multiprocessing
import os
import shutil
import signal
import socket
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from orevalue.engine import evaluate
from orevalue.risk import CHUNK
from orevalue.risk.sampling import RiskModel

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


_WORKER_MODEL: RiskModel | None = None


def _init_worker(model: RiskModel) -> None:
    global _WORKER_MODEL
    _WORKER_MODEL = model
    # Ctrl-C reaches every process of the terminal's group: only the parent acts on it (it
    # terminates the pool), so the workers print no traceback each
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):  # blocked while the parent forked it
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    tune_allocator()
    # one BLAS thread per worker: the workers already fill the CPUs, and idle BLAS threads
    # spinning for work took a second core from each (2 workers ran no faster than 1)
    threadpool_limits(1)


def _chunk(args: tuple[int, int, int, bool]) -> tuple[int, int, dict, dict, dict]:  # type: ignore[type-arg]
    seed, start, stop, want_inputs = args
    model = _WORKER_MODEL
    assert model is not None
    return run_chunk(model, seed, start, stop, want_inputs)


def run_chunk(
    model: RiskModel, seed: int, start: int, stop: int, want_inputs: bool = False
) -> tuple[int, int, dict[str, np.ndarray], dict[str, dict[str, int]], dict[str, np.ndarray]]:
    """Outputs of samples ``start`` .. ``stop - 1``; with the sampled inputs if asked."""
    draws = model.draws(seed, start, stop)
    p = model.params(draws)
    out, failures = evaluate_outputs(model, p)
    inputs = {inp.path: p[inp.path][:, 0].copy() for inp in model.inputs} if want_inputs else {}
    return start, stop, out, failures, inputs


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


def _add_counts(mc: MonteCarlo, counts: Counts) -> None:
    failures, beats, beats_any, best = counts
    for key, reasons in failures.items():
        total = mc.failures.setdefault(key, {})
        for reason, count in reasons.items():
            total[reason] = total.get(reason, 0) + count
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
    on_chunk: Callable[[int, int, dict[str, np.ndarray], dict[str, np.ndarray]], None]
    | None = None,
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
    """
    names = output_names(model)
    mc = MonteCarlo(n, seed, ColumnStore(folder, names, n))
    mc.beats_baseline = {name: 0 for name, pw in model.scenario.pathways.items() if pw.stages}
    mc.best = dict.fromkeys(model.scenario.pathways, 0)
    jobs = [(seed, a, b, want_inputs) for a, b in chunks(n, chunk_size)]
    tune_allocator()
    if scheduler == POOL:
        source = _map(model, jobs, workers)
    else:
        from orevalue.risk.daskrun import dask_map

        source = dask_map(model, jobs, scheduler, workers, folder)
    # closed at once on any exception (Ctrl-C included), so the pool stops with the run; one
    # BLAS thread here too (see analysis.run_risk), for callers that run chunks in this process
    with contextlib.closing(source) as results, threadpool_limits(1):
        for start, stop, out, counts, inputs in results:
            if out is None:  # written into the store by a Dask worker; read back if wanted
                out = {n: mc.store.read(n, start, stop) for n in names} if want_inputs else {}
            else:
                for name in names:
                    mc.store.write(name, start, out[name])
                counts = chunk_counts(model, out, counts)
            _add_counts(mc, counts)
            if on_chunk is not None:
                on_chunk(start, stop, out, inputs)
    return mc


def _map(model: RiskModel, jobs: list[tuple[int, int, int, bool]], workers: int) -> Iterator:  # type: ignore[type-arg]
    if workers <= 1 or len(jobs) <= 1:
        for seed, start, stop, want in jobs:
            yield run_chunk(model, seed, start, stop, want)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    # SIGINT is held back while the workers start (they inherit the mask and ignore it, see
    # _init_worker): a Ctrl-C is then a KeyboardInterrupt in the parent only, delivered once
    # the pool's exit (which terminates the workers) is registered, and never lost
    with contextlib.ExitStack() as stack:
        held = _block_sigint()
        try:
            pool = stack.enter_context(
                context.Pool(min(workers, len(jobs)), _init_worker, (model,))
            )
        finally:
            _restore_signals(held)
        yield from pool.imap(_chunk, jobs)


def _block_sigint() -> set[signal.Signals] | None:
    """Block SIGINT in this thread where the platform can; the signals blocked before."""
    if not hasattr(signal, "pthread_sigmask"):
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


def _restore_signals(previous: set[signal.Signals] | None) -> None:
    """Block again only the signals blocked before :func:`_block_sigint` (a SIGINT that came
    meanwhile is delivered now)."""
    if previous is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def default_workers() -> int:
    """Worker processes by default: the CPUs this process may use, at most 8."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 8))


def tune_allocator() -> None:
    """Keep freed (samples x years) arrays for reuse instead of returning them to the system.

    glibc serves blocks above a threshold with fresh mmap pages and returns freed heap tops to
    the system; a chunk's many short-lived arrays then pay a page fault per 4 kB each time.
    Raising both thresholds (glibc's mallopt) made the engine ~1.8x faster in the benchmark;
    peak memory is unchanged. A no-op where glibc is not the allocator.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-1, 1 << 29)  # M_TRIM_THRESHOLD: 512 MB
        libc.mallopt(-3, 1 << 25)  # M_MMAP_THRESHOLD: 32 MB (its maximum on 64-bit)
    except (OSError, AttributeError):
        pass


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
