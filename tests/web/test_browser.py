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
