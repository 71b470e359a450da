"""Tests for scenario loading: validation messages, deep merge, provenance, the init template
and the TOML text helpers (key lines, literals)."""

from __future__ import annotations

import copy
import math
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import orevalue
from orevalue import toml_text
from orevalue.scenario import (
    Problem,
    Problems,
    ScenarioError,
    default_text,
    leaves,
    split_provenance,
)
from orevalue.template import template_text

# ------------------------------------------------------------------ helpers


def line_of(text: str, snippet: str) -> int:
    """1-based number of the one line of ``text`` containing ``snippet``."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if snippet in line]
    assert len(hits) == 1, f"{snippet!r} found on lines {hits}"
    return hits[0]


def load_error(tmp_path: Path, text: str, name: str = "case.toml") -> tuple[Path, list[Problem]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        orevalue.load(path)
    assert info.value.problems, "a ScenarioError must carry its problems"
    return path, info.value.problems


def one_problem(problems: list[Problem], path: str) -> Problem:
    found = [p for p in problems if p.path == path]
    assert len(found) == 1, f"expected one problem at {path}, got {problems}"
    return found[0]


@pytest.fixture(scope="module")
def default() -> orevalue.Scenario:
    return orevalue.load()


@pytest.fixture(scope="module")
def default_dump(default: orevalue.Scenario) -> dict[str, Any]:
    return default.model_dump(mode="json")


# ------------------------------------------------------------------ bad input, one at a time

# (scenario text, dotted path of the problem, snippet on the line it must point at,
#  texts the message must contain: the bad value and what is allowed)
BAD_INPUTS = {
    "unknown key": (
        "[project]\ndiscount_rte_pct = 10.0\n",
        "project.discount_rte_pct",
        "discount_rte_pct",
        ["unknown field", "did you mean 'discount_rate_pct'"],
    ),
    "unknown table": (
        "[feed.concentrate]\ncu_pct = 30\n",
        "feed",
        "[feed.concentrate]",
        ["unknown field", "did you mean 'feeds'"],
    ),
    "wrong type": (
        '[project]\noperating_years = "many"\n',
        "project.operating_years",
        "operating_years",
        ["'many'", "whole number"],
    ),
    "wrong choice": (
        '[feeds.concentrate]\nterms = "ore"\n',
        "feeds.concentrate.terms",
        "terms",
        ["'ore'", "'concentrate'", "'blister'"],
    ),
    "recovery above 100": (
        "[stages.smelter]\nsplit.anode = { cu = 101.0 }\n",
        "stages.smelter.split.anode.cu",
        "split.anode",
        ["101.0", "<= 100"],
    ),
    "recovery above 100 with a source": (
        '[stages.smelter]\nsplit.anode = { cu = { value = 100.5, source = "x", tag = "E" } }\n',
        "stages.smelter.split.anode.cu",
        "split.anode",
        ["100.5", "<= 100"],
    ),
    "recoveries summing above 100": (
        "[stages.refinery.split]\ncathode = { cu = 60.0 }\nslimes = { cu = 50.0 }\n",
        "stages.refinery.split",
        "[stages.refinery.split]",
        ["cu", "110", "at most 100"],
    ),
    "negative tonnage": (
        "[feeds.concentrate]\ndry_t_per_yr = -5.0\n",
        "feeds.concentrate.dry_t_per_yr",
        "dry_t_per_yr",
        ["-5.0", ">= 0"],
    ),
    "grade above 100": (
        "[feeds.concentrate]\ncu_pct = 120\n",
        "feeds.concentrate.cu_pct",
        "cu_pct",
        ["120", "<= 100"],
    ),
    "grades summing above 100": (
        "[feeds.concentrate]\ncu_pct = 60.0\n",
        "feeds.concentrate",
        "[feeds.concentrate]",
        ["add up to", "at most 100"],
    ),
    "pathway naming a missing stage": (
        '[pathways.cathode]\nstages = ["smelter", "acid_plant", "refinry", "pmr"]\n',
        "pathways.cathode.stages.2",
        "stages =",
        ["'refinry'", "did you mean 'refinery'"],
    ),
    "year key that is no year": (
        "[prices.cu_usd_per_t]\nsoon = 9000.0\n",
        "prices.cu_usd_per_t.soon",
        "soon",
        ["'soon'", "whole number"],
    ),
    "name escaping the out folder": (
        'name = ".."\n',
        "name",
        "name",
        ["'..'", "not starting with '.'"],
    ),
    "feed whose name starts like a validator step": (
        '[feeds.funcx]\nterms = "concentrate"\n',
        "feeds.funcx.dry_t_per_yr",  # grades default to 0; the tonnage is required
        "[feeds.funcx]",
        ["required"],
    ),
}


@pytest.mark.parametrize("case", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_names_file_line_path_value_and_rule(tmp_path, case):
    text, path, snippet, hints = case
    file, problems = load_error(tmp_path, text)
    problem = one_problem(problems, path)
    assert problem.file == str(file)
    assert problem.line == line_of(text, snippet)
    for hint in hints:
        assert hint in problem.message
    assert str(problem) == f"{file}:{problem.line}: {path}: {problem.message}"
    assert all("\n" not in str(p) for p in problems)


def test_problem_and_error_text():
    assert str(Problem("a.toml", "feeds.x.cu_pct", "got 1", 7)) == "a.toml:7: feeds.x.cu_pct: got 1"
    assert str(Problem("a.toml", "", "file not found")) == "a.toml: file not found"
    problems = [
        Problem("a.toml", "z", "worst", 9),
        Problem("a.toml", "x", "bad", 1),
        Problem("a.toml", "y", "worse", None),
    ]
    error = ScenarioError(problems)
    # in the order a reader meets them: what has no line first, then by line
    in_order = [problems[2], problems[1], problems[0]]
    assert error.problems == in_order
    assert str(error).splitlines() == [str(p) for p in in_order]


def test_problems_scan_the_file_for_lines_only_when_a_problem_needs_one():
    text = "[project]\nname = 'x'\n\n[feeds.ore]\ncu_pct = -1\n"
    scans = []

    def lines():
        scans.append(1)
        return toml_text.key_lines(text)

    good = Problems("a.toml", lines)
    good.raise_any()  # a good file is never scanned
    assert scans == []
    bad = Problems("a.toml", lines)
    bad.add("feeds.ore.cu_pct", "must be >= 0")
    bad.add("feeds.ore", "second")
    assert scans == [1]  # once, however many problems
    assert [p.line for p in bad.found] == [5, 4]
    eager = Problems("a.toml", toml_text.key_lines(text))
    eager.add("feeds.ore.cu_pct", "must be >= 0")
    assert eager.found[0] == bad.found[0]


def test_toml_syntax_error_gives_the_line(tmp_path):
    text = 'name = "x"\n\n[project\nstart_year = 2027\n'
    file, problems = load_error(tmp_path, text)
    assert len(problems) == 1
    assert problems[0].file == str(file)
    assert problems[0].line == line_of(text, "[project")
    assert "TOML" in problems[0].message


def test_missing_file(tmp_path):
    missing = tmp_path / "nope.toml"
    with pytest.raises(ScenarioError) as info:
        orevalue.load(missing)
    [problem] = info.value.problems
    assert problem.file == str(missing)
    assert problem.line is None
    assert "not found" in problem.message
    assert str(problem).startswith(f"{missing}: ")


def test_every_schema_problem_in_one_file_is_reported(tmp_path):
    text = (
        'name = "many"\n'
        "[project]\n"
        "discount_rte_pct = 10.0\n"
        'operating_years = "many"\n'
        "[feeds.concentrate]\n"
        "cu_pct = 120.0\n"
        "dry_t_per_yr = -5.0\n"
        "[stages.smelter]\n"
        "split.anode = { cu = 101.0 }\n"
    )
    file, problems = load_error(tmp_path, text)
    expected = {
        "project.discount_rte_pct": "discount_rte_pct",
        "project.operating_years": "operating_years",
        "feeds.concentrate.cu_pct": "cu_pct",
        "feeds.concentrate.dry_t_per_yr": "dry_t_per_yr",
        "stages.smelter.split.anode.cu": "split.anode",
    }
    assert sorted(p.path for p in problems) == sorted(expected)
    for problem in problems:
        assert problem.file == str(file)
        assert problem.line == line_of(text, expected[problem.path])


def test_every_cross_reference_problem_in_one_file_is_reported(tmp_path):
    text = (
        "[stages.refinery.split]\n"
        "cathode = { cu = 60.0 }\n"
        "slimes = { cu = 50.0 }\n"
        "[pathways.rod]\n"
        'stages = ["smelter", "acid_plant", "refinery", "pmr", "rod_mil"]\n'
    )
    _, problems = load_error(tmp_path, text)
    paths = {p.path for p in problems}
    assert {"stages.refinery.split", "pathways.rod.stages.4"} <= paths
    # what the pathway sells is judged once its stages are known: no cascade of follow-on lines
    assert "pathways.rod.sells.0" not in paths


def test_a_pathway_cannot_sell_what_its_stages_do_not_make(tmp_path):
    text = '[pathways.rod]\nstages = ["smelter", "acid_plant", "refinery", "pmr"]\n'
    _, problems = load_error(tmp_path, text)
    assert [p.path for p in problems] == ["pathways.rod.sells.0"]
    assert "'rod' is not produced" in problems[0].message


def test_user_multiline_array_does_not_shift_later_lines(tmp_path):
    text = (
        "[terms.concentrate]\n"
        "payable_scales.au = [\n"
        "    [0.0, 0.0],\n"
        "    [1.0, 90.0]\n"
        "]\n"
        'rc_usd_per_unit.au = "five"\n'
    )
    _, problems = load_error(tmp_path, text)
    problem = one_problem(problems, "terms.concentrate.rc_usd_per_unit.au")
    assert problem.line == line_of(text, "rc_usd_per_unit.au")


# ------------------------------------------------------------------ deep merge and provenance


def test_file_sets_only_what_differs(tmp_path, default_dump):
    path = tmp_path / "copper30.toml"
    path.write_text("[feeds.concentrate]\ncu_pct = 30\n", encoding="utf-8")
    loaded = orevalue.load(path)
    expected = copy.deepcopy(default_dump)
    expected["feeds"]["concentrate"]["cu_pct"] = 30.0
    expected["name"] = "copper30"  # a file without a name is named by its stem
    assert default_dump["feeds"]["concentrate"]["cu_pct"] != 30.0
    assert loaded.model_dump(mode="json") == expected
    assert loaded.source_file == str(path)


def test_lists_are_replaced_not_merged(tmp_path, default_dump):
    path = tmp_path / "util.toml"
    path.write_text("[project]\nutilisation_pct = [70.0]\n", encoding="utf-8")
    loaded = orevalue.load(path)
    assert default_dump["project"]["utilisation_pct"] != [70.0]
    assert loaded.project.utilisation_pct == [70.0]


def test_every_sourced_default_leaf_has_source_and_tag(default, default_dump):
    raw = tomllib.loads(default_text())
    _, provenance = split_provenance(raw)
    all_leaves = leaves(default_dump)
    assert provenance, "the default case gives sources"
    for path, prov in provenance.items():
        is_table = any(leaf.startswith(path + ".") for leaf in all_leaves)
        assert path in all_leaves or is_table, f"provenance for {path}, which is no field"
        assert default.provenance[path] == prov
        assert prov.get("source") and prov.get("tag"), path
    # every number that is not a count of people, and every list of numbers, is sourced
    for path, item in all_leaves.items():
        numeric = isinstance(item, float) or (
            isinstance(item, list) and item and not isinstance(item[0], str)
        )
        if numeric:
            assert {"source", "tag"} <= set(default.provenance.get(path, {})), path


def test_every_numeric_default_leaf_has_source_and_tag(default, default_dump):
    for path, item in leaves(default_dump).items():
        if isinstance(item, int | float) and not isinstance(item, bool):
            assert {"source", "tag"} <= set(default.provenance.get(path, {})), path


def test_provenance_rules_for_user_values(tmp_path, default):
    path = tmp_path / "mine.toml"
    path.write_text(
        "[feeds.concentrate]\n"
        "cu_pct = 30\n"  # changed
        "s_pct = 30\n"  # equal to the default (30.0), written as an integer
        'ag_g_per_t = { value = 55.0, source = "assay 2025", tag = "S" }\n'  # sourced by the user
        "au_g_per_t = { value = 12.0 }\n"  # changed, as a table without a source
        'fe_pct = { value = 26.0, tag = "S" }\n'  # equal, but the user re-tags it
        "[stages.smelter.headcount]\n"
        "operator = 200\n",  # changed, no default source
        encoding="utf-8",
    )
    loaded = orevalue.load(path)
    prov = loaded.provenance
    user = {"source": "set in mine.toml", "tag": "user"}
    base = "feeds.concentrate."
    assert default.feeds["concentrate"].s_pct == 30.0
    assert prov[base + "cu_pct"] == user
    assert prov[base + "s_pct"] == default.provenance[base + "s_pct"]
    assert prov[base + "ag_g_per_t"] == {"source": "assay 2025", "tag": "S"}
    assert prov[base + "au_g_per_t"] == user
    assert prov[base + "fe_pct"] == {**default.provenance[base + "fe_pct"], "tag": "S"}
    assert prov["stages.smelter.headcount.operator"] == user
    # what the user did not write keeps the default's provenance
    assert prov[base + "as_pct"] == default.provenance[base + "as_pct"]
    assert prov["feeds.blister.cu_pct"] == default.provenance["feeds.blister.cu_pct"]
    assert loaded.feeds["concentrate"].ag_g_per_t == 55.0
    # loading a user file leaves the default case's provenance alone
    assert orevalue.load().provenance == default.provenance


def test_default_provenance_is_not_shared_between_loads(tmp_path):
    path = tmp_path / "a.toml"
    path.write_text("[site]\npower_usd_per_kwh = 0.05\n", encoding="utf-8")
    first = orevalue.load(path)
    second = orevalue.load()
    assert first.provenance["site.power_usd_per_kwh"]["tag"] == "user"
    assert second.provenance["site.power_usd_per_kwh"]["tag"] != "user"


# ------------------------------------------------------------------ template


@pytest.fixture(scope="module")
def template() -> str:
    return template_text("scenario.toml")


KEPT_FISCAL = ("regime", "compare_regimes", "transfer_price_pct_of_arms_length")


def test_template_is_the_default_case(template, default):
    """Everything but the regime's own figures, which follow from the preset it names (and
    the fields left unset: TOML has no null)."""
    written = tomllib.loads(template)
    expected = default.model_dump(mode="json", exclude_none=True)
    default_dump = expected
    expected["fiscal"] = {k: v for k, v in default_dump["fiscal"].items() if k in KEPT_FISCAL}
    assert written == expected


def test_changing_the_regime_in_the_template_changes_the_taxes(tmp_path, template):
    path = tmp_path / "sez.toml"
    path.write_text(template.replace('regime = "pakistan-standard"', 'regime = "sez"'), "utf-8")
    loaded = orevalue.load(path)
    assert loaded.fiscal.regime == "sez"
    assert loaded.fiscal.holiday_years == 10.0  # from the sez preset, not frozen at 0
    assert loaded.fiscal.customs_duty_capital_goods_pct == 0.0


def test_template_loads_to_the_default_with_the_same_provenance(tmp_path, template, default):
    path = tmp_path / "scenario.toml"
    path.write_text(template, encoding="utf-8")
    loaded = orevalue.load(path)
    assert loaded.model_dump() == default.model_dump()
    assert loaded.provenance == default.provenance


def test_template_comments_give_tag_and_source(template, default):
    lines = toml_text.key_lines(template)
    text_lines = template.splitlines()
    sourced = {p: v for p, v in default.provenance.items() if "tag" in v}
    assert sourced
    for path, prov in sourced.items():
        comment = f"# [{prov['tag']}] {prov['source']}"
        parts = path.split(".")
        if parts[0] == "fiscal" and parts[1] not in KEPT_FISCAL:
            # the regime's own figures are listed as comments to copy and override
            assert any(
                line.startswith(f"# {parts[1]} = ") and comment in line for line in text_lines
            ), path
            continue
        number = toml_text.find_line(lines, path)  # entries of an inline table share its line
        assert number is not None, f"{path} not written in the template"
        line = text_lines[number - 1]
        assert comment in line, path
    assert "orevalue run scenario.toml" in template


# ------------------------------------------------------------------ toml_text.key_lines


def test_key_lines_headers_dotted_keys_and_inline_tables():
    text = (
        'name = "x"\n'  # 1
        "\n"  # 2
        "[project]  # comment ]\n"  # 3
        "start_year = 2027\n"  # 4
        "[ feeds . concentrate ]\n"  # 5
        "cu_pct = { value = 28.0, tag = 'E' }\n"  # 6
        "[stages.smelter]\n"  # 7
        "split.anode = { cu = 98.6, au = 99.0 }\n"  # 8
        'split . "off.gas" = { s = 99.8 }\n'  # 9
        "  headcount = { operator = 3 }\n"  # 10
        "[prices.cu_usd_per_t]\n"  # 11
        "2026 = 13000.0\n"  # 12
        "scale = [\n  [0.0, 0.0],\n  [1.0, 90.0]\n]\n"  # 13-16
        'note = """\nfake = 1\n[fake]\n"""\n'  # 17-20
        "after = 1\n"  # 21
    )
    tomllib.loads(text)  # the sample is valid TOML
    lines = toml_text.key_lines(text)
    assert lines["name"] == 1
    assert lines["project"] == 3
    assert lines["project.start_year"] == 4
    assert lines["feeds"] == 5  # implied by the header
    assert lines["feeds.concentrate"] == 5
    assert lines["feeds.concentrate.cu_pct"] == 6
    assert lines["stages.smelter.split"] == 8  # implied by the dotted key
    assert lines["stages.smelter.split.anode"] == 8
    assert lines["stages.smelter.split.off.gas"] == 9
    assert lines["stages.smelter.headcount"] == 10
    assert lines["prices.cu_usd_per_t.2026"] == 12
    assert lines["prices.cu_usd_per_t.scale"] == 13
    assert lines["prices.cu_usd_per_t.after"] == 21
    assert not any("fake" in k or k.startswith("1") for k in lines)
    # inline-table members share the line of their table
    assert toml_text.find_line(lines, "stages.smelter.split.anode.au") == 8
    assert toml_text.find_line(lines, "feeds.concentrate.cu_pct.value") == 6
    assert toml_text.find_line(lines, "nowhere.at.all") is None


def test_key_lines_point_at_every_sourced_value_of_the_default_case():
    text = default_text()
    _, provenance = split_provenance(tomllib.loads(text))
    lines = toml_text.key_lines(text)
    rows = text.splitlines()
    for path, prov in provenance.items():
        line = toml_text.find_line(lines, path)
        assert line is not None, path
        assert f'source = "{prov["source"]}"' in rows[line - 1], path


# ------------------------------------------------------------------ toml_text.value / key

scalars = (
    st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False)
    | st.text()
)
nested = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


def same(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down (so True is not 1 and 1.0 is not 1)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


@settings(max_examples=300, deadline=None)
@given(nested)
def test_value_parses_back_to_the_same_value(item):
    parsed = tomllib.loads("v = " + toml_text.value(item))["v"]
    assert same(parsed, item), (parsed, item)


@settings(max_examples=200, deadline=None)
@given(st.text(), st.integers(min_value=0, max_value=10))
def test_key_parses_back_to_the_same_key(name, number):
    assert tomllib.loads(f"{toml_text.key(name)} = {number}") == {name: number}


def test_value_of_special_floats_and_tuples():
    assert tomllib.loads("v = " + toml_text.value(float("inf")))["v"] == math.inf
    assert tomllib.loads("v = " + toml_text.value(-math.inf))["v"] == -math.inf
    assert math.isnan(tomllib.loads("v = " + toml_text.value(math.nan))["v"])
    assert tomllib.loads("v = " + toml_text.value((1.0, 2)))["v"] == [1.0, 2]
    with pytest.raises(TypeError):
        toml_text.value(None)


# ------------------------------------------------------------------ inputs that used to crash


@pytest.mark.parametrize(
    ("text", "path", "hint"),
    [
        ('[stages.smelter]\ninputs = ["slag"]\n', "stages.smelter.inputs.0", "own output"),
        (
            '[pathways.anode]\nstages = ["refinery"]\nsells = ["cathode"]\n',
            "pathways.anode.stages",
            "no active feed or stage",
        ),
        ("[prices.cu_usd_per_t]\n2026 = nan\n", "prices.cu_usd_per_t.2026", "nan"),
        ("[site]\npower_usd_per_kwh = inf\n", "site.power_usd_per_kwh", "inf"),
        ("[project]\noperating_years = 5\n", "finance.tenor_years", "outlive"),
    ],
)
def test_inputs_that_would_break_the_engine_are_bad_input(tmp_path, text, path, hint):
    _, problems = load_error(tmp_path, text)
    problem = one_problem(problems, path)
    assert hint in problem.message.lower() or hint in repr(problem).lower()


def test_results_are_readable_by_others(tmp_path):
    """Atomic writes keep the permissions a plain open() gives (0666 less the umask)."""
    import os

    from orevalue.atomic import write_atomic

    mask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a.txt", "x")
        write_atomic(tmp_path / "b.bin", b"x")
    finally:
        os.umask(mask)
    for name in ("a.txt", "b.bin"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o644
