"""A kill -9 of a real server (uvicorn in a subprocess on a loopback port) during a risk
run, then a restart on the same database: the run is marked failed with the reason, and
every saved scenario and finished run is intact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from tests.web.conftest import ROOT, free_port, wait_until


@contextmanager
def server(db: Path, port: int) -> Iterator[subprocess.Popen]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    env.pop("OREVALUE_TOKEN", None)
    command = [sys.executable, "-m", "orevalue", "serve", "--port", str(port), "--db", str(db)]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until(lambda: _up(port) or proc.poll() is not None, 90, 0.2)
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(30)


def _up(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/api/v1/runs", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_kill_during_risk_run_then_restart(tmp_path: Path) -> None:
    db, port = tmp_path / "kill.db", free_port()
    base = f"http://127.0.0.1:{port}/api/v1"
    with server(db, port) as proc:
        saved = httpx.post(
            f"{base}/scenarios", json={"name": "kept", "toml": "project.discount_rate_pct = 9.0\n"}
        ).json()
        done = httpx.post(f"{base}/evaluate", json={"scenario_id": saved["id"]}, timeout=60).json()
        assert done["status"] == "done"
        risk = httpx.post(f"{base}/risk", json={"samples": 20000}, timeout=60).json()
        wait_until(lambda: httpx.get(f"{base}/runs/{risk['id']}").json()["progress"] > 0, 120)
        design = httpx.post(f"{base}/incentives", json={}, timeout=60).json()
        wait_until(lambda: httpx.get(f"{base}/runs/{design['id']}").json()["status"] == "running")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    with server(db, port):
        run = httpx.get(f"{base}/runs/{risk['id']}").json()
        assert run["status"] == "failed"
        assert run["reason"] == "the server stopped while this run was in progress"
        kept = httpx.get(f"{base}/scenarios/{saved['id']}").json()
        assert kept == saved
        again = httpx.get(f"{base}/runs/{done['id']}").json()
        assert again == done
        log = [x["message"] for x in httpx.get(f"{base}/runs/{risk['id']}/log").json()]
        assert log[-1].startswith("failed at restart")
        job = httpx.get(f"{base}/runs/{design['id']}").json()
        assert job["status"] == "failed" and job["reason"] == run["reason"]
        assert not job["has_incentives"]
        shown = run_page_in_chromium(f"http://127.0.0.1:{port}/runs/{risk['id']}")
        assert shown == ("failed", "the server stopped while this run was in progress", False)


def run_page_in_chromium(url: str) -> tuple[str, str, bool]:
    """What Debian's Chromium shows on a run page: its status, its reason and whether a
    progress bar is there."""
    from playwright.sync_api import sync_playwright
    from tests.web.test_browser import ARGS, CHROMIUM

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page()
        page.goto(url)
        shown = (
            page.locator("#status").inner_text(),
            page.locator("#reason").inner_text(),
            page.locator("#progress").count() > 0,
        )
        browser.close()
    return shown
