"""The brief as one self-contained HTML file: styles, chart library, figures and the map all
inline, no request leaving the machine when it opens.

Every number is a ``<span class="n" data-key=... data-value=... data-kind=...>`` (see
:mod:`orevalue.report.brief.numbers`), every input row of the assumptions table a
``<tr data-input=...>`` and every chart a ``<div class="chart" id="chart-...">`` whose
figure is in ``<script type="application/json" id="orevalue-figures">``.
"""

from __future__ import annotations

import json
import re
from functools import cache
from html import escape
from importlib import resources
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from orevalue.report.brief.numbers import Num


@cache
def asset(name: str) -> str:
    """Text of one of our assets (``report/assets``)."""
    return resources.files("orevalue.report").joinpath("assets", name).read_text(encoding="utf-8")


class ChartLibraryMissing(RuntimeError):
    """plotly.js is not installed."""


@cache
def plotly_js() -> tuple[str, str]:
    """plotly.js as shipped in the ``plotly`` package, and its version (no import of
    plotly's Python code: only the file)."""
    spec = find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise ChartLibraryMissing("plotly is not installed: pip install plotly")
    path = Path(next(iter(spec.submodule_search_locations))) / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise ChartLibraryMissing(f"{path}: plotly.js is missing from the plotly package")
    text = path.read_text(encoding="utf-8")
    found = re.search(r"plotly\.js v([0-9][^\s*]*)", text[:400])
    return text, found.group(1) if found else "unknown"


def _script_safe(text: str) -> str:
    """Text that cannot close the <script> element it sits in."""
    return re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)


def num_html(n: Num) -> str:
    value = "null" if n.value is None else repr(float(n.value))
    cls = "n neg" if n.value is not None and n.text.startswith("\u2212") else "n"
    return (
        f'<span class="{cls}" data-key="{escape(n.key)}" data-value="{value}" '
        f'data-kind="{n.kind}">{escape(n.text)}</span>'
    )


def cell_html(cell: Any) -> str:
    if isinstance(cell, Num):
        return num_html(cell)
    if isinstance(cell, list):
        return "".join(cell_html(c) for c in cell)
    return escape(str(cell))


def _is_text(cell: Any) -> bool:
    """A cell of words (aligned left), not a number or an empty cell."""
    return isinstance(cell, str) and bool(cell.strip()) and not re.fullmatch(r"[\d,.\s%+-]*", cell)


def _text(block: dict[str, Any]) -> str:
    return f"<p>{''.join(cell_html(p) for p in block['parts'])}</p>"


def _verdict(block: dict[str, Any]) -> str:
    items = "".join(
        f'<li data-verdict="{i}">{escape(line)}</li>' for i, line in enumerate(block["lines"])
    )
    return f'<ul class="verdict" data-key="{escape(block["key"])}">{items}</ul>'


def _kpis(block: dict[str, Any]) -> str:
    cards = []
    for item in block["items"]:
        n: Num = item["num"]
        neg = " neg" if n.value is not None and n.value < 0 and n.text.startswith("\u2212") else ""
        unit = f'<span class="unit">{escape(item["unit"])}</span>' if item["unit"] else ""
        cards.append(
            f'<div class="kpi{neg}"><div class="label">{escape(item["label"])}</div>'
            f'<div class="value">{num_html(n)}{unit}</div></div>'
        )
    caption = f'<p class="caption">{escape(block["caption"])}</p>' if block.get("caption") else ""
    return f'{caption}<div class="kpis">{"".join(cards)}</div>'


def _table(block: dict[str, Any]) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in block["columns"])
    body = []
    for r in block["rows"]:
        cells = r["cells"]
        style = f' class="{r["style"]}"' if r.get("style") else ""
        first = cells[0]
        indent = isinstance(first, str) and first.startswith("  ")
        attr = ' class="indent"' if indent else ""
        label = first.strip() if isinstance(first, str) else first
        tds = [f"<td{attr}>{cell_html(label)}</td>"]
        tds += [
            f'<td class="{"t s" if len(c) <= 16 else "t"}">{cell_html(c)}</td>'
            if _is_text(c)
            else f"<td>{cell_html(c)}</td>"
            for c in cells[1:]
        ]
        body.append(f"<tr{style}>{''.join(tds)}</tr>")
    caption = f"<caption>{escape(block['caption'])}</caption>" if block.get("caption") else ""
    cls = f' class="{block["style"]}"' if block.get("style") else ""
    note = f'<p class="note">{escape(block["note"])}</p>' if block.get("note") else ""
    return (
        f"<table{cls}>{caption}<thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>{note}"
    )


def _chart(block: dict[str, Any], figures: dict[str, Any]) -> str:
    figures[block["id"]] = block["figure"]
    height = block["figure"]["layout"].get("height", 360)
    caption = (
        f'<p class="caption">{cell_html(block["caption"])}</p>' if block.get("caption") else ""
    )
    return (
        f'<figure class="chart-box"><div class="chart" id="chart-{escape(block["id"])}" '
        f'style="height:{height}px"></div>{caption}</figure>'
    )


