"""The portfolio: several cases as one programme; totals add up, shared sites are noted."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from orevalue import api
from orevalue.cli import app
from orevalue.portfolio import FIGURES, province_spends_usd, site_area


@pytest.fixture(scope="module")
def programme():
    return api.portfolio()


def test_the_default_portfolio_is_the_three_balochistan_cases(programme):
    assert list(programme.cases) == ["copper", "gold", "antimony"]
    for key in FIGURES:
        assert programme.total[key] == pytest.approx(sum(c[key] for c in programme.cases.values()))


def test_copper_and_gold_share_port_qasim(programme):
    shared = {s["area"]: s["cases"] for s in programme.shared_sites}
    assert shared == {"Port Qasim": ["copper", "gold"]}
    assert site_area("Hub SEZ (Lasbela)") == "Hub SEZ"


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
