"""The portfolio: several cases as one programme; totals add up, and a public connection
shared by plants on one site is counted once."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from orevalue import api
from orevalue.cli import app
from orevalue.portfolio import FIGURES, NETTED, province_spends_usd, site_area


@pytest.fixture(scope="module")
def programme():
    return api.portfolio()


def test_the_default_portfolio_is_the_three_balochistan_cases(programme):
    assert list(programme.cases) == ["copper", "gold", "antimony"]
    for key in FIGURES:
        if key not in NETTED:
            total = sum(c[key] for c in programme.cases.values())
            assert programme.total[key] == pytest.approx(total), key


def test_copper_and_gold_share_port_qasim(programme):
    shared = {s["area"]: s["cases"] for s in programme.shared_sites}
    assert shared == {"Port Qasim": ["copper", "gold"]}
    assert site_area("Hub SEZ (Lasbela)") == "Hub SEZ"


def _public_connections(file: str, site: str) -> float:
    """USD the public pays to connect ``site`` in the embedded siting data ``file``, read
    from the TOML itself: the fixed capex of every power and water option paid by "public"."""
    import tomllib
    from importlib import resources

    text = resources.files("orevalue.data").joinpath(file).read_text(encoding="utf-8")
    spec = tomllib.loads(text)["sites"][site]
    options = [*spec["power"].values(), *spec["water"].values()]

    def value(x):
        return x["value"] if isinstance(x, dict) else x

    return sum(value(o.get("fixed_capex_usd", 0.0)) for o in options if o.get("payer") == "public")


def test_a_shared_public_connection_is_counted_once(programme):
    """Each case's own siting data: copper's Port Qasim grid tie (data/sites.toml, 10 m),
    gold's feeder at Port Qasim (sites-gold.toml) and antimony's at Hub (sites-antimony.toml).
    Copper and gold at Port Qasim need one connection, the larger; antimony at Hub another."""
    copper = _public_connections("sites.toml", "port-qasim")
    gold = _public_connections("sites-gold.toml", "port-qasim")
    antimony = _public_connections("sites-antimony.toml", "hub")
    assert copper == 10e6 and 0 < gold < copper and antimony > 0
    c = programme.cases
    assert [c[m]["public_infrastructure_usd"] for m in ("copper", "gold", "antimony")] == [
        copper,
        gold,
        antimony,
    ]
    assert programme.total["public_infrastructure_usd"] == pytest.approx(copper + antimony)
    (qasim,) = programme.shared_sites
    assert qasim["public_infrastructure_usd"] == copper
    assert qasim["saved_usd"] == pytest.approx(gold)


def test_the_province_pays_its_share_less_its_carry():
    import orevalue

    s = orevalue.load(case="antimony")  # 40 % debt; province 25 % with 10 % carried
    assert province_spends_usd(s, 100.0) == pytest.approx(100.0 * 0.6 * 0.15)


def test_the_command_writes_portfolio_json(tmp_path):
    result = CliRunner().invoke(app, ["portfolio", "gold", "antimony", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "portfolio" / "portfolio.json").read_text())
    assert list(doc["cases"]) == ["gold", "antimony"] and doc["shared_sites"] == []
    bad = CliRunner().invoke(app, ["portfolio", "platinum", "--out", str(tmp_path)])
    assert bad.exit_code == 2 and "no case named 'platinum'" in bad.output


def test_report_portfolio_adds_the_programme_page_with_a_chart_per_metal(tmp_path):
    """orevalue report --portfolio: the headline table and a chart per metal, every number
    equal to its source in brief.json; without the option, no such page."""
    from report.test_report import BriefParser, check_charts, check_numbers

    args = ["report", "--case", "antimony", "--no-siting", "--out", str(tmp_path), "--quiet"]
    result = CliRunner().invoke(app, [*args, "--portfolio"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "balochistan-antimony"
    html = (folder / "brief.html").read_text(encoding="utf-8")
    doc = json.loads((folder / "brief.json").read_text(encoding="utf-8"))
    assert list(doc["portfolio"]["cases"]) == ["copper", "gold", "antimony"]
    assert "--portfolio" in doc["command"] and "The province&#x27;s programme" in html
    parser = BriefParser()
    parser.feed(html)
    ours = [n for n in parser.numbers if n["data-key"].startswith("/portfolio")]
    assert len(ours) >= 11 * 4 + 2  # the headline table (3 metals and the total), shared site
    check_numbers(doc, ours)
    figures = json.loads(parser.figures)
    charts = {f"portfolio-{m}" for m in ("copper", "gold", "antimony")}
    assert charts <= set(figures)
    assert check_charts(doc, {k: figures[k] for k in charts}) == 3 * 5
    expected = _public_connections("sites.toml", "port-qasim") + _public_connections(
        "sites-antimony.toml", "hub"
    )
    assert doc["portfolio"]["total"]["public_infrastructure_usd"] == pytest.approx(expected)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "portfolio" not in json.loads((folder / "brief.json").read_text(encoding="utf-8"))
