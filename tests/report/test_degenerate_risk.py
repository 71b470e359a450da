"""Risk input that is not a real range is refused at load, and a brief of a risk run whose
NPVs are all undefined still renders (issue 11: ``KeyError: 'p05'``)."""

from __future__ import annotations

import copy
import json

import pytest
from typer.testing import CliRunner

from orevalue import api
from orevalue.cli import app

runner = CliRunner()


@pytest.mark.parametrize("bound", ["inf", "-inf", "nan"])
@pytest.mark.parametrize("command", ["run", "risk"])
def test_uncertainty_ranges_must_be_finite(tmp_path, bound, command):
    path = tmp_path / "inf.toml"
    path.write_text(
        f'[uncertainty.inputs."site.location_factor"]\ndist = "uniform"\nlow = 0.5\n'
        f"high = {bound}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, [command, str(path), "--out", str(tmp_path / "o"), "-q"])
    assert result.exit_code == 2, result.output
    assert "uncertainty.inputs.site.location_factor.high" in result.output
    assert "finite number" in result.output
    assert not (tmp_path / "o").exists()


def test_brief_of_a_risk_run_without_one_finite_npv_renders():
    loaded = api.load()
    summary = api.risk(loaded, samples=64, sobol=0, tornado=False, workers=1)
    degenerate = copy.deepcopy(summary)
    for pathway in degenerate["pathways"].values():
        npv = pathway["npv_usd"]
        # what the summary holds for an output with no finite sample
        pathway["npv_usd"] = {"n": npv["n"], "n_valid": 0, "n_failed": npv["n"]}
    brief = api.report(loaded, risk=degenerate, siting=False, command="orevalue report")
    assert "How sure is it" in brief.html
    json.dumps(brief.doc, allow_nan=False)
