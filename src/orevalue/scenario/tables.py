"""Raw TOML tables: provenance split from values, deep merge, dotted leaves.

A leaf may be a plain value or a table ``{ value = ..., source = "...", tag = "..." }``; these
functions work on the tables as read, before any validation.
"""

from __future__ import annotations

from typing import Any

PROVENANCE_KEYS = {"value", "source", "tag", "unit", "note"}


def _is_leaf_table(value: Any) -> bool:
    return isinstance(value, dict) and "value" in value and set(value) <= PROVENANCE_KEYS


def split_provenance(
    raw: dict[str, Any], prefix: str = ""
) -> tuple[dict[str, Any], dict[str, dict[str, str]]]:
    """Separate ``{value, source, tag}`` leaves into plain values and a provenance map.

    A sourced value that is itself a table (a headcount by skill) lends its source to each of
    its entries.
    """
    values: dict[str, Any] = {}
    prov: dict[str, dict[str, str]] = {}
    for key, item in raw.items():
        path = f"{prefix}{key}"
        if _is_leaf_table(item):
            values[key] = item["value"]
            meta = {k: str(v) for k, v in item.items() if k != "value"}
            prov[path] = meta
            if isinstance(item["value"], dict):
                prov.update(dict.fromkeys(leaves(item["value"], path + "."), meta))
        elif isinstance(item, dict):
            values[key], sub = split_provenance(item, path + ".")
            prov.update(sub)
        else:
            values[key] = item
    return values, prov


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; any other value in ``override`` replaces the one in ``base``."""
    out = dict(base)
    for key, item in override.items():
        if isinstance(item, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], item)
        else:
            out[key] = item
    return out


def leaves(values: Any, prefix: str = "") -> dict[str, Any]:
    """Dotted path -> value for every non-table value (lists are leaves)."""
    if isinstance(values, dict):
        out: dict[str, Any] = {}
        for key, item in values.items():
            out.update(leaves(item, f"{prefix}{key}."))
        return out
    return {prefix[:-1]: values}
