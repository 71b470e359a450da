"""Settings of the web app: where the database is, who may call it, and its limits."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

#: Environment variable holding the access token (same as ``--token``).
TOKEN_ENV = "OREVALUE_TOKEN"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def data_dir() -> Path:
    """The user's data directory for orevalue (platformdirs), created if missing."""
    from platformdirs import user_data_dir

    path = Path(user_data_dir("orevalue", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url(db: str | None, folder: Path | None = None) -> str:
    """The SQLAlchemy URL of ``--db``: a URL as given (``postgresql+psycopg://...``,
    ``sqlite:///...``), a file path as SQLite, or None for ``orevalue.db`` in the data dir."""
    if db and re.match(r"^[a-z][a-z0-9+]*://", db):
        return db
    path = Path(db) if db else (folder or data_dir()) / "orevalue.db"
    return f"sqlite:///{path.expanduser().resolve()}"


@dataclass
class Settings:
    """How the app runs. Limits are answered 413 (too large) or 429 (too many jobs)."""

    db_url: str
    token: str | None = None
    max_body_bytes: int = 2_000_000  # any request body
    max_toml_bytes: int = 500_000  # a scenario's TOML text
    max_samples: int = 20_000  # Monte Carlo samples per risk run
    max_jobs: int = 2  # risk runs queued or running at once
    risk_workers: int = 1  # processes per risk run (1: in the server's own process)
    work_dir: Path = field(default_factory=lambda: data_dir() / "work")

    @classmethod
    def from_env(cls, db_url: str, **kw: object) -> Settings:
        """Settings with the token from ``OREVALUE_TOKEN`` unless given."""
        if kw.get("token") is None:
            kw["token"] = os.environ.get(TOKEN_ENV) or None
        return cls(db_url=db_url, **kw)  # type: ignore[arg-type]
