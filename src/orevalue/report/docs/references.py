"""Short citations of the data files ("CTE §3.2", "BAL §5.4 and §8") resolved to the public
sources of the reference sheets, from the table shipped as data/references.toml (written by
tools/make_references.py from the sheets).

Sheets: CTE (copper-techno-economics.md), BAL (balochistan-pakistan.md), GA
(gold-antimony.md); a citation may also name the sheet's file.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

#: Names a citation may give a sheet, and the sheet's short name.
SHEET_NAMES = {
    "CTE": "CTE",
    "BAL": "BAL",
    "GA": "GA",
    "copper-techno-economics.md": "CTE",
    "balochistan-pakistan.md": "BAL",
    "gold-antimony.md": "GA",
}
_ID = r"\d+[a-z]?(?:\.\d+)?"
#: A sheet's name, or one section reference (``§5.4``, ``§5.4-5.5``); a reference belongs to
#: the sheet named last before it, and one before any sheet (a law's section) to none.
TOKEN = re.compile(
    r"(?P<sheet>\bCTE\b|\bBAL\b|\bGA\b|copper-techno-economics\.md|balochistan-pakistan\.md"
    rf"|gold-antimony\.md)|§\s?(?P<start>{_ID})(?:\s*-\s*(?P<end>{_ID}))?"
)


@dataclass(frozen=True)
class Citation:
    """One cited section of a sheet: ``CTE`` and ``3.2``."""

    sheet: str
    section: str

    def __str__(self) -> str:
        return f"{self.sheet} §{self.section}"

    @property
    def anchor(self) -> str:
        """The id of its heading on the references page."""
        return f"{self.sheet.lower()}-{self.section}".replace(".", "-")


@cache
def table() -> dict[str, Any]:
    """data/references.toml: every sheet with its title, file and sections."""
    text = resources.files("orevalue.data").joinpath("references.toml").read_text("utf-8")
    return tomllib.loads(text)["sheets"]


def _expand(start: str, end: str | None) -> list[str]:
    """``5.4-5.5`` -> 5.4, 5.5 (a range within one chapter); otherwise its ends."""
    if end is None:
        return [start]
    a, _, x = start.partition(".")
    b, _, y = end.partition(".")
    if "." not in end and "." in start:  # "5.4-5" reads as 5.4-5.5
        b, y = a, end
    if a == b and x.isdigit() and y.isdigit() and int(x) <= int(y):
        return [f"{a}.{n}" for n in range(int(x), int(y) + 1)]
    return [start, end]


def citations(text: str) -> list[Citation]:
    """Every section a source text cites, in order (``CTE §5.2 and §10`` is two)."""
    out: list[Citation] = []
    sheet = None
    for match in TOKEN.finditer(text):
        if match.group("sheet"):
            sheet = SHEET_NAMES[match.group("sheet")]
            continue
        if sheet is None:
            continue
        for section in _expand(match.group("start"), match.group("end")):
            citation = Citation(sheet, section)
            if citation not in out:
                out.append(citation)
    return out


def resolve(citation: Citation) -> dict[str, Any]:
    """The section a citation names: sheet title, file, heading and sources (title, year,
    url). Raises KeyError for a sheet or section that does not exist."""
    sheet = table()[citation.sheet]
    section = sheet["sections"][citation.section]
    return {"sheet": sheet["title"], "file": sheet["file"], **section}


def data_sources() -> dict[str, list[str]]:
    """Every source text of the embedded data files (data/*.toml), with where it stands
    (``balochistan-copper.toml: project.discount_rate_pct``), by text."""
    from orevalue.scenario import split_provenance

    found: dict[str, list[str]] = {}
    for entry in resources.files("orevalue.data").iterdir():
        if not entry.name.endswith(".toml") or entry.name == "references.toml":
            continue
        raw = tomllib.loads(entry.read_text("utf-8"))
        _, provenance = split_provenance(raw)
        for path, meta in provenance.items():
            if meta.get("source"):
                found.setdefault(meta["source"], []).append(f"{entry.name}: {path}")
        for path, text in _plain_sources(raw, ""):
            found.setdefault(text, []).append(f"{entry.name}: {path}")
    return found


def _plain_sources(raw: Any, prefix: str) -> list[tuple[str, str]]:
    """Texts under keys named ``source``, ``law`` or ``note`` anywhere in a table (a regime's
    law, a trade row's source)."""
    out: list[tuple[str, str]] = []
    if isinstance(raw, dict):
        for key, item in raw.items():
            here = f"{prefix}{key}"
            if key in ("source", "law", "note") and isinstance(item, str):
                out.append((here, item))
            else:
                out.extend(_plain_sources(item, here + "."))
    elif isinstance(raw, list):
        for i, item in enumerate(raw):
            out.extend(_plain_sources(item, f"{prefix}{i}."))
    return out


def cited() -> dict[Citation, list[str]]:
    """Every citation the data files make, with where each is made."""
    out: dict[Citation, list[str]] = {}
    for text, places in data_sources().items():
        for citation in citations(text):
            out.setdefault(citation, []).extend(places)
    return out
