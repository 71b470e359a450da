"""Bad trade rules and State Bank terms, each one line naming the field with exit code 2 and
nothing written: a share of the year outside 0-100 %, a rule on terms sold at home, a barred
lot sold on export terms or on terms that do not exist, reserves counted as an export."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from orevalue.cli import app

runner = CliRunner()

CASES = {
    "share_above_100": (
        "[prices.au_export_allowed_pct]\n2030 = 120.0\n",
        "prices.au_export_allowed_pct.2030",
        "got 120; must be <= 100, allowed 0 to 100",
    ),
    "share_below_0": (
        "[prices.au_export_allowed_pct]\n2030 = -5.0\n",
        "prices.au_export_allowed_pct.2030",
        "must be >= 0, allowed 0 to 100",
    ),
    "rule_on_home_sales": (
        '[terms.bars]\nexport_allowed = "au_export_allowed_pct"\n',
        "terms.bars.export_allowed",
        "a trade rule on terms with exported = false",
    ),
    "rule_not_a_share": (
        '[terms.kilobars]\nexport_allowed = "au_usd_per_oz"\n',
        "terms.kilobars.export_allowed",
        "no share series named 'au_usd_per_oz'",
    ),
    "barred_sold_abroad": (
        '[terms.kilobars]\nbarred_sold_as = "lbma_bars"\n',
        "terms.kilobars.barred_sold_as",
        "terms.lbma_bars must be sold at home at the gate",
    ),
    "barred_sold_as_unknown": (
        '[terms.kilobars]\nbarred_sold_as = "sbp_bar"\n',
        "terms.kilobars.barred_sold_as",
        "no terms named 'sbp_bar'; did you mean 'sbp_bars'?",
    ),
    "import_rule_on_a_domestic_feed": (
        '[terms.dore]\nimport_allowed = "au_import_allowed_pct"\n',
        "terms.dore.import_allowed",
        "applies to terms of imported feeds",
    ),
    "reserves_exported": (
        "[terms.sbp_bars]\nexported = true\n",
        "terms.sbp_bars.reserves",
        "reserves are bought at home: set exported = false",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_bad_trade_rule_is_one_line_with_exit_2(tmp_path: Path, name: str):
    text, field, message = CASES[name]
    path = tmp_path / "case.toml"
    path.write_text('case = "gold"\n' + text, encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(path), "--out", str(out), "-q"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if field in line]
    assert lines and message in lines[0], result.stderr
    assert str(path) in result.stderr
    assert not out.exists()
