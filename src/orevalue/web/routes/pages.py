"""The pages: home, the scenario editor, the run page and the compare page, rendered on the
server with Jinja2; their scripts call the REST API (``/api/v1``) for risk runs."""

from __future__ import annotations

import json
from collections import defaultdict
from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from orevalue import __version__
from orevalue.web import schemas, service, store
from orevalue.web.db import DONE
from orevalue.web.security import check_form

router = APIRouter(include_in_schema=False)
RowId = Annotated[int, Path(ge=1, le=schemas.MAX_ID)]
templates = Jinja2Templates(directory=str(resources.files("orevalue.web").joinpath("templates")))
#: Groups of the editor open at first: what an analyst changes most.
OPEN_GROUPS = ("project", "prices", "fiscal", "finance")
#: Cached run pages kept per app.
PAGE_CACHE = 64


def _state(request: Request) -> store.State:
    return request.app.state.orevalue


def _page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    context.update(csrf=request.state.csrf, version=__version__)
    return templates.TemplateResponse(request, template, context, status_code=status)


def _forbidden() -> HTMLResponse:
    return HTMLResponse("<p>This form has expired: reload the page and try again.</p>", 403)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    st = _state(request)
    return _page(request, "home.html", scenarios=store.scenarios(st), runs=store.runs(st, 20))


def _editor(
    request: Request,
    *,
    name: str,
    values: dict[str, str],
    sources: dict[str, str] | None = None,
    problems: list[service.Issue] | None = None,
    toml: str = "",
    scenario_id: int | None = None,
    status: int = 200,
    mode: str = "form",
) -> HTMLResponse:
    groups: dict[str, list[service.Field]] = defaultdict(list)
    for f in service.fields():
        groups[f.group].append(f)
    by_path: dict[str, list[str]] = defaultdict(list)
    general = []
    paths = {f.path for f in service.fields()}
    for p in problems or []:
        (by_path[p.path] if p.path in paths else general).append(p.text)
    failing = {f.group for f in service.fields() if f.path in by_path}
    return _page(
        request,
        "editor.html",
        status=status,
        name=name,
        groups=groups,
        values=values,
        sources=sources or {},
        errors=by_path,
        general=general,
        open_groups=set(OPEN_GROUPS) | failing,
        toml=toml,
        scenario_id=scenario_id,
        mode=mode,
    )


@router.get("/scenarios/new", response_class=HTMLResponse)
def new_scenario(request: Request) -> HTMLResponse:
    """The editor on the default case."""
    defaults = {f.path: f.default for f in service.fields()}
    return _editor(request, name="my-case", values=defaults)


@router.get("/scenarios/{scenario_id}", response_class=HTMLResponse)
def edit_scenario(scenario_id: RowId, request: Request) -> HTMLResponse:
    """The editor on a saved scenario."""
    st = _state(request)
    row = store.scenario(st, scenario_id)
    loaded = service.load_text(row.toml, row.name, st.settings.work_dir)
    return _editor(
        request, name=row.name, values=service.current_values(loaded), toml=row.toml,
        scenario_id=row.id,
    )  # fmt: skip


def _changed(form: Any) -> dict[str, tuple[str, str]]:
    """The fields whose value differs from the default case: path → (value, source)."""
    out = {}
    for f in service.fields():
        given = form.get(f"f:{f.path}")
        if given is None:
            continue
        if not service.same_value(str(given), f.default):
            out[f.path] = (str(given).strip(), str(form.get(f"s:{f.path}") or ""))
    return out


def _field_problems(changed: dict[str, tuple[str, str]], name: str) -> list[service.Issue]:
    out = []
    for path, (text, _) in changed.items():
        try:
            service.parse_value(text)
        except ValueError as exc:
            out.append(service.Issue(path, str(exc), None, f"{name}.toml: {path}: {exc}"))
    return out


#: Fields an editor form may post: a value and a source per input of the schema (Starlette's
#: default of 1,000 is fewer than the case's inputs take); the body size limit still holds.
FORM_MAX_FIELDS = 20_000


@router.post("/scenarios/save", response_class=HTMLResponse, response_model=None)
async def save_scenario(request: Request) -> Response:
    """Save the editor's form (or its raw TOML), then show it or run it."""
    form = await request.form(max_fields=FORM_MAX_FIELDS)
    if not check_form(str(form.get("csrf") or ""), request):
        return _forbidden()
    st = _state(request)
    name = str(form.get("name") or "my-case").strip()
    mode = str(form.get("mode") or "form")
    parent = str(form.get("parent_id") or "")
    changed = _changed(form)
    if mode == "raw":
        text, problems = str(form.get("toml") or ""), []
    else:
        problems = _field_problems(changed, name)
        text = (
            "" if problems else service.form_toml(changed, f"# saved from the web editor: {name}")
        )
    values = {f.path: f.default for f in service.fields()}
    values.update({p: v for p, (v, _) in changed.items()})
    try:
        if problems:
            raise store.Invalid("bad values", problems)
        row = store.save_scenario(
            st, name, text, str(form.get("saved_by") or ""), int(parent) if parent else None
        )
    except store.Invalid as exc:
        return _editor(
            request, name=name, values=values, problems=exc.problems or [
                service.Issue("", exc.message, None, exc.message)
            ], toml=text, mode=mode,
            sources={p: s for p, (_, s) in changed.items()},
        )  # fmt: skip
    if form.get("action") == "run":
        run = store.evaluate(st, row.id, "", row.name)
        return RedirectResponse(f"/runs/{run.id}", status_code=303)
    return RedirectResponse(f"/scenarios/{row.id}", status_code=303)


