"""MkDocs hook (mkdocs.yml ``hooks:``): write the generated reference pages into docs/ before
every build, so that the site always shows the schema, the outputs table and the citations of
the code it is built with. Pages whose text is unchanged are not rewritten (``mkdocs serve``
watches docs/)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def on_pre_build(config: Any, **kwargs: Any) -> None:
    from orevalue.report.docs.pages import write_pages

    write_pages(Path(config["docs_dir"]))
