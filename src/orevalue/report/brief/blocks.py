"""The pieces sections are made of: blocks (text, tables, charts), pointers into brief.json,
and the shared context of one assembly."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from orevalue.report.brief.numbers import Num, Source, pointer
from orevalue.report.labels import for_case, mass_row
from orevalue.results import Results

Cell = str | Num | list[str | Num]
Block = dict[str, Any]


@dataclass
class BriefInputs:
    """What a brief is made from."""

    results: Results
    risk: dict[str, Any] | None = None
    siting: Any | None = None  # orevalue.siting.Siting
    siting_note: str | None = None  # why there is no siting section
    site: str | None = None  # the site whose costs the results carry (--site)
    regime: str | None = None  # the regime the results were taxed under (--regime)
    command: str = "orevalue report"
    map_svg: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


# ------------------------------------------------------------------ helpers


def P(*segments: str | int) -> str:
    return pointer(*segments)


def R(*segments: str | int) -> str:
    """Pointer into the results."""
    return pointer("results", *segments)


def text(*parts: str | Num | None) -> Block:
    return {"kind": "text", "parts": [p for p in parts if p is not None]}


def table(
    columns: Sequence[str],
    rows: list[dict[str, Any]],
    caption: str = "",
    note: str = "",
    style: str = "",
) -> Block:
    return {
        "kind": "table",
        "columns": list(columns),
        "rows": rows,
        "caption": caption,
        "note": note,
        "style": style,
    }


def row(*cells: Cell, style: str = "") -> dict[str, Any]:
    return {"cells": list(cells), "style": style}


def chart(ident: str, figure: dict[str, Any], caption: str = "") -> Block:
    return {"kind": "chart", "id": ident, "figure": figure, "caption": caption}


@dataclass
class Ctx:
    """Shared state of one assembly."""

    inputs: BriefInputs
    src: Source
    names: list[str]  # pathways, in order
    labels: dict[str, str]
    building: list[str]
    focus: str | None
    col: int  # the steady (first full) year's column of the annual lines
    rate_pct: float

    @property
    def rate(self) -> Num:
        """The discount rate, % real, as shown in text."""
        return self.src.num(R("inputs", "project.discount_rate_pct", "value"), "g")

    @property
    def results(self) -> Results:
        return self.inputs.results

    def cell(self, key: str | None, kind: str) -> Cell:
        if key is None:
            return ""
        num = self.src.maybe(key, kind)
        return num if num is not None else ""

    def pathway_rows(self, spec: Sequence[tuple[Any, Any, str]]) -> list[dict[str, Any]]:
        """Rows of a pathways-side-by-side table: (label, name -> key, kind); a row whose
        getter is None is a section header. Labels are put in the case's words
        (:func:`~orevalue.report.labels.for_case`), a row of tonnes at the scale of its values
        (:func:`~orevalue.report.labels.mass_row`), one scale for all the table's rows of
        tonnes."""
        scenario = self.results.scenario
        tonnes = [
            c.value if isinstance(c, Num) else None
            for _, get, kind in spec
            if get is not None and kind == "kt"
            for c in (self.cell(get(n), kind) for n in self.names)
        ]
        out = []
        for label, get, kind in spec:
            if isinstance(label, str):
                label = for_case(label, scenario)
            if get is None:
                out.append(row(label, *["" for _ in self.names], style="section"))
                continue
            if kind == "kt" and isinstance(label, str):
                label, kind = mass_row(label, tonnes, kind)
            cells = [self.cell(get(n), kind) for n in self.names]
            if all(c == "" for c in cells):
                continue
            out.append(row(label, *cells))
        return out


def make_context(inputs: BriefInputs, src: Source) -> Ctx:
    r = inputs.results
    names = list(r.pathways)
    labels = {n: p.label for n, p in r.pathways.items()}
    building = [n for n, p in r.pathways.items() if p.builds]
    focus = r.scenario.focus_pathway if r.scenario.focus_pathway in building else None
    return Ctx(
        inputs,
        src,
        names,
        labels,
        building,
        focus,
        r.steady_index,
        r.scenario.project.discount_rate_pct,
    )


def pointer_join(ptr: str, *segments: str | int) -> str:
    return ptr + pointer(*segments)
