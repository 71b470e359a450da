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


def _scan(line: str, depth: int, quote: str | None) -> tuple[int, str | None]:
    """Bracket depth and open multi-line string after ``line``, skipping strings and comments."""
    i, n = 0, len(line)
    while i < n:
        if quote:  # inside a multi-line string
            if quote == '"""' and line[i] == "\\":
                i += 2
            elif line.startswith(quote, i):
                i += 3
                while i < n and line[i] == quote[0]:  # up to two quotes may end the content
                    i += 1
                quote = None
            else:
                i += 1
            continue
        char = line[i]
        if char == "#":
            break
        if line.startswith('"""', i) or line.startswith("'''", i):
            quote, i = line[i : i + 3], i + 3
        elif char in "\"'":
            i += 1
            while i < n and line[i] != char:
                i += 2 if char == '"' and line[i] == "\\" else 1
            i += 1
        else:
            depth += (char in "[{") - (char in "]}")
            i += 1
    return depth, quote


def key_lines(text: str) -> dict[str, int]:
    """Map every dotted key path written in ``text`` (tables and keys) to its 1-based line.

    A table only implied by a longer header or dotted key (``[a.b]`` implies ``a``) maps to the
    first line that writes it. Lines inside multi-line arrays and strings are not keys.
    """
    lines: dict[str, int] = {}
    table: list[str] = []
    depth, quote = 0, None
    for number, line in enumerate(text.splitlines(), start=1):
        if depth <= 0 and quote is None:
            header = _HEADER.match(line)
            key = None if header else _KEY.match(line)
            if header:
                table = _split_key(header.group(1))
                path = table
            elif key:
                path = [*table, *_split_key(key.group(1))]
            else:
                path = []
            for cut in range(1, len(path) + 1):
                lines.setdefault(".".join(path[:cut]), number)
            if header:
                continue
        depth, quote = _scan(line, max(depth, 0), quote)
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


_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def _string(text: str) -> str:
    """A TOML basic string; control characters, quotes and backslashes escaped."""
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif char < " " or char == "\x7f":
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def key(name: Any) -> str:
    """A TOML key, quoted when it is not bare."""
    text = str(name)
    return text if _BARE.fullmatch(text) else _string(text)


def value(item: Any) -> str:
    """A TOML literal for a string, bool, number, list or inline table."""
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int):
        return str(item)
    if isinstance(item, float):
        if item != item:
            return "nan"
        return repr(item) if abs(item) != float("inf") else ("inf" if item > 0 else "-inf")
    if isinstance(item, str):
        return _string(item)
    if isinstance(item, list | tuple):
        return "[" + ", ".join(value(v) for v in item) + "]"
    if isinstance(item, dict):
        return "{ " + ", ".join(f"{key(k)} = {value(v)}" for k, v in item.items()) + " }"
    raise TypeError(f"cannot write {type(item).__name__} as TOML")
