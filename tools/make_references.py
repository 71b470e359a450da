"""Write src/orevalue/data/references.toml from the reference sheets (../shared/data/*.md).

The data files cite the sheets by short name and section ("CTE §3.2", "BAL §5.4"); this
table resolves each section to its heading and to the public sources the sheet cites in it
(title, year, address), so that an installed copy of orevalue can follow a number to where it
came from without the sheets. A source's title and year are the sheet's own list of sources
where it has one (BAL R1..., gold-antimony G1...); otherwise the title is made from the page's
address and the year is the one in the address, if any.

    python tools/make_references.py [--sheets ../shared/data]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from orevalue import toml_text  # noqa: E402

#: Short name, file, and the letter of the sheet's numbered source list (if any).
SHEETS = (
    ("CTE", "copper-techno-economics.md", ""),
    ("BAL", "balochistan-pakistan.md", "R"),
    ("GA", "gold-antimony.md", "G"),
)
HEADING = re.compile(r"^(#{2,3}) (\d+[a-z]?)(?:\.(\d+))?\.?\s+(.*?)\s*$")
URL = re.compile(r"https?://[^\s)\]>|]+")
LISTED = re.compile(r"^- ([A-Z])(\d+) (.*)$")
QUOTED = re.compile(r"[\"“]([^\"”]+)[\"”]")
YEAR = re.compile(r"\((?:[^()]*?)((?:19|20)\d{2})\)")
URL_YEAR = re.compile(r"/((?:19|20)\d{2})/")


def clean_url(url: str) -> str:
    return url.rstrip(".,;:'\"*")


def listed_sources(text: str, letter: str) -> dict[str, dict[str, str]]:
    """The sheet's numbered source list: ``R1`` -> title, year, url."""
    out: dict[str, dict[str, str]] = {}
    if not letter:
        return out
    for line in text.splitlines():
        match = LISTED.match(line.strip())
        if not match or match.group(1) != letter:
            continue
        body = match.group(3)
        urls = [clean_url(u) for u in URL.findall(body)]
        quoted = QUOTED.search(body)
        head = body.split("http")[0]
        title = quoted.group(1).strip() if quoted else head.strip(" .;—-")
        publisher = head.split("—")[0].split(",")[0].strip(" .;") if quoted else ""
        year = YEAR.search(body)
        out[f"{letter}{match.group(2)}"] = {
            "title": f"{publisher}: {title}" if publisher and publisher not in title else title,
            "year": year.group(1) if year else "",
            "url": urls[0] if urls else "",
        }
    return out


def title_from_url(url: str) -> str:
    """A title made from an address: the site and the last words of its path."""
    parts = urlparse(url)
    host = parts.netloc.removeprefix("www.")
    words = [w for w in unquote(parts.path).split("/") if w]
    slug = re.sub(r"\.(html?|aspx|php|pdf)$", "", words[-1]) if words else ""
    slug = re.sub(r"[-_+]+", " ", slug).strip()
    if not slug or slug.isdigit() or len(slug) < 4:
        tail = [re.sub(r"\.(html?|aspx|php|pdf)$", "", w) for w in words[-2:]]
        slug = " ".join(re.sub(r"[-_+]+", " ", w) for w in tail)
    return f"{host}: {slug}" if slug else host


def sections(text: str) -> list[tuple[str, str, str]]:
    """(section id, heading, own text) of each numbered heading of a sheet."""
    found: list[tuple[str, str, list[str]]] = []
    for line in text.splitlines():
        match = HEADING.match(line)
        if match:
            ident = match.group(2) + (f".{match.group(3)}" if match.group(3) else "")
            found.append((ident, match.group(4), []))
        elif found:
            found[-1][2].append(line)
    return [(i, h, "\n".join(body)) for i, h, body in found]


def sources_of(body: str, listed: dict[str, dict[str, str]], letter: str) -> list[dict[str, str]]:
    by_url = {s["url"]: s for s in listed.values() if s["url"]}
    out: dict[str, dict[str, str]] = {}
    if letter:
        for number in re.findall(rf"\b{letter}(\d+)\b", body):
            entry = listed.get(f"{letter}{number}")
            if entry:
                out.setdefault(entry["url"] or f"{letter}{number}", entry)
    for raw in URL.findall(body):
        url = clean_url(raw)
        if url in out:
            continue
        year = URL_YEAR.search(url)
        entry = by_url.get(url) or {
            "title": title_from_url(url),
            "year": year.group(1) if year else "",
            "url": url,
        }
        out[url] = entry
    return list(out.values())


def render(folder: Path) -> str:
    lines = [
        "# Short citations of the data files resolved to the reference sheets' sources.",
        "# Written by tools/make_references.py from the sheets in shared/data; do not edit.",
        '# [sheets.NAME] the sheet; [sheets.NAME.sections."ID"] one numbered section, with',
        "# the public sources the sheet cites in it (title, year, url).",
    ]
    for name, file, letter in SHEETS:
        text = (folder / file).read_text(encoding="utf-8")
        title = text.splitlines()[0].lstrip("# ").strip()
        listed = listed_sources(text, letter)
        lines += ["", f"[sheets.{name}]", f"title = {toml_text.value(title)}"]
        lines.append(f"file = {toml_text.value(file)}")
        for ident, heading, body in sections(text):
            lines += ["", f"[sheets.{name}.sections.{toml_text.key(ident)}]"]
            lines.append(f"heading = {toml_text.value(heading)}")
            found = sources_of(body, listed, letter)
            if not found:
                lines.append("sources = []")
                continue
            lines.append("sources = [")
            for s in found:
                entry = {"title": s["title"], "year": s["year"], "url": s["url"]}
                lines.append(f"  {toml_text.value(entry)},")
            lines.append("]")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheets", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "src/orevalue/data/references.toml")
    args = parser.parse_args()
    args.out.write_text(render(args.sheets), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
