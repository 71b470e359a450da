"""The ``orevalue init`` command: the default case as a commented scenario file to edit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orevalue.cli.common import CaseOpt, bad_input, fail


def init_command(
    path: Annotated[Path, typer.Argument(help="Where to write the scenario file.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    xlsx: Annotated[
        bool,
        typer.Option("--xlsx", help="Write an input workbook (.xlsx), one row a field."),
    ] = False,
    case: CaseOpt = None,
) -> None:
    """Write the default case (or ``--case``'s) as a commented scenario file (or input
    workbook) to edit."""
    from rich.console import Console

    from orevalue import api
    from orevalue.atomic import write_atomic
    from orevalue.scenario import ScenarioError

    workbook = xlsx or path.suffix.lower() == ".xlsx"
    if workbook and path.suffix.lower() != ".xlsx":
        raise fail(f"{path}: an input workbook's name ends in .xlsx")
    if path.exists() and not force:
        raise fail(f"{path}: already exists; use --force to overwrite")
    try:
        text = api.template_workbook(str(path)) if workbook else api.template(str(path), case=case)
    except ScenarioError as exc:
        raise bad_input(exc) from None
    try:
        write_atomic(path, text)
    except OSError as exc:
        raise fail(f"{path}: cannot write: {exc}") from None
    Console().print(
        f"Wrote {path}; evaluate it with: orevalue run {path}", markup=False, soft_wrap=True
    )
