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


def test_a_shared_public_connection_is_counted_once(programme):
    """data/sites.toml: Port Qasim's grid tie USD 10 m and Hub's USD 15 m are the public's
    (payer "public"; Port Qasim's zone water line has no connection capex). Copper and gold
    at Port Qasim need one tie, antimony at Hub another: 10 + 15 = 25 m, not 10 + 10 + 15."""
    c = programme.cases
    assert [c[m]["public_infrastructure_usd"] for m in ("copper", "gold", "antimony")] == [
        10e6,
        10e6,
        15e6,
    ]
    assert programme.total["public_infrastructure_usd"] == 25e6
    (qasim,) = programme.shared_sites
    assert qasim["public_infrastructure_usd"] == 10e6 and qasim["saved_usd"] == 10e6


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
