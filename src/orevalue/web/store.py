"""What the routes do, whichever answers (API or page): save scenarios, make runs, compare
them. Errors are the exceptions below, answered by the app with their status code."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import desc, select
from sqlalchemy.orm import Session, sessionmaker

from orevalue import __version__
from orevalue.scenario import ScenarioError
from orevalue.web import service
from orevalue.web.config import Settings
from orevalue.web.db import DONE, FAILED, QUEUED, RunLogRow, RunRow, ScenarioRow, log, now
from orevalue.web.jobs import Jobs, TooManyJobs

Row = TypeVar("Row", ScenarioRow, RunRow)


class AppError(Exception):
    """An error answered with ``status`` and a clear message (never a 500)."""

    status = 400

    def __init__(self, message: str, problems: list[service.Issue] | None = None):
        super().__init__(message)
        self.message = message
        self.problems = problems or []


class NotFound(AppError):
    status = 404


class Invalid(AppError):
    status = 422


class TooLarge(AppError):
    status = 413


class Busy(AppError):
    status = 429


class Unavailable(AppError):
    status = 503


@dataclass
class State:
    """What every route needs: sessions, settings and the job pool."""

    factory: sessionmaker[Session]
    settings: Settings
    jobs: Jobs
    pages: dict[Any, Any] = field(default_factory=dict)  # run id → rendered page


def text_bytes(text: str) -> int:
    """Length of the text in UTF-8; Invalid for text that is not (lone surrogates) or
    holds a NUL (which no database text column takes)."""
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        raise Invalid("the scenario text is not valid Unicode") from None
    if "\x00" in text:
        raise Invalid("the scenario text holds a NUL character")
    return size


def checked_text(state: State, text: str, name: str) -> None:
    """Raise TooLarge for a TOML text over the limit, Invalid (with the CLI's problems) for
    one that does not load, ValueError-free names only."""
    limit = state.settings.max_toml_bytes
    if text_bytes(text) > limit:
        raise TooLarge(f"scenario TOML larger than {limit} bytes")
    try:
        service.safe_name(name)
    except ValueError as exc:
        raise Invalid(str(exc)) from None
    problems = service.check(text, name, state.settings.work_dir)
    if problems:
        raise Invalid(f"{len(problems)} problem(s) in {name}.toml", problems)


def save_scenario(
    state: State, name: str, text: str, saved_by: str = "", parent_id: int | None = None
) -> ScenarioRow:
    """Check and store a scenario's TOML text."""
    checked_text(state, text, name)
    with state.factory.begin() as s:
        if parent_id is not None and s.get(ScenarioRow, parent_id) is None:
            raise NotFound(f"no scenario {parent_id} (parent)")
        row = ScenarioRow(
            name=name, toml=text, sha256=service.sha256(text), saved_by=saved_by,
            saved_at=now(), parent_id=parent_id,
        )  # fmt: skip
        s.add(row)
    return row


def _one(state: State, table: type[Row], row_id: int, what: str) -> Row:
    """The row ``row_id`` of ``table``, or NotFound naming it (``what``: scenario, run)."""
    with state.factory() as s:
        row = s.get(table, row_id)
    if row is None:
        raise NotFound(f"no {what} {row_id}")
    return row


def _latest(state: State, table: type[Row], limit: int) -> list[Row]:
    """The newest ``limit`` rows of ``table``, newest first."""
    with state.factory() as s:
        return list(s.scalars(select(table).order_by(desc(table.id)).limit(limit)))


def scenario(state: State, scenario_id: int) -> ScenarioRow:
    return _one(state, ScenarioRow, scenario_id, "scenario")


def scenarios(state: State, limit: int = 100) -> list[ScenarioRow]:
    return _latest(state, ScenarioRow, limit)


def run(state: State, run_id: int) -> RunRow:
    return _one(state, RunRow, run_id, "run")


def runs(state: State, limit: int = 50) -> list[RunRow]:
    return _latest(state, RunRow, limit)


def run_log(state: State, run_id: int) -> list[RunLogRow]:
    run(state, run_id)
    with state.factory() as s:
        query = select(RunLogRow).where(RunLogRow.run_id == run_id).order_by(RunLogRow.id)
        return list(s.scalars(query))


def _source(
    state: State, scenario_id: int | None, text: str, name: str
) -> tuple[str, str, int | None]:
    if scenario_id is not None:
        row = scenario(state, scenario_id)
        return row.toml, row.name, row.id
    checked_text(state, text, name)
    return text, name, None


def evaluate(state: State, scenario_id: int | None, text: str, name: str) -> RunRow:
    """Evaluate a saved scenario or a text now, and store the run (done or failed)."""
    text, name, scenario_id = _source(state, scenario_id, text, name)
    row = RunRow(
        kind="evaluate", scenario_id=scenario_id, name=name, toml=text,
        inputs_sha256=service.sha256(text), version=__version__, status=QUEUED,
    )  # fmt: skip
    with state.factory.begin() as s:
        s.add(row)
    start = time.perf_counter()
    row.started_at = now()
    try:
        loaded = service.load_text(text, name, state.settings.work_dir)
        row.results, row.status = service.evaluate(loaded), DONE
    except ScenarioError as exc:
        row.status, row.reason = FAILED, str(exc)
    row.finished_at, row.seconds, row.progress = now(), time.perf_counter() - start, 1.0
    with state.factory.begin() as s:
        s.merge(row)
    log(state.factory, row.id, f"evaluated in {row.seconds:.2f} s: {row.status}")
    return row


def start_risk(
    state: State, scenario_id: int | None, text: str, name: str, samples: int, seed: int
) -> RunRow:
    """Queue a risk run (413 over the sample limit, 429 when every job slot is taken)."""
    most = state.settings.max_samples
    if samples > most:
        raise TooLarge(f"{samples} samples asked; this server allows at most {most} per run")
    return start_job(state, "risk", scenario_id, text, name, samples=samples, seed=seed)


def start_incentives(
    state: State, scenario_id: int | None, text: str, name: str, options: dict[str, Any]
) -> RunRow:
    """Queue an incentive design; 422 at once for a pathway that builds no plant."""
    pathway = options.get("pathway")
    if pathway is not None:
        source, source_name, _ = _source(state, scenario_id, text, name)
        scenario = service.load_text(source, source_name, state.settings.work_dir).scenario
        building = [k for k, v in scenario.pathways.items() if v.stages]
        if pathway not in building:
            raise Invalid(f"pathway: '{pathway}' builds no plant; one of {building}")
    return start_job(state, "incentives", scenario_id, text, name, options=options)


def start_job(
    state: State,
    kind: str,
    scenario_id: int | None,
    text: str,
    name: str,
    *,
    samples: int | None = None,
    seed: int | None = None,
    options: dict[str, Any] | None = None,
) -> RunRow:
    """Queue a background job of ``kind`` ("risk", "incentives", "siting") on a saved
    scenario or a text (429 when every job slot is taken)."""
    try:
        state.jobs.check()
    except TooManyJobs as exc:
        raise Busy(str(exc)) from None
    text, name, scenario_id = _source(state, scenario_id, text, name)
    row = RunRow(
        kind=kind, scenario_id=scenario_id, name=name, toml=text, seed=seed,
        samples=samples, inputs_sha256=service.sha256(text), version=__version__,
        status=QUEUED, options=options,
    )  # fmt: skip
    with state.factory.begin() as s:
        s.add(row)
    log(state.factory, row.id, "queued")
    try:
        state.jobs.submit(row.id)
    except TooManyJobs as exc:
        with state.factory.begin() as s:
            stored = s.get(RunRow, row.id)
            stored.status, stored.reason = FAILED, str(exc)  # type: ignore[union-attr]
        raise Busy(str(exc)) from None
    return row


def cancel(state: State, run_id: int) -> RunRow:
    row = run(state, run_id)
    if row.status in (DONE, FAILED):
        raise AppError(f"run {run_id} is already {row.status}")
    if not state.jobs.cancel(run_id):
        raise AppError(f"run {run_id} is not in progress on this server")
    log(state.factory, run_id, "cancel asked")
    return row


def brief_html(state: State, run_id: int) -> str:
    """The brief of a done run, made the first time it is asked for and kept."""
    row = run(state, run_id)
    if row.status != DONE:
        raise AppError(f"run {run_id} is {row.status}: no brief")
    if row.brief_html:
        return row.brief_html
    command = f"orevalue report {row.name}.toml" + (" --incentives" if row.incentives else "")
    with service.loaded_text(row.toml, row.name, state.settings.work_dir) as loaded:
        html = service.brief(loaded, row.risk, command, row.incentives, bool(row.siting))
    with state.factory.begin() as s:
        s.get(RunRow, run_id).brief_html = html  # type: ignore[union-attr]
    return html


def brief_pdf(state: State, run_id: int) -> bytes:
    """The brief of a done run as PDF; 503 when the server has no working Chromium."""
    html = brief_html(state, run_id)
    try:
        return service.brief_pdf(html, state.settings.work_dir)
    except RuntimeError as exc:
        raise Unavailable(f"cannot print the brief to PDF on this server: {exc}") from None


def compare(state: State, ids: list[int]) -> dict[str, Any]:
    """The inputs that differ between runs and the plant and country metrics that moved."""
    if not 2 <= len(ids) <= 6:
        raise AppError("compare takes 2 to 6 run ids")
    rows = [run(state, i) for i in ids]
    for r in rows:
        if r.status != DONE:
            raise AppError(f"run {r.id} is {r.status}: nothing to compare")
    inputs = [r.results.get("inputs", {}) for r in rows]
    keys = sorted(set().union(*inputs))
    differ = {}
    for k in keys:
        values = [_plain_input(i.get(k)) for i in inputs]
        if any(v != values[0] for v in values[1:]):
            differ[k] = values
    metrics: dict[str, list[float | None]] = {}
    for path in _metric_paths(rows[0].results):
        values = [_metric(r.results, path) for r in rows]
        if any(v != values[0] for v in values[1:]):
            metrics[path] = values
    return {"runs": ids, "inputs": differ, "metrics": metrics}


def _plain_input(item: Any) -> Any:
    return item.get("value") if isinstance(item, dict) and "value" in item else item


def _metric_paths(results: dict[str, Any]) -> list[str]:
    out = []
    for key, p in results.get("pathways", {}).items():
        for group in ("plant", "country"):
            for name, v in p.get(group, {}).items():
                if isinstance(v, int | float) or v is None:
                    out.append(f"{key}.{group}.{name}")
    return out


def _metric(results: dict[str, Any], path: str) -> float | None:
    key, group, name = path.split(".", 2)
    v = results.get("pathways", {}).get(key, {}).get(group, {}).get(name)
    return float(v) if isinstance(v, int | float) else None
