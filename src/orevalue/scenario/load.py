"""Reading scenario files: TOML text, validation with clear errors, merging onto the default case.

A user file sets only what differs from the embedded default case; overlays (a site's costs,
a fiscal regime preset) are laid over it in order, and every leaf keeps its source and tag.
"""

from __future__ import annotations

import copy
import functools
import re
import tomllib
import typing
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from orevalue import toml_text
from orevalue.scenario.checks import check_references, plausibility_notes
from orevalue.scenario.errors import (
    ModelT,
    Problem,
    ScenarioError,
    problem_from_error,
    unknown_name,
)
from orevalue.scenario.regimes import lay_regime
from orevalue.scenario.schema import Scenario
from orevalue.scenario.tables import deep_merge, lay_decks, leaves, split_provenance
from orevalue.scenario.xlsx import is_workbook, read_workbook

DEFAULT_CASE = "balochistan-copper.toml"
#: Files of the embedded data folder that are tables, not cases.
_TABLES = frozenset(
    {"elements.toml", "price_series.toml", "regimes.toml", "sites.toml", "trade.toml"}
)
#: Largest input file read, bytes: a scenario or sites file is a few kB; a larger one is a
#: mistake (a wrong file, a device such as /dev/zero) and is refused before it fills memory.
MAX_INPUT_BYTES = 10_000_000
#: Deepest nesting of tables and arrays in an input file, the file's own table counted (the
#: default case has 7 levels, the embedded sites file 6); deeper files are refused before the
#: parser or the validation exhausts Python's recursion limit.
MAX_NESTING = 64


def default_text() -> str:
    """The embedded default case as TOML text."""
    return case_text(DEFAULT_CASE)


def case_text(case_file: str) -> str:
    """The embedded case ``case_file`` (``balochistan-gold.toml``) as TOML text."""
    return resources.files("orevalue.data").joinpath(case_file).read_text(encoding="utf-8")


def case_files() -> dict[str, str]:
    """The embedded cases: short name (``gold``) -> file (``balochistan-gold.toml``). A case
    is a TOML file of the data folder declaring its ``focus_pathway``; the others are tables."""
    return dict(_case_files())


@functools.cache
def _case_files() -> dict[str, str]:
    """:func:`case_files`, read once a process (the package's data do not change)."""
    out = {}
    for entry in sorted(resources.files("orevalue.data").iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml") or entry.name in _TABLES:
            continue
        if re.search(r"^focus_pathway\s*=", entry.read_text(encoding="utf-8"), re.MULTILINE):
            out[entry.name.removesuffix(".toml").removeprefix("balochistan-")] = entry.name
    return out


def is_case_file(name: str) -> bool:
    """Whether ``name`` is the file of an embedded case (what ``source_file`` is when a case is
    loaded without a scenario file)."""
    return name in case_files().values()


def resolve_case(name: str | None, file: str = "--case") -> str:
    """The file of the embedded case ``name`` (``gold``, ``balochistan-gold`` or the file's
    name; None: the default case). An unknown name is a :class:`ScenarioError` naming
    ``file``'s ``case`` field, with the closest known name."""
    if name is None:
        return DEFAULT_CASE
    files = case_files()
    if not isinstance(name, str):
        raise ScenarioError([Problem(file, "case", f"expected a case name ({', '.join(files)})")])
    key = name.strip().lower().removesuffix(".toml").removeprefix("balochistan-")
    if key in files:
        return files[key]
    raise ScenarioError([Problem(file, "case", unknown_name("case", name, files))])


def case_values(case_file: str) -> tuple[dict[str, Any], dict[str, dict[str, str]]]:
    """The values and the provenance of the embedded case ``case_file``, a copy the caller
    may change: the case is parsed once a process (10 ms of the 18 a load takes)."""
    return copy.deepcopy(_case_values(case_file))


@functools.cache
def _case_values(case_file: str) -> tuple[dict[str, Any], dict[str, dict[str, str]]]:
    return split_provenance(parse_toml(case_text(case_file), case_file))


def parse_toml(text: str, file: str) -> dict[str, Any]:
    """TOML text as a dict; a syntax error, or tables and arrays nested deeper than
    :data:`MAX_NESTING`, is a :class:`ScenarioError` naming file (and line)."""
    try:
        values = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = toml_text.error_line(str(exc))
        raise ScenarioError([Problem(file, "", f"TOML syntax error: {exc}", line)]) from None
    except RecursionError:  # the parser recurses once per level
        raise _too_deep(file) from None
    if nesting_depth(values) > MAX_NESTING:
        raise _too_deep(file)
    return values


def _too_deep(file: str) -> ScenarioError:
    message = f"tables and arrays nested too deep; expected at most {MAX_NESTING} levels"
    return ScenarioError([Problem(file, "", f"{message} (the default case has 7)")])


def nesting_depth(item: Any) -> int:
    """Levels of tables and arrays in ``item`` (0 for a plain value), counted without
    recursion so that any depth can be measured."""
    deepest, stack = 0, [(item, 0)]
    while stack:
        value, depth = stack.pop()
        if not isinstance(value, dict | list):
            continue
        deepest = max(deepest, depth + 1)
        if depth < MAX_NESTING:  # what is already too deep need not be walked further
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children)
    return deepest


def read_input(path: str | Path) -> str:
    """The text of an input file (UTF-8, at most :data:`MAX_INPUT_BYTES`, never read further);
    a missing, unreadable or oversized file is a :class:`ScenarioError`."""
    file = str(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_INPUT_BYTES + 1)
    except FileNotFoundError:
        raise ScenarioError([Problem(file, "", "file not found")]) from None
    except OSError as exc:
        raise ScenarioError([Problem(file, "", f"cannot read: {exc}")]) from None
    if len(data) > MAX_INPUT_BYTES:
        message = f"larger than {MAX_INPUT_BYTES / 1e6:g} MB; expected a TOML input file"
        raise ScenarioError([Problem(file, "", f"{message} of a few kB")])
    try:  # newlines as text mode reads them
        return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as exc:
        raise ScenarioError([Problem(file, "", f"cannot read: {exc}")]) from None


