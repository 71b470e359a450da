"""Where a risk run's work goes: this process, or a pool of worker processes started once per
run and used for every stage (Monte Carlo chunks, the tornado, the Sobol design's chunks), this
process taking part.

An executor's ``map(fn, calls)`` gives ``fn(model, *call)`` of each call, in the calls' order;
``fn`` is a module-level function (sent by name), the model is in every worker from its start
(inherited when forked, so never pickled). On the pool, calls are queued as soon as ``map`` is
called: a second ``map`` called before the first's results are taken keeps the workers busy
while this process reads the first stage's results. In this process, each call runs when its
result is taken. The Dask executor (same interface) is in :mod:`orevalue.risk.daskrun`.
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import functools
import gc
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from threadpoolctl import threadpool_limits

from orevalue import interrupts

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
        for call in calls:
            value = fn(self.model, *call)
            interrupts.check()  # a Ctrl-C a finalizer swallowed meanwhile
            yield value


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


class _Slot:
    """One call of a :class:`SharedPool` and, once run, its result (or its exception)."""

    __slots__ = ("done", "error", "task", "value")

    def __init__(self, task: tuple[Task, tuple[Any, ...]]):
        self.task = task
        self.done = False
        self.value: Any = None
        self.error: BaseException | None = None


class SharedPool:
    """Calls run on a pool of worker processes and in this process, in the calls' order.

    The pool is sent calls from the front of the queue, ``ahead`` at a time (so that a worker
    finds its next call waiting); this process, when the result it wants next is not in yet,
    runs the next call of the queue itself instead of waiting. One process fewer is forked
    and started than there are CPUs at work, and this one, whose memory and kernels are warm,
    works: on a run of a thousand samples a forked worker's first call took 0.1 s against
    0.03 s here. A call's result is the same wherever it runs; results are held until taken (the
    pool works at most ``2 x processes`` calls ahead of the ones in hand, but a slow taker
    can let finished results pile up, as a pool's ``imap`` does)."""

    remote = False

    def __init__(self, pool: Any, model: object, processes: int):
        self.pool, self.model = pool, model
        self.ahead = 2 * processes
        self._queue: collections.deque[_Slot] = collections.deque()
        self._sent = 0
        self._changed = threading.Condition(threading.Lock())

    def map(self, fn: Task, calls: Iterable[tuple[Any, ...]]) -> Iterator[Any]:
        slots = [_Slot((fn, call)) for call in calls]
        with self._changed:
            self._queue.extend(slots)
            self._send()
        return (self._take(slot) for slot in slots)

    def _send(self) -> None:
        """Send the pool calls from the front of the queue (the lock held)."""
        while self._sent < self.ahead and self._queue:
            slot = self._queue.popleft()
            try:
                self.pool.apply_async(
                    _call,
                    (slot.task,),
                    callback=functools.partial(self._finished, slot, False),
                    error_callback=functools.partial(self._finished, slot, True),
                )
            except ValueError:  # the pool is shutting down (a run cut short): send no more
                self._queue.clear()
                return
            self._sent += 1

    def _finished(self, slot: _Slot, failed: bool, outcome: Any) -> None:
        """A pool call's outcome (in the pool's result thread)."""
        with self._changed:
            if failed:
                slot.error = outcome
            else:
                slot.value = outcome
            slot.done = True
            self._sent -= 1
            self._send()
            self._changed.notify_all()

    def _take(self, slot: _Slot) -> Any:
        """The result of ``slot``, running queued calls here while it is not in."""
        while True:
            with self._changed:
                if slot.done:
                    break
                if not self._queue:
                    self._changed.wait()
                    continue
                here = slot if slot in self._queue else self._queue[0]
                self._queue.remove(here)
            fn, call = here.task
            try:
                here.value = fn(self.model, *call)
            except Exception as exc:  # raised when its result is taken, as from the pool
                here.error = exc
            here.done = True
        if slot.error is not None:
            raise slot.error
        interrupts.check()  # a Ctrl-C a finalizer swallowed while waiting
        value, slot.value = slot.value, None  # held no longer than until taken
        return value


@contextlib.contextmanager
def local(
    model: object, workers: int, tasks: int, prepare: Callable[[], object] | None = None
) -> Iterator[Executor]:
    """This machine's executor for ``tasks`` calls: this process and ``min(workers, tasks) - 1``
    worker processes (forked where the platform can: they start with this process's modules
    and the model), or this process alone for one worker or one task. ``prepare`` is called
    before the workers fork (what it loads, each worker then inherits instead of loading it).
    Workers are ended when the block exits (at once on an exception, Ctrl-C included). One
    BLAS thread here too (see ``analysis.run_risk``)."""
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
        processes = min(workers, tasks) - 1  # and this process
        held = block_sigint()
        try:
            pool = stack.enter_context(context.Pool(processes, _init_worker, (model,)))
        finally:
            restore_signals(held)
        tune_allocator()  # this process evaluates chunks too
        yield SharedPool(pool, model, processes)


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
