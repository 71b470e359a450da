"""The brief (orevalue report): every number shown equals its source, every input is listed,
nothing is fetched from the network, and it opens in headless Chromium without errors.

The checks below re-implement the documented key grammar and number formats
(orevalue.report.brief.numbers) instead of importing them, so the brief is checked against
the documentation rather than against itself.
"""

from __future__ import annotations

import copy
import json
import math
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import numpy as np
import pytest
from typer.testing import CliRunner

from orevalue.cli import app

RISK_N = 2000
SITE = "port-qasim"


# ------------------------------------------------------------------ independent readers


def resolve(doc: Any, ptr: str) -> Any:
    item = doc
    for raw in ptr.split("/")[1:]:
        seg = unquote(raw).replace("~1", "/").replace("~0", "~")
        item = item[int(seg)] if isinstance(item, list) else item[seg]
    return item


def key_value(doc: Any, key: str) -> float | None:
    """key := ["-"] term ((" + " | " - ") term)*;  term := pointer [" / " pointer]"""
    tokens = key.split(" ")
    sign = 1.0
    if tokens[0] == "-":
        sign, tokens = -1.0, tokens[1:]
    out = 0.0
    while tokens:
        a = resolve(doc, tokens.pop(0))
        if a is None:
            return None
        term = float(a)
        if tokens and tokens[0] == "/":
            b = resolve(doc, tokens[1])
            tokens = tokens[2:]
            if b is None or float(b) == 0:
                return None
            term /= float(b)
        out += sign * term
        if tokens:
            sign = 1.0 if tokens.pop(0) == "+" else -1.0
    return out if math.isfinite(out) else None


def people(value: float | None, kind: str) -> str:
    """The documented formats: true minus, no sign on zero, en dash for missing."""
    if value is None or not math.isfinite(value):
        return "\u2013"
    specs = {
        "musd": (1e-6, ",.0f"),
        "usd": (1, ",.0f"),
        "pct": (100, ".1f"),
        "pct0": (100, ".0f"),
        "pp": (1, "+.1f"),
        "kt": (1e-3, ",.0f"),
        "n": (1, ",.0f"),
        "x": (1, ".2f"),
        "yr": (1, ".1f"),
        "int": (1, ".0f"),
    }
    if kind == "g":
        if float(value).is_integer():
            text = f"{int(value):,}"
        else:
            text = f"{value:.6g}"
            if "e" not in text and abs(value) >= 1000:
                whole, _, frac = text.partition(".")
                text = f"{int(whole):,}" + (f".{frac}" if frac else "")
    else:
        scale, spec = specs[kind]
        text = format(value * scale, spec)
    if not re.search(r"[1-9]", text.split("e")[0]):
        return text.lstrip("+-")
    return "\u2212" + text[1:] if text.startswith("-") else text


class BriefParser(HTMLParser):
    """Numbers (span.n), verdict lines, input rows, chart divs and the figures' JSON."""

    def __init__(self) -> None:
        super().__init__()
        self.numbers: list[dict[str, Any]] = []
        self.verdict: dict[int, str] = {}
        self.inputs: list[str] = []
        self.charts: list[str] = []
        self.figures = ""
        self.resources: list[str] = []  # src/href values
        self.scripts: list[dict[str, str]] = []
        self.links: list[dict[str, str]] = []
        self._num: dict[str, Any] | None = None
        self._verdict: int | None = None
        self._script: str | None = None
        self._style = False
        self.style_text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for name in ("src", "href"):
            if name in a:
                self.resources.append(a[name])
        if "style" in a:
            self.style_text += a["style"]
        if tag == "span" and "data-key" in a:
            self._num = {**a, "text": ""}
        elif tag == "li" and "data-verdict" in a:
            self._verdict = int(a["data-verdict"])
            self.verdict[self._verdict] = ""
        elif tag == "tr" and "data-input" in a:
            self.inputs.append(a["data-input"])
        elif tag == "div" and a.get("class") == "chart":
            self.charts.append(a["id"].removeprefix("chart-"))
        elif tag == "script":
            self.scripts.append(a)
            self._script = a.get("id", "")
        elif tag == "style":
            self._style = True
        elif tag == "link":
            self.links.append(a)

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self._num is not None:
            self.numbers.append(self._num)
            self._num = None
        elif tag == "li":
            self._verdict = None
        elif tag == "script":
            self._script = None
        elif tag == "style":
            self._style = False

    def handle_data(self, data: str) -> None:
        if self._num is not None:
            self._num["text"] += data
        if self._verdict is not None:
            self.verdict[self._verdict] += data
        if self._script == "orevalue-figures":
            self.figures += data
        if self._style:
            self.style_text += data


