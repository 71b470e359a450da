"""Request and response models of the REST API. The metrics models are generated from the
declared outputs (data/outputs.csv): one optional number per declared key of the plant and
country groups, described with the table's label, unit and sentence, so the OpenAPI schema
and the table cannot disagree."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from orevalue import outputs

#: Largest row id (a 32-bit integer column on both databases).
MAX_ID = 2**31 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
#: Text without control characters (PostgreSQL refuses NUL in text).
PLAIN = r"^[^\x00-\x1f]*$"


def _metrics_model(group: str, name: str) -> type[BaseModel]:
    """A model with one ``float | None`` field per declared key of ``group`` (family keys
    with a ``{placeholder}`` are left to the extra fields the model allows)."""
    fields: dict[str, Any] = {}
    for row in outputs.declared(group):
        if "{" in row.key:
            continue
        fields[row.key] = (
            float | None,
            Field(None, title=row.label, description=f"{row.description} Unit: {row.unit}."),
        )
    doc = f"The declared outputs of group {group!r} (data/outputs.csv)."
    model = create_model(name, __config__=ConfigDict(extra="allow"), __doc__=doc, **fields)
    return model


PlantMetrics = _metrics_model("plant", "PlantMetrics")
CountryMetrics = _metrics_model("country", "CountryMetrics")


class PathwaySummary(BaseModel):
    """One pathway's headline results: the plant view and the country view."""

    label: str
    builds_stages: list[str]
    plant: PlantMetrics  # type: ignore[valid-type]
    country: CountryMetrics  # type: ignore[valid-type]
    margin_usd_per_t_product_cu: dict[str, float | None] = {}


class Problem(BaseModel):
    """A scenario problem, worded as the CLI words it."""

    path: str
    message: str
    line: int | None
    text: str


class ScenarioIn(BaseModel):
    """A scenario to save: its TOML text (what differs from the default case)."""

    name: str = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    toml: str = ""
    saved_by: str = Field("", max_length=80, pattern=PLAIN)
    parent_id: Id | None = None


class ScenarioOut(BaseModel):
    id: int
    name: str
    sha256: str
    saved_by: str
    saved_at: datetime
    parent_id: int | None
    toml: str


class EvaluateIn(BaseModel):
    """Evaluate a saved scenario (``scenario_id``) or a TOML text as given."""

    scenario_id: Id | None = None
    toml: str = ""
    name: str = Field("scenario", max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class RiskIn(BaseModel):
    """Start a risk run (Monte Carlo) of a saved scenario or a TOML text."""

    scenario_id: Id | None = None
    toml: str = ""
    name: str = Field("scenario", max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    samples: int = Field(1000, ge=10)
    seed: int = Field(1, ge=0, le=2**31 - 1)


class RunOut(BaseModel):
    """A run: its state, timings and, when done, its headline results."""

    id: int
    kind: str
    scenario_id: int | None
    name: str
    status: str
    reason: str
    progress: float
    inputs_sha256: str
    version: str
    seed: int | None
    samples: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    seconds: float | None
    verdict: list[str] | None = None
    pathways: dict[str, PathwaySummary] | None = None
    risk_headline: dict[str, Any] | None = None


class LogLine(BaseModel):
    at: datetime
    message: str


class CompareOut(BaseModel):
    """Runs side by side: the inputs that differ and the metrics that moved."""

    runs: list[int]
    inputs: dict[str, list[Any]]
    metrics: dict[str, list[float | None]]


class OutputRow(BaseModel):
    key: str
    group: str
    unit: str
    label: str
    description: str


def run_out(row: Any) -> RunOut:
    """The API's view of a stored run."""
    res = row.results or {}
    pathways = None
    if res.get("pathways"):
        pathways = {
            key: PathwaySummary(
                label=p.get("label", key),
                builds_stages=p.get("builds_stages", []),
                plant=PlantMetrics(**_numbers(p.get("plant", {}))),
                country=CountryMetrics(**_numbers(p.get("country", {}))),
                margin_usd_per_t_product_cu=_numbers(p.get("margin_usd_per_t_product_cu", {})),
            )
            for key, p in res["pathways"].items()
        }
    verdict = res.get("verdict")
    if isinstance(verdict, dict):
        verdict = verdict.get("lines") or [str(v) for v in verdict.values()]
    risk = row.risk or None
    return RunOut(
        **{k: getattr(row, k) for k in RunOut.model_fields if hasattr(row, k)},
        verdict=verdict,
        pathways=pathways,
        risk_headline={"headline_outputs": risk.get("headline_outputs"), "run": risk.get("run")}
        if risk
        else None,
    )


def _numbers(group: dict[str, Any]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for k, v in group.items():
        if isinstance(v, bool) or not isinstance(v, int | float):
            if v is None:
                out[k] = None
            continue
        out[k] = float(v)
    return out
