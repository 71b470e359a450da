"""What the fuzz tests share: scenario files made from the default case with one field
changed to a random value, type or structure (or to a valid value: one of the field's type
inside its declared range, so that many files reach a full run), and the property every
command must keep."""

from __future__ import annotations

import json
import math
import shutil
import tempfile
import typing
from pathlib import Path
from typing import Any, Literal

from hypothesis import strategies as st
from typer.testing import CliRunner

import orevalue
from orevalue import toml_text
from orevalue.cli import app
from orevalue.report.verdict import UNDEFINED_ALLOWED
from orevalue.risk.checks import field_bounds
from orevalue.scenario import DEFAULT_CASE, default_text, parse_toml, split_provenance
from orevalue.scenario.errors import _model_at
from orevalue.scenario.regimes import regime_names
from orevalue.scenario.tables import leaves

runner = CliRunner()

#: Every leaf of the default case by dotted path, and every table: where to put a value.
DEFAULT_VALUES, _ = split_provenance(parse_toml(default_text(), DEFAULT_CASE))
LEAVES = sorted(leaves(DEFAULT_VALUES))
TABLES = sorted({p.rsplit(".", 1)[0] for p in LEAVES if "." in p})

#: Text a hostile user might give: paths, markup, control characters.
NASTY_TEXT = [
    "../../x",
    "..",
    "/etc/passwd",
    "a\\b",
    "[/]",
    "[bold]x",
    "",
    " ",
    "-x",
    ".x",
    "x" * 300,
    "é",
    "\x00",
    "cathode",
    "concentrate",
    "smelter",
    "cu",
    "inf",
]

numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        [0.0, -0.0, 1e-300, -1e-300, 1e308, -1e308, 1e6, 1e11, -100.0, 100.0, 1900.0, 2200.0, 0.5]
    ),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.sampled_from([0, 1, -1, 1899, 1900, 2030, 2200, 2201, 10**20]),
)
scalars = st.one_of(numbers, st.booleans(), st.sampled_from(NASTY_TEXT), st.text(max_size=20))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from(NASTY_TEXT), st.text(max_size=8)), inner, max_size=3
        ),
    ),
    max_leaves=8,
)
#: A dotted key: an existing leaf, a new key in an existing table, or a new table.
paths = st.one_of(
    st.sampled_from(LEAVES),
    st.tuples(st.sampled_from(TABLES), st.sampled_from([*NASTY_TEXT[:12], "x", "new"])).map(
        lambda t: f"{t[0]}.{t[1]}"
    ),
    st.sampled_from(TABLES),
)


# ------------------------------------------------------------------ valid changes

#: The default case as the schema reads it (its regime's fiscal fields included), by dotted
#: path: the fields a valid change may set, each to a value of its type inside its range.
DEFAULT_CASE_SCENARIO = orevalue.load()
SCHEMA_LEAVES = {
    path: value
    for path, value in leaves(
        DEFAULT_CASE_SCENARIO.model_dump(mode="json", exclude={"uncertainty"})
    ).items()
    if value is not None and value != []
}
#: Names a text field that refers to a table may take: the keys of that table.
_NAMES = {
    "focus_pathway": sorted(DEFAULT_CASE_SCENARIO.pathways),
    "baseline_pathway": sorted(DEFAULT_CASE_SCENARIO.pathways),
    "fiscal.regime": regime_names(),
}
#: Text fields any text may fill (labels, titles, notes): markup and paths included.
_FREE_TEXT = ("label", "title", "law", "site.name", "note")


def field_type(path: str) -> typing.Any:
    """The type the schema declares at the dotted ``path`` (Annotated and Optional stripped), or
    None: the walk the error messages use."""
    return _model_at(path.split("."))


def _in_range(path: str, default: float, whole: bool) -> st.SearchStrategy[float]:
    """A number for ``path`` inside its declared range: near the default (a factor of 0.5 to
    2, or a step of a few for a whole number) or anywhere in a finite range."""
    low, low_in, high, high_in = field_bounds(DEFAULT_CASE_SCENARIO, path)

    def fits(v: float) -> bool:
        return (low < v or (low_in and v == low)) and (v < high or (high_in and v == high))

    if whole:
        near = st.integers(-3, 3).map(lambda d: int(default) + d)
        anywhere = (
            st.integers(int(max(low, -1e6)), int(min(high, 1e6)))
            if low > -1e6 and high < 1e6
            else near
        )
    else:
        base = default if default else (1.0 if high > 1.0 else high / 2)
        near = st.floats(0.5, 2.0).map(lambda f: base * f)
        anywhere = (
            st.floats(low, high, exclude_min=not low_in, exclude_max=not high_in)
            if math.isfinite(low) and math.isfinite(high)
            else near
        )
    return st.one_of(near, near, anywhere).filter(fits)


def _valid_value(path: str, default: typing.Any) -> st.SearchStrategy[typing.Any]:
    if isinstance(default, bool):
        return st.booleans()
    if isinstance(default, int | float):
        return _in_range(path, default, isinstance(default, int))
    if isinstance(default, list):
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in default):
            # each entry near its default, inside the range of the list's entries; a list of
            # shares adding up to 100 (build years' spend) scaled to add up again
            drawn = st.tuples(
                *(_in_range(f"{path}.{i}", v, isinstance(v, int)) for i, v in enumerate(default))
            ).map(list)
            if math.isclose(sum(default), 100.0) and len(default) > 1:
                drawn = drawn.filter(lambda v: sum(v) > 0).map(
                    lambda v: [100.0 * x / sum(v) for x in v]
                )
            return drawn
        return st.just(default)
    tp = field_type(path)
    if typing.get_origin(tp) is Literal:
        return st.sampled_from(typing.get_args(tp))
    if path in _NAMES:
        return st.sampled_from(_NAMES[path])
    if path.rsplit(".", 1)[-1] in _FREE_TEXT or path in _FREE_TEXT:
        return st.one_of(st.sampled_from(NASTY_TEXT), st.text(max_size=20))
    return st.just(default)


