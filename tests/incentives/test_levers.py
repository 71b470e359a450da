"""Lever files: the default table, and bad files exiting 2 naming the field."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from orevalue.cli import app
from orevalue.incentives.levers import KINDS, load_levers
from orevalue.scenario import ScenarioError

runner = CliRunner()


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "levers.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_table_has_sourced_levers_of_known_kinds():
    table = load_levers()
    assert len(table.levers) >= 10
    for name, lever in table.levers.items():
        assert lever.kind in KINDS, name
        assert lever.source and lever.tag in {"S", "D", "E"}, name
        assert 0 <= lever.range[0] < lever.range[1], name
    assert table.targets.equity_irr_pct == 12.0 and table.targets.min_dscr == 1.3


def test_user_file_narrows_a_range_and_picks_levers(tmp_path):
    path = _write(tmp_path, 'use = ["capex_grant"]\n[capex_grant]\nrange = [0.0, 10.0]\n')
    table = load_levers(path)
    assert table.names == ["capex_grant"]
    assert table.levers["capex_grant"].range == (0.0, 10.0)


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ("[capex_grnat]\nrange = [0.0, 5.0]\n", "capex_grnat", "did you mean 'capex_grant'"),
        ('use = ["holiday_yaers"]\n', "use", "did you mean 'holiday_years'"),
        ("[capex_grant]\nrange = [20.0, 5.0]\n", "capex_grant.range", "upside down"),
        ('[targets]\nequity_irr_pct = "twelve"\n', "targets.equity_irr_pct", "number"),
        ('[capex_grant]\nkind = "ad"\n', "capex_grant.kind", "did you mean 'add'"),
    ],
)
def test_bad_lever_file_exits_2_naming_the_field(tmp_path, text, field, words):
    path = _write(tmp_path, text)
    with pytest.raises(ScenarioError) as info:
        load_levers(path)
    assert any(p.path == field for p in info.value.problems), info.value
    assert words in str(info.value)
    result = runner.invoke(app, ["incentives", "--levers", str(path), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert field in result.output and words in result.output


def test_target_that_is_not_a_number_exits_2(tmp_path):
    result = runner.invoke(app, ["incentives", "--target-irr", "twelve", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "--target-irr" in result.output


def test_a_lever_off_by_default_is_taken_in_by_use(tmp_path):
    assert "export_duty_concentrate" not in load_levers().names
    path = _write(tmp_path, 'use = ["export_duty_concentrate", "capex_grant"]\n')
    assert load_levers(path).names == ["export_duty_concentrate", "capex_grant"]
