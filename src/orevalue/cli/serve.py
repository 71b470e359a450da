"""The ``orevalue serve`` command: the web app on a loopback port (anywhere else only with
an access token)."""

from __future__ import annotations

from typing import Annotated

import typer

from orevalue.cli.common import fail


def serve_command(
    host: Annotated[
        str, typer.Option("--host", help="Address to bind; beyond loopback needs --token.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="SQLite file path, or a database URL (postgresql+psycopg://user@host/db); "
            "default: orevalue.db in the user's data directory.",
        ),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            "--token", envvar="OREVALUE_TOKEN", help="Access token every request must carry."
        ),
    ] = None,
    max_samples: Annotated[
        int, typer.Option("--max-samples", help="Most Monte Carlo samples per risk run.")
    ] = 20_000,
    max_jobs: Annotated[
        int,
        typer.Option("--max-jobs", help="Most jobs (risk, incentives, siting) running at once."),
    ] = 2,
    max_body: Annotated[
        int, typer.Option("--max-body-bytes", help="Largest request body, bytes.")
    ] = 2_000_000,
) -> None:
    """Serve the web app: scenarios, runs, risk, compare and the brief, in a browser."""
    import uvicorn

    from orevalue.web.app import create_app
    from orevalue.web.config import LOOPBACK, Settings, database_url

    if host not in LOOPBACK and not token:
        raise fail(f"--host {host} is not loopback: give --token (or OREVALUE_TOKEN)")
    if max_samples < 10 or max_jobs < 1 or max_body < 1024:
        raise fail("--max-samples must be >= 10, --max-jobs >= 1, --max-body-bytes >= 1024")
    settings = Settings(
        db_url=database_url(db),
        token=token,
        max_samples=max_samples,
        max_jobs=max_jobs,
        max_body_bytes=max_body,
    )
    typer.echo(f"orevalue web app on http://{host}:{port}/ (database {_shown(settings.db_url)})")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


def _shown(url: str) -> str:
    """The URL without its password."""
    import re

    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)
