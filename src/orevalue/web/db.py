"""The stored things: scenarios (TOML text), runs and their log, as SQLAlchemy 2 tables, the
same code on SQLite and PostgreSQL. The schema is made by the Alembic migrations shipped in
``migrations/`` and run at startup (:func:`migrate`)."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    create_engine,
    event,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

#: A run's states: queued → running → done | failed.
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


def now() -> datetime:
    """The current time, UTC (stored without zone: both databases read it back alike)."""
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class ScenarioRow(Base):
    """A saved scenario: its TOML text (what differs from the default case) and its hash."""

    __tablename__ = "scenarios"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), index=True)
    toml: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    saved_by: Mapped[str] = mapped_column(String(80), default="")
    saved_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("scenarios.id"), nullable=True)


class RunRow(Base):
    """One run of a scenario's text: an evaluation (kind "evaluate", done at once) or a
    background job (kind "risk", "incentives" or "siting") that evaluates it too and adds
    its own result: the risk summary, the incentive design (incentives.json) or the siting
    analysis. ``options`` holds a job's parameters (the incentive targets)."""

    __tablename__ = "runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="evaluate")
    scenario_id: Mapped[int | None] = mapped_column(ForeignKey("scenarios.id"), nullable=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    toml: Mapped[str] = mapped_column(Text, default="")
    inputs_sha256: Mapped[str] = mapped_column(String(64), default="")
    version: Mapped[str] = mapped_column(String(32), default="")
    seed: Mapped[int | None] = mapped_column(Integer, nullable=True)
    samples: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default=QUEUED, index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    progress: Mapped[float] = mapped_column(Float, default=0.0)  # 0 to 1
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    started_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    results: Mapped[Any] = mapped_column(JSON, nullable=True)
    risk: Mapped[Any] = mapped_column(JSON, nullable=True)
    brief_html: Mapped[str | None] = mapped_column(Text, nullable=True)
    # added by migration 0002
    options: Mapped[Any] = mapped_column(JSON, nullable=True)
    incentives: Mapped[Any] = mapped_column(JSON, nullable=True)
    siting: Mapped[Any] = mapped_column(JSON, nullable=True)


class RunLogRow(Base):
    """A line of a run's log."""

    __tablename__ = "run_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=now)
    message: Mapped[str] = mapped_column(Text)


def make_engine(url: str) -> Engine:
    """The engine of ``url``; SQLite gets foreign keys, WAL and a busy timeout so that the
    request threads and the job threads share the file."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, pool_pre_ping=True
        )

        @event.listens_for(engine, "connect")
        def _pragmas(conn: Any, _record: Any) -> None:
            cur = conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the database to the newest schema (or to ``revision``) with the shipped Alembic
    migrations."""
    from alembic import command
    from alembic.config import Config

    folder = resources.files("orevalue.web").joinpath("migrations")
    config = Config()
    config.set_main_option("script_location", str(folder))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def sessions(engine: Engine) -> sessionmaker[Session]:
    """Session factory; objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def fail_orphans(factory: sessionmaker[Session]) -> int:
    """Mark runs left ``running`` or ``queued`` by a server that stopped as failed, with the
    reason; return how many."""
    reason = "the server stopped while this run was in progress"
    with factory.begin() as s:
        ids = list(s.scalars(select(RunRow.id).where(RunRow.status.in_([RUNNING, QUEUED]))))
        if ids:
            s.execute(
                update(RunRow)
                .where(RunRow.id.in_(ids))
                .values(status=FAILED, reason=reason, finished_at=now())
            )
            for run_id in ids:
                s.add(RunLogRow(run_id=run_id, message=f"failed at restart: {reason}"))
    return len(ids)


def log(factory: sessionmaker[Session], run_id: int, message: str) -> None:
    """Add a line to a run's log."""
    with factory.begin() as s:
        s.add(RunLogRow(run_id=run_id, message=message))
