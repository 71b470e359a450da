"""The brief: one self-contained HTML file a board member can read, with charts.

:func:`build` turns results (and, when there, the risk and siting summaries) into the HTML
text and brief.json, the numbers behind it; :func:`write_brief` writes both (and prints the
PDF). ``orevalue report`` does all three.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from orevalue.report.brief.content import BriefInputs, assemble, document


def build(inputs: BriefInputs) -> tuple[str, dict[str, Any]]:
    """The brief's HTML and brief.json (the document every number's key points into)."""
    from orevalue.report.brief.render import render

    doc = document(inputs)
    return metal_words(render(assemble(inputs, doc)), inputs.results.scenario), doc


#: Phrases of the brief written for the default case that name its metal as the product's.
_METAL_PHRASES = re.compile(
    r"\b(of copper|copper in|[Pp]roduct copper|copper price|copper margins?)\b"
)


def metal_words(html: str, scenario: Any) -> str:
    """``html`` with the phrases that name copper as the product's metal naming the case's
    metal instead (element names of inputs, such as a feed's copper grade, are left)."""
    from orevalue.report.labels import metal_name

    name = metal_name(scenario)
    if name == "copper":
        return html
    return _METAL_PHRASES.sub(lambda m: m.group(0).replace("copper", name), html)


def write_brief(folder: Path, html: str, doc: dict[str, Any], pdf: bool = False) -> list[Path]:
    """Write brief.html and brief.json into ``folder`` (atomically), and brief.pdf printed
    from the HTML by headless Chromium when ``pdf``; return the paths written."""
    from orevalue.atomic import write_atomic

    text = json.dumps(doc, indent=1, allow_nan=False) + "\n"
    paths = [folder / "brief.html", folder / "brief.json"]
    write_atomic(paths[0], html)
    write_atomic(paths[1], text)
    if pdf:
        from orevalue.report.brief.browser import print_pdf

        data, _ = print_pdf(paths[0])
        write_atomic(folder / "brief.pdf", data)
        paths.append(folder / "brief.pdf")
    return paths


__all__ = ["BriefInputs", "build", "write_brief"]
