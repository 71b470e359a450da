"""Print the largest modules and functions of the package, by line count.

    python tools/sizes.py            # the 15 largest of each
    python tools/sizes.py --top 40 --limit-module 500 --limit-function 100

Exits 1 when a module or a function is over its limit (compiled ``numba`` loops and
functions marked as declarative tables with ``# sizes: table`` on their ``def`` line are
reported but not counted against the limit), so it can guard the layout in a check.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "src" / "orevalue"


def _exempt(node: ast.FunctionDef | ast.AsyncFunctionDef, lines: list[str]) -> bool:
    """A compiled loop (decorated with numba's njit/jit) or a marked declarative table."""
    for dec in node.decorator_list:
        text = ast.unparse(dec)
        if "njit" in text or "jit" in text:
            return True
    return "# sizes: table" in lines[node.lineno - 1]


def sizes(root: Path = ROOT) -> tuple[list[tuple[int, str]], list[tuple[int, str, bool]]]:
    """Line counts of every module, and of every function with whether it is exempt."""
    modules: list[tuple[int, str]] = []
    functions: list[tuple[int, str, bool]] = []
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        rel = path.relative_to(root.parent).as_posix()
        modules.append((len(lines), rel))
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                functions.append((length, f"{rel}:{node.name}", _exempt(node, lines)))
    return sorted(modules, reverse=True), sorted(functions, reverse=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--limit-module", type=int, default=500)
    ap.add_argument("--limit-function", type=int, default=100)
    args = ap.parse_args()
    modules, functions = sizes()
    print(f"largest modules (limit {args.limit_module} lines):")
    for n, name in modules[: args.top]:
        print(f"  {n:5d}  {name}")
    print(f"largest functions (limit {args.limit_function} lines; * compiled or table):")
    for n, name, exempt in functions[: args.top]:
        print(f"  {n:5d}  {name}{' *' if exempt else ''}")
    over = [m for m in modules if m[0] > args.limit_module]
    over += [(n, f) for n, f, ex in functions if n > args.limit_function and not ex]
    for n, name in over:
        print(f"over the limit: {name} ({n} lines)", file=sys.stderr)
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
