"""Fixtures of the web app's tests: the app on SQLite and on a real PostgreSQL server (from
OREVALUE_TEST_PG_URL, else started by .ci/postgres.sh; failing to get one fails the tests),
and a real uvicorn server on a loopback port for the browser and Schemathesis."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from orevalue.web.app import create_app
from orevalue.web.config import Settings

ROOT = Path(__file__).resolve().parents[2]
PG_ENV = "OREVALUE_TEST_PG_URL"


@pytest.fixture(scope="session")
def pg_url() -> str:
    """The URL of a PostgreSQL database the tests may wipe."""
    url = os.environ.get(PG_ENV)
    if url:
        return url
    script = ROOT / ".ci" / "postgres.sh"
    done = subprocess.run(
        ["bash", str(script)], capture_output=True, text=True, timeout=600, check=False
    )
    found = re.search(rf"export {PG_ENV}=(\S+)", done.stdout)
    if done.returncode != 0 or not found:
        pytest.fail(
            f"no PostgreSQL server for the web tests: set {PG_ENV} or make {script} work "
            f"(exit {done.returncode}): {done.stderr[-2000:]}"
        )
    os.environ[PG_ENV] = found.group(1)
    return found.group(1)


def wipe_postgres(url: str) -> None:
    """Drop every table of the database (a fresh schema for the next app)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'orevalue.db'}"
    url = request.getfixturevalue("pg_url")
    wipe_postgres(url)
    return url


def make_settings(db_url: str, tmp_path: Path, **kw: object) -> Settings:
    return Settings(db_url=db_url, work_dir=tmp_path / "work", **kw)  # type: ignore[arg-type]


@pytest.fixture
def client(db_url: str, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(db_url, tmp_path))) as c:
        yield c


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, timeout: float = 60.0, every: float = 0.1):  # type: ignore[no-untyped-def]
    """Call ``check`` until it returns something true; fail after ``timeout`` seconds."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(every)
    pytest.fail(f"timed out after {timeout} s waiting for {check}")


@contextmanager
def serve(settings: Settings) -> Iterator[str]:
    """The app served by uvicorn in a thread on a free loopback port; its base URL."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="error")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started, 60)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(60)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a loopback port over SQLite, for the browser tests."""
    folder = tmp_path_factory.mktemp("live")
    settings = Settings(
        db_url=f"sqlite:///{folder / 'live.db'}",
        work_dir=folder / "work",
        max_samples=20_000,
        max_jobs=2,
    )
    with serve(settings) as url:
        yield url
