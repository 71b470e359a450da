"""Monte Carlo chunks as Dask tasks: on a ``LocalCluster`` or an existing cluster.

Each chunk is one task. The risk model is sent to every worker once; a task draws its
chunk's samples (sample i always gets the random numbers of its block, whichever worker runs
it), evaluates them, writes its outputs into the run's column store at their sample positions
and returns only the chunk's integer counts (and its sampled inputs when the samples are
written to Parquet). The client keeps at most a few tasks per worker in flight and takes
their results in sample order, so memory stays flat whatever N and the summary is the same,
bit for bit, as on the process pool.

A remote cluster's workers write into the same scratch folder as the client: it must be on a
file system they share (the results folder, e.g. on NFS).
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
import warnings
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orevalue import interrupts

if TYPE_CHECKING:
    from orevalue.risk.sampling import RiskModel

#: Tasks kept in flight per worker thread: enough to hide the round trip, few enough that
#: the results waiting to be taken in order stay small.
IN_FLIGHT_PER_THREAD = 2
#: Seconds to wait for the scheduler at a ``tcp://`` address.
CONNECT_TIMEOUT_S = 10.0


class SchedulerError(RuntimeError):
    """A ``--scheduler`` that cannot be used (Dask missing, no cluster at the address, a
    scratch folder the workers cannot see); the message says what to do."""


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise SchedulerError(
            "needs dask.distributed; install it with: pip install 'orevalue[dask]'"
        ) from None
    return distributed


def check_scheduler(scheduler: str) -> str | None:
    """Why ``scheduler`` is not a valid choice (None if it is): "pool", "local" or a
    ``tcp://HOST:PORT`` address."""
    if scheduler in ("pool", "local"):
        return None
    if scheduler.startswith(("tcp://", "tls://")) and ":" in scheduler.split("://", 1)[1]:
        return None
    return f"got '{scheduler}'; expected pool, local or a scheduler address tcp://HOST:PORT"


@contextlib.contextmanager
def client_for(scheduler: str, workers: int) -> Iterator[Any]:
    """A Dask client: of a new ``LocalCluster`` of ``workers`` single-threaded processes on
    127.0.0.1 (dashboard off) for ``"local"``, else of the cluster at the address."""
    distributed = _distributed()
    if scheduler == "local":
        # the scheduler's small HTTP server (health checks; no dashboard) takes another port
        # when 8787 is taken, with a warning that says nothing to the user
        warnings.filterwarnings("ignore", "Port 8787 is already in use", UserWarning)
        with contextlib.ExitStack() as stack:
            with _workers_ignore_sigint():
                cluster = stack.enter_context(
                    distributed.LocalCluster(
                        n_workers=workers,
                        threads_per_worker=1,
                        processes=True,
                        host="127.0.0.1",
                        dashboard_address=None,
                        silence_logs=logging.ERROR,
                    )
                )
            yield stack.enter_context(distributed.Client(cluster))
        return
    try:
        client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError) as exc:
        raise SchedulerError(f"no Dask scheduler reached at {scheduler}: {exc}") from None
    with client:
        yield client


@contextlib.contextmanager
def _workers_ignore_sigint() -> Iterator[None]:
    """Start processes that ignore SIGINT: Ctrl-C reaches every process of the terminal's
    group, and only this one should act on it (closing the cluster, which ends the workers)
    rather than each worker printing a traceback. An ignored signal stays ignored across fork
    and exec; a Ctrl-C meanwhile is held back (blocked) and delivered here afterwards."""
    from orevalue.risk.workers import block_sigint, restore_signals

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = block_sigint()
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)
    finally:
        restore_signals(held)


def chunk_task(
    model: RiskModel, seed: int, start: int, stop: int, want_inputs: bool, folder: str
) -> tuple[int, int, None, Any, dict[str, Any]]:
    """One chunk on a worker: evaluated, written into the store in ``folder``; its counts."""
    from threadpoolctl import threadpool_limits

    from orevalue.risk import montecarlo

    store = Path(folder)
    if not montecarlo.column_file(store, 0).exists():
        raise SchedulerError(
            f"the scratch folder {folder} is not visible on this worker; a remote cluster "
            "needs the results folder (--out) on a file system the workers share"
        )
    montecarlo.tune_allocator()
    with threadpool_limits(1):  # one BLAS thread: the workers already fill the CPUs
        _, _, out, failures, inputs = montecarlo.run_chunk(model, seed, start, stop, want_inputs)
    montecarlo.write_columns(store, montecarlo.output_names(model), start, out)
    return start, stop, None, montecarlo.chunk_counts(model, out, failures), inputs


def ordered_map(client: Any, fn: Any, calls: Iterator[tuple[Any, ...]]) -> Iterator[Any]:
    """``fn(*call)`` of each call as a Dask task, results in the calls' order, with at most
    :data:`IN_FLIGHT_PER_THREAD` tasks per worker thread submitted and not yet taken (so the
    results waiting on the client stay few whatever the number of calls)."""
    threads = max(1, sum(client.nthreads().values()))
    running: deque[Any] = deque()

    def submit() -> None:
        call = next(calls, None)
        if call is not None:
            running.append(client.submit(fn, *call, pure=False))

    for _ in range(IN_FLIGHT_PER_THREAD * threads):
        submit()
    try:
        while running:
            result = running.popleft().result()
            interrupts.check()  # a Ctrl-C that the future's __del__ swallowed as it went
            submit()
            yield result
    finally:
        client.cancel(list(running))


class DaskExecutor:
    """Calls as Dask tasks (see :func:`ordered_map`), the model sent to every worker once."""

    remote = True

    def __init__(self, client: Any, model: Any):
        self.client, self.model = client, model

    def map(self, fn: Any, calls: Iterable[tuple[Any, ...]]) -> Iterator[Any]:
        return ordered_map(self.client, fn, ((self.model, *call) for call in calls))


@contextlib.contextmanager
def executor(model: RiskModel, scheduler: str, workers: int) -> Iterator[DaskExecutor]:
    """An executor on the cluster of ``scheduler`` (see :func:`client_for`) for one run: the
    Monte Carlo chunks, the tornado and the Sobol design's chunks."""
    with client_for(scheduler, workers) as client:
        yield DaskExecutor(client, client.scatter(model, broadcast=True))
