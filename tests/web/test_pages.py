"""The pages, server-rendered: home, the editor from the schema (inline errors with the
CLI's messages), the run page with the brief's sections, compare."""

from __future__ import annotations

import re
from html import unescape

from fastapi.testclient import TestClient

from orevalue.scenario import describe
from orevalue.web import service

CAPEX = "stages.smelter.capex_ref_usd"


def csrf(client: TestClient) -> str:
    client.get("/")
    return client.cookies["orevalue_csrf"]


def form_of(html: str) -> dict[str, str]:
    """Every input field of the editor and its value."""
    found = re.findall(r'name="(f:[^"]+)" value="([^"]*)"', html)
    return {unescape(k): unescape(v) for k, v in found}


def test_home_and_editor_from_the_schema(client: TestClient) -> None:
    home = client.get("/")
    assert home.status_code == 200 and "New from default" in home.text
    page = client.get("/scenarios/new")
    assert page.status_code == 200
    fields = form_of(page.text)
    assert len(fields) == len(service.fields())
    assert fields[f"f:{CAPEX}"] == "440000000.0"
    assert describe(CAPEX.split(".")) in page.text
    assert "CTE §" in page.text  # sources as init writes them


def test_editor_save_and_run(client: TestClient) -> None:
    token = csrf(client)
    fields = form_of(client.get("/scenarios/new").text)
    fields[f"f:{CAPEX}"] = "900000000.0"
    fields[f"s:{CAPEX}"] = "vendor quote 2026"
    data = {**fields, "csrf": token, "name": "dear", "mode": "form", "action": "run"}
    r = client.post("/scenarios/save", data=data, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/runs/")
    saved = client.get("/api/v1/scenarios").json()[0]
    assert saved["name"] == "dear"
    assert saved["toml"].endswith(
        f'{CAPEX} = {{ value = 900000000.0, source = "vendor quote 2026" }}\n'
    )
    run_page = client.get(r.headers["location"])
    assert run_page.status_code == 200
    for section in ("answer", "pathways", "per-tonne", "cash-flows", "government", "needs"):
        assert f'<section id="{section}">' in run_page.text
    assert 'id="orevalue-figures"' in run_page.text and "/plotly.min.js" in run_page.text
    editor = client.get(f"/scenarios/{saved['id']}")
    assert form_of(editor.text)[f"f:{CAPEX}"] == "900000000.0"
    assert 'class="field changed' in editor.text


def test_default_number_written_otherwise_is_no_change(client: TestClient) -> None:
    """A field holding its default number in another spelling is not a change: the saved
    scenario does not carry it (and the editor asks no source for it)."""
    token = csrf(client)
    fields = form_of(client.get("/scenarios/new").text)
    assert fields[f"f:{CAPEX}"] == "440000000.0"
    fields[f"f:{CAPEX}"] = "440000000"
    fields["f:project.discount_rate_pct"] = "9"
    data = {**fields, "csrf": token, "name": "same", "mode": "form", "action": "save"}
    assert client.post("/scenarios/save", data=data, follow_redirects=False).status_code == 303
    saved = client.get("/api/v1/scenarios").json()[0]["toml"]
    assert CAPEX not in saved and "project.discount_rate_pct = 9\n" in saved
    assert service.same_value(" 440000000 ", "440000000.0")
    assert not service.same_value("440000001", "440000000.0")
    assert not service.same_value("true", "1") and not service.same_value('"a"', "a b")


def test_bad_value_shows_inline_error(client: TestClient) -> None:
    token = csrf(client)
    fields = form_of(client.get("/scenarios/new").text)
    fields[f"f:{CAPEX}"] = "-5"
    data = {**fields, "csrf": token, "name": "bad", "mode": "form", "action": "run"}
    r = client.post("/scenarios/save", data=data)
    assert r.status_code == 200  # the editor again, with the errors (no console error)
    row = re.search(rf'<tr class="field changed bad" id="f-{re.escape(CAPEX)}">(.*?)</tr>',
                    r.text, re.S)  # fmt: skip
    assert row, "the capex row is not marked bad"
    assert 'class="error"' in row.group(1) and "bad.toml" in row.group(1)
    assert client.get("/api/v1/scenarios").json() == []


def test_raw_toml_and_plotly_served(client: TestClient) -> None:
    token = csrf(client)
    data = {"csrf": token, "name": "raw", "mode": "raw", "toml": "title = 'Raw'\n"}
    r = client.post("/scenarios/save", data=data, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/api/v1/scenarios").json()[0]["toml"] == "title = 'Raw'\n"
    js = client.get("/plotly.min.js")
    assert js.status_code == 200 and "plotly.js" in js.text[:400]
    assert client.get("/static/app.js").status_code == 200


def test_run_page_offers_the_jobs_and_computes_no_siting(client: TestClient) -> None:
    """The run page of an evaluation starts the risk, incentives and siting jobs from its
    forms; it no longer computes the siting analysis while the page loads."""
    rid = client.post("/api/v1/evaluate", json={"toml": ""}).json()["id"]
    plain = client.get(f"/runs/{rid}").text
    assert '<section id="siting">' not in plain and "?siting=true" not in plain
    for kind in ("risk", "incentives", "siting"):
        assert f'data-job="{kind}"' in plain
