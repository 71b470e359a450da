"""Problems found in input files, and the one translation of pydantic errors into them.

Each problem names the file, the line, the dotted field and what is allowed, with a
did-you-mean for unknown names.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ValidationError

from orevalue import toml_text
from orevalue.scenario.schema import ELEMENTS, NAME_RULE, TERMS_FUNCTIONS, Element, Scenario


class Cell(int):
    """A workbook cell standing where a line number stands: it sorts as its row and reads as
    ``Sheet!B42`` (input workbooks, :mod:`orevalue.scenario.xlsx`)."""

    sheet: str
    column: str

    def __new__(cls, sheet: str, column: str, row: int) -> Cell:
        cell = super().__new__(cls, row)
        cell.sheet, cell.column = sheet, column
        return cell

    def __str__(self) -> str:
        return f"{self.sheet}!{self.column}{int(self)}"

    __repr__ = __str__

    def __reduce__(self) -> tuple[type[Cell], tuple[str, str, int]]:
        return Cell, (self.sheet, self.column, int(self))

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario: where it is and what was expected."""

    file: str
    path: str
    message: str
    line: int | None = None  # or a workbook's Cell

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
        # one line, whatever a key holds: control characters written as escapes
        return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class ScenarioError(Exception):
    """A scenario that cannot be evaluated; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        # in the order a reader meets them in the file
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0))
        super().__init__("\n".join(str(p) for p in self.problems))


_MESSAGES = {
    "greater_than_equal": "must be >= {ge}",
    "greater_than": "must be > {gt}",
    "less_than_equal": "must be <= {le}",
    "less_than": "must be < {lt}",
    "float_parsing": "expected a number",
    "float_type": "expected a number",
    "int_parsing": "expected a whole number",
    "int_type": "expected a whole number",
    "int_from_float": "expected a whole number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "string_type": "expected text in quotes",
    "list_type": "expected a list [ ... ]",
    "tuple_type": "expected a pair [a, b]",
    "dict_type": "expected a table",
    "model_type": "expected a table",
    "model_attributes_type": "expected a table",
    "missing": "required field is missing",
    "too_short": "expected at least {min_length} item(s)",
    "too_long": "expected at most {max_length} item(s)",
    "string_pattern_mismatch": NAME_RULE,
    "finite_number": "expected a finite number",
}


_RANGE_ERRORS = ("greater_than_equal", "greater_than", "less_than_equal", "less_than")
_VALIDATOR_STEP = re.compile(r"^function-(after|before|wrap|plain)\[")


def _location(loc: tuple[Any, ...]) -> list[str]:
    # pydantic inserts validator names ("function-after[...]") and key markers ("[key]");
    # user keys such as a feed named "funcx" or "a[1]" are kept
    parts = [
        str(p)
        for p in loc
        if not (isinstance(p, str) and (p == "[key]" or _VALIDATOR_STEP.match(p)))
    ]
    if len(parts) > 2 and parts[0] == "terms" and parts[2] in TERMS_FUNCTIONS:
        del parts[2]  # the tag pydantic adds for the terms function a table picks
    return parts


def problem_from_error(
    err: Any,
    file: str,
    lines: dict[str, int],
    root: type[BaseModel] | None = None,
    prefix: str = "",
    wording: Mapping[str, str] | None = None,
) -> Problem:
    """One line for one pydantic error: file, line, dotted path, the bad value, what is
    allowed, with a did-you-mean for unknown fields.

    ``root`` is the schema validated (the scenario's by default), found in the file at the
    dotted ``prefix`` (a table inside it); ``wording`` replaces some of the default phrases
    ("must be >= {ge}") by error type. A validator's own ``ValueError`` is its message.
    """
    root = root or Scenario
    parts = _location(err["loc"])
    path = ".".join([prefix, *parts] if prefix else parts)
    kind = err["type"]
    if kind == "extra_forbidden":
        known = _known_keys(parts[:-1], root)
        close = close_match(parts[-1], known)
        hint = f"; did you mean '{close}'?" if close else ""
        allowed = f" (known: {', '.join(sorted(known))})" if known and not close else ""
        message = f"unknown field{hint}{allowed}"
    elif kind == "literal_error":
        message = f"got {err['input']!r}; expected one of {err['ctx']['expected']}"
    elif kind == "value_error":
        message = str(err["msg"]).removeprefix("Value error, ")
    else:
        template = (wording or {}).get(kind) or _MESSAGES.get(kind)
        text = template.format(**err.get("ctx", {})) if template else err["msg"]
        message = text if kind == "missing" else f"got {err['input']!r}; {text}"
        allowed = field_range(parts, root) if kind in _RANGE_ERRORS else ""
        if " to " in allowed:  # a one-sided bound is the range already
            message += f", allowed {allowed}"
        unit = field_description(parts, root)
        if unit and kind != "missing":
            message += f" ({unit})"
    return Problem(file, path, message, toml_text.find_line(lines, path))


ModelT = typing.TypeVar("ModelT", bound=BaseModel)


class Problems:
    """Problems of one input file, collected in the order found, each with its line.

    ``lines`` maps dotted keys to line numbers (:func:`orevalue.toml_text.key_lines`), or is
    a function making that map, called once when the first problem needs its line (a file
    without problems is not scanned: the input check of every command runs on good files).
    """

    def __init__(
        self,
        file: str,
        lines: dict[str, int] | Callable[[], dict[str, int]],
        wording: Mapping[str, str] | None = None,
    ) -> None:
        self.file = file
        self._lines = lines
        self.wording = wording
        self.found: list[Problem] = []

    @property
    def lines(self) -> dict[str, int]:
        """Line of each dotted key of the file, made on first use."""
        if callable(self._lines):
            self._lines = self._lines()
        return self._lines

    def add(self, path: str, message: str) -> None:
        """A problem at the dotted ``path``."""
        self.found.append(Problem(self.file, path, message, toml_text.find_line(self.lines, path)))

    def validate(self, model: type[ModelT], values: Any, prefix: str = "") -> ModelT | None:
        """``values`` (the table at ``prefix``) validated as ``model``, or None with each of
        pydantic's errors added as a problem."""
        try:
            return model.model_validate(values)
        except ValidationError as exc:
            self.found.extend(
                problem_from_error(err, self.file, self.lines, model, prefix, self.wording)
                for err in exc.errors()
            )
            return None

    def raise_any(self) -> None:
        """Raise every problem found together, as a :class:`ScenarioError`."""
        if self.found:
            raise ScenarioError(self.found)


def _bare(tp: Any) -> Any:
    """``tp`` without its ``Annotated`` constraints, and ``X`` for an optional ``X | None``."""
    while True:
        if typing.get_origin(tp) is Annotated:
            tp = typing.get_args(tp)[0]
        elif typing.get_origin(tp) in (typing.Union, types.UnionType):
            kinds = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(kinds) != 1:
                return tp
            tp = kinds[0]
        else:
            return tp


def _model_at(parts: list[str], root: type[BaseModel] | None = None) -> Any:
    """The schema type found by walking ``parts`` down from ``root`` (the scenario's)."""
    tp: Any = root or Scenario
    for part in parts:
        tp = _bare(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            field = tp.model_fields.get(part)
            if field is None:
                return None
            tp = field.annotation
        elif typing.get_origin(tp) is dict:
            tp = typing.get_args(tp)[1]
        else:
            return None
    return _bare(tp)


def _known_keys(parts: list[str], root: type[BaseModel] | None = None) -> list[str]:
    tp = _model_at(parts, root)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return list(tp.model_fields)
    if typing.get_origin(tp) is dict and typing.get_args(tp)[0] is Element:
        return list(ELEMENTS)
    return []


def describe(parts: list[str]) -> str:
    """Description (meaning and unit) of the schema field at ``parts``, if it is one."""
    owner = _model_at(parts[:-1])
    if isinstance(owner, type) and issubclass(owner, BaseModel) and parts:
        field = owner.model_fields.get(parts[-1])
        if field is not None:
            return field.description or ""
        extra = getattr(owner, "extra_description", None)  # a table-driven key
        return extra(parts[-1]) if extra is not None else ""
    return ""


def field_range(parts: list[str], root: type[BaseModel] | None = None) -> str:
    """The range allowed of the numeric schema field at ``parts`` ("0 to 1e+06", ">= 0",
    "> 0 to 100"), or "" for a field without one; a table of numbers (a wage by skill) gives
    the range of its values. ``root`` is the schema (the scenario's by default)."""
    owner = _model_at(parts[:-1], root)
    if not (isinstance(owner, type) and issubclass(owner, BaseModel) and parts):
        return ""
    field = owner.model_fields.get(parts[-1])
    if field is None:
        extra = getattr(owner, "extra_range", None)  # a table-driven key
        return extra(parts[-1]) if extra is not None else ""
    metadata = list(field.metadata)
    tp = field.annotation
    while True:  # a table's or a list's values: their range
        if typing.get_origin(tp) is Annotated:
            metadata += [m for a in typing.get_args(tp)[1:] for m in getattr(a, "metadata", [a])]
            tp = typing.get_args(tp)[0]
        elif typing.get_origin(tp) in (dict, list):
            tp = typing.get_args(tp)[-1]
        else:
            break
    bounds: dict[str, Any] = {}
    for item in metadata:
        for name in ("ge", "gt", "le", "lt"):
            if getattr(item, name, None) is not None:
                bounds[name] = getattr(item, name)
    low = f"{bounds['ge']:g}" if "ge" in bounds else f"> {bounds['gt']:g}" if "gt" in bounds else ""
    high = (
        f"{bounds['le']:g}" if "le" in bounds else f"< {bounds['lt']:g}" if "lt" in bounds else ""
    )
    if low and high:
        return f"{low} to {high}"
    return f">= {low}" if low and not low.startswith(">") else low or (f"<= {high}" if high else "")


def field_description(parts: list[str], root: type[BaseModel] | None = None) -> str:
    for cut in range(len(parts), 0, -1):
        owner = _model_at(parts[: cut - 1], root)
        if isinstance(owner, type) and issubclass(owner, BaseModel):
            field = owner.model_fields.get(parts[cut - 1])
            if field is not None and field.description:
                return field.description
            extra = getattr(owner, "extra_description", None)  # a table-driven key
            if field is None and extra is not None and extra(parts[cut - 1]):
                return extra(parts[cut - 1])
    return ""


def close_match(name: str, known: Iterable[Any]) -> str | None:
    """The known name most like ``name`` (difflib ratio at least 0.6), if there is one."""
    close = difflib.get_close_matches(str(name), [str(k) for k in known], n=1, cutoff=0.6)
    return close[0] if close else None


def unknown_name(kind: str, name: str, known: Any) -> str:
    """ "no <kind> named '<name>'", with the closest known name or else the known names."""
    names = sorted(str(k) for k in known)
    close = close_match(name, names)
    hint = f"; did you mean '{close}'?" if close else f"; known: {', '.join(names) or 'none'}"
    return f"no {kind} named '{name}'{hint}"
