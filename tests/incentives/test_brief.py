"""The brief's section "What it would take": every number and chart point equals its source
in brief.json, and the section is there only when asked for."""

from __future__ import annotations

import json

from report.test_report import BriefParser, check_charts, check_numbers, invoke


def test_report_incentives_draws_the_pareto_front_and_bang_for_buck(tmp_path):
    result = invoke("report", "--incentives", "--no-siting", "--out", str(tmp_path), "--quiet")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "balochistan-copper"
    html = (folder / "brief.html").read_text(encoding="utf-8")
    doc = json.loads((folder / "brief.json").read_text(encoding="utf-8"))
    assert doc["incentives"]["pareto"] and doc["incentives"]["ranking"]
    assert "--incentives" in doc["command"]
    parser = BriefParser()
    parser.feed(html)
    ours = [n for n in parser.numbers if n["data-key"].startswith("/incentives")]
    assert ours
    check_numbers(doc, ours)
    figures = json.loads(parser.figures)
    assert {"incentives-pareto", "incentives-bang"} <= set(figures)
    assert check_charts(doc, figures) > 20
    assert "What it would take" in html
    assert "even with every lever at its limit the equity IRR is" in html


def test_report_without_incentives_has_no_such_section(tmp_path):
    result = invoke("report", "--no-siting", "--out", str(tmp_path), "--quiet")
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "balochistan-copper" / "brief.json").read_text())
    assert "incentives" not in doc
