"""A package as a scenario file: the fields its levers move (and their status quo), laid over
the scenario it was found for, so that ``orevalue run`` re-derives every number."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from orevalue import toml_text
from orevalue.incentives.evaluate import Setup, package_params
from orevalue.scenario.load import DEFAULT_CASE, default_text, parse_toml, read_input
from orevalue.scenario.tables import PROVENANCE_KEYS, deep_merge, split_provenance
from orevalue.scenario.xlsx import is_workbook, read_workbook


def package_fields(setup: Setup, amounts: np.ndarray) -> dict[str, float | bool]:
    """Dotted scenario field -> value of the package ``amounts`` (L,), for every field a
    lever moves (and its offset) or gives a status quo for, and the switches it needs."""
    p = package_params(setup, np.asarray(amounts, float)[None, :])
    paths: dict[str, None] = {}
    for lever in setup.levers.levers.values():
        paths.update(dict.fromkeys([*lever.status_quo, lever.path]))
        if lever.offset:
            paths[lever.offset] = None
    whole = {lv.path for lv in setup.levers.levers.values() if lv.kind == "add_whole"}
    values: dict[str, float | bool] = {
        path: round(float(p[path][0, 0])) if path in whole else float(p[path][0, 0])
        for path in paths
    }
    return {**values, **setup.switches}


def _nested(fields: dict[str, float | bool]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, value in fields.items():
        *tables, leaf = path.split(".")
        node = out
        for t in tables:
            node = node.setdefault(t, {})
        node[leaf] = value
    return out


def _is_table(item: Any) -> bool:
    return isinstance(item, dict) and not ("value" in item and set(item) <= PROVENANCE_KEYS)


def _dump(table: dict[str, Any], prefix: str, out: list[str]) -> None:
    plain = {k: v for k, v in table.items() if not _is_table(v)}
    if plain and prefix:
        out.append(f"\n[{prefix}]")
    for k, v in plain.items():
        out.append(f"{toml_text.key(k)} = {toml_text.value(v)}")
    for k, v in table.items():
        if _is_table(v):
            _dump(v, f"{prefix}.{toml_text.key(k)}" if prefix else toml_text.key(k), out)


def overlay_text(
    fields: dict[str, float | bool], scenario_file: str | Path | None, header: list[str]
) -> str:
    """TOML text of a scenario file: ``scenario_file``'s own tables (a TOML file's or an input
    workbook's; none for the default case) with ``fields`` laid over them; ``header`` lines
    as comments on top."""
    base: dict[str, Any] = {}
    if scenario_file is not None and is_workbook(scenario_file):  # an input workbook's table
        _, provenance = split_provenance(parse_toml(default_text(), DEFAULT_CASE))
        base = read_workbook(scenario_file, provenance).values
    elif scenario_file is not None:
        base = parse_toml(read_input(scenario_file), str(scenario_file))
    merged = deep_merge(base, _nested(fields))
    lines = [f"# {h}" for h in header]
    _dump(merged, "", lines)
    return "\n".join(lines).strip() + "\n"
