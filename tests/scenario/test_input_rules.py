"""Input rules at load (issue 11): one name rule for every name that may reach a path, a
repeated stage input, strict types, the file's stem as its name, plausibility warnings."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import orevalue
from orevalue.cli import app
from orevalue.scenario import ScenarioError
from orevalue.siting import load_sites

runner = CliRunner()


def _write(tmp_path: Path, text: str, name: str = "case.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as exc:
        orevalue.load(path)
    return [str(p) for p in exc.value.problems]


def test_a_pathway_named_to_escape_the_out_folder_exits_2_and_writes_nothing(tmp_path):
    path = _write(
        tmp_path,
        'name = "x"\n[pathways."../../x"]\nstages = ["smelter"]\nsells = ["anode", "acid"]\n'
        'main_product = "anode"\n',
    )
    work = tmp_path / "work"
    out = work / "a" / "b" / "out"
    result = runner.invoke(app, ["run", str(path), "--out", str(out), "-q"])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "pathways.../../x" in lines[0] and "'..'" in lines[0]
    assert not work.exists()  # nothing at all, inside --out or outside it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.toml"]


@pytest.mark.parametrize(
    "text, where",
    [
        (
            '[feeds."a/b"]\nterms = "concentrate"\ndry_t_per_yr = 1\nfirst_year = 2030\n'
            "last_year = 2040\nmoisture_pct = 8\n",
            "feeds.a/b",
        ),
        ('[terms_cases.".hidden"]\ntc_usd_per_dmt = 80\nrc_usc_per_lb = 8\n', "terms_cases."),
        ('[labour.wage_usd_per_month]\n"-x" = 1000\n', "labour.wage_usd_per_month.-x"),
        ('[stages.smelter]\nrest = "..\\\\slag"\n', "stages.smelter.rest"),
        ('name = "A/B"\n', "name"),
    ],
    ids=["feed", "terms-case", "skill", "stream", "scenario"],
)
def test_every_user_name_follows_the_one_rule(tmp_path, text, where):
    problems = _problems(_write(tmp_path, text))
    assert any(where in p and "lower-case letters" in p for p in problems), problems


def test_the_default_case_and_sites_follow_the_name_rule():
    assert orevalue.load().name == "balochistan-copper"
    assert "port-qasim" in load_sites().sites


def test_a_repeated_stage_input_is_one_line_at_load(tmp_path):
    path = _write(tmp_path, '[stages.smelter]\ninputs = ["concentrate", "concentrate"]\n')
    problems = _problems(path)
    assert len(problems) == 1
    assert "stages.smelter.inputs.1" in problems[0] and "already listed" in problems[0]


@pytest.mark.parametrize(
    "text, where, expected",
    [
        ("[project]\ndiscount_rate_pct = true\n", "project.discount_rate_pct", "expected a number"),
        ('[project]\ndiscount_rate_pct = "8"\n', "project.discount_rate_pct", "expected a number"),
        ('[feeds.blister]\nenabled = "yes"\n', "feeds.blister.enabled", "expected true or false"),
        ("[project]\noperating_years = 20.5\n", "project.operating_years", "whole number"),
        ('[project]\nstart_year = "2030"\n', "project.start_year", "whole number"),
    ],
    ids=["bool-as-number", "text-as-number", "text-as-bool", "float-as-int", "text-as-year"],
)
def test_strict_types(tmp_path, text, where, expected):
    problems = _problems(_write(tmp_path, text))
    assert len(problems) == 1 and where in problems[0] and expected in problems[0], problems


def test_whole_numbers_are_still_numbers(tmp_path):
    scenario = orevalue.load(_write(tmp_path, "[project]\ndiscount_rate_pct = 9\n"))
    assert scenario.project.discount_rate_pct == 9.0


def test_a_file_without_a_name_is_named_by_its_stem(tmp_path):
    path = _write(tmp_path, "[feeds.concentrate]\ncu_pct = 30\n", "copper-30.toml")
    assert orevalue.load(path).name == "copper-30"


def test_an_empty_file_runs_the_default_case_and_says_so(tmp_path):
    path = _write(tmp_path, "")
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(path), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert "the file sets nothing; this is the default case" in result.output
    assert (out / "balochistan-copper" / "results.json").exists()


def test_run_checks_the_uncertainty_table_as_risk_does(tmp_path):
    path = _write(tmp_path, '[uncertainty.inputs."site.nothing"]\ndist = "uniform"\n')
    for command in ("run", "risk"):
        result = runner.invoke(app, [command, str(path), "--out", str(tmp_path / "o"), "-q"])
        assert result.exit_code == 2, (command, result.output)
        assert "uncertainty.inputs.site.nothing" in result.output
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    "text, where",
    [
        ("[project]\ndiscount_rate_pct = -99.9\n", "project.discount_rate_pct"),
        # (a feed within the project: with none the case is refused, test below)
        (
            "[project]\nstart_year = 1900\n[feeds.concentrate]\nfirst_year = 1900\n",
            "project.start_year",
        ),
        ("[feeds.blister]\nenabled = true\nfirst_year = 1990\nlast_year = 1995\n", "feeds.blister"),
    ],
    ids=["discount", "start-year", "feed-years"],
)
def test_implausible_values_warn(tmp_path, text, where):
    scenario = orevalue.load(_write(tmp_path, text))
    assert any(where in note for note in scenario.notes), scenario.notes


def test_a_case_whose_every_feed_misses_the_project_is_refused(tmp_path):
    path = _write(tmp_path, "[feeds.concentrate]\nfirst_year = 1990\nlast_year = 1995\n")
    with pytest.raises(ScenarioError) as exc:
        orevalue.load(path)
    assert [str(p) for p in exc.value.problems] == [
        f"{path}:1: feeds: no enabled feed is available within the project's 2027-2054; "
        "the plant would buy and make nothing"
    ]


def test_the_default_case_has_no_warnings():
    assert orevalue.load().notes == ()
