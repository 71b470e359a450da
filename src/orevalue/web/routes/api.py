"""The REST API under ``/api/v1``; the pages call the same endpoints from their scripts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from orevalue import api as ore_api
from orevalue import outputs
from orevalue.web import schemas, service, store

router = APIRouter(prefix="/api/v1", tags=["api"])
#: A row id: what both databases' integer columns hold.
RunId = Annotated[int, Path(ge=1, le=schemas.MAX_ID)]
ScenarioId = Annotated[int, Path(ge=1, le=schemas.MAX_ID)]

ERRORS = {
    404: {"description": "Not found"},
    413: {"description": "Too large (body, TOML text or samples)"},
    422: {"description": "The scenario does not load: problems as the CLI words them"},
    429: {"description": "Too many jobs in progress"},
}


def state(request: Request) -> store.State:
    return request.app.state.orevalue


def _scenario_out(row: object) -> schemas.ScenarioOut:
    return schemas.ScenarioOut.model_validate(row, from_attributes=True)


@router.get("/outputs", response_model=list[schemas.OutputRow])
def list_outputs() -> list[schemas.OutputRow]:
    """Every declared result key (data/outputs.csv)."""
    return [
        schemas.OutputRow(
            key=r.key, group=r.group, unit=r.unit, label=r.label, description=r.description
        )
        for r in outputs.declared()
    ]


@router.get("/default.toml", response_class=PlainTextResponse)
def default_toml() -> str:
    """The default case as a commented scenario file (what ``orevalue init`` writes)."""
    return ore_api.template("scenario.toml")


@router.post("/validate", response_model=list[schemas.Problem], responses=ERRORS)
def validate(body: schemas.EvaluateIn, request: Request) -> list[schemas.Problem]:
    """The problems of a TOML text, as the CLI reports them (empty: it loads)."""
    st = state(request)
    limit = st.settings.max_toml_bytes
    if store.text_bytes(body.toml) > limit:
        raise store.TooLarge(f"scenario TOML larger than {limit} bytes")
    found = service.check(body.toml, body.name, st.settings.work_dir)
    return [schemas.Problem(**vars(p)) for p in found]


@router.get("/scenarios", response_model=list[schemas.ScenarioOut])
def list_scenarios(request: Request) -> list[schemas.ScenarioOut]:
    """The saved scenarios, newest first."""
    return [_scenario_out(r) for r in store.scenarios(state(request))]


@router.post("/scenarios", response_model=schemas.ScenarioOut, status_code=201, responses=ERRORS)
def save_scenario(body: schemas.ScenarioIn, request: Request) -> schemas.ScenarioOut:
    """Check and save a scenario (422 with the CLI's problems when it does not load)."""
    row = store.save_scenario(state(request), body.name, body.toml, body.saved_by, body.parent_id)
    return _scenario_out(row)


@router.get("/scenarios/{scenario_id}", response_model=schemas.ScenarioOut, responses=ERRORS)
def get_scenario(scenario_id: ScenarioId, request: Request) -> schemas.ScenarioOut:
    return _scenario_out(store.scenario(state(request), scenario_id))


@router.get("/scenarios/{scenario_id}/toml", response_class=PlainTextResponse, responses=ERRORS)
def scenario_toml(scenario_id: ScenarioId, request: Request) -> Response:
    """The scenario's TOML text, as a file to download."""
    row = store.scenario(state(request), scenario_id)
    return _download(row.toml, f"{row.name}.toml", "application/toml")


@router.post("/evaluate", response_model=schemas.RunOut, status_code=201, responses=ERRORS)
def evaluate(body: schemas.EvaluateIn, request: Request) -> schemas.RunOut:
    """Evaluate a saved scenario or a TOML text now; the run is stored."""
    row = store.evaluate(state(request), body.scenario_id, body.toml, body.name)
    return schemas.run_out(row)


@router.post("/risk", response_model=schemas.RunOut, status_code=202, responses=ERRORS)
def start_risk(body: schemas.RiskIn, request: Request) -> schemas.RunOut:
    """Start a Monte Carlo risk run in the background; poll ``/runs/{id}`` for progress."""
    st = state(request)
    row = store.start_risk(st, body.scenario_id, body.toml, body.name, body.samples, body.seed)
    return schemas.run_out(store.run(st, row.id))


@router.post("/incentives", response_model=schemas.RunOut, status_code=202, responses=ERRORS)
def start_incentives(body: schemas.IncentivesIn, request: Request) -> schemas.RunOut:
    """Start an incentive design in the background (``orevalue incentives``): the cheapest
    package that makes the plant bankable; poll ``/runs/{id}``, then read
    ``/runs/{id}/incentives``."""
    st = state(request)
    options = body.model_dump(include={"target_irr_pct", "min_dscr", "pathway"})
    given = {k: v for k, v in options.items() if v is not None}
    row = store.start_incentives(st, body.scenario_id, body.toml, body.name, given)
    return schemas.run_out(store.run(st, row.id))


@router.post("/siting", response_model=schemas.RunOut, status_code=202, responses=ERRORS)
def start_siting(body: schemas.EvaluateIn, request: Request) -> schemas.RunOut:
    """Start a siting analysis in the background (``orevalue site``, with its map); poll
    ``/runs/{id}``, then read ``/runs/{id}/siting.json``."""
    st = state(request)
    row = store.start_job(st, "siting", body.scenario_id, body.toml, body.name)
    return schemas.run_out(store.run(st, row.id))


@router.get("/runs", response_model=list[schemas.RunOut])
def list_runs(request: Request) -> list[schemas.RunOut]:
    """Recent runs, newest first."""
    return [schemas.run_out(r) for r in store.runs(state(request))]


@router.get("/runs/{run_id}", response_model=schemas.RunOut, responses=ERRORS)
def get_run(run_id: RunId, request: Request) -> schemas.RunOut:
    """A run: its state and progress (0 to 1) and, when done, its headline results."""
    return schemas.run_out(store.run(state(request), run_id))


@router.post("/runs/{run_id}/cancel", response_model=schemas.RunOut, responses=ERRORS)
def cancel_run(run_id: RunId, request: Request) -> schemas.RunOut:
    """Ask a risk run in progress to stop (it ends failed, "cancelled by the user")."""
    return schemas.run_out(store.cancel(state(request), run_id))


@router.get("/runs/{run_id}/log", response_model=list[schemas.LogLine], responses=ERRORS)
def run_log(run_id: RunId, request: Request) -> list[schemas.LogLine]:
    return [
        schemas.LogLine(at=r.at, message=r.message) for r in store.run_log(state(request), run_id)
    ]


@router.get("/runs/{run_id}/results.json", responses=ERRORS)
def results_json(run_id: RunId, request: Request) -> Response:
    """results.json of the run (what ``orevalue run`` writes)."""
    import json

    row = store.run(state(request), run_id)
    if row.results is None:
        raise store.AppError(f"run {run_id} is {row.status}: no results")
    text = json.dumps(row.results, indent=1)
    return _download(text, f"{row.name}-run{run_id}-results.json", "application/json")


@router.get("/runs/{run_id}/results.xlsx", responses=ERRORS)
def results_xlsx(run_id: RunId, request: Request) -> Response:
    """The results as an Excel workbook (what ``orevalue run --xlsx`` writes)."""
    st = state(request)
    row = store.run(st, run_id)
    if row.status != "done":
        raise store.AppError(f"run {run_id} is {row.status}: no results")
    data = service.results_xlsx(service.load_text(row.toml, row.name, st.settings.work_dir))
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    name = f"{row.name}-run{run_id}-results.xlsx"
    return Response(data, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@router.get("/runs/{run_id}/risk.json", responses=ERRORS)
def risk_json(run_id: RunId, request: Request) -> Response:
    """The risk summary of a risk run (as ``orevalue risk`` writes summary.json)."""
    import json

    row = store.run(state(request), run_id)
    if row.risk is None:
        raise store.AppError(f"run {run_id} has no risk summary")
    return _download(json.dumps(row.risk, indent=1), f"{row.name}-run{run_id}-risk.json",
                     "application/json")  # fmt: skip


@router.get("/runs/{run_id}/incentives", response_model=schemas.IncentivesOut, responses=ERRORS)
def incentives(run_id: RunId, request: Request) -> schemas.IncentivesOut:
    """The incentive design of an incentives run (incentives.json of ``orevalue
    incentives``)."""
    row = store.run(state(request), run_id)
    if not row.incentives:
        raise store.NotFound(f"run {run_id} has no incentive design ({row.kind}, {row.status})")
    return schemas.IncentivesOut(**row.incentives)


@router.get("/runs/{run_id}/siting.json", responses=ERRORS)
def siting_json(run_id: RunId, request: Request) -> Response:
    """The siting analysis of a siting run (what ``orevalue site`` finds), as JSON."""
    import json

    row = store.run(state(request), run_id)
    if not row.siting:
        raise store.NotFound(f"run {run_id} has no siting analysis ({row.kind}, {row.status})")
    doc = {"site": row.siting["site"], "note": row.siting["note"]}
    return _download(json.dumps(doc, indent=1), f"{row.name}-run{run_id}-siting.json",
                     "application/json")  # fmt: skip


@router.get("/runs/{run_id}/scenario.toml", response_class=PlainTextResponse, responses=ERRORS)
def run_toml(run_id: RunId, request: Request) -> Response:
    """The scenario text the run evaluated."""
    row = store.run(state(request), run_id)
    return _download(row.toml, f"{row.name}-run{run_id}.toml", "application/toml")


@router.get("/runs/{run_id}/annual.csv", responses=ERRORS)
def annual_csv(
    run_id: RunId, request: Request, pathway: Annotated[str, Query(max_length=40)] = "cathode"
) -> Response:
    """One pathway's annual cash flows as CSV."""
    st = state(request)
    row = store.run(st, run_id)
    if row.results is None or pathway not in row.results.get("pathways", {}):
        raise store.NotFound(f"run {run_id} has no pathway {pathway!r}")
    loaded = service.load_text(row.toml, row.name, st.settings.work_dir)
    text = service.annual_csv(loaded, pathway)
    return _download(text, f"{row.name}-run{run_id}-{pathway}.csv", "text/csv")


@router.get("/runs/{run_id}/brief.html", response_class=HTMLResponse, responses=ERRORS)
def brief(run_id: RunId, request: Request, download: bool = False) -> Response:
    """The brief of the run as one self-contained HTML file (made on first request)."""
    row = store.run(state(request), run_id)
    html = store.brief_html(state(request), run_id)
    if download:
        return _download(html, f"{row.name}-run{run_id}-brief.html", "text/html")
    return HTMLResponse(html)


@router.get("/runs/{run_id}/brief.pdf", responses={**ERRORS, 503: {"description": "No PDF"}})
def brief_pdf(run_id: RunId, request: Request) -> Response:
    """The brief printed to PDF by headless Chromium on the server."""
    row = store.run(state(request), run_id)
    data = store.brief_pdf(state(request), run_id)
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{row.name}-run{run_id}-brief.pdf"'},
    )


@router.get("/compare", response_model=schemas.CompareOut, responses=ERRORS)
def compare(
    request: Request, ids: Annotated[list[schemas.Id], Query(min_length=2, max_length=6)]
) -> schemas.CompareOut:
    """Runs side by side: the inputs that differ and the metrics that moved."""
    return schemas.CompareOut(**store.compare(state(request), ids))


def _download(text: str, filename: str, media: str) -> Response:
    safe = "".join(c for c in filename if c.isalnum() or c in "-_.")
    return Response(
        text,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{safe}"'},
    )
