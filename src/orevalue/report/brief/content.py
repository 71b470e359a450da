"""What the brief says: its sections as plain data (text, numbers with their keys, tables and
chart specifications), assembled from the results and, when there, the risk and siting
summaries. Rendering is :mod:`orevalue.report.brief.render`'s job; the web app can reuse this.

Blocks, each a dict with a ``kind``:

- ``text``: ``parts`` (strings and :class:`Num`);
- ``verdict``: ``lines`` (the verdict sentences of results.json, as they are);
- ``kpis``: ``items`` of ``{"label", "num", "unit"}``;
- ``table``: ``caption``, ``columns``, ``rows`` (``{"cells": [...], "style": ...}``; a cell
  is a string, a :class:`Num` or a list of both), ``note``;
- ``chart``: ``id``, ``figure`` (a Plotly figure dict), ``caption``;
- ``svg``: ``svg`` (inline markup), ``caption``;
- ``assumptions``: ``groups`` of rows, one per resolved input.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from orevalue.report.brief.assumptions import assumptions_section
from orevalue.report.brief.blocks import Block, BriefInputs, Cell, make_context
from orevalue.report.brief.numbers import Source
from orevalue.report.brief.sections import (
    answer_section,
    cash_flows_section,
    dollars_section,
    government_section,
    incentives_section,
    needs_section,
    pathways_section,
    per_tonne_section,
    portfolio_section,
    risk_section,
    siting_section,
    sweep_section,
    trade_section,
)
from orevalue.report.files import results_document
from orevalue.report.labels import metal_name
from orevalue.results import Results

__all__ = ["Block", "BriefInputs", "Cell", "assemble", "document", "scenario_hash"]


def scenario_hash(results: Results) -> str:
    """SHA-256 of every resolved input (value, source, tag), canonical JSON: equal hashes,
    equal scenarios."""
    text = json.dumps(results.inputs(), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def document(inputs: BriefInputs) -> dict[str, Any]:
    """brief.json: every source the brief's numbers come from, and how to reproduce it."""
    from orevalue import __version__

    r = inputs.results
    risk = inputs.risk
    return {
        "orevalue_version": __version__,
        "scenario_sha256": scenario_hash(r),
        "seed": risk["run"]["seed"] if risk else None,
        "command": inputs.command,
        "results": results_document(r),
        "risk": risk,
        "site": inputs.siting.to_dict() if inputs.siting is not None else None,
        **({"incentives": inputs.extra["incentives"]} if "incentives" in inputs.extra else {}),
        **({"portfolio": inputs.extra["portfolio"]} if "portfolio" in inputs.extra else {}),
    }


def assemble(inputs: BriefInputs, doc: dict[str, Any] | None = None) -> dict[str, Any]:
    """The brief as plain data: ``meta``, ``sections`` (each ``id``, ``title``, ``blocks``)
    and ``doc`` (brief.json)."""
    doc = doc if doc is not None else document(inputs)
    src = Source(doc)
    ctx = make_context(inputs, src)
    s = inputs.results.scenario
    sections = [
        answer_section(ctx),
        pathways_section(ctx),
        per_tonne_section(ctx),
        cash_flows_section(ctx),
        dollars_section(ctx),
        government_section(ctx),
        incentives_section(ctx),
        needs_section(ctx),
        siting_section(ctx),
        risk_section(ctx),
        sweep_section(ctx),
        portfolio_section(ctx),
        trade_section(ctx) if metal_name(s) == "copper" else None,  # copper exports only
        assumptions_section(ctx),
    ]
    meta = {
        "title": s.title or s.name,
        "scenario": s.name,
        "file": s.source_file,
        "site": s.site.name,
        "site_key": inputs.site,
        "regime": s.fiscal.regime,
        "law": s.fiscal.law,
        "money": f"real USD of {s.base_year}",
        "rate_pct": ctx.rate_pct,
        "rate": ctx.rate,
        "version": doc["orevalue_version"],
        "scenario_sha256": doc["scenario_sha256"],
        "seed": doc["seed"],
        "command": inputs.command,
        "focus": ctx.focus,
        "first_full_year": int(inputs.results.years[ctx.col]),
        "risk": inputs.risk is not None,
    }
    return {"meta": meta, "sections": [x for x in sections if x], "doc": doc}
