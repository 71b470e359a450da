"""The documentation cannot drift from the code: every `orevalue` command and Python block of
docs/ runs, the reference pages (generated before every build) cover every field, output and
citation, every short citation of the data files resolves to a section of the reference
sheets, and `mkdocs build --strict` passes."""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orevalue.cli import app
from orevalue.report.docs.pages import PAGES, linked, write_pages
from orevalue.report.docs.references import Citation, citations, cited, resolve, table

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
runner = CliRunner()
#: Longest one command or block of the docs may take, seconds.
TIMEOUT = 300

FENCE = re.compile(r"^```(?P<lang>\w*)(?P<attrs>[^\n]*)\n(?P<body>.*?)^```\s*$", re.M | re.S)
TITLE = re.compile(r'title="(?P<title>[^"]+)"')


def blocks(page: Path) -> list[tuple[str, str, str]]:
    """(language, title, body) of every fenced block of a page, in order."""
    text = page.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        title = TITLE.search(match["attrs"])
        found.append((match["lang"], title["title"] if title else "", match["body"]))
    return found


def hand_written() -> list[Path]:
    generated = {DOCS / p for p in PAGES}
    return sorted(p for p in DOCS.rglob("*.md") if p not in generated)


@contextmanager
def bounded(seconds: int) -> Iterator[None]:
    """Stop what runs inside after ``seconds`` (a command of the docs run in this process)."""

    def stop(signum: int, frame: object) -> None:
        raise TimeoutError(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1", "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


@pytest.mark.parametrize("page", hand_written(), ids=lambda p: str(p.relative_to(DOCS)))
def test_every_command_and_block_of_a_page_runs(page, tmp_path, monkeypatch):
    """Blocks run in order in a fresh folder: a TOML block with a title is written to that
    file; each line of a bash block starting with `orevalue` is run as the command line runs
    it (other lines, such as installing, are not); a Python block is executed in a process of
    its own."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "120")
    ran = 0
    for lang, title, body in blocks(page):
        if lang == "toml" and title:
            (tmp_path / title).write_text(body, encoding="utf-8")
        elif lang == "bash":
            for line in body.splitlines():
                args = shlex.split(line, comments=True)
                if not args or args[0] != "orevalue":
                    continue
                with bounded(TIMEOUT):
                    done = runner.invoke(app, args[1:])
                assert done.exit_code == 0, f"{line}\n{done.output}\n{done.exception!r}"
                ran += 1
        elif lang == "python":
            done = run([sys.executable, "-c", body], tmp_path)
            assert done.returncode == 0, f"{body}\n{done.stderr}"
            ran += 1
    if page.parent.name == "how-to" and page.stem not in ("incentives", "web", "dask"):
        assert ran, f"{page.name} runs nothing"


def test_generated_pages_cover_every_field_output_and_citation(tmp_path):
    """The pages written before every build hold every field of the default case, every
    declared output and every cited section, each once as a table row or heading."""
    from orevalue import outputs
    from orevalue.report.excel_inputs import input_rows

    write_pages(tmp_path)
    scenario = (tmp_path / "reference/scenario.md").read_text(encoding="utf-8")
    for row in input_rows():
        assert f"| `{row[0]}` |" in scenario, row[0]
    assert "### Scenario" in scenario and "### Feed" in scenario  # the schema's models
    listed = (tmp_path / "reference/outputs.md").read_text(encoding="utf-8")
    for item in outputs.table():
        assert f"| `{item.key}` | {item.unit} |" in listed, item.key
    references = (tmp_path / "references.md").read_text(encoding="utf-8")
    for citation in cited():
        assert f"{{ #{citation.anchor} }}" in references, citation
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.md")}
    write_pages(tmp_path)  # unchanged pages are left alone (mkdocs serve watches them)
    assert before == {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.md")}


def test_every_short_citation_of_the_data_resolves():
    used = cited()
    assert Citation("CTE", "3.2") in used and Citation("BAL", "5.4") in used
    unresolved = []
    for citation, places in used.items():
        try:
            resolve(citation)
        except KeyError:
            unresolved.append(f"{citation} ({places[0]})")
    assert not unresolved


def test_citations_are_read_as_written():
    assert citations("CTE §5.2 and §10 long-run gold") == [
        Citation("CTE", "5.2"),
        Citation("CTE", "10"),
    ]
    assert citations("(BAL §2, §4, §5.4-5.5; CTE §2.4)") == [
        Citation("BAL", "2"),
        Citation("BAL", "4"),
        Citation("BAL", "5.4"),
        Citation("BAL", "5.5"),
        Citation("CTE", "2.4"),
    ]
    assert citations("ITO 2001 §113; balochistan-pakistan.md §2.5") == [Citation("BAL", "2.5")]
    assert "(../references.md#cte-3-2)" in linked("CTE §3.2 low case")


def test_a_resolved_section_names_its_sources():
    entry = resolve(Citation("BAL", "3.6"))
    assert entry["file"] == "balochistan-pakistan.md"
    assert entry["heading"].startswith("SEZ")
    assert entry["sources"] and all(set(s) == {"title", "year", "url"} for s in entry["sources"])
    assert any(s["url"].startswith("http") for s in entry["sources"])
    assert set(table()) == {"CTE", "BAL", "GA"}


def test_mkdocs_build_strict(tmp_path):
    done = run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "site")],
        ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "site" / "references" / "index.html").exists()
