"""The REST API on SQLite and on PostgreSQL: scenarios, runs, risk jobs, downloads, compare,
and the response models generated from the declared outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.web.conftest import wait_until

from orevalue import api, outputs
from orevalue.scenario import ScenarioError

CAPEX = "stages.smelter.capex_ref_usd"


def evaluate(client: TestClient, toml: str = "", name: str = "case") -> dict:
    r = client.post("/api/v1/evaluate", json={"toml": toml, "name": name})
    assert r.status_code == 201, r.text
    return r.json()


def test_scenario_saved_and_read_back(client: TestClient) -> None:
    text = "project.discount_rate_pct = 10.0\n"
    r = client.post("/api/v1/scenarios", json={"name": "ten-pct", "toml": text, "saved_by": "ana"})
    assert r.status_code == 201, r.text
    saved = r.json()
    child = client.post(
        "/api/v1/scenarios",
        json={"name": "child", "toml": text, "parent_id": saved["id"]},
    ).json()
    assert child["parent_id"] == saved["id"]
    got = client.get(f"/api/v1/scenarios/{saved['id']}").json()
    assert got["toml"] == text and got["saved_by"] == "ana" and len(got["sha256"]) == 64
    listed = [s["name"] for s in client.get("/api/v1/scenarios").json()]
    assert listed == ["child", "ten-pct"]
    toml = client.get(f"/api/v1/scenarios/{saved['id']}/toml")
    assert toml.text == text
    assert 'filename="ten-pct.toml"' in toml.headers["content-disposition"]
    assert client.get("/api/v1/scenarios/999").status_code == 404


def test_bad_scenario_gets_the_cli_messages(client: TestClient, tmp_path: Path) -> None:
    text = f"{CAPEX} = -5\nproject.operating_years = 'many'\n"
    r = client.post("/api/v1/scenarios", json={"name": "bad", "toml": text})
    assert r.status_code == 422
    problems = r.json()["problems"]
    file = tmp_path / "bad.toml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        api.load(file)
    expected = [(p.path, p.message, p.line) for p in exc.value.problems]
    assert [(p["path"], p["message"], p["line"]) for p in problems] == expected
    assert problems[0]["text"].startswith("bad.toml:")
    checked = client.post("/api/v1/validate", json={"toml": text, "name": "bad"}).json()
    assert [p["message"] for p in checked] == [m for _, m, _ in expected]
    assert client.post("/api/v1/validate", json={"toml": ""}).json() == []


def test_evaluate_matches_the_api_and_capex_moves_npv(client: TestClient) -> None:
    base = evaluate(client)
    assert base["status"] == "done" and base["version"]
    want = api.evaluate(api.load()).value("cathode", "plant", "npv_usd")
    got = base["pathways"]["cathode"]["plant"]["npv_usd"]
    assert got == pytest.approx(want, rel=1e-12)
    assert base["verdict"] and isinstance(base["verdict"][0], str)
    dear = evaluate(client, f"{CAPEX} = 900000000.0\n", "dear")
    assert dear["pathways"]["cathode"]["plant"]["npv_usd"] < got
    runs = client.get("/api/v1/runs").json()
    assert [r["id"] for r in runs] == [dear["id"], base["id"]]
    log = client.get(f"/api/v1/runs/{base['id']}/log").json()
    assert "evaluated" in log[-1]["message"]


def test_downloads(client: TestClient) -> None:
    run = evaluate(client, "project.discount_rate_pct = 10.0\n", "ten")
    rid = run["id"]
    doc = client.get(f"/api/v1/runs/{rid}/results.json")
    assert json.loads(doc.text)["pathways"]["cathode"]["plant"]["npv_usd"] == pytest.approx(
        run["pathways"]["cathode"]["plant"]["npv_usd"]
    )
    xlsx = client.get(f"/api/v1/runs/{rid}/results.xlsx")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")  # a zip: .xlsx
    csv = client.get(f"/api/v1/runs/{rid}/annual.csv", params={"pathway": "cathode"})
    assert csv.status_code == 200 and csv.text.startswith("year,")
    assert client.get(f"/api/v1/runs/{rid}/annual.csv", params={"pathway": "x"}).status_code == 404
    toml = client.get(f"/api/v1/runs/{rid}/scenario.toml")
    assert toml.text == "project.discount_rate_pct = 10.0\n"
    brief = client.get(f"/api/v1/runs/{rid}/brief.html")
    assert brief.status_code == 200 and "<!DOCTYPE html>" in brief.text
    again = client.get(f"/api/v1/runs/{rid}/brief.html", params={"download": True})
    assert again.text == brief.text and "attachment" in again.headers["content-disposition"]


def test_brief_pdf(client: TestClient) -> None:
    rid = evaluate(client)["id"]
    pdf = client.get(f"/api/v1/runs/{rid}/brief.pdf")
    assert pdf.status_code == 200, pdf.text
    assert pdf.content.startswith(b"%PDF") and pdf.headers["content-type"] == "application/pdf"


def test_compare_names_the_inputs_and_metrics_that_moved(client: TestClient) -> None:
    a = evaluate(client)["id"]
    b = evaluate(client, f"{CAPEX} = 900000000.0\n", "dear")["id"]
    out = client.get("/api/v1/compare", params={"ids": [a, b]}).json()
    assert out["runs"] == [a, b]
    assert CAPEX in out["inputs"] and out["inputs"][CAPEX][1] == 900000000.0
    assert "cathode.plant.npv_usd" in out["metrics"]
    assert "concentrate.plant.npv_usd" not in out["metrics"]  # exporting builds no smelter
    assert client.get("/api/v1/compare", params={"ids": [a]}).status_code == 422
    page = client.get("/compare", params={"ids": [a, b]})
    assert page.status_code == 200 and CAPEX in page.text
    assert 'data-metric="cathode.plant.npv_usd"' in page.text and "NPV after tax" in page.text


def test_risk_run_reaches_done_with_its_summary(client: TestClient) -> None:
    r = client.post("/api/v1/risk", json={"samples": 200, "seed": 7})
    assert r.status_code == 202, r.text
    rid = r.json()["id"]
    run = wait_until(lambda: _finished(client, rid), 120)
    assert run["status"] == "done", run["reason"]
    assert run["progress"] == 1.0 and run["seed"] == 7 and run["samples"] == 200
    assert run["risk_headline"]["run"]["samples"] == 200
    summary = client.get(f"/api/v1/runs/{rid}/risk.json").json()
    assert summary["run"]["seed"] == 7
    messages = [x["message"] for x in client.get(f"/api/v1/runs/{rid}/log").json()]
    assert messages[0] == "queued" and messages[-1] == "done"


def test_risk_run_cancelled(client: TestClient) -> None:
    rid = client.post("/api/v1/risk", json={"samples": 5000}).json()["id"]
    wait_until(lambda: client.get(f"/api/v1/runs/{rid}").json()["status"] == "running", 60)
    assert client.post(f"/api/v1/runs/{rid}/cancel").status_code == 200
    run = wait_until(lambda: _finished(client, rid), 120)
    assert run["status"] == "failed" and run["reason"] == "cancelled by the user"
    assert client.post(f"/api/v1/runs/{rid}/cancel").status_code == 400


def _finished(client: TestClient, rid: int) -> dict | None:
    run = client.get(f"/api/v1/runs/{rid}").json()
    return run if run["status"] in ("done", "failed") else None


def test_response_models_come_from_the_outputs_table(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    for model, group in (("PlantMetrics", "plant"), ("CountryMetrics", "country")):
        declared = [r for r in outputs.declared(group) if "{" not in r.key]
        props = schema[model]["properties"]
        assert list(props) == [r.key for r in declared]
        for r in declared:
            assert props[r.key]["title"] == r.label
            assert r.unit in props[r.key]["description"]
    keys = [r["key"] for r in client.get("/api/v1/outputs").json()]
    assert keys == [r.key for r in outputs.declared()]


def test_default_toml_is_the_init_template(client: TestClient) -> None:
    assert client.get("/api/v1/default.toml").text == api.template("scenario.toml")
