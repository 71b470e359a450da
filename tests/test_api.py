"""Tests for orevalue.api, the one face: each function against what the command line writes
from it, or against facts checkable by hand; and the layers (who may import whom)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import orevalue
from orevalue import api
from orevalue.cli import app
from orevalue.economics import metrics
from orevalue.report.files import results_document
from orevalue.scenario import ScenarioError
from orevalue.siting import site_overlay

runner = CliRunner()
SRC = Path(orevalue.__file__).parent


def test_load_lays_site_then_regime_over_the_case():
    loaded = api.load(site="Gwadar", regime="sez")
    assert (loaded.site, loaded.regime, loaded.suffix) == ("gwadar", "sez", "-gwadar-sez")
    assert loaded.output_name == f"{orevalue.load().name}-gwadar-sez"
    assert loaded.path is None and len(loaded.overlays) == 2
    assert loaded.scenario.fiscal.regime == "sez"
    power = loaded.scenario.provenance["site.power_usd_per_kwh"]
    assert "orevalue site plan for gwadar" in power["source"]
    # the same scenario as laying the same overlays over the default case by hand
    assert loaded.variant() == loaded.scenario
    plain = api.load()
    assert (plain.site, plain.regime, plain.suffix, plain.overlays) == (None, None, "", ())
    assert plain.scenario == orevalue.load()


def test_load_names_an_unknown_site_and_regime():
    with pytest.raises(ScenarioError) as caught:
        api.load(site="atlantis")
    assert "atlantis" in str(caught.value.problems[0]) and "gwadar" in str(caught.value.problems[0])
    with pytest.raises(ScenarioError) as caught:
        api.load(regime="nowhere")
    assert "nowhere" in str(caught.value.problems[0])


def test_evaluate_writes_what_orevalue_run_writes(tmp_path):
    result = runner.invoke(app, ["run", "--regime", "epz", "--out", str(tmp_path), "-q"])
    assert result.exit_code == 0, result.output
    loaded = api.load(regime="epz")
    text = (tmp_path / loaded.output_name / "results.json").read_text(encoding="utf-8")
    doc = results_document(api.evaluate(loaded))
    assert text == json.dumps(doc, indent=2, allow_nan=False) + "\n"


def test_results_carry_what_presentation_reads(default_results):
    r = default_results
    s = r.scenario
    # the first year at full utilisation, as the terminal states it
    first_full = (
        int(r.years[0]) + len(s.project.construction_spend_pct) + len(s.project.utilisation_pct) - 1
    )
    assert int(r.years[r.steady_index]) == first_full
    products = {name: p.main_product for name, p in r.pathways.items()}
    assert products == {name: name for name in s.pathways}  # each pathway sells its namesake
    # the verdict's minimum-tax figure: the instrument discounted at the country's rate
    cathode = r.pathways["cathode"]
    line = cathode.government_usd["minimum_and_alternative_tax"]
    pv = metrics.npv(s.project.discount_rate_pct / 100.0, line)
    np.testing.assert_array_equal(
        cathode.country["government_pv_usd_minimum_and_alternative_tax"], pv
    )


def test_results_json_adds_verdict_and_trade_in_place(default_results):
    plain = default_results.to_dict()
    assert "verdict" not in plain and "copper_exports_to_china" not in plain
    doc = results_document(default_results)
    assert list(doc) == [
        "orevalue_version",
        "scenario",
        "verdict",
        "warnings",
        "fiscal_regime",
        "pathways",
        "regimes",
        "copper_exports_to_china",
        "mine",
        "inputs",
    ]
    assert doc["copper_exports_to_china"]["rows"]
    assert doc["verdict"][0].startswith("Highest plant NPV: ")


def test_site_npv_is_the_engine_on_the_overlaid_case(default_scenario):
    overlay = site_overlay("saindak", default_scenario)
    npv = api.site_npv(default_scenario)(overlay, "pakistan-standard")
    zone = api.regime_overlay("pakistan-standard", "zone regime pakistan-standard")
    by_hand = orevalue.evaluate(
        orevalue.load(overlays=(overlay, zone)), breakeven=False, detail=False, compare=False
    )
    assert npv == by_hand.value("cathode", "plant", "npv_usd")
    # a loaded case keeps its own overlays under the site's
    taxed = api.load(regime="epz")
    on_taxed = api.site_npv(taxed)(overlay, None)
    expected = orevalue.evaluate(
        orevalue.load(overlays=(*taxed.overlays, overlay)), breakeven=False, detail=False
    ).value("cathode", "plant", "npv_usd")
    assert on_taxed == expected


def test_site_without_engine_ranks_on_the_programme(default_scenario):
    siting = api.site(default_scenario, engine_npv=False, max_sites=1)
    assert siting.options.max_sites == 1
    assert all(r.npv_usd is None for r in siting.ranking)
    feasible = [r.plan.margin_usd_per_yr for r in siting.ranking if r.plan]
    assert feasible == sorted(feasible, reverse=True)


def test_risk_reports_progress_and_matches_the_command(tmp_path):
    calls = []
    loaded = api.load()
    summary = api.risk(
        loaded,
        64,
        seed=3,
        workers=1,
        sobol=0,
        tornado=False,
        progress=lambda *a: calls.append(a),
    )
    assert calls[-1] == ("monte carlo", 64, 64)
    assert summary["run"]["samples"] == 64 and summary["run"]["seed"] == 3
    args = ["risk", "-n", "64", "--seed", "3", "--workers", "1", "--sobol", "0", "--no-tornado"]
    result = runner.invoke(app, [*args, "--out", str(tmp_path), "-q"])
    assert result.exit_code == 0, result.output
    written = json.loads((tmp_path / loaded.output_name / "risk" / "summary.json").read_text())
    for name, pathway in written["pathways"].items():
        assert pathway["npv_usd"]["p50"] == summary["pathways"][name]["npv_usd"]["p50"]


def test_report_is_the_brief_orevalue_report_writes(tmp_path):
    result = runner.invoke(app, ["report", "--no-siting", "--out", str(tmp_path), "-q"])
    assert result.exit_code == 0, result.output
    loaded = api.load()
    brief = api.report(loaded, siting=False, command="orevalue report --no-siting")
    folder = tmp_path / loaded.output_name
    assert brief.html == (folder / "brief.html").read_text(encoding="utf-8")
    assert brief.doc == json.loads((folder / "brief.json").read_text(encoding="utf-8"))
    assert brief.doc["results"]["verdict"] == results_document(api.evaluate(loaded))["verdict"]


# ------------------------------------------------------------------ layers


def imports_of(path: Path) -> set[str]:
    """Every name a source file imports, dotted (at the top or inside functions): ``import
    orevalue`` gives "orevalue", ``from orevalue import api`` gives "orevalue.api"."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.update(f"{node.module}.{alias.name}" for alias in node.names)
    return out


