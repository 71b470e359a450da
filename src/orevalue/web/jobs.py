"""Background jobs: risk runs, incentive designs and siting analyses in a bounded pool of
threads, each run's progress written to its row, a cancel flag checked at every step (a risk
run's chunk, a stage of the incentive design or of the siting). A run goes queued → running
→ done | failed; a server that stops leaves rows that :func:`orevalue.web.db.fail_orphans`
marks failed."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from orevalue import api
from orevalue.risk import CHUNK
from orevalue.web import service
from orevalue.web.config import Settings
from orevalue.web.db import DONE, FAILED, RUNNING, RunRow, log, now


class TooManyJobs(Exception):
    """Every job slot is taken (answered 429)."""


class Cancelled(Exception):
    """The run was cancelled by its user."""


class Jobs:
    """The job pool of one app: at most ``settings.max_jobs`` jobs queued or running."""

    def __init__(self, factory: sessionmaker[Session], settings: Settings):
        self.factory = factory
        self.settings = settings
        self.pool = ThreadPoolExecutor(max_workers=settings.max_jobs, thread_name_prefix="job")
        self.lock = threading.Lock()
        self.active: set[int] = set()
        self.cancelled: set[int] = set()

    def check(self) -> None:
        """Raise :class:`TooManyJobs` when every slot is taken."""
        with self.lock:
            self._check()

    def _check(self) -> None:
        if len(self.active) >= self.settings.max_jobs:
            raise TooManyJobs(
                f"{len(self.active)} jobs (risk, incentives, siting) are already in progress "
                f"(at most {self.settings.max_jobs} at once): wait for one to finish"
            )

    def submit(self, run_id: int) -> None:
        """Start the queued run ``run_id`` in a slot, or raise :class:`TooManyJobs`."""
        with self.lock:
            self._check()
            self.active.add(run_id)
        self.pool.submit(self._run, run_id)

    def cancel(self, run_id: int) -> bool:
        """Ask a run to stop at its next chunk; False when it is not in progress here."""
        with self.lock:
            if run_id not in self.active:
                return False
            self.cancelled.add(run_id)
            return True

    def shutdown(self) -> None:
        with self.lock:
            self.cancelled |= self.active
        self.pool.shutdown(wait=True, cancel_futures=True)

    def _run(self, run_id: int) -> None:
        start = time.perf_counter()
        status, reason = DONE, ""
        try:
            self._compute(run_id)
        except Cancelled:
            status, reason = FAILED, "cancelled by the user"
        except Exception as exc:  # a failed run is recorded, never lost
            status, reason = FAILED, f"{type(exc).__name__}: {exc}"
        # the slot is free before the row says the run ended: a client that sees "done" or
        # "failed" may submit the next job at once (it waited for a slot the row had let go)
        with self.lock:
            self.active.discard(run_id)
            self.cancelled.discard(run_id)
        self._finish(run_id, status, reason, start)

    def _compute(self, run_id: int) -> None:
        with self.factory.begin() as s:
            row = s.get(RunRow, run_id)
            assert row is not None
            row.status, row.started_at = RUNNING, now()
            text, name, kind = row.toml, row.name, row.kind
            samples, seed, options = row.samples or 0, row.seed or 1, row.options or {}
        log(self.factory, run_id, f"started {kind}" + (
            f": {samples} samples, seed {seed}" if kind == "risk" else ""))  # fmt: skip
        with service.loaded_text(text, name, self.settings.work_dir) as loaded:
            self._store(run_id, results=service.evaluate(loaded))
            self._job(run_id, kind, loaded, samples, seed, options)

    def _job(
        self, run_id: int, kind: str, loaded: api.Loaded, samples: int, seed: int,
        options: dict[str, Any],
    ) -> None:  # fmt: skip
        progress = self._progress(run_id)
        if kind == "incentives":
            self._store(run_id, incentives=service.incentives(loaded, options, progress))
        elif kind == "siting":
            self._store(run_id, siting=service.siting(loaded, progress))
        else:
            chunk = max(10, min(CHUNK, samples // 20))
            summary: dict[str, Any] = api.risk(
                loaded, samples=samples, seed=seed, chunk=chunk,
                workers=self.settings.risk_workers, tornado=False, sobol=0,
                progress=progress, scratch=self.settings.work_dir,
            )  # fmt: skip
            self._store(run_id, risk=service.plain_json(summary))

    def _store(self, run_id: int, **values: Any) -> None:
        with self.factory.begin() as s:
            row = s.get(RunRow, run_id)
            for key, value in values.items():
                setattr(row, key, value)

    def _progress(self, run_id: int) -> api.Progress:
        """The callback a job's steps call: raises :class:`Cancelled` when asked to stop,
        writes the share done to the row (at most every 0.2 s, and at the end)."""
        last = [0.0]

        def progress(stage: str, done: int, total: int) -> None:
            if run_id in self.cancelled:
                raise Cancelled
            if time.monotonic() - last[0] > 0.2 or done >= total:
                last[0] = time.monotonic()
                self._store(run_id, progress=done / max(total, 1))

        return progress

    def _finish(self, run_id: int, status: str, reason: str, start: float) -> None:
        with self.factory.begin() as s:
            row = s.get(RunRow, run_id)
            if row is None:
                return
            row.status, row.reason, row.finished_at = status, reason, now()
            row.seconds = time.perf_counter() - start
            if status == DONE:
                row.progress = 1.0
        log(self.factory, run_id, f"{status}" + (f": {reason}" if reason else ""))
