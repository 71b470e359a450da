"""A scenario read from an input workbook without a name takes the file's stem, as a TOML file
does, so that its results never overwrite the default case's (issue 11, silent defaults)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from typer.testing import CliRunner

import orevalue
from orevalue.cli import app
from orevalue.scenario.xlsx import SHEET


def _workbook(path: Path, rows: list[tuple[str, Any]]) -> Path:
    """An input workbook at ``path`` with a header row and one (path, value) row each."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(["path", "value"])
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def test_a_workbook_without_a_name_takes_its_stem(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "high-rate.xlsx", [("project.discount_rate_pct", 12.0)])
    scenario = orevalue.load(path)
    assert scenario.name == "high-rate"
    assert scenario.project.discount_rate_pct == 12.0
    # the same values as a TOML file take that file's stem the same way
    toml = tmp_path / "high-rate-toml.toml"
    toml.write_text("[project]\ndiscount_rate_pct = 12.0\n")
    assert orevalue.load(toml).name == "high-rate-toml"


def test_an_empty_name_cell_is_no_name_and_a_given_name_is_kept(tmp_path: Path) -> None:
    empty = _workbook(tmp_path / "empty-name.xlsx", [("name", None), ("title", "x")])
    assert orevalue.load(empty).name == "empty-name"
    named = _workbook(tmp_path / "file.xlsx", [("name", "my-case"), ("title", "x")])
    assert orevalue.load(named).name == "my-case"


def test_run_writes_a_nameless_workbooks_results_under_its_stem(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "cheap-power.xlsx", [("site.power_usd_per_kwh", 0.03)])
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(path), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["cheap-power"]
    assert (out / "cheap-power" / "results.json").exists()