def _svg(block: dict[str, Any]) -> str:
    caption = f"<figcaption>{escape(block['caption'])}</figcaption>" if block.get("caption") else ""
    return f'<figure class="map">{clean_svg(block["svg"])}{caption}</figure>'


def clean_svg(svg: str) -> str:
    """Inline-ready SVG: no XML prolog, doctype or metadata (which name web addresses)."""
    svg = re.sub(r"<\?xml[^>]*\?>", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>", "", svg, flags=re.DOTALL)
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    return svg.strip()


def _assumptions(block: dict[str, Any]) -> str:
    out = []
    for group, rows in block["groups"].items():
        body = []
        for r in rows:
            tag = r["tag"]
            tag_html = f'<span class="tag tag-{escape(tag)}">{escape(tag)}</span>' if tag else ""
            meaning = f'<span class="meaning">{escape(r["meaning"])}</span>' if r["meaning"] else ""
            note = f" ({escape(r['note'])})" if r.get("note") else ""
            body.append(
                f'<tr data-input="{escape(r["path"])}">'
                f'<td><span class="path">{escape(r["path"])}</span>{meaning}</td>'
                f'<td class="{"v" if any(isinstance(c, Num) for c in r["value"]) else "t"}">'
                f"{cell_html(r['value'])}</td>"
                f"<td>{escape(r['unit'])}</td><td>{tag_html}</td>"
                f"<td>{escape(r['source'])}{note}</td></tr>"
            )
        out.append(
            f"<h3>{escape(group)}</h3>"
            '<table class="assumptions">'
            "<thead><tr><th>input</th><th>value</th><th>unit</th><th>tag</th>"
            f"<th>source</th></tr></thead><tbody>{''.join(body)}</tbody></table>"
        )
    return "".join(out)


def _block(block: dict[str, Any], figures: dict[str, Any]) -> str:
    kind = block["kind"]
    if kind == "text":
        return _text(block)
    if kind == "verdict":
        return _verdict(block)
    if kind == "kpis":
        return _kpis(block)
    if kind == "table":
        return _table(block)
    if kind == "chart":
        return _chart(block, figures)
    if kind == "svg":
        return _svg(block)
    if kind == "assumptions":
        return _assumptions(block)
    raise ValueError(f"unknown block kind {kind!r}")


def blocks_html(blocks: list[dict[str, Any]], figures: dict[str, Any]) -> str:
    """A section's blocks as HTML; the figures its charts draw are added to ``figures`` by
    chart id (the page's script draws them)."""
    return "".join(_block(b, figures) for b in blocks)


def render(brief: dict[str, Any]) -> str:
    """The brief (from :func:`content.assemble`) as one self-contained HTML document."""
    meta = brief["meta"]
    figures: dict[str, Any] = {}
    sections = []
    for section in brief["sections"]:
        blocks = blocks_html(section["blocks"], figures)
        sections.append(
            f'<section id="{escape(section["id"])}"><h2>{escape(section["title"])}</h2>'
            f"{blocks}</section>"
        )
    toc = "".join(
        f'<a href="#{escape(s["id"])}">{escape(s["title"])}</a>' for s in brief["sections"]
    )
    js, js_version = plotly_js()
    facts = [
        escape(meta["money"]),
        f"{num_html(meta['rate'])} % real discount rate",
        f"site: {escape(meta['site'])}",
        f"fiscal regime: {escape(meta['regime'])}",
        f"first full year {meta['first_full_year']}",
    ]
    seed = meta["seed"] if meta["seed"] is not None else "none (no random numbers: deterministic)"
    figures_json = _script_safe(json.dumps(figures, separators=(",", ":"), allow_nan=False))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="orevalue {escape(meta["version"])}">
<meta name="orevalue-scenario-sha256" content="{meta["scenario_sha256"]}">
<title>{escape(meta["title"])}: brief</title>
<style>{asset("brief.css")}</style>
</head>
<body>
<div class="page">
<header class="cover">
<div class="kicker">orevalue brief · should the ore be processed at home?</div>
<h1>{escape(meta["title"])}</h1>
<p class="meta">{"".join(f"<span>{f}</span>" for f in facts)}</p>
</header>
<nav class="toc">{toc}</nav>
<noscript><p class="noscript">The charts need JavaScript; the tables hold every number.</p>
</noscript>
<main>
{"".join(sections)}
</main>
<footer>
<p>Made by orevalue {escape(meta["version"])} from scenario <b>{escape(meta["scenario"])}</b>
({escape(meta["file"] or "embedded default case")}); charts by plotly.js {escape(js_version)}
(MIT licence), inlined.</p>
<p>Scenario hash (SHA-256 of every resolved input): <code>{meta["scenario_sha256"]}</code><br>
Seed: <code>{escape(str(seed))}</code><br>
Reproduce: <code>{escape(meta["command"])}</code><br>
Every number in this brief is in brief.json beside it, under the key its element names.</p>
</footer>
</div>
<script type="application/json" id="orevalue-figures">{figures_json}</script>
<script>{_script_safe(js)}</script>
<script>{_script_safe(asset("brief.js"))}</script>
</body>
</html>
"""
