"""The incentive design and the siting analysis as background jobs, on SQLite and on
PostgreSQL: queued → running → done | failed, progress, cancel, stored results read back
by the API and shown on the run page, checked against what :mod:`orevalue.api` finds for
the same scenario."""

from __future__ import annotations

import itertools
import re
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.web.conftest import wait_until

from orevalue import api, outputs
from orevalue.incentives.document import design_document
from orevalue.web import schemas

#: Targets under which the default case has a bankable package (with none it has not).
TARGETS = {"target_irr_pct": 4.0, "min_dscr": 0.5}


def finished(
    client: TestClient, run_id: int, seen: set[float] | None = None, timeout: float = 180
) -> dict:
    """The run once done or failed; ``seen`` collects the progress values polled."""

    def done() -> dict | None:
        run = client.get(f"/api/v1/runs/{run_id}").json()
        if seen is not None:
            seen.add(run["progress"])
        return run if run["status"] in ("done", "failed") else None

    return wait_until(done, timeout, 0.05)


@pytest.fixture(scope="module")
def expected() -> dict:
    """The design api.incentives finds for the default case under TARGETS."""
    return api.plain_json(design_document(api.incentives(api.load(), **TARGETS)))


def test_incentives_job_stores_the_design_api_finds(client: TestClient, expected: dict) -> None:
    r = client.post("/api/v1/incentives", json=TARGETS)
    assert r.status_code == 202, r.text
    started = r.json()
    assert started["kind"] == "incentives" and started["status"] in ("queued", "running")
    seen = {started["progress"]}
    run = finished(client, started["id"], seen)
    assert run["status"] == "done", run["reason"]
    assert run["progress"] == 1.0 and run["has_incentives"] and run["options"] == TARGETS
    assert any(0 < p < 1 for p in seen), f"no progress between 0 and 1 was seen: {seen}"
    got = client.get(f"/api/v1/runs/{run['id']}/incentives").json()
    assert got["bankable"] is True and expected["bankable"] is True
    assert got["package"] == pytest.approx(expected["package"], rel=1e-12)
    assert got["package_metrics"]["public_cost_pv_usd"] == pytest.approx(
        expected["package_metrics"]["public_cost_pv_usd"], rel=1e-12
    )
    m = got["package_metrics"]
    # the public cost by level adds up to the total; the package meets both targets
    assert m["public_cost_province_pv_usd"] + m["public_cost_federation_pv_usd"] == pytest.approx(
        m["public_cost_pv_usd"], rel=1e-12
    )
    assert m["equity_irr"] >= TARGETS["target_irr_pct"] / 100 - 1e-12
    assert m["dscr_min"] >= TARGETS["min_dscr"] - 1e-12
    key = ("public_cost_pv_usd", "investor_npv_usd")
    assert [p[k] for p in got["pareto"] for k in key] == pytest.approx(
        [p[k] for p in expected["pareto"] for k in key], rel=1e-12
    )
    # the front: by rising public cost, each point worth strictly more to the investor
    cost = [p["public_cost_pv_usd"] for p in got["pareto"]]
    npv = [p["investor_npv_usd"] for p in got["pareto"]]
    assert cost == sorted(cost) and all(b > a for a, b in itertools.pairwise(npv))
    page = client.get(f"/runs/{run['id']}").text
    assert '<section id="incentives">' in page and '<section id="pareto">' in page
    rows = re.findall(r'<tr class="point[^"]*" data-cost="([^"]+)" data-npv="([^"]+)"', page)
    shown = [(float(c), float(n)) for c, n in rows]
    assert shown == pytest.approx(list(zip(cost, npv, strict=True)))
    brief = client.get(f"/api/v1/runs/{run['id']}/brief.html").text
    assert 'id="incentives"' in brief
    log = [x["message"] for x in client.get(f"/api/v1/runs/{run['id']}/log").json()]
    assert log[0] == "queued" and log[1] == "started incentives" and log[-1] == "done"


def test_incentives_response_model_from_the_declared_outputs(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()["components"]["schemas"]
    package = spec["PackageMetrics"]["properties"]
    for group, key in (("plant", "equity_irr"), ("plant", "npv_usd"), ("chain", "mine_npv_usd")):
        assert package[key]["title"] == outputs.label(key, group)
    for row in outputs.declared("incentives"):
        assert package[row.key]["title"] == row.label
        assert f"Unit: {row.unit}." in package[row.key]["description"]
    assert set(spec["ParetoPoint"]["properties"]) >= set(package) - {"jobs"} | {"bankable"}


def test_incentives_keys_are_declared(expected: dict) -> None:
    """Every number of a package the design produces is a declared output, and each declared
    one is produced."""
    declared = {r.key for r in schemas.package_rows()}
    for where in ("reference", "package_metrics"):
        assert set(expected[where]) - {"jobs"} == declared, where
    for point in expected["pareto"]:
        assert set(point) - {"bankable", "package"} == declared


def test_incentives_none_bankable_and_cancel(client: TestClient) -> None:
    none = client.post("/api/v1/incentives", json={"target_irr_pct": 40.0}).json()
    run = finished(client, none["id"])
    assert run["status"] == "done", run["reason"]
    got = client.get(f"/api/v1/runs/{none['id']}/incentives").json()
    assert got["bankable"] is False and got["package"] is None
    assert any("equity IRR" in b and "< 40 %" in b for b in got["binding"])
    page = client.get(f"/runs/{none['id']}").text
    assert "No package within the lever ranges is bankable" in unescape(page)
    started = client.post("/api/v1/incentives", json=TARGETS).json()
    assert client.post(f"/api/v1/runs/{started['id']}/cancel").status_code == 200
    run = finished(client, started["id"])
    assert run["status"] == "failed" and run["reason"] == "cancelled by the user"
    assert client.get(f"/api/v1/runs/{started['id']}/incentives").status_code == 404
    bad = client.post("/api/v1/incentives", json={"pathway": "concentrate"})
    assert bad.status_code == 422 and "'concentrate' builds no plant" in bad.json()["detail"]
    assert client.post("/api/v1/incentives", json={"min_dscr": -1}).status_code == 422


def test_siting_is_a_job_stored_with_its_run(client: TestClient, tmp_path: Path) -> None:
    plain = client.post("/api/v1/evaluate", json={"toml": ""}).json()
    page = client.get(f"/runs/{plain['id']}").text
    assert '<section id="siting">' not in page and 'id="start-siting"' in page
    # a scenario of its own: siting loads variants of it from its file while it ranks sites
    text = "project.discount_rate_pct = 9.0\n"
    saved = client.post("/api/v1/scenarios", json={"name": "nine", "toml": text}).json()
    r = client.post("/api/v1/siting", json={"scenario_id": saved["id"]})
    assert r.status_code == 202 and r.json()["kind"] == "siting"
    run = finished(client, r.json()["id"])
    assert run["status"] == "done", run["reason"]
    assert run["progress"] == 1.0 and run["has_siting"]
    file = tmp_path / "nine.toml"
    file.write_text(text, encoding="utf-8")
    where, note, _ = api.brief_siting(api.load(file))
    assert where is not None and note is None
    got = client.get(f"/api/v1/runs/{run['id']}/siting.json").json()
    assert got["note"] is None
    assert got["site"]["ranking"] == api.plain_json(where.to_dict())["ranking"]
    page = client.get(f"/runs/{run['id']}").text
    assert '<section id="siting">' in page and '<figure class="map"><svg' in page
    assert client.get(f"/api/v1/runs/{plain['id']}/siting.json").status_code == 404
