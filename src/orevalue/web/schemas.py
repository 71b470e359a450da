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

#: The declared outputs of other groups an incentive package is judged on (group, key),
#: beside every key of the group "incentives" (its investor's equity and public cost).
PACKAGE_KEYS = (
    ("plant", "equity_irr"),
    ("plant", "dscr_min"),
    ("plant", "npv_usd"),
    ("chain", "mine_npv_usd"),
)


def package_rows() -> list[outputs.Output]:
    """The declared rows of an incentive package's numbers (data/outputs.csv)."""
    return [outputs.row(k, g) for g, k in PACKAGE_KEYS] + list(outputs.declared("incentives"))


def _package_model(name: str, doc: str, **more: Any) -> type[BaseModel]:
    """A model of an incentive package's numbers: one ``float | None`` field per row of
    :func:`package_rows`, described by data/outputs.csv; ``more`` adds fields of its own."""
    fields: dict[str, Any] = {
        r.key: (
            float | None,
            Field(None, title=r.label, description=f"{r.description} Unit: {r.unit}."),
        )
        for r in package_rows()
    }
    return create_model(name, __config__=ConfigDict(extra="allow"), __doc__=doc, **fields, **more)


PackageMetrics = _package_model(
    "PackageMetrics",
    "An incentive package's plant outputs and public cost (data/outputs.csv); ``jobs``: its "
    "public cost per operating job.",
    jobs=(dict[str, Any] | None, None),
)
ParetoPoint = _package_model(
    "ParetoPoint",
    "A package on the Pareto front of public cost against the investor's plant NPV.",
    bankable=(bool, ...),
    package=(dict[str, float], ...),
)


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


class IncentivesIn(BaseModel):
    """Find the cheapest incentive package that makes a scenario's plant bankable (a
    background job, as ``orevalue incentives``); targets default to data/levers.toml's."""

    scenario_id: Id | None = None
    toml: str = ""
    name: str = Field("scenario", max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    target_irr_pct: float | None = Field(None, gt=-50, lt=100, description="Equity IRR, % real")
    min_dscr: float | None = Field(None, ge=0, le=10, description="Minimum DSCR")
    pathway: str | None = Field(None, max_length=40, pattern=r"^[A-Za-z0-9_]+$")


class IncentivesOut(BaseModel):
    """incentives.json of an incentives run: the cheapest bankable package (None when none
    is), its outputs and public cost by level, why none is bankable, the Pareto front and
    each lever's bang for buck."""

    pathway: str
    targets: dict[str, float | str | None]
    method: str
    bankable: bool
    package: dict[str, float] | None
    package_metrics: PackageMetrics | None  # type: ignore[valid-type]
    package_cost_by_lever: dict[str, float | None]
    reference: PackageMetrics  # type: ignore[valid-type]
    at_limit: PackageMetrics  # type: ignore[valid-type]
    binding: list[str]
    pareto: list[ParetoPoint]  # type: ignore[valid-type]
    ranking: list[dict[str, Any]]
    levers: dict[str, dict[str, Any]]
    evaluations: int
    seconds: float
    risk: dict[str, Any] | None = None


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
    options: dict[str, Any] | None = None
    has_incentives: bool = False
    has_siting: bool = False


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
        has_incentives=bool(row.incentives),
        has_siting=bool(row.siting),
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
