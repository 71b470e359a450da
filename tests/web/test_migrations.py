"""The Alembic migrations on SQLite and PostgreSQL: a database made by 0001 (the first
release of ``orevalue serve``), with rows in it, upgrades to the newest schema at startup
and keeps every row; the app then reads and writes it."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import inspect, text
from tests.web.conftest import make_settings

from orevalue.web import db
from orevalue.web.app import create_app

ROW = {
    "kind": "evaluate", "name": "old", "toml": "project.discount_rate_pct = 9.0\\n",
    "inputs_sha256": "ab" * 32, "version": "0.0.1", "status": "done", "reason": "",
    "progress": 1.0, "created_at": "2026-01-02 03:04:05", "results": '{"pathways": {}}',
}  # fmt: skip


def test_0001_database_upgrades_and_keeps_its_rows(db_url: str, tmp_path: Path) -> None:
    engine = db.make_engine(db_url)
    db.migrate(engine, "0001")
    columns = {c["name"] for c in inspect(engine).get_columns("runs")}
    assert not columns & {"options", "incentives", "siting"}
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO scenarios (name, toml, sha256, saved_by, saved_at) "
                "VALUES ('kept', '', :sha, 'ana', '2026-01-02 03:04:05')"
            ),
            {"sha": "cd" * 32},
        )
        keys = ", ".join(ROW)
        conn.execute(text(f"INSERT INTO runs ({keys}) VALUES (:{', :'.join(ROW)})"), ROW)
        before = [tuple(r) for r in conn.execute(text("SELECT * FROM runs"))]
    engine.dispose()
    with TestClient(create_app(make_settings(db_url, tmp_path))) as c:
        run = c.get("/api/v1/runs/1").json()
        assert (run["name"], run["status"], run["version"]) == ("old", "done", "0.0.1")
        assert run["options"] is None and not run["has_incentives"] and not run["has_siting"]
        assert c.get("/api/v1/scenarios/1").json()["saved_by"] == "ana"
        assert c.post("/api/v1/evaluate", json={"toml": ""}).status_code == 201
    engine = db.make_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0002"
        after = [tuple(r) for r in conn.execute(text("SELECT * FROM runs ORDER BY id"))]
    engine.dispose()
    assert after[0][: len(before[0])] == before[0]  # old columns untouched
    assert after[0][len(before[0]) :] == (None, None, None)  # the new ones empty
    assert len(after) == 2
