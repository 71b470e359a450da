"""What the fuzz tests share: scenario files made from the default case with one field
changed to a random value, type or structure, and the property every command must keep."""

from __future__ import annotations

import json
import math
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from typer.testing import CliRunner

from orevalue import toml_text
from orevalue.cli import app
from orevalue.report.verdict import UNDEFINED_ALLOWED
from orevalue.scenario import DEFAULT_CASE, default_text, parse_toml, split_provenance
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
