"""Bad input to the mine table exits 2 with one line naming file, line, field and what is
allowed."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from orevalue.cli import app

runner = CliRunner()

BAD = {
    "phase before the mine": (
        "[mine_plan.phases.phase_2]\nfirst_year = 2025\n",
        "mine_plan.phases.phase_2.first_year",
        "first_year = 2025",
        ["within the mine's life", "2030 to 2066", "2025"],
    ),
    "grade out of range": (
        "[mine_plan.head_grade]\ncu_pct = 120.0\n",
        "mine_plan.head_grade.cu_pct",
        "cu_pct = 120.0",
        ["<= 100"],
    ),
    "negative strip": (
        "[mine_plan]\nstrip_ratio = -1.0\n",
        "mine_plan.strip_ratio",
        "strip_ratio = -1.0",
        [">= 0"],
    ),
    "recovery over 100": (
        "[mine_plan.recovery_pct]\nau = 101.0\n",
        "mine_plan.recovery_pct.au",
        "au = 101.0",
        ["<= 100"],
    ),
}


@pytest.mark.parametrize("case", BAD.values(), ids=BAD.keys())
def test_bad_mine_input_exits_2_naming_file_and_field(tmp_path, case):
    text, path, snippet, hints = case
    scenario = tmp_path / "bad.toml"
    scenario.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["run", str(scenario), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    lines = [x for x in result.stderr.splitlines() if x.strip()]
    assert len(lines) == 1, lines
    number = next(n for n, x in enumerate(text.splitlines(), start=1) if snippet in x)
    assert lines[0].startswith(f"{scenario}:{number}: {path}: "), lines[0]
    for hint in hints:
        assert hint in lines[0]
    assert not (tmp_path / "out").exists()