def validate_input(
    model: type[ModelT],
    values: dict[str, Any],
    file: str,
    text: str,
    check: typing.Callable[[ModelT], list[tuple[str, str]]],
) -> ModelT:
    """``values`` validated as ``model``, then cross-checked by ``check``; every problem, with
    its line in ``text`` where known, is raised together as a :class:`ScenarioError`."""
    lines = toml_text.key_lines(text) if text else {}
    try:
        data = model.model_validate(values)
    except ValidationError as exc:
        raise ScenarioError(
            [problem_from_error(err, file, lines, model) for err in exc.errors()]
        ) from None
    problems = [Problem(file, p, m, toml_text.find_line(lines, p)) for p, m in check(data)]
    if problems:
        raise ScenarioError(problems)
    return data


@dataclass(frozen=True)
class Overlay:
    """Values laid over a scenario after its file: a site's costs or a fiscal regime preset.

    ``values`` is a raw table like a scenario file's (leaves may be ``{ value, source, tag }``);
    ``label`` names it in provenance ("site preset gwadar").
    """

    label: str
    values: dict[str, Any]


def load(
    path: str | Path | None = None,
    overlays: tuple[Overlay, ...] = (),
    source: str | Path | None = None,
    case: str | None = None,
) -> Scenario:
    """Load a scenario file merged onto its case (the embedded default case unless ``case`` or
    the file's own ``case = "NAME"`` key names another; the case alone when ``path`` is None),
    then lay ``overlays`` over it in order; ``case`` wins over the file's key. A workbook
    (``.xlsx``) is read by :mod:`orevalue.scenario.xlsx` and laid as the first overlay;
    ``source`` names the file the values came from when they are not read here.

    Raises :class:`ScenarioError` listing every problem, each naming file, line, field and
    what is allowed.
    """
    file, text = "", ""
    layers: list[tuple[str, dict[str, Any]]] = []
    notes: list[str] = []
    if path is not None and is_workbook(path):  # an input workbook (orevalue init --xlsx)
        base = resolve_case(case)
        _, provenance = case_values(base)
        book = read_workbook(path, provenance)
        if book.values and "name" not in book.values:  # as a TOML file: its own folder
            book.values = {"name": Path(path).stem, **book.values}
        first = Overlay(f"set in {Path(path).name}", book.values)
        try:
            return load(None, (first, *overlays), path, case)
        except ScenarioError as exc:
            raise book.locate(exc) from None
    if path is not None:
        file, text = str(path), read_input(path)
        given = parse_toml(text, file)
        if not given:
            notes.append(f"{file}: the file sets nothing; this is the default case")
        file_case = given.pop("case", None)
        if case is None and file_case is not None:
            case = resolve_case(file_case, file)
        if given and "name" not in given:  # its own results folder, not the case's
            given = {"name": Path(file).stem, **given}
        layers.append((f"set in {Path(file).name}", given))
    base = resolve_case(case)
    raw_default, provenance = case_values(base)
    default_values = lay_regime(raw_default, [], provenance, base)
    if path is None and not overlays:
        return _validate(default_values, provenance, base, "", base)
    file = file or base
    layers.extend((overlay.label, overlay.values) for overlay in overlays)
    file = str(source) if source is not None else file
    try:
        merged = lay_regime(raw_default, layers, provenance, file)
    except ScenarioError as exc:  # the regime the file names: at its line
        raise _at_line(exc, file, text) from None
    # a value counts as the user's when it differs from what it replaces: the case with the
    # chosen regime's preset under it
    default_leaves = {
        **leaves(_validate(default_values, {}, base, "", base).model_dump(mode="json")),
        **leaves(merged),
    }
    for label, raw in layers:
        values, given_prov = split_provenance(raw)
        # a price series marked flat or replace = true replaces the case's, not merged into it
        merged, values, given_prov = lay_decks(merged, values, given_prov, provenance, label)
        merged = deep_merge(merged, values)
        for leaf, value in leaves(values).items():
            if default_leaves.get(leaf, object()) != value:
                provenance[leaf] = {"source": label, "tag": "user"}
        for leaf, given in given_prov.items():
            # a { value, source, tag } overrides what it gives and keeps the rest
            provenance[leaf] = {**provenance.get(leaf, {}), **given}
    return _validate(merged, provenance, file, text, base, notes)


def _at_line(exc: ScenarioError, file: str, text: str) -> ScenarioError:
    """``exc`` with each problem placed in ``file`` by the file's name at its line in ``text``."""
    lines = toml_text.key_lines(text) if text else {}
    return ScenarioError(
        [
            Problem(file, p.path, p.message, toml_text.find_line(lines, p.path))
            if p.file == Path(file).name and p.line is None
            else p
            for p in exc.problems
        ]
    )


def _validate(
    values: dict[str, Any],
    provenance: dict[str, dict[str, str]],
    file: str,
    text: str,
    case_file: str,
    notes: list[str] | None = None,
) -> Scenario:
    scenario = validate_input(Scenario, values, file, text, check_references)
    lines = toml_text.key_lines(text) if text else {}
    found = [
        str(Problem(file, p, m, toml_text.find_line(lines, p)))
        for p, m in plausibility_notes(scenario)
    ]
    return scenario.with_source(provenance, file, case_file, (*(notes or []), *found))