@router.post("/scenarios/upload", response_class=HTMLResponse, response_model=None)
async def upload_scenario(
    request: Request, file: UploadFile, csrf: Annotated[str, Form()] = ""
) -> Response:
    """Save an uploaded scenario file under its file name."""
    if not check_form(csrf, request):
        return _forbidden()
    st = _state(request)
    data = await file.read(st.settings.max_toml_bytes + 1)
    if len(data) > st.settings.max_toml_bytes:
        raise store.TooLarge(f"scenario TOML larger than {st.settings.max_toml_bytes} bytes")
    stem = (file.filename or "uploaded.toml").rsplit("/", 1)[-1].removesuffix(".toml")
    try:
        name = service.safe_name(stem)
        text = data.decode("utf-8")
    except (ValueError, UnicodeDecodeError) as exc:
        raise store.Invalid(f"cannot take this file: {exc}") from None
    try:
        row = store.save_scenario(st, name, text, "upload")
    except store.Invalid as exc:
        defaults = {f.path: f.default for f in service.fields()}
        return _editor(request, name=name, values=defaults, problems=exc.problems,
                       toml=text, mode="raw")  # fmt: skip
    return RedirectResponse(f"/scenarios/{row.id}", status_code=303)


@router.post("/scenarios/{scenario_id}/run", response_model=None)
async def run_scenario(scenario_id: RowId, request: Request) -> Response:
    form = await request.form(max_fields=FORM_MAX_FIELDS)
    if not check_form(str(form.get("csrf") or ""), request):
        return _forbidden()
    run = store.evaluate(_state(request), scenario_id, "", "")
    return RedirectResponse(f"/runs/{run.id}", status_code=303)


def _sections(st: store.State, row: Any) -> dict[str, Any]:
    """The run's brief sections rendered as HTML with the brief's own renderer, with the
    siting section its siting job stored, and the chart figures they draw (kept per run: a
    done run does not change)."""
    if row.id in st.pages:
        return st.pages[row.id]
    loaded = service.load_text(row.toml, row.name, st.settings.work_dir)
    brief = service.page_sections(loaded, row.risk, row.incentives)
    sections, figures = service.render(brief["sections"])
    if row.siting:
        at = next((i for i, s in enumerate(sections) if s["id"] == "risk"), len(sections))
        sections[at:at] = row.siting["sections"]
        figures.update(row.siting["figures"])
    page = {
        "sections": sections,
        "figures": json.dumps(figures, separators=(",", ":")).replace("</", "<\\/"),
        "meta": brief["meta"],
    }
    if len(st.pages) >= PAGE_CACHE:
        st.pages.pop(next(iter(st.pages)))
    st.pages[row.id] = page
    return page


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_page(run_id: RowId, request: Request) -> HTMLResponse:
    """A run: verdict, pathways, per-tonne margin, cash flows, government, jobs; the risk,
    the incentive package or the siting analysis of a job of that kind; the buttons that
    start those jobs."""
    st = _state(request)
    row = store.run(st, run_id)
    page = _sections(st, row) if row.status == DONE else None
    pathways = list((row.results or {}).get("pathways", {}))
    others = [r for r in store.runs(st, 20) if r.id != row.id and r.status == DONE]
    return _page(
        request, "run.html", run=row, page=page, pathways=pathways, others=others,
        max_samples=st.settings.max_samples, pareto=_pareto_rows(row.incentives),
    )  # fmt: skip


def _pareto_rows(design: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The Pareto points of an incentive design, formatted as the outputs table says."""
    from orevalue import outputs

    if not design:
        return []
    usd = outputs.unit("npv_usd", "plant")
    out = []
    for point in design["pareto"]:
        out.append(
            {
                **point,
                "cost": outputs.format_value(usd, point["public_cost_pv_usd"]),
                "province": outputs.format_value(usd, point["public_cost_province_pv_usd"]),
                "federation": outputs.format_value(usd, point["public_cost_federation_pv_usd"]),
                "npv": outputs.format_value(usd, point["npv_usd"]),
                "investor": outputs.format_value(usd, point["investor_npv_usd"]),
                "irr": outputs.format_value("fraction", point["equity_irr"]),
                "dscr": outputs.format_value("ratio", point["dscr_min"]),
                "levers": ", ".join(
                    f"{design['levers'][k]['label']} {v:g} {design['levers'][k]['unit']}"
                    for k, v in (point["package"] or {}).items()
                ),
            }
        )
    return out


@router.get("/compare", response_class=HTMLResponse)
def compare_page(
    request: Request, ids: Annotated[list[schemas.Id], Query(min_length=2, max_length=6)]
) -> HTMLResponse:
    """Runs side by side: the inputs that differ and the metrics that moved."""
    st = _state(request)
    result = store.compare(st, ids)
    rows = [store.run(st, i) for i in ids]
    metrics = [_metric_row(path, values) for path, values in result["metrics"].items()]
    return _page(request, "compare.html", result=result, runs=rows, metrics=metrics)


def _metric_row(path: str, values: list[float | None]) -> dict[str, Any]:
    """A metric that moved, labelled and formatted by the outputs table."""
    from orevalue import outputs

    pathway, group, key = path.split(".", 2)
    try:
        unit = outputs.unit(key, group)
        label, shown = outputs.label(key, group), outputs.shown_unit(key, group)
    except KeyError:
        unit, label, shown = "same as the output", key, ""
    first, last = values[0], values[-1]
    change = None if first is None or last is None else last - first
    return {
        "path": path,
        "pathway": pathway,
        "label": label,
        "unit": shown,
        "values": [outputs.format_value(unit, v) for v in values],
        "change": outputs.format_value(unit, change),
    }
