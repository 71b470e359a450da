"""Scenario input workbooks (``orevalue init --xlsx``): one row a field, read back as a
scenario file would be, every problem naming the sheet and cell.

The sheet :data:`SHEET` has a header row naming its columns (:data:`COLUMNS`, in any order;
``path`` and ``value`` are required). Each later row sets one field: ``path`` is its dotted
path as in a TOML file (``project.discount_rate_pct``; a key holding dots is quoted,
``uncertainty.inputs."site.location_factor"``), ``value`` a number, text, true/false, or a
list or table written as in TOML (``[25, 45, 30]``, ``{ dist = "pert", low = 1, high = 2 }``).
An empty value leaves the field at the default case's. ``source`` and ``tag`` travel with the
value as ``{ value, source, tag }`` does in TOML, unless they are the default case's own (as
``init`` writes them): a changed value then counts as the user's, as in a TOML file.
``unit``, ``default`` and ``description`` are for people and are not read.
"""

from __future__ import annotations

import dataclasses
import datetime
import tomllib
from pathlib import Path
from typing import Any

from orevalue import toml_text
from orevalue.scenario.errors import Cell, Problem, ScenarioError
from orevalue.scenario.tables import deep_merge

#: The sheet holding the inputs, and its columns in the order ``init --xlsx`` writes them.
SHEET = "Inputs"
COLUMNS = ("path", "value", "unit", "default", "source", "tag", "description")
#: Suffixes read as workbooks rather than TOML.
SUFFIXES = (".xlsx", ".xlsm")
#: Largest workbook read, bytes, and most rows (a scenario has a few hundred fields).
MAX_BYTES = 10_000_000
MAX_ROWS = 100_000


def is_workbook(path: str | Path) -> bool:
    """Whether ``path`` names an input workbook (by its suffix)."""
    return Path(path).suffix.lower() in SUFFIXES


def column_letter(index: int) -> str:
    """Spreadsheet column letters of a 1-based column index (1 -> A, 27 -> AA)."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclasses.dataclass
class Workbook:
    """A workbook as read: the table it sets (leaves may be ``{ value, source, tag }``) and
    the cell of each field's value (and of its path) by dotted path."""

    file: str
    values: dict[str, Any]
    cells: dict[str, Cell]
    path_cells: dict[str, Cell]

    def locate(self, exc: ScenarioError) -> ScenarioError:
        """``exc`` with each problem of this workbook placed at its cell: the path cell for
        an unknown field, else the value cell (of the field or the nearest table holding it)."""
        placed = []
        for problem in exc.problems:
            if problem.line is None and problem.file in (self.file, Path(self.file).name):
                problem = dataclasses.replace(problem, file=self.file)
                cells = self.path_cells if problem.message.startswith("unknown") else self.cells
                cell = toml_text.find_line(cells, problem.path)  # type: ignore[arg-type]
                problem = dataclasses.replace(problem, line=cell)
            placed.append(problem)
        return ScenarioError(placed)


def read_workbook(path: str | Path, default_provenance: dict[str, dict[str, str]]) -> Workbook:
    """The scenario table of the input workbook at ``path``.

    ``default_provenance`` is the default case's: a row's source and tag that repeat it are
    not taken as given. Raises :class:`ScenarioError` for a file that is not a workbook, a
    missing sheet or column, a path that is not a dotted key or is set twice, and a value that
    cannot be read, each naming the file, sheet and cell.
    """
    from orevalue.scenario.load import MAX_NESTING, nesting_depth

    file = str(path)
    rows = _rows(Path(path), file)
    header = rows[0] if rows else ()
    names = [str(h).strip().lower() if h is not None else "" for h in header]
    missing = [c for c in ("path", "value") if c not in names]
    if missing:
        found = ", ".join(n for n in names if n) or "none"
        message = f"no column {missing[0]!r} in the header row (found: {found})"
        raise ScenarioError([Problem(file, "", message, Cell(SHEET, "A", 1))])
    col = {name: names.index(name) for name in COLUMNS if name in names}
    book = Workbook(file, {}, {}, {})
    problems: list[Problem] = []
    first_row: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        cells = {name: (row[i] if i < len(row) else None) for name, i in col.items()}
        key_text = cells["path"]
        if key_text is None or str(key_text).strip() == "" or str(key_text).startswith("#"):
            continue
        at = Cell(SHEET, column_letter(col["path"] + 1), number)
        value_at = Cell(SHEET, column_letter(col["value"] + 1), number)
        parts = _parts(str(key_text).strip())
        if parts is None:
            problems.append(
                Problem(
                    file, str(key_text), "not a dotted field path (a.b.c; quote keys with dots)", at
                )
            )
            continue
        dotted = ".".join(parts)
        if dotted in first_row:
            problems.append(Problem(file, dotted, f"set twice (also row {first_row[dotted]})", at))
            continue
        first_row[dotted] = number
        book.cells[dotted], book.path_cells[dotted] = value_at, at
        if cells["value"] is None or (
            isinstance(cells["value"], str) and not cells["value"].strip()
        ):
            continue
        value, why = _value(cells["value"])
        if not why and len(parts) + nesting_depth(value) > MAX_NESTING:
            why = f"tables and arrays nested too deep; expected at most {MAX_NESTING} levels"
        if why:
            problems.append(Problem(file, dotted, why, value_at))
            continue
        leaf = _with_provenance(value, cells, default_provenance.get(dotted, {}))
        book.values = deep_merge(book.values, _nest(parts, leaf))
    if problems:
        raise ScenarioError(problems)
    return book


