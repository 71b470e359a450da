"""Scenario text to results, through :mod:`orevalue.api` only: check a TOML text, evaluate
it, its risk and its brief, and the editor's fields from the schema."""

from __future__ import annotations

import hashlib
import re
import tempfile
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from orevalue import api, toml_text
from orevalue.scenario import ScenarioError, describe, leaves, load

#: A scenario name: what the CLI allows for a file name, never a path.
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def safe_name(name: str) -> str:
    """``name`` if it is a plain file name (letters, digits, ``-_.``, no leading dot, no
    ``..``), else ValueError: a name never leads out of the data directory."""
    if not NAME.match(name) or ".." in name:
        raise ValueError(
            f"bad scenario name {name!r}: use letters, digits, '-', '_' or '.', "
            "not starting with '.', at most 80 characters"
        )
    return name


@dataclass(frozen=True)
class Issue:
    """One problem of a scenario text as the CLI words it, with its field and line."""

    path: str
    message: str
    line: int | None
    text: str  # the CLI's message: "<name>.toml:<line>: <path>: <message>"


def issues(exc: ScenarioError, file_name: str) -> list[Issue]:
    out = []
    for p in exc.problems:
        where = f"{file_name}:{p.line}" if p.line else file_name
        text = f"{where}: {p.path}: {p.message}" if p.path else f"{where}: {p.message}"
        out.append(Issue(p.path, p.message, p.line, text))
    return out


@contextmanager
def scenario_file(text: str, name: str, work_dir: Path) -> Iterator[Path]:
    """The text written as ``<name>.toml`` in a fresh folder under ``work_dir``, removed
    after: :func:`orevalue.api.load` reads files."""
    work_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=work_dir) as folder:
        path = Path(folder) / f"{safe_name(name)}.toml"
        path.write_text(text, encoding="utf-8")
        yield path


def load_text(text: str, name: str, work_dir: Path) -> api.Loaded:
    """The scenario of a TOML text merged onto the default case. Raises ScenarioError whose
    problems name ``<name>.toml`` (see :func:`issues`)."""
    if not text.strip():
        return api.load()
    with scenario_file(text, name, work_dir) as path:
        return api.load(path)


@contextmanager
def loaded_text(text: str, name: str, work_dir: Path) -> Iterator[api.Loaded]:
    """:func:`load_text` with the scenario file kept until the block ends: what loads
    variants of the case from its file (siting's NPV of each site, the incentive package's
    risk check) needs it there."""
    if not text.strip():
        yield api.load()
        return
    with scenario_file(text, name, work_dir) as path:
        yield api.load(path)


def check(text: str, name: str, work_dir: Path) -> list[Issue]:
    """Every problem of the text, as the CLI reports them (empty: it loads)."""
    try:
        load_text(text, name, work_dir)
    except ScenarioError as exc:
        return issues(exc, f"{name}.toml")
    return []


#: Plain JSON values for the database's JSON columns: the api's one conversion.
plain_json = api.plain_json


def evaluate(loaded: api.Loaded) -> dict[str, Any]:
    """results.json of the case (what ``orevalue run`` writes), as plain JSON."""
    from orevalue.report.files import results_document

    return plain_json(results_document(api.evaluate(loaded)))


def annual_csv(loaded: api.Loaded, pathway: str) -> str:
    """The annual cash flows of one pathway as CSV (as ``orevalue run`` writes them)."""
    from orevalue.report.files import annual_csv as csv_text

    return csv_text(api.evaluate(loaded), pathway)


def results_xlsx(loaded: api.Loaded) -> bytes:
    """results.xlsx of the case (as ``orevalue run --xlsx`` writes it)."""
    return api.results_workbook(api.evaluate(loaded))


def brief(
    loaded: api.Loaded,
    risk: dict[str, Any] | None,
    command: str,
    incentives: dict[str, Any] | None = None,
    siting: bool = False,
) -> str:
    """The brief's HTML: with the risk summary, the incentive design (incentives.json) and
    the siting section (a few seconds) when the run has them."""
    from orevalue.incentives.optimise import Design

    design = Design(**incentives) if incentives else None
    return api.report(loaded, risk=risk, siting=siting, command=command, incentives=design).html


def incentives(
    loaded: api.Loaded, options: dict[str, Any], progress: api.Progress | None = None
) -> dict[str, Any]:
    """incentives.json of the case (what ``orevalue incentives`` writes): the cheapest
    bankable package, its public cost by level, the Pareto front, the lever ranking.
    ``options`` may give ``target_irr_pct`` (%), ``min_dscr`` and ``pathway``."""
    from orevalue.incentives.document import design_document

    found = api.incentives(
        loaded,
        target_irr_pct=options.get("target_irr_pct"),
        min_dscr=options.get("min_dscr"),
        pathway=options.get("pathway"),
        progress=progress,
    )
    return plain_json(design_document(found))


def render(sections: list[dict[str, Any]]) -> tuple[list[dict[str, str]], dict[str, Any]]:
    """Brief sections (blocks) as HTML with the brief's own renderer, and the chart
    figures they draw (by chart id)."""
    from orevalue.report.brief.render import blocks_html

    figures: dict[str, Any] = {}
    out = [
        {"id": s["id"], "title": s["title"], "html": blocks_html(s["blocks"], figures)}
        for s in sections
    ]
    return out, figures


