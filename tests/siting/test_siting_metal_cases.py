"""orevalue site on the gold and antimony cases: one stage group at one site, the case's own
candidate sites (data/sites-gold.toml, sites-antimony.toml), feeds blended as the engine
processes them, and no copper word in what the command prints or writes."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

import orevalue
from orevalue import api
from orevalue.cli import app
from orevalue.siting.data import load_sites, sites_file
from orevalue.siting.units import feed_blend

COPPER_WORDS = re.compile(r"copper|cathode|smelter", re.IGNORECASE)
CASES = {"gold": "balochistan-gold", "antimony": "balochistan-antimony"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """``orevalue site --case NAME`` of both cases: (exit code, output, folder)."""
    out = tmp_path_factory.mktemp("site")
    done = {}
    for case, name in CASES.items():
        result = CliRunner().invoke(app, ["site", "--case", case, "--out", str(out)])
        done[case] = (result.exit_code, result.output, out / name / "site")
    return done


@pytest.fixture(scope="module")
def sitings():
    return {case: api.site(api.load(case=case)) for case in CASES}


@pytest.mark.parametrize("case", list(CASES))
def test_the_command_works_without_a_copper_word(runs, case):
    code, output, folder = runs[case]
    assert code == 0, output
    assert sorted(p.name for p in folder.iterdir()) == [
        "map.png",
        "map.svg",
        "ranking.csv",
        "site.json",
    ]
    assert not COPPER_WORDS.findall(output), COPPER_WORDS.findall(output)
    assert f"orevalue run --case {case} --site " in output  # the hint keeps the case
    for name in ("site.json", "ranking.csv", "map.svg"):
        text = (folder / name).read_text(encoding="utf-8")
        assert not COPPER_WORDS.findall(text), (name, COPPER_WORDS.findall(text)[:5])


@pytest.mark.parametrize("case", list(CASES))
def test_each_case_reads_its_own_sites_file(case):
    scenario = orevalue.load(case=case)
    assert sites_file(scenario) == f"sites-{case}.toml"
    assert sites_file(orevalue.load()) == "sites.toml"
    assert load_sites(scenario=scenario).source_file == f"sites-{case}.toml"


@pytest.mark.parametrize("case", list(CASES))
def test_the_plan_places_the_cases_own_stages_at_one_site(sitings, runs, case):
    """One group, named by the focus pathway's stages, at one site; the ranking's header
    names the case's product."""
    scenario = orevalue.load(case=case)
    siting = sitings[case]
    stages = scenario.pathways[scenario.focus_pathway].stages
    (built,) = siting.best.stages
    assert built.stage == "+".join(stages)
    assert siting.best.sites == [built.site]
    assert built.site == siting.ranking[0].key  # the best plan is the best site alone
    product = scenario.pathways[scenario.focus_pathway].main_product
    header = (runs[case][2] / "ranking.csv").read_text(encoding="utf-8").splitlines()[0]
    assert f"npv_{product}_after_tax_usd" in header.split(",")
    doc = json.loads((runs[case][2] / "site.json").read_text(encoding="utf-8"))
    assert f"{product}_t_per_yr" in doc["best"]


def test_gold_blends_scrap_and_dore_and_closes_its_gold(sitings):
    """balochistan-gold.toml: 6 t/yr of scrap at 83 % Au and 0.6 t/yr of doré at 85 % Au,
    both taken whole (nameplate 12 t/yr x 92 % = 11.04 t/yr of room); the refinery's bars
    carry 99.95 % of the gold and are 99.99 % gold."""
    scenario = orevalue.load(case="gold")
    assert feed_blend(scenario, ("scrap", "dore")) == pytest.approx({"scrap": 6.0, "dore": 0.6})
    units = sitings["gold"].best_model.units
    assert units.feed_blend == pytest.approx({"scrap": 6.0 / 6.6, "dore": 0.6 / 6.6})
    plan = sitings["gold"].best
    assert plan.conc_processed_dmt_per_yr == pytest.approx(6.6)
    gold_in = 6.0 * 0.83 + 0.6 * 0.85
    assert plan.refined_t_per_yr == pytest.approx(gold_in * 0.9995 / 0.9999, rel=1e-9)
    # what the sources put in leaves the sources: scrap at the market, doré from Attock
    legs_from = {u.from_node: u.t_per_yr for u in plan.legs}
    assert sum(legs_from["dore"].values()) == pytest.approx(0.6)
    assert sum(p.t_per_yr.get("bars", 0.0) for p in plan.ports) == pytest.approx(
        plan.refined_t_per_yr
    )


def test_antimony_blend_in_the_steady_year_is_the_imported_concentrate(sitings):
    """balochistan-antimony.toml: the local mine's concentrate ends in 2031; in 2032, the
    first year at 90 % utilisation, the roaster takes min(3,910, 4,345 x 0.9) = 3,910 dmt of
    imported concentrate, landed at Karachi Port (8 % moisture: 3,910 / 0.92 wmt)."""
    scenario = orevalue.load(case="antimony")
    blend = feed_blend(scenario, ("local", "concentrate"))
    assert blend == pytest.approx({"local": 0.0, "concentrate": 3910.0})
    siting = sitings["antimony"]
    plan = siting.best
    assert plan.conc_processed_dmt_per_yr == pytest.approx(3910.0)
    (port,) = [p for p in plan.ports if "import" in p.t_per_yr]
    assert port.port == "karachi-port"
    assert port.t_per_yr["import"] == pytest.approx(3910.0 / 0.92)
    # Sb through the stages: 55 % Sb, roaster 96.5 % to the fume, re-fuming 98 % to the
    # trioxide, which is 83.3 % Sb
    trioxide_sb = 3910.0 * 0.55 * 0.965 * 0.98
    assert plan.refined_t_per_yr == pytest.approx(trioxide_sb / 0.833, rel=1e-9)
    assert sum(p.t_per_yr.get("trioxide", 0.0) for p in plan.ports) == pytest.approx(
        plan.refined_t_per_yr
    )