# ------------------------------------------------------------------ fixtures


def invoke(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def brief(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The default case with risk and a site: brief.html, brief.json, parsed."""
    out = tmp_path_factory.mktemp("brief")
    result = invoke(
        "report",
        "--risk",
        str(RISK_N),
        "--sobol",
        "64",
        "--workers",
        "1",
        "--site",
        SITE,
        "--out",
        str(out),
        "--quiet",
    )
    assert result.exit_code == 0, result.output
    folder = out / f"balochistan-copper-{SITE}"
    html = (folder / "brief.html").read_text(encoding="utf-8")
    parser = BriefParser()
    parser.feed(html)
    return {
        "folder": folder,
        "html": html,
        "doc": json.loads((folder / "brief.json").read_text(encoding="utf-8")),
        "parsed": parser,
    }


# ------------------------------------------------------------------ numbers


def check_numbers(doc: Any, numbers: list[dict[str, Any]]) -> set[str]:
    """Each number shown equals its key's value in brief.json, formatted as documented;
    returns the kinds seen."""
    kinds = set()
    for n in numbers:
        expected = key_value(doc, n["data-key"])
        shown = None if n["data-value"] == "null" else float(n["data-value"])
        if expected is None:
            assert shown is None, n
        else:
            assert shown == pytest.approx(expected, rel=1e-12, abs=1e-9), n
        assert n["text"] == people(expected, n["data-kind"]), n
        kinds.add(n["data-kind"])
    return kinds


def test_every_number_shown_equals_its_source(brief: dict[str, Any]) -> None:
    doc, numbers = brief["doc"], brief["parsed"].numbers
    assert len(numbers) > 800
    kinds = check_numbers(doc, numbers)
    assert {"musd", "usd", "pct", "n", "kt", "g"} <= kinds


def test_brief_json_holds_the_results_json_of_orevalue_run(
    brief: dict[str, Any], tmp_path: Path
) -> None:
    result = invoke("run", "--site", SITE, "--out", str(tmp_path), "--quiet")
    assert result.exit_code == 0, result.output
    results = json.loads(
        (tmp_path / f"balochistan-copper-{SITE}" / "results.json").read_text(encoding="utf-8")
    )
    assert brief["doc"]["results"] == results


def _numbers_in(value: Any) -> list[Any]:
    """The numbers in a trace field (a list, maybe of lists), booleans aside."""
    flat = value if isinstance(value, list) else [value]
    if flat and isinstance(flat[0], list):
        flat = [v for part in flat for v in part]
    return [v for v in flat if isinstance(v, int | float) and not isinstance(v, bool)]


def check_charts(doc: Any, figures: dict[str, Any]) -> int:
    """Every number a chart's traces hold equals its key's value in brief.json times the
    scale in ``meta``; returns how many were checked."""
    checked = 0
    for name, fig in figures.items():
        for trace in fig["data"]:
            meta = trace["meta"]
            for field, keys in meta["fields"].items():
                scale = meta["scale"][field]
                assert len(trace[field]) == len(keys), (name, field)
                for value, key in zip(trace[field], keys, strict=True):
                    expected = key_value(doc, key) if key else None
                    if expected is None:
                        assert value is None, (name, field, key)
                    else:
                        assert value == pytest.approx(expected * scale, rel=1e-12, abs=1e-9)
                    checked += 1
            # every number a trace holds per point is keyed: the other fields hold labels
            for field in ("x", "y", "base", "width", "customdata", "text"):
                if field in trace and field not in meta["fields"]:
                    assert isinstance(trace[field], list), (name, field)
                    assert _numbers_in(trace[field]) == [], (name, field)
    return checked


def test_chart_numbers_equal_their_source(brief: dict[str, Any]) -> None:
    doc = brief["doc"]
    figures = json.loads(brief["parsed"].figures)
    assert set(figures) == set(brief["parsed"].charts)
    assert {
        "waterfall",
        "cash-flow-parts",
        "dollars",
        "government",
        "risk-npv",
        "tornado",
        "sobol",
    } <= set(figures)
    assert check_charts(doc, figures) > 300


def _histogram_traces(figure: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for t in figure["data"] if t["type"] == "bar"]


def test_npv_histograms_show_every_sample_on_common_bins(brief: dict[str, Any]) -> None:
    """One histogram per pathway that builds, on the summary's common edges: bars from edge
    to edge, shares of the samples that add up, with those beyond the edges, to 100 %."""
    risk = brief["doc"]["risk"]
    edges = risk["npv_histogram"]["edges"]
    bins = risk["npv_histogram"]["bins"]
    assert len(edges) == bins + 1 and bins >= 20
    figure = json.loads(brief["parsed"].figures)["risk-npv"]
    bars = _histogram_traces(figure)
    building = [p for p in risk["pathways"].values() if p["builds"]]
    assert [t["name"] for t in bars] == [p["label"] for p in building]
    boxes = [t for t in figure["data"] if t["type"] == "box"]
    assert [t["y"] for t in boxes] == [[p["label"]] for p in building]
    for trace, pathway in zip(bars, building, strict=True):
        hist = pathway["npv_usd"]["histogram"]
        assert hist["n"] == RISK_N
        assert sum(hist["counts"]) + hist["below"] + hist["above"] + hist["nan"] == RISK_N
        assert trace["x"] == pytest.approx([e * 1e-6 for e in edges[:-1]], rel=1e-12)
        assert trace["customdata"] == pytest.approx([e * 1e-6 for e in edges[1:]], rel=1e-12)
        ends = [a + w for a, w in zip(trace["x"], trace["width"], strict=True)]
        assert ends == pytest.approx(trace["customdata"], rel=1e-9)
        beyond = 100 * (hist["below"] + hist["above"] + hist["nan"]) / hist["n"]
        assert sum(trace["y"]) + beyond == pytest.approx(100.0, rel=1e-12)
        assert beyond < 2.0  # the edges reach each pathway's P0.5 and P99.5 at least
        # the histogram's quantiles agree with the summary's (within a bin)
        cum = np.cumsum([hist["below"], *hist["counts"]]) / (hist["n"] - hist["nan"])
        width = edges[1] - edges[0]
        p50_bin = int(np.searchsorted(cum, 0.5))
        assert edges[p50_bin - 1] - width <= pathway["npv_usd"]["p50"] <= edges[p50_bin] + width
    # the caption tells the bins and, for each pathway, the share beyond them
    keys = {unquote(n["data-key"]) for n in brief["parsed"].numbers}
    assert "/risk/npv_histogram/bins" in keys
    for name, pathway in risk["pathways"].items():
        if pathway["builds"]:
            hist = f"/risk/pathways/{name}/npv_usd/histogram"
            assert f"{hist}/below / {hist}/n" in keys and f"{hist}/above / {hist}/n" in keys


def test_npv_chart_with_failed_samples_or_without_histograms(brief: dict[str, Any]) -> None:
    """Samples without an NPV are counted in the caption; an older summary without
    histograms still gets its boxes. Every number still equals its source."""
    import orevalue
    from orevalue.report.brief import BriefInputs, build

    results = orevalue.evaluate(orevalue.load(), breakeven=False)
    failed = copy.deepcopy(brief["doc"]["risk"])
    hist = failed["pathways"]["cathode"]["npv_usd"]["histogram"]
    peak = int(np.argmax(hist["counts"]))
    hist["counts"][peak] -= 7
    hist["nan"] += 7
    older = copy.deepcopy(brief["doc"]["risk"])
    del older["npv_histogram"]
    for pathway in older["pathways"].values():
        del pathway["npv_usd"]["histogram"]
    for risk, bars in ((failed, 3), (older, 0)):
        html, doc = build(BriefInputs(results=results, risk=risk))
        doc = json.loads(json.dumps(doc))
        parser = BriefParser()
        parser.feed(html)
        check_numbers(doc, parser.numbers)
        figures = json.loads(parser.figures)
        assert check_charts(doc, figures) > 100
        figure = figures["risk-npv"]
        assert len(_histogram_traces(figure)) == bars
        assert len([t for t in figure["data"] if t["type"] == "box"]) == 3
    failed_key = "/risk/pathways/cathode/npv_usd/histogram/nan"
    html, _ = build(BriefInputs(results=results, risk=failed))
    parser = BriefParser()
    parser.feed(html)
    shown = [n for n in parser.numbers if unquote(n["data-key"]) == failed_key]
    assert [n["text"] for n in shown] == ["7"]
    assert "Samples without a finite NPV" in html


def test_waterfall_runs_from_concentrate_to_product_value(brief: dict[str, Any]) -> None:
    """The per-tonne waterfall adds up: concentrate + uplifts = products sold, less costs =
    what is left, less the capital charge = what is left after capital."""
    trace = json.loads(brief["parsed"].figures)["waterfall"]["data"][0]
    level = 0.0
    for label, measure, value in zip(trace["y"], trace["measure"], trace["x"], strict=True):
        if measure == "absolute":
            if level:
                assert value == pytest.approx(level, rel=1e-9), label
            level = value
        else:
            level += value
    margin = brief["doc"]["results"]["pathways"]["cathode"]["margin_usd_per_t_product_cu"]
    assert trace["x"][-1] - trace["x"][0] == pytest.approx(margin["margin_after_capital"])


def test_verdict_is_the_results_verdict(brief: dict[str, Any]) -> None:
    verdict = brief["doc"]["results"]["verdict"]
    shown = brief["parsed"].verdict
    assert [shown[i] for i in range(len(shown))] == verdict


def test_assumptions_list_every_resolved_input(brief: dict[str, Any]) -> None:
    import orevalue
    from orevalue.siting import site_overlay

    scenario = orevalue.load(overlays=(site_overlay(SITE, orevalue.load()),))
    inputs = orevalue.evaluate(scenario, breakeven=False, detail=False, compare=False).inputs()
    rows = brief["parsed"].inputs
    assert len(rows) == len(set(rows)) == len(inputs)
    assert set(rows) == set(inputs)
    # each numeric input's value is shown, keyed to it
    keys = {n["data-key"] for n in brief["parsed"].numbers}
    for path, entry in inputs.items():
        if isinstance(entry["value"], int | float) and not isinstance(entry["value"], bool):
            assert any(unquote(k) == f"/results/inputs/{path}/value" for k in keys), path


def test_footer_lets_anyone_reproduce_it(brief: dict[str, Any]) -> None:
    doc, html = brief["doc"], brief["html"]
    assert re.fullmatch(r"[0-9a-f]{64}", doc["scenario_sha256"])
    assert doc["scenario_sha256"] in html
    assert doc["seed"] == 1 and "Seed: <code>1</code>" in html
    assert f"orevalue report --site {SITE} --risk {RISK_N} --seed 1 --sobol 64" in html
    assert doc["orevalue_version"] in html
    assert doc["risk"]["run"]["samples"] == RISK_N


# ------------------------------------------------------------------ self-contained


def test_no_resource_leaves_the_file(brief: dict[str, Any]) -> None:
    parsed = brief["parsed"]
    assert all(not r.lower().startswith(("http:", "https:", "//")) for r in parsed.resources)
    assert all(r.startswith("#") for r in parsed.resources if r), parsed.resources[:5]
    assert not any("src" in s for s in parsed.scripts)  # every script inline
    assert not parsed.links  # no stylesheet or font links
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", parsed.style_text)
    assert "@import" not in parsed.style_text and "@font-face" not in parsed.style_text
    # outside the inlined plotly.js, no web address is referenced at all
    outside = re.sub(r"<script>.*?</script>", "", brief["html"], flags=re.DOTALL)
    refs = re.findall(r"(?:src|href)\s*=\s*['\"]?\s*https?:|url\(\s*['\"]?https?:", outside)
    assert refs == []


def test_assets_ship_in_the_package() -> None:
    from importlib import resources

    assets = resources.files("orevalue.report").joinpath("assets")
    assert assets.joinpath("brief.css").is_file() and assets.joinpath("brief.js").is_file()
    text = Path(__file__).parents[2].joinpath("pyproject.toml").read_text(encoding="utf-8")
    assert '"report/assets/*"' in text


def test_run_does_not_load_the_brief_code() -> None:
    code = (
        "import sys, orevalue.cli; "
        "print(sorted(m for m in sys.modules if 'brief' in m or m.startswith('plotly')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ------------------------------------------------------------------ in a browser


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "Chromium is needed for these tests: apt-get install chromium (see .ci/run)"
    return found


def test_opens_offline_in_chromium_without_errors(brief: dict[str, Any], tmp_path: Path) -> None:
    from orevalue.report.brief.browser import CHARTS_DONE, Chromium

    with Chromium(chromium()) as browser:
        page = browser.page(width=1000, height=1400)
        page.open(brief["folder"] / "brief.html", offline=True, wait_for=CHARTS_DONE)
        page.settle(0.5)
        assert page.evaluate("document.body.getAttribute('data-charts')") == "ready"
        drawn = page.evaluate(
            "Array.from(document.querySelectorAll('div.chart'))"
            ".filter(d => d.querySelector('svg.main-svg')).length"
        )
        assert drawn == len(brief["parsed"].charts)
        shot = page.screenshot()
        # to look at it: OREVALUE_ARTIFACTS=some/folder python -m pytest tests/report/test_report.py
        keep = Path(os.environ.get("OREVALUE_ARTIFACTS") or tmp_path)
        keep.mkdir(parents=True, exist_ok=True)
        (keep / "brief.png").write_bytes(shot)
        log = page.log
    assert shot.startswith(b"\x89PNG") and len(shot) > 50_000
    assert log.errors == []
    assert log.external_requests == []
    assert log.requests == [(brief["folder"] / "brief.html").resolve().as_uri()]


def test_pdf(tmp_path: Path) -> None:
    chromium()
    result = invoke("report", "--no-siting", "--pdf", "--out", str(tmp_path), "--quiet")
    assert result.exit_code == 0, result.output
    pdf = (tmp_path / "balochistan-copper" / "brief.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") > 10
    assert sorted(p.name for p in (tmp_path / "balochistan-copper").iterdir()) == [
        "brief.html",
        "brief.json",
        "brief.pdf",
    ]


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.toml"], "missing.toml"),
        (["--site", "atlantis"], "atlantis"),
        (["--regime", "nowhere"], "nowhere"),
        (["--sobol", "3", "--risk", "10"], "--sobol: got 3"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["report", *args, "--out", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not any(tmp_path.iterdir())


def test_pdf_without_chromium_exits_2_before_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OREVALUE_CHROMIUM", str(tmp_path / "no-such-browser"))
    result = CliRunner().invoke(app, ["report", "--pdf", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "--pdf: no Chromium found" in result.output
    assert not (tmp_path / "out").exists()


def test_formats_for_people() -> None:
    from orevalue.outputs import format_value

    assert format_value("musd", -1_381_269_748.16) == "\u22121,381"
    assert format_value("musd", -0.2) == "0"
    assert format_value("pct", -0.020769) == "\u22122.1"
    assert format_value("pp", 1.5) == "+1.5"
    assert format_value("usd", float("nan")) == format_value("usd", None) == "\u2013"
    assert format_value("g", 7_000_000.0) == "7,000,000"
    assert format_value("g", 73.94) == "73.94"
    assert format_value("g", 0.6) == "0.6"
    assert format_value("kt", 235_977.8) == "236"
