"""The app in a real browser: Debian's Chromium driven by Playwright (no browser download),
against uvicorn on a loopback port. Every request outside the server is aborted and
recorded, and every console error is collected: both must stay empty. Screenshots of the
main pages go to docs/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from orevalue import api
from orevalue.scenario import ScenarioError

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CAPEX = "stages.smelter.capex_ref_usd"
NPV = 'span.n[data-key="/results/pathways/cathode/plant/npv_usd"]'


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (as .ci/run does)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


class Watch:
    """What a page did that it must not: requests leaving the server, console errors."""

    def __init__(self) -> None:
        self.outside: list[str] = []
        self.errors: list[str] = []


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[tuple[Page, Watch]]:
    watch = Watch()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    own = urlsplit(live_server).netloc

    def route(r):  # type: ignore[no-untyped-def]
        url = urlsplit(r.request.url)
        if url.scheme in ("data", "blob", "about") or url.netloc == own:
            r.continue_()
        else:
            watch.outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    pg = context.new_page()
    pg.on("console", lambda m: watch.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: watch.errors.append(str(e)))
    yield pg, watch
    context.close()
    assert watch.outside == [], "requests left the machine"
    assert watch.errors == [], "console errors"


def npv_text(pg: Page) -> str:
    pg.wait_for_selector("body[data-charts=ready]", timeout=60_000)
    return pg.locator(NPV).first.inner_text()


def test_change_capex_run_and_see_npv_change(page: tuple[Page, Watch], live_server: str) -> None:
    pg, _ = page
    pg.goto(live_server + "/")
    pg.click("#new-default")
    pg.fill("#name", "default-case")
    pg.click("#run")
    pg.wait_for_url("**/runs/*")
    before = npv_text(pg)
    pg.screenshot(path=str(SHOTS / "run.png"))
    pg.goto(live_server + "/scenarios/new")
    pg.fill("#name", "dear-smelter")
    pg.click("#g-stages > summary")
    pg.fill(f'[name="f:{CAPEX}"]', "900000000")
    assert pg.locator(f'tr[id="f-{CAPEX}"] .source').is_visible()  # asks for a source
    pg.fill(f'[name="s:{CAPEX}"]', "vendor quote")
    pg.screenshot(path=str(SHOTS / "editor.png"))
    pg.click("#run")
    pg.wait_for_url("**/runs/*")
    after = npv_text(pg)
    assert after != before
    want = api.evaluate(api.load()).value("cathode", "plant", "npv_usd")
    shown = float(pg.locator(NPV).first.get_attribute("data-value") or "nan")
    assert shown < want  # dearer smelter, lower NPV
    pg.goto(live_server + "/")
    pg.screenshot(path=str(SHOTS / "home.png"))
    pg.locator("#runs input[type=checkbox]").nth(0).check()
    pg.locator("#runs input[type=checkbox]").nth(1).check()
    pg.click("text=Compare the ticked runs")
    pg.wait_for_url("**/compare?*")
    assert pg.locator(f"#inputs td.path:text-is('{CAPEX}')").count() == 1
    pg.screenshot(path=str(SHOTS / "compare.png"))


def test_risk_progress_reaches_100(page: tuple[Page, Watch], live_server: str) -> None:
    pg, _ = page
    pg.goto(live_server + "/scenarios/new")
    pg.fill("#name", "risky")
    pg.click("#run")
    pg.wait_for_url("**/runs/*")
    pg.fill("#samples", "5000")
    pg.click("#start-risk")
    pg.wait_for_function(
        "() => { const p = document.getElementById('progress'); return p && p.value > 0; }",
        timeout=180_000,
        polling=50,
    )
    pg.screenshot(path=str(SHOTS / "risk-progress.png"))
    pg.wait_for_function(
        "() => { const p = document.getElementById('progress');"
        " return p && p.value >= 100"
        " && document.getElementById('pct').textContent.startsWith('100 %'); }",
        timeout=180_000,
        polling=50,
    )
    pg.wait_for_selector("#status:text-is('done')", timeout=30_000)
    pg.wait_for_selector("section#risk", timeout=60_000)
    pg.wait_for_selector("body[data-charts=ready]", timeout=60_000)


def test_bad_value_shows_inline_error(
    page: tuple[Page, Watch], live_server: str, tmp_path: Path
) -> None:
    pg, _ = page
    pg.goto(live_server + "/scenarios/new")
    pg.fill("#name", "bad")
    pg.click("#g-stages > summary")
    pg.fill(f'[name="f:{CAPEX}"]', "-5")
    pg.click("#run")
    error = pg.locator(f'tr[id="f-{CAPEX}"] .error')
    error.wait_for(timeout=30_000)
    file = tmp_path / "bad.toml"
    file.write_text(f"{CAPEX} = -5\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        api.load(file)
    assert exc.value.problems[0].message in error.inner_text()
    pg.screenshot(path=str(SHOTS / "editor-error.png"))


def new_run(pg: Page, live_server: str, name: str) -> None:
    """The default case saved as ``name`` and run: its run page."""
    pg.goto(live_server + "/scenarios/new")
    pg.fill("#name", name)
    pg.click("#run")
    pg.wait_for_url("**/runs/*")
    pg.wait_for_selector("body[data-charts=ready]", timeout=60_000)


#: Records every value the progress bar shows, every 20 ms, into window.seenProgress.
WATCH_PROGRESS = """() => { window.seenProgress = [];
  window.setInterval(() => { const p = document.getElementById('progress');
    if (p) { window.seenProgress.push(p.value); } }, 20); }"""


def test_incentives_job_progress_and_package(page: tuple[Page, Watch], live_server: str) -> None:
    pg, _ = page
    new_run(pg, live_server, "incentivised")
    pg.fill("#target-irr", "4")
    pg.fill("#min-dscr", "0.5")
    pg.click("#start-incentives")
    pg.wait_for_function("() => document.getElementById('progress') !== null", timeout=30_000)
    pg.evaluate(WATCH_PROGRESS)
    pg.wait_for_function(
        "() => { const p = document.getElementById('progress'); return p && p.value > 0; }",
        timeout=180_000,
        polling=20,
    )
    pg.screenshot(path=str(SHOTS / "incentives-progress.png"))
    pg.wait_for_selector("#status:text-is('done')", timeout=180_000)
    seen = pg.evaluate("() => window.seenProgress")
    assert any(0 < v < 100 for v in seen), f"the bar showed no progress between 0 and 100: {seen}"
    assert max(seen) == 100
    pg.wait_for_selector("section#incentives", timeout=60_000)
    pg.wait_for_selector("body[data-charts=ready]", timeout=60_000)
    want = api.incentives(api.load(), target_irr_pct=4.0, min_dscr=0.5)
    assert want.package is not None
    for lever, amount in want.package.items():
        cell = pg.locator(f'#incentives span.n[data-key="/incentives/package/{lever}"]')
        if amount:
            assert float(cell.get_attribute("data-value") or "nan") == pytest.approx(amount)
    metrics = want.package_metrics or {}
    for key in ("public_cost_province_pv_usd", "public_cost_federation_pv_usd"):
        cell = pg.locator(f'#incentives span.n[data-key="/incentives/package_metrics/{key}"]')
        assert float(cell.get_attribute("data-value") or "nan") == pytest.approx(metrics[key])
    points = pg.locator("#pareto tr.point")
    assert points.count() == len(want.pareto)
    first = points.first
    assert float(first.get_attribute("data-cost") or "nan") == pytest.approx(
        want.pareto[0]["public_cost_pv_usd"]
    )
    assert pg.locator("#chart-incentives-pareto .main-svg").count() > 0  # the chart, drawn
    pg.locator("section#incentives").screenshot(path=str(SHOTS / "incentives.png"))


def test_siting_job_shows_the_map(page: tuple[Page, Watch], live_server: str) -> None:
    pg, _ = page
    new_run(pg, live_server, "sited")
    pg.click("#start-siting")
    pg.wait_for_selector("#job .job-kind:text-is('siting')", timeout=30_000)
    pg.wait_for_selector("#status:text-is('done')", timeout=180_000)
    pg.wait_for_selector("section#siting figure.map svg", timeout=60_000)
    where, _, _ = api.brief_siting(api.load())
    assert where is not None
    best = where.to_dict()["best"]["sites"][0]
    label = next(r["label"] for r in where.to_dict()["ranking"] if r["site"] == best)
    assert label in pg.locator("section#siting").inner_text()


def test_cancel_a_risk_run(page: tuple[Page, Watch], live_server: str) -> None:
    pg, _ = page
    new_run(pg, live_server, "cancelled")
    pg.fill("#samples", "20000")  # seconds of work: still running when Cancel is pressed
    pg.click("#start-risk")
    pg.wait_for_function(
        "() => { const p = document.getElementById('progress'); return p && p.value > 0; }",
        timeout=180_000,
        polling=50,
    )
    pg.click("#cancel")
    assert pg.locator("#cancel").is_disabled()
    pg.wait_for_selector("#reason:text-is('cancelled by the user')", timeout=120_000)
    assert pg.locator("#status").inner_text() == "failed"
    assert pg.locator("section#risk").count() == 0


def test_changed_field_asks_for_a_source(page: tuple[Page, Watch], live_server: str) -> None:
    pg, _ = page
    pg.goto(live_server + "/scenarios/new")
    pg.click("#g-stages > summary")
    row = pg.locator(f'tr[id="f-{CAPEX}"]')
    source, default = row.locator(".source"), row.locator(".default")
    assert not source.is_visible() and not default.is_visible()
    pg.fill(f'[name="f:{CAPEX}"]', "900000000")
    assert source.is_visible() and default.is_visible()
    assert default.inner_text() == "default: 440000000.0"
    assert source.get_attribute("placeholder") == "your source for this value"
    pg.fill(f'[name="f:{CAPEX}"]', "440000000.0")  # back to the default: no source asked
    assert not source.is_visible()
    pg.fill(f'[name="f:{CAPEX}"]', "440000000")  # the default number written otherwise
    assert not source.is_visible()
    pg.fill(f'[name="f:{CAPEX}"]', "900000000")
    pg.fill(f'[name="s:{CAPEX}"]', "vendor quote 2026")
    pg.fill("#name", "sourced")
    pg.click("button[value=save]")
    pg.wait_for_url("**/scenarios/*")
    saved = pg.request.get(live_server + "/api/v1/scenarios").json()[0]
    assert saved["name"] == "sourced"
    assert f'{CAPEX} = {{ value = 900000000, source = "vendor quote 2026" }}' in saved["toml"]
    assert pg.locator(f'tr[id="f-{CAPEX}"].changed .source').input_value() == ""
