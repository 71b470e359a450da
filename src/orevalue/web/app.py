"""The web app: FastAPI with the REST API and the pages, the database migrated and orphaned
runs failed at startup, the job pool shut down at exit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from orevalue import __version__
from orevalue.web import db
from orevalue.web.config import Settings
from orevalue.web.jobs import Jobs
from orevalue.web.routes import api as api_routes
from orevalue.web.routes import pages
from orevalue.web.security import Guard
from orevalue.web.store import AppError, State


def create_app(settings: Settings) -> FastAPI:
    """The app over the database of ``settings.db_url`` (migrated when it starts)."""
    engine = db.make_engine(settings.db_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db.migrate(engine)
        factory = db.sessions(engine)
        db.fail_orphans(factory)
        jobs = Jobs(factory, settings)
        app.state.orevalue = State(factory, settings, jobs)
        try:
            yield
        finally:
            jobs.shutdown()
            engine.dispose()

    app = FastAPI(
        title="orevalue",
        version=__version__,
        summary="Should a mining region process its ore at home? Plant economics and "
        "country gain, as a web app over orevalue's api.",
        lifespan=lifespan,
    )
    app.include_router(api_routes.router)
    app.include_router(pages.router)
    static = resources.files("orevalue.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.add_exception_handler(AppError, _app_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _bad_request)  # type: ignore[arg-type]
    app.get("/plotly.min.js", include_in_schema=False)(_plotly)
    app.get("/brief.css", include_in_schema=False)(_brief_css)
    app.get("/brief.js", include_in_schema=False)(_brief_js)
    app.add_middleware(Guard, settings=settings)  # type: ignore[arg-type]
    return app


async def _app_error(request: Request, exc: AppError) -> Response:
    body: dict[str, Any] = {"detail": exc.message}
    if exc.problems:
        body["problems"] = [vars(p) for p in exc.problems]
    return JSONResponse(body, status_code=exc.status)


async def _bad_request(request: Request, exc: RequestValidationError) -> Response:
    errors = [
        {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")}
        for e in exc.errors()
    ]
    return JSONResponse({"detail": errors}, status_code=422)


def _asset_response(text: str, media: str) -> Response:
    return Response(text, media_type=media, headers={"Cache-Control": "max-age=3600"})


def _plotly() -> Response:
    """plotly.js as shipped in the plotly package (no CDN)."""
    from orevalue.report.brief.render import plotly_js

    return _asset_response(plotly_js()[0], "text/javascript")


def _brief_css() -> Response:
    from orevalue.report.brief.render import asset

    return _asset_response(asset("brief.css"), "text/css")


def _brief_js() -> Response:
    from orevalue.report.brief.render import asset

    return _asset_response(asset("brief.js"), "text/javascript")
