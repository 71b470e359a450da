"""``python -m orevalue.report.docs [DOCS_DIR]``: write the generated pages of the documentation."""

from __future__ import annotations

import sys
from pathlib import Path

from orevalue.report.docs.pages import write_pages


def main(argv: list[str] | None = None) -> None:
    """Write the pages under the folder given (docs/ by default) and name them."""
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else Path("docs")
    for path in write_pages(folder):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