def test_antimony_freights_are_the_legs_by_hand(sitings):
    """Hub: concentrate 40 km by road from Karachi Port (0.055 USD/t-km) and trioxide back;
    Port Qasim / Dhabeji: 35 km of road to Port Qasim then 20 km of rail (0.025). The imported
    concentrate costs its FOB value plus the 60 USD/wmt ocean leg and the case's 60 USD/wmt
    landed freight: `run --site` carries its landed freight plus the haul, and the local
    feed's import parity (the case's -120 USD/wmt) less the haul."""
    ranks = {r.key: r for r in sitings["antimony"].ranking}
    hub = ranks["hub"].overlay.values["site"]
    assert hub["conc_freight_site_to_port_usd_per_wmt"]["value"] == pytest.approx(
        -(120.0 + 40 * 0.055)
    )
    feeds = ranks["hub"].overlay.values["feeds"]
    assert feeds["concentrate"]["landed_freight_usd_per_wmt"]["value"] == pytest.approx(
        60.0 + 40 * 0.055
    )
    gwadar = ranks["gwadar"].overlay.values["feeds"]["concentrate"]
    assert gwadar["landed_freight_usd_per_wmt"]["value"] == pytest.approx(60.0 + 650 * 0.055)
    assert hub["product_freight_site_to_port_usd_per_t"]["value"] == pytest.approx(40 * 0.055)
    qasim = ranks["port-qasim"].overlay.values["site"]
    assert qasim["conc_freight_site_to_port_usd_per_wmt"]["value"] == pytest.approx(
        -(120.0 + 35 * 0.055 + 20 * 0.025)
    )


@pytest.mark.parametrize("case", list(CASES))
def test_the_best_sites_npv_is_orevalue_run_with_its_overlay(sitings, case):
    """The ranking's NPV is what `orevalue run --case CASE --site BEST --regime ZONE` gives."""
    best = sitings[case].ranking[0]
    loaded = api.load(case=case, site=best.key, regime=best.zone)
    results = api.evaluate(loaded)
    focus = loaded.scenario.focus_pathway
    assert results.value(focus, "plant", "npv_usd") == pytest.approx(best.npv_usd, rel=1e-9)


def test_the_hub_overlay_reproduces_the_antimony_cases_own_hub_inputs(sitings):
    """The case's own [site] is Hub SEZ: the overlay's location factor, wage and security
    figures are the case's, and its feed freight is the case's -120 less the 40 km leg."""
    scenario = orevalue.load(case="antimony")
    hub = {k: v["value"] if isinstance(v, dict) else v for k, v in _overlay(sitings).items()}
    assert hub["location_factor"] == scenario.site.location_factor
    assert hub["wage_premium_pct"] == scenario.site.wage_premium_pct
    assert hub["security_usd_per_yr"] == scenario.site.security_usd_per_yr
    assert hub["conc_freight_site_to_port_usd_per_wmt"] == pytest.approx(
        scenario.site.conc_freight_site_to_port_usd_per_wmt - 40 * 0.055
    )


def _overlay(sitings):
    return next(r for r in sitings["antimony"].ranking if r.key == "hub").overlay.values["site"]


def test_a_bad_sites_file_for_gold_exits_2_naming_the_field(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[sites.hub]\nlocation_factor = -1.0\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["site", "--case", "gold", "--sites", str(bad)])
    assert result.exit_code == 2, result.output
    assert "sites.hub.location_factor" in result.output and "Traceback" not in result.output
    bad.write_text('[sources.ore]\nfeed = "concentrate"\nnode = "karachi"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["site", "--case", "gold", "--sites", str(bad)])
    assert result.exit_code == 2, result.output
    assert "sources.ore.feed" in result.output


@pytest.mark.parametrize("case", list(CASES))
def test_run_site_and_the_briefs_siting_section_keep_the_case(tmp_path, case):
    """`orevalue run --case CASE --site NAME` takes the case's sites; the brief's siting
    section (also the web app's siting job) is the case's analysis, in its words."""
    result = CliRunner().invoke(
        app, ["run", "--case", case, "--site", "port-qasim", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    siting, note, svg = api.brief_siting(api.load(case=case))
    assert note is None and siting is not None and svg
    html = api.report(api.load(case=case)).html
    section = html[html.index('<section id="siting">') : html.index('<section id="risk">')]
    section = re.sub(r"<svg.*?</svg>", "", section, flags=re.DOTALL)  # the map's glyphs
    words = re.sub(r"<[^>]+>", " ", section)
    assert "Where to build" in words and "mixed-integer" in words
    assert not COPPER_WORDS.findall(words), COPPER_WORDS.findall(words)


@pytest.mark.parametrize("case", ["gold", "antimony"])
def test_refined_pct_on_a_one_group_case_exits_2_naming_the_option(tmp_path, case):
    result = CliRunner().invoke(
        app, ["site", "--case", case, "--refined-pct", "50", "--out", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "--refined-pct" in result.output and "one site" in result.output
    assert not any(tmp_path.iterdir())  # nothing written