def siting(loaded: api.Loaded, progress: api.Progress | None = None) -> dict[str, Any]:
    """The siting analysis of the case (``orevalue site``) with its map, as stored with a
    siting run: ``site`` (the analysis as data, None when there is none), ``note`` (why
    not), and the brief's siting section rendered (``sections``, ``figures``)."""
    step = progress or (lambda _stage, _done, _total: None)
    step("siting", 0, 2)
    where, note, svg = api.brief_siting(loaded)
    step("siting", 1, 2)
    brief_data = _assemble(loaded, None, (where, note, svg), None)
    sections, figures = render([s for s in brief_data["sections"] if s["id"] == "siting"])
    step("siting", 2, 2)
    return {
        "site": plain_json(where.to_dict()) if where is not None else None,
        "note": note,
        "sections": sections,
        "figures": plain_json(figures),
    }


def _assemble(
    loaded: api.Loaded,
    risk: dict[str, Any] | None,
    siting: tuple[Any, str | None, str | None] | None,
    incentives: dict[str, Any] | None,
) -> dict[str, Any]:
    from orevalue.report.brief import BriefInputs
    from orevalue.report.brief.content import assemble

    where, note, svg = siting or (None, None, None)
    inputs = BriefInputs(
        results=api.evaluate(loaded),
        risk=plain_json(risk) if risk is not None else None,
        siting=where,
        siting_note=note or "Siting: not computed for this page.",
        map_svg=svg,
        extra={"incentives": incentives} if incentives else {},
    )
    return assemble(inputs)


def page_sections(
    loaded: api.Loaded, risk: dict[str, Any] | None, incentives: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The brief's sections as data (verdict, pathways, per-tonne margin, cash flows,
    government, jobs; risk when there is a summary; "What it would take" when there is an
    incentive design), for the run page to render with the brief's own renderer. Siting is
    a job of its own (:func:`siting`), stored with its run."""
    brief_data = _assemble(loaded, risk, None, incentives)
    keep = {"answer", "pathways", "per-tonne", "cash-flows", "dollars", "government", "needs"}
    keep |= {"risk"} if risk is not None else set()
    keep |= {"incentives"} if incentives else set()
    brief_data["sections"] = [s for s in brief_data["sections"] if s["id"] in keep]
    return brief_data


def brief_pdf(html: str, work_dir: Path) -> bytes:
    """The brief printed to PDF by headless Chromium (as ``orevalue report --pdf``).
    Raises RuntimeError when Chromium is missing or fails."""
    from orevalue.report.brief.browser import print_pdf

    work_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=work_dir) as folder:
        path = Path(folder) / "brief.html"
        path.write_text(html, encoding="utf-8")
        data, _ = print_pdf(path)
    return data


# ------------------------------------------------------------------ the editor's fields


@dataclass(frozen=True)
class Field:
    """An input of the default case: dotted path, TOML value, meaning, source and tag."""

    path: str
    group: str
    default: str  # TOML text of the default value
    description: str
    source: str
    tag: str


@cache
def fields() -> tuple[Field, ...]:
    """Every leaf of the default case (the fields it sets: TOML has no null), with the
    descriptions, sources and tags that ``orevalue init`` writes beside it."""
    scenario = load()
    out = []
    for path, value in leaves(scenario.model_dump(mode="json", exclude_none=True)).items():
        prov = scenario.provenance.get(path) or {}
        out.append(
            Field(
                path=path,
                group=path.split(".")[0] if "." in path else "case",
                default=toml_text.value(value),
                description=describe(path.split(".")),
                source=str(prov.get("source", "")),
                tag=str(prov.get("tag", "")),
            )
        )
    return tuple(out)


def current_values(loaded: api.Loaded) -> dict[str, str]:
    """The leaves of a loaded scenario as TOML value text."""
    values = leaves(loaded.scenario.model_dump(mode="json", exclude_none=True))
    return {path: toml_text.value(v) for path, v in values.items()}


def parse_value(text: str) -> Any:
    """A TOML value typed in a field (``12``, ``"text"``, ``[1, 2]``, ``true``); a bare word
    is taken as text. Raises ValueError."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9_ .-]*", text.strip()):
            return text.strip()
        raise ValueError(f"not a TOML value: {text!r}") from None


def same_value(text: str, default: str) -> bool:
    """Whether a field's text is its default value: the same text, or the same number
    (``440000000`` is the default ``440000000.0``), so that no source is asked for it."""
    if text.strip() == default:
        return True
    try:
        given, known = parse_value(text), parse_value(default)
    except ValueError:
        return False
    numbers = (int, float)
    if isinstance(given, numbers) and isinstance(known, numbers):
        return not isinstance(given, bool) and not isinstance(known, bool) and given == known
    return False


def form_toml(changed: dict[str, tuple[str, str]], header: str = "") -> str:
    """TOML text of the changed fields (path → (value text, source)), as dotted keys; a field
    with a source is written ``{ value = ..., source = "..." }``. Raises ValueError."""
    lines = [header.rstrip()] if header else []
    for path, (text, source) in changed.items():
        key = ".".join(toml_text.key(p) for p in path.split("."))
        value = toml_text.value(parse_value(text))
        if source.strip():
            value = f"{{ value = {value}, source = {toml_text.value(source.strip())} }}"
        lines.append(f"{key} = {value}")
    return "\n".join(lines) + "\n"