#: One valid change: a field of the default case and a value of its type inside its range.
valid_change = st.sampled_from(sorted(SCHEMA_LEAVES)).flatmap(
    lambda path: st.tuples(st.just(path), _valid_value(path, SCHEMA_LEAVES[path]))
)
valid_changes = st.lists(valid_change, min_size=1, max_size=3, unique_by=lambda c: c[0])
#: Any change: a random value, type or structure in a random field (mostly refused).
wild_changes = st.lists(st.tuples(paths, values), min_size=1, max_size=3, unique_by=lambda c: c[0])
#: Two draws in three valid, one wild (a uniform pick: ``one_of`` leans on its first branch).
changes = st.sampled_from((valid_changes, wild_changes, valid_changes)).flatmap(lambda c: c)


#: A random TOML document: tables of random keys holding random values and structures.
toml_tables = st.recursive(
    st.one_of(st.integers(), st.floats(), st.booleans(), st.text(max_size=6)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=10,
).filter(lambda v: isinstance(v, dict))


def structure_text(table: dict[str, Any]) -> str:
    """A random table (:data:`toml_tables`) as the text of a scenario file."""
    return "".join(f"{toml_text.key(k)} = {toml_text.value(v)}\n" for k, v in table.items())


def toml_of(changes: list[tuple[str, Any]]) -> str:
    """A scenario file setting each dotted path to its value (top-level dotted keys)."""
    lines = []
    for path, value in changes:
        key = ".".join(toml_text.key(part) for part in _parts(path))
        lines.append(f"{key} = {toml_text.value(value)}")
    return "\n".join(lines) + "\n"


def _parts(path: str) -> list[str]:
    # table names of the default case hold no dots but the uncertainty inputs' quoted paths
    if path.startswith("uncertainty.inputs."):
        rest = path.removeprefix("uncertainty.inputs.")
        field, _, leaf = rest.rpartition(".")
        return ["uncertainty", "inputs", field, leaf] if field else ["uncertainty", "inputs", rest]
    return path.split(".")


def _finite_tree(item: Any, where: str, bad: list[str]) -> None:
    if isinstance(item, dict):
        for k, v in item.items():
            _finite_tree(v, f"{where}.{k}", bad)
    elif isinstance(item, list):
        for i, v in enumerate(item):
            _finite_tree(v, f"{where}[{i}]", bad)
    elif isinstance(item, float) and not math.isfinite(item):
        bad.append(where)


def check_command(command: list[str], text: str | bytes, extra: list[str] = ()) -> str:
    """Run ``orevalue <command> <file>`` in-process on a file holding ``text`` in a fresh
    folder and check the property: exit 2 with every line naming the file, or exit 0 with
    only finite numbers (or counted warnings); never a traceback, never a file outside
    --out. Returns "ok" or "refused"."""
    root = Path(tempfile.mkdtemp(prefix="orevalue-fuzz-"))
    try:
        scenario = root / "case.toml"
        scenario.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        out = root / "out"
        result = runner.invoke(app, [*command, str(scenario), "--out", str(out), "-q", *extra])
        if result.exit_code not in (0, 2) or (
            result.exception is not None and not isinstance(result.exception, SystemExit)
        ):
            raise AssertionError(
                f"exit {result.exit_code} on\n{text!r}\n{result.output}\n{result.exception!r}"
            ) from result.exception
        outside = sorted(p.name for p in root.iterdir() if p.name not in ("case.toml", "out"))
        assert not outside, f"wrote {outside} outside --out on {text!r}"
        if result.exit_code == 2:
            lines = [ln for ln in result.output.splitlines() if ln.strip()]
            assert lines and all(
                ln.startswith((str(scenario), scenario.name, "the scenario", "warning:"))
                for ln in lines
            ), result.output
            assert not out.exists() or command[0] != "run", f"wrote results on {text!r}"
            return "refused"
        _check_outputs(out, text)
        return "ok"
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _check_outputs(out: Path, text: str | bytes) -> None:
    for path in out.rglob("*.json"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        bad: list[str] = []
        _finite_tree(doc, path.name, bad)
        assert not bad, f"not finite in {path.name}: {bad[:5]} on {text!r}"
        if path.name == "results.json":
            verdict = " ".join(doc["verdict"])
            assert " n/a" not in verdict and "nan" not in verdict.lower(), (verdict, text)
            if not doc["warnings"]:
                _no_silent_nulls(doc, text)


def _no_silent_nulls(doc: dict[str, Any], text: str | bytes) -> None:
    """Without a warning, a null (a number that was not finite) only where a metric may be
    undefined (an IRR, a payback, a cover ratio)."""
    for name, pathway in doc["pathways"].items():
        for group in ("plant", "margin_usd_per_t_product_cu", "country"):
            for key, v in pathway[group].items():
                if v is None and not any(w in key for w in UNDEFINED_ALLOWED):
                    raise AssertionError(f"silent null {name}.{group}.{key} on {text!r}")