def modules_under(*folders: str) -> list[Path]:
    return [p for f in folders for p in sorted((SRC / f).rglob("*.py"))]


def test_nothing_outside_the_command_line_imports_it():
    for path in SRC.rglob("*.py"):
        if "cli" in path.relative_to(SRC).parts or path.name == "__main__.py":
            continue
        assert not any(m.startswith("orevalue.cli") for m in imports_of(path)), path


def test_below_the_report_nothing_imports_presentation_or_the_face():
    # report, cli and web are the layers above the face (web calls it as cli does)
    below = [
        p for p in SRC.rglob("*.py") if p.relative_to(SRC).parts[0] not in ("report", "cli", "web")
    ]
    for path in below:
        if path.name == "api.py":
            continue
        imported = imports_of(path)
        assert not any(m.startswith(("orevalue.report", "orevalue.api")) for m in imported), path


def test_presentation_reads_results_not_economics():
    for path in [SRC / "report" / "verdict.py", *modules_under("report/brief")]:
        assert not any(m.startswith("orevalue.economics") for m in imports_of(path)), path


def test_siting_never_evaluates_or_reloads():
    for path in modules_under("siting"):
        imported = imports_of(path)
        assert "orevalue" not in imported and "orevalue.engine" not in imported, path
        assert "orevalue.scenario.load" not in imported, path
