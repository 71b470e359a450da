"""The ``init`` template: the default case as plain TOML, each value with its meaning, unit,
source and tag in comments, generated from the schema and the embedded data."""

from __future__ import annotations

from typing import Any

from orevalue import toml_text
from orevalue.scenario import CASE_FISCAL_FIELDS, Scenario, describe, load
from orevalue.scenario.errors import field_range

HEADER = """\
# orevalue scenario, written by `orevalue init` from the embedded default case.
# Edit any value; delete what you do not change (a scenario file needs only what differs from
# the default case, which is merged underneath it). Money is real USD of base_year.
# Comments after a value give its source and tag: S sourced, D derived, E estimate.
# Run it with:  orevalue run {path}
"""


def _comment(scenario: Scenario, path: str) -> str:
    prov = scenario.provenance.get(path)
    if not prov:
        return ""
    tag = f"[{prov['tag']}] " if prov.get("tag") else ""
    return f"  # {tag}{prov.get('source', '')}".rstrip()


def _write_table(
    scenario: Scenario, table: dict[str, Any], parts: list[str], out: list[str]
) -> None:
    leaves = {k: v for k, v in table.items() if not isinstance(v, dict)}
    inline = {
        k: v
        for k, v in table.items()
        if isinstance(v, dict) and _is_plain(scenario, [*parts, str(k)], v)
    }
    tables = {k: v for k, v in table.items() if isinstance(v, dict) and k not in inline}
    if parts and (leaves or inline):
        out.append("")
        allowed = field_range(parts)
        if describe(parts):
            out.append(f"# {describe(parts)}" + (f" [{allowed}]" if allowed else ""))
        out.append("[" + ".".join(toml_text.key(p) for p in parts) + "]")
    for key, value in {**leaves, **inline}.items():
        path = ".".join([*parts, str(key)])
        description = describe([*parts, str(key)])
        allowed = field_range([*parts, str(key)])
        if description or allowed:
            out.append(f"# {description}" + (f" [{allowed}]" if allowed else ""))
        out.append(f"{toml_text.key(key)} = {toml_text.value(value)}{_comment(scenario, path)}")
    for key, value in tables.items():
        _write_table(scenario, value, [*parts, str(key)], out)


def _is_plain(scenario: Scenario, parts: list[str], table: dict[str, Any]) -> bool:
    """A small table of numbers sourced as a whole (a headcount) is written inline."""
    path = ".".join(parts)
    nested = any(isinstance(v, dict) for v in table.values())
    own = scenario.provenance.get(path)
    entries = [v for k, v in scenario.provenance.items() if k.startswith(path + ".")]
    return not nested and all(e == own for e in entries)


def template_text(display_path: str = "scenario.toml", case: str | None = None) -> str:
    """The commented default case as TOML text.

    The fiscal table holds only the regime's name and the case's own fields: the regime's
    figures follow from the preset it names (data/regimes.toml), so that changing
    ``regime`` changes them; they are listed as comments to copy and override.
    """
    scenario = load(case=case)
    out: list[str] = [HEADER.format(path=display_path).rstrip()]
    if case is not None:  # the file says which case it merges onto
        out += ["", f"case = {toml_text.value(case)}"]
    values = scenario.model_dump(mode="json", exclude_none=True)  # unset options: left out
    fiscal = values["fiscal"]
    keep = ("regime", *CASE_FISCAL_FIELDS)
    values["fiscal"] = {k: v for k, v in fiscal.items() if k in keep}
    _write_table(scenario, values, [], out)
    i = out.index("[fiscal]")
    preset = [
        f"# {toml_text.key(k)} = {toml_text.value(v)}{_comment(scenario, f'fiscal.{k}')}"
        for k, v in fiscal.items()
        if k not in keep
    ]
    note = f"# The {fiscal['regime']} preset sets, unless you set them here:"
    end = next((j for j in range(i + 1, len(out)) if out[j].startswith("[")), len(out))
    out[end:end] = [note, *preset, ""] if end < len(out) else [note, *preset]
    return "\n".join(out) + "\n"
