"""Where a risk run's work goes: this process, or a pool of worker processes started once per
run and used for every stage (Monte Carlo chunks, the tornado, the Sobol design's chunks).

An executor's ``map(fn, calls)`` gives ``fn(model, *call)`` of each call, in the calls' order;
``fn`` is a module-level function (sent by name), the model is in every worker from its start
(inherited when forked, so never pickled). On the pool, calls are queued as soon as ``map`` is
called: a second ``map`` called before the first's results are taken keeps the workers busy
while this process reads the first stage's results. In this process, each call runs when its
result is taken. The Dask executor (same interface) is in :mod:`orevalue.risk.daskrun`.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from threadpoolctl import threadpool_limits

Task = Callable[..., Any]


class Executor(Protocol):
    """Runs ``fn(model, *call)`` for each call, results in order."""

    #: Whether the tasks run where this process's memory is not (Dask): the Monte Carlo
    #: chunks then write their own outputs into the column store.
    remote: bool

    def map(self, fn: Task, calls: Iterable[tuple[Any, ...]]) -> Iterator[Any]: ...


class InProcess:
    """Each call run in this process when its result is taken."""

    remote = False

    def __init__(self, model: object):
        self.model = model

    def map(self, fn: Task, calls: Iterable[tuple[Any, ...]]) -> Iterator[Any]:
        return (fn(self.model, *call) for call in calls)


_WORKER_MODEL: object | None = None


def _init_worker(model: object) -> None:
    global _WORKER_MODEL
    _WORKER_MODEL = model
    # Ctrl-C reaches every process of the terminal's group: only the parent acts on it (it
    # terminates the pool), so the workers print no traceback each
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):  # blocked while the parent forked it
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    tune_allocator()
    # the objects inherited from the parent are never garbage here: set aside, the worker's
    # collections do not walk them (nor copy their pages by touching them); collections on
    # (the parent may run without them, see cli.risk)
    gc.freeze()
    gc.enable()
    # one BLAS thread per worker: the workers already fill the CPUs, and idle BLAS threads
    # spinning for work took a second core from each (2 workers ran no faster than 1)
    threadpool_limits(1)


def _call(task: tuple[Task, tuple[Any, ...]]) -> Any:
    fn, call = task
    return fn(_WORKER_MODEL, *call)


class ProcessPool:
    """Calls run on a pool of worker processes, queued at once."""

    remote = False

    def __init__(self, pool: Any):
        self.pool = pool

    def map(self, fn: Task, calls: Iterable[tuple[Any, ...]]) -> Iterator[Any]:
        return self.pool.imap(_call, ((fn, call) for call in calls))  # type: ignore[no-any-return]


@contextlib.contextmanager
def local(
    model: object, workers: int, tasks: int, prepare: Callable[[], object] | None = None
) -> Iterator[Executor]:
    """This machine's executor for ``tasks`` calls: ``min(workers, tasks)`` processes (forked
    where the platform can: they start with this process's modules and the model), or this
    process alone for one worker or one task. ``prepare`` is called before the workers fork
    (what it loads, each worker then inherits instead of loading it). Workers are ended when
    the block exits (at once on an exception, Ctrl-C included). One BLAS thread here too (see
    ``analysis.run_risk``)."""
    with contextlib.ExitStack() as stack:
        stack.enter_context(threadpool_limits(1))
        if workers <= 1 or tasks <= 1:
            yield InProcess(model)
            return
        if prepare is not None:
            prepare()
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        # SIGINT is held back while the workers start (they inherit the mask and ignore it,
        # see _init_worker): a Ctrl-C is then a KeyboardInterrupt in the parent only,
        # delivered once the pool's exit (which terminates the workers) is registered
        held = block_sigint()
        try:
            pool = stack.enter_context(context.Pool(min(workers, tasks), _init_worker, (model,)))
        finally:
            restore_signals(held)
        yield ProcessPool(pool)


def block_sigint() -> set[signal.Signals] | None:
    """Block SIGINT in this thread where the platform can; the signals blocked before."""
    if not hasattr(signal, "pthread_sigmask"):
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


def restore_signals(previous: set[signal.Signals] | None) -> None:
    """Block again only the signals blocked before :func:`block_sigint` (a SIGINT that came
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
    peak memory is unchanged. The trim threshold is as high as mallopt takes (2 GB): a chunk
    of 32,768 samples holds over 1 GB at its peak, and with 512 MB it ran at 40 us a sample
    against 22-24 us at 8,192 (with 2 GB: 24). A no-op where glibc is not the allocator.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-1, (1 << 31) - 1)  # M_TRIM_THRESHOLD: 2 GB (an int's maximum)
        libc.mallopt(-3, 1 << 25)  # M_MMAP_THRESHOLD: 32 MB (its maximum on 64-bit)
    except (OSError, AttributeError):
        pass
