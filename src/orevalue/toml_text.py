"""TOML as text: where a key stands in a file, and writing plain values with comments.

``tomllib`` gives values without positions; error messages need the line of a field, so this
module maps dotted key paths to line numbers by reading table headers and ``key =`` lines.
"""

from __future__ import annotations

import re
from typing import Any

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(
    r"^\s*((?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'))*)\s*="
)
_LINE_IN_ERROR = re.compile(r"line (\d+)")


def _split_key(key: str) -> list[str]:
    return [
        part.strip().strip("\"'")
        for part in re.split(r"\.(?=(?:[^\"']*[\"'][^\"']*[\"'])*[^\"']*$)", key)
    ]


def key_lines(text: str) -> dict[str, int]:
    """Map every dotted key path written in ``text`` (tables and keys) to its 1-based line."""
    lines: dict[str, int] = {}
    table: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            table = _split_key(header.group(1))
            lines.setdefault(".".join(table), number)
            continue
        key = _KEY.match(line)
        if key:
            path = [*table, *_split_key(key.group(1))]
            lines.setdefault(".".join(path), number)
    return lines


def find_line(lines: dict[str, int], path: str) -> int | None:
    """Line of ``path`` or of its nearest written ancestor (inline tables share one line)."""
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        line = lines.get(".".join(parts[:cut]))
        if line is not None:
            return line
    return None


def error_line(message: str) -> int | None:
    """Line number inside a ``tomllib`` error message, if any."""
    match = _LINE_IN_ERROR.search(message)
    return int(match.group(1)) if match else None


_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def key(name: Any) -> str:
    """A TOML key, quoted when it is not bare."""
    text = str(name)
    return text if _BARE.match(text) else '"' + text.replace('"', '\\"') + '"'


def value(item: Any) -> str:
    """A TOML literal for a string, bool, number, list or inline table."""
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int):
        return str(item)
    if isinstance(item, float):
        return repr(item) if item == item and abs(item) != float("inf") else "nan"
    if isinstance(item, str):
        return '"' + item.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(item, list | tuple):
        return "[" + ", ".join(value(v) for v in item) + "]"
    if isinstance(item, dict):
        return "{ " + ", ".join(f"{key(k)} = {value(v)}" for k, v in item.items()) + " }"
    raise TypeError(f"cannot write {type(item).__name__} as TOML")
