"""Limits and safety: the token, CSRF, body and TOML size limits, the sample and job limits
(413/429 with a clear message), names that cannot leave the data directory, and runs left
in progress by a stopped server marked failed at restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.web.conftest import make_settings, wait_until
from typer.testing import CliRunner

from orevalue.cli import app as cli_app
from orevalue.web import db, service
from orevalue.web.app import create_app
from orevalue.web.config import database_url


def sqlite(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'safety.db'}"


def test_token_needed_on_every_request(tmp_path: Path) -> None:
    settings = make_settings(sqlite(tmp_path), tmp_path, token="s3cret")
    with TestClient(create_app(settings)) as c:
        for path in ("/", "/api/v1/runs", "/openapi.json", "/static/app.js"):
            r = c.get(path)
            assert r.status_code == 401 and "token" in r.json()["detail"]
        assert c.get("/api/v1/runs", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.get("/api/v1/runs", headers={"Authorization": "Bearer s3cret"}).status_code == 200
        assert c.get("/?token=s3cret").status_code == 200  # sets the cookie
        assert c.get("/api/v1/runs").status_code == 200


def test_serve_refuses_a_public_address_without_token() -> None:
    result = CliRunner().invoke(cli_app, ["serve", "--host", "0.0.0.0"], env={})
    assert result.exit_code == 2
    assert "--token" in result.output


def test_csrf(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(sqlite(tmp_path), tmp_path))) as c:
        home = c.get("/")
        assert "orevalue_csrf" in home.headers["set-cookie"]
        token = c.cookies["orevalue_csrf"]
        evil = {"Origin": "http://evil.example"}
        r = c.post("/api/v1/evaluate", json={"toml": ""}, headers=evil)
        assert r.status_code == 403 and "cross-origin" in r.json()["detail"]
        form = {"name": "x", "mode": "raw", "toml": "", "action": "save"}
        assert c.post("/scenarios/save", data=form).status_code == 403  # no csrf field
        wrong = c.post("/scenarios/save", data={**form, "csrf": "forged"})
        assert wrong.status_code == 403
        ok = c.post("/scenarios/save", data={**form, "csrf": token}, follow_redirects=False)
        assert ok.status_code == 303
        text = c.post("/api/v1/evaluate", content="toml=", headers={"Content-Type": "text/plain"})
        assert text.status_code == 403 and "CSRF" in text.json()["detail"]
        with_header = c.post(
            "/api/v1/validate",
            content='{"toml": ""}',
            headers={"Content-Type": "text/plain", "X-CSRF-Token": token},
        )
        assert with_header.status_code == 422  # past the guard; not JSON, so not a body


def test_size_and_job_limits(tmp_path: Path) -> None:
    settings = make_settings(
        sqlite(tmp_path), tmp_path, max_body_bytes=50_000, max_toml_bytes=10_000,
        max_samples=6000, max_jobs=1,
    )  # fmt: skip
    with TestClient(create_app(settings)) as c:
        big = c.post("/api/v1/evaluate", json={"toml": "#" * 60_000})
        assert big.status_code == 413 and "50000 bytes" in big.json()["detail"]
        toml = c.post("/api/v1/scenarios", json={"name": "big", "toml": "#" * 20_000})
        assert toml.status_code == 413 and "TOML" in toml.json()["detail"]
        many = c.post("/api/v1/risk", json={"samples": 6001})
        assert many.status_code == 413 and "at most 6000" in many.json()["detail"]
        first = c.post("/api/v1/risk", json={"samples": 6000})
        assert first.status_code == 202
        second = c.post("/api/v1/risk", json={"samples": 100})
        assert second.status_code == 429 and "at most 1 at once" in second.json()["detail"]
        rid = first.json()["id"]
        c.post(f"/api/v1/runs/{rid}/cancel")
        wait_until(lambda: c.get(f"/api/v1/runs/{rid}").json()["status"] == "failed", 120)
        assert c.post("/api/v1/risk", json={"samples": 100}).status_code == 202


@pytest.mark.parametrize("name", ["../evil", "/etc/passwd", ".hidden", "a/b", "a\\b", "..", ""])
def test_names_cannot_leave_the_data_dir(name: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="bad scenario name"):
        service.safe_name(name)
    with TestClient(create_app(make_settings(sqlite(tmp_path), tmp_path))) as c:
        r = c.post("/api/v1/scenarios", json={"name": name, "toml": ""})
        assert r.status_code == 422
        r = c.post("/api/v1/evaluate", json={"name": name, "toml": ""})
        assert r.status_code == 422
    assert not (tmp_path.parent / "evil.toml").exists()


def test_upload_keeps_only_the_file_name(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(sqlite(tmp_path), tmp_path))) as c:
        c.get("/")
        r = c.post(
            "/scenarios/upload",
            data={"csrf": c.cookies["orevalue_csrf"]},
            files={"file": ("../../up.toml", b"project.discount_rate_pct = 9.0\n")},
            follow_redirects=False,
        )
        assert r.status_code == 303
        assert [s["name"] for s in c.get("/api/v1/scenarios").json()] == ["up"]


def test_restart_fails_orphaned_runs(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path)
    with TestClient(create_app(settings)) as c:
        kept = c.post("/api/v1/scenarios", json={"name": "kept", "toml": ""}).json()
        done = c.post("/api/v1/evaluate", json={"scenario_id": kept["id"]}).json()
        factory = c.app.state.orevalue.factory
        with factory.begin() as s:
            orphan = db.RunRow(kind="risk", name="x", status=db.RUNNING, samples=10, seed=1)
            s.add(orphan)
    with TestClient(create_app(settings)) as c:
        run = c.get(f"/api/v1/runs/{orphan.id}").json()
        assert run["status"] == "failed" and "server stopped" in run["reason"]
        assert c.get(f"/api/v1/runs/{done['id']}").json()["status"] == "done"
        assert c.get(f"/api/v1/scenarios/{kept['id']}").json()["name"] == "kept"


def test_database_url() -> None:
    assert database_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("x.db").startswith("sqlite:///") and database_url("x.db").endswith("x.db")
    assert database_url(None, Path("/tmp/d")) == "sqlite:////tmp/d/orevalue.db"