def _rows(path: Path, file: str) -> list[tuple[Any, ...]]:
    """Every row of the inputs sheet, as cell values."""
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    def problem(message: str) -> ScenarioError:
        return ScenarioError([Problem(file, "", message)])

    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise problem("file not found") from None
    except OSError as exc:
        raise problem(f"cannot read: {exc}") from None
    if size > MAX_BYTES:
        raise problem(f"cannot read: larger than {MAX_BYTES:,} bytes; an input workbook is small")
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise problem(f"cannot read as an Excel workbook (.xlsx): {exc}") from None
    try:
        if SHEET not in book.sheetnames:
            known = ", ".join(book.sheetnames)
            raise problem(
                f"no sheet named {SHEET!r} (sheets: {known}); write one with orevalue init --xlsx"
            )
        rows = []
        for row in book[SHEET].iter_rows(values_only=True):
            rows.append(row)
            if len(rows) > MAX_ROWS:
                raise problem(f"{SHEET}: more than {MAX_ROWS:,} rows; an input workbook is small")
        return rows
    finally:
        book.close()


def _parts(text: str) -> list[str] | None:
    """The keys of a dotted path as TOML reads them, or None when it is not one."""
    try:
        table = tomllib.loads(f"{text} = 0")
    except tomllib.TOMLDecodeError:
        return None
    parts: list[str] = []
    while isinstance(table, dict) and len(table) == 1:
        key, table = next(iter(table.items()))
        parts.append(key)
    return parts


def _value(cell: Any) -> tuple[Any, str]:
    """A cell's value as a scenario value, or why it cannot be one."""
    if isinstance(cell, datetime.datetime | datetime.date | datetime.time):
        why = "expected a number or text (format the cell as text)"
        return None, f"got a date or time ({cell}); {why}"
    if not isinstance(cell, str) or cell.strip()[:1] not in ("[", "{"):
        return cell, ""
    text = cell.strip()
    expected = "expected a list [a, b] or table { k = v } as in TOML"
    try:
        return tomllib.loads(f"v = {text}")["v"], ""
    except tomllib.TOMLDecodeError as exc:
        return None, f"got {text!r}; {expected} ({exc})"
    except RecursionError:  # the parser recurses once per level
        return None, f"{expected}: nested too deep"


def _with_provenance(value: Any, cells: dict[str, Any], default: dict[str, str]) -> Any:
    """``value`` as ``{ value, source, tag }`` when the row gives a source or tag other than
    the default case's own."""
    given = {
        k: str(cells[k]).strip()
        for k in ("source", "tag")
        if cells.get(k) is not None and str(cells[k]).strip()
    }
    if not given or all(default.get(k, "") == v for k, v in given.items()):
        return value
    return {"value": value, **given}


def _nest(parts: list[str], leaf: Any) -> dict[str, Any]:
    out: Any = leaf
    for part in reversed(parts):
        out = {part: out}
    return out


def path_text(parts: list[str]) -> str:
    """A dotted path written as a TOML key, each key quoted when it is not bare."""
    return ".".join(toml_text.key(p) for p in parts)


def value_cells(path: str | Path) -> dict[str, Cell]:
    """The cell of each field's value in the workbook at ``path`` (empty when it cannot be
    read): where later checks (the risk spec's) place their problems."""
    try:
        return read_workbook(path, {}).cells
    except ScenarioError:
        return {}
