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


#: Keys of a ``[prices.<series>]`` table that say how it meets the case's deck:
#: ``flat = 80.0`` (one value in every year) or ``replace = true`` (only the table's own year
#: knots, the case's dropped). Without them the table's knots merge into the case's.
DECK_MARKERS = ("flat", "replace")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def lay_decks(
    base: dict[str, Any],
    values: dict[str, Any],
    given_prov: dict[str, dict[str, str]],
    provenance: dict[str, dict[str, str]],
    label: str,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, dict[str, str]]]:
    """A layer's price series marked ``flat`` or ``replace`` (:data:`DECK_MARKERS`), made
    ready for :func:`deep_merge` onto ``base``: (base without the series they replace, the
    layer with each such series as plain year knots, the layer's own sources keyed by them).

    ``flat = V`` becomes one knot at ``base_year`` (a deck of one knot holds in every year);
    ``replace = true`` keeps the layer's knots only; ``replace = false`` is the usual merge.
    The replaced series' knots lose their sources in ``provenance``; the new knots are
    ``label``'s, tagged user. A table marked in a way the schema refuses (flat with year
    knots, replace with none) replaces the series as given, so that the error is about it.
    """
    decks = values.get("prices")
    if not isinstance(decks, dict):
        return base, values, given_prov
    year = values.get("base_year", base.get("base_year"))
    kept = dict(base.get("prices", {})) if isinstance(base.get("prices"), dict) else {}
    out, prov = dict(decks), dict(given_prov)
    for name, table in decks.items():
        if not isinstance(table, dict) or not set(table) & set(DECK_MARKERS):
            continue
        where = f"prices.{name}."
        knots = {k: v for k, v in table.items() if k not in DECK_MARKERS}
        if set(table) == {"replace"} | set(knots) and table["replace"] is False:
            out[name] = knots  # the usual merge
            continue
        kept.pop(name, None)
        for leaf in [k for k in provenance if k.startswith(where)]:
            del provenance[leaf]
        if set(table) == {"flat"} and _is_number(table["flat"]) and isinstance(year, int):
            out[name] = {str(year): table["flat"]}
            if f"{where}flat" in prov:
                prov[f"{where}{year}"] = prov.pop(f"{where}flat")
        elif set(table) == {"replace"} | set(knots) and table["replace"] is True and knots:
            out[name] = knots
        provenance.update(
            {
                f"{where}{k}": {"source": label, "tag": "user"}
                for k in out[name]
                if k not in DECK_MARKERS
            }
        )
    return {**base, "prices": kept}, {**values, "prices": out}, prov
