"""The web layer sits above the face: it calls orevalue.api (and reads the schema, the
outputs table and the brief's presentation), never the CLI or the economics; nothing below
it imports it; and each of its modules stays under 500 lines."""

from __future__ import annotations

from pathlib import Path

from tests.test_api import SRC, imports_of

WEB = SRC / "web"


def test_web_calls_the_api_not_the_cli_or_the_economics() -> None:
    for path in sorted(WEB.rglob("*.py")):
        imported = imports_of(path)
        for banned in ("orevalue.cli", "orevalue.economics", "orevalue.engine"):
            assert not any(m.startswith(banned) for m in imported), (path, banned)


def test_only_the_serve_command_imports_the_web_layer() -> None:
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC)
        if rel.parts[0] == "web" or rel == Path("cli/serve.py"):
            continue
        assert not any(m.startswith("orevalue.web") for m in imports_of(path)), path


def test_web_modules_are_short() -> None:
    for path in sorted(WEB.rglob("*.py")):
        assert len(path.read_text(encoding="utf-8").splitlines()) < 500, path
