"""Levers of an incentive package, as data: ``data/levers.toml`` and a user's lever file.

Each lever names the scenario field it moves (``path``), how (``kind``: one small function
registered in :data:`KINDS`), its unit and range, who pays, what the state spends on it beyond
the revenue forgone (``spending``, see :mod:`orevalue.incentives.spending`) and the source of
its range. A lever file sets only what differs from the default table: a range, a lever left
out or a lever off by default taken in (``use = [...]``), a new lever given in full, and the
targets.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from orevalue import toml_text
from orevalue.scenario import ScenarioError
from orevalue.scenario.errors import ModelT, Problem, problem_from_error
from orevalue.scenario.load import parse_toml, read_input
from orevalue.scenario.tables import deep_merge

DEFAULT_LEVERS = "levers.toml"

#: How a lever moves its field: (value today (N, 1), amount (N, 1)) -> new value (N, 1).
Kind = Callable[[np.ndarray, np.ndarray], np.ndarray]
KINDS: dict[str, Kind] = {}


def kind(name: str) -> Callable[[Kind], Kind]:
    """Register a lever kind under ``name``."""

    def register(fn: Kind) -> Kind:
        KINDS[name] = fn
        return fn

    return register


@kind("add")
def _add(today: np.ndarray, amount: np.ndarray) -> np.ndarray:
    """The field raised by the amount (holiday years, allowance points, a grant share)."""
    return today + amount


@kind("cut")
def _cut(today: np.ndarray, amount: np.ndarray) -> np.ndarray:
    """The field lowered by the amount (tax points, rate points, months of delay)."""
    return today - amount


@kind("add_whole")
def _add_whole(today: np.ndarray, amount: np.ndarray) -> np.ndarray:
    """The field raised by the amount in whole units (years of a loan's tenor)."""
    return today + np.floor(amount + 1e-9)


@kind("share_off")
def _share_off(today: np.ndarray, amount: np.ndarray) -> np.ndarray:
    """The field cut by ``amount`` % of itself (an exemption, a subsidy)."""
    return today * (1.0 - amount / 100.0)


#: What the state pays out for a lever beyond the revenue it forgoes.
SPENDING = (
    "none",
    "opex_part",
    "capex_grant",
    "capex_saved",
    "interest_subsidy",
    "per_unit",
    "training",
    "term_premium",
)

#: Placeholders a lever's paths may hold for a shareholder of the case's ``[ownership]``, by
#: the kind of holder: the largest share of that kind (``private``: foreign or domestic).
HOLDERS = {
    "province": ("province",),
    "federation": ("federation",),
    "private": ("foreign", "domestic_private"),
}


class Lever(BaseModel):
    """One lever: a row of the lever table."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    label: str = Field(description="what the state promises")
    unit: str = Field(description="unit of the lever's amount")
    range: tuple[float, float] = Field(description="[low, high] amounts searched, low >= 0")
    pays: Literal["province", "federation"] = Field(description="government that pays for it")
    kind: str = Field(description=f"how it moves its field: one of {', '.join(KINDS)}")
    path: str = Field(description="dotted scenario field the lever moves")
    limit: float | None = Field(default=None, description="bound on the field's new value")
    status_quo: dict[str, float] = Field(
        default_factory=dict, description="values fields take today where the case has 0"
    )
    spending: str = Field(default="none", description=f"public spending: {', '.join(SPENDING)}")
    part: str = Field(default="", description="operating cost part a subsidy pays (opex_part)")
    usd_per_unit: float = Field(default=0.0, ge=0, description="state cost per unit (per_unit)")
    offset: str = Field(
        default="", description="field moved by the opposite change (a share handed over)"
    )
    premium_pct: float = Field(
        default=0.0, ge=0, le=100, description="lender's premium a year on the extra balance"
    )
    enabled: bool = Field(default=True, description="searched unless a lever file's use says")
    source: str = Field(description="where the range comes from")
    tag: Literal["S", "D", "E"] = Field(description="S sourced, D derived, E estimate")

    def apply(self, today: np.ndarray, amount: np.ndarray) -> np.ndarray:
        """The field's value with ``amount`` of this lever, (N, 1)."""
        out = KINDS[self.kind](today, amount)
        floor = self.limit if self.kind == "cut" and self.limit is not None else 0.0
        if self.kind == "add" and self.limit is not None:
            return np.minimum(out, self.limit)
        return np.maximum(out, floor) if self.kind == "cut" else out


class Targets(BaseModel):
    """Bankability as the user states it."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    equity_irr_pct: float = Field(
        default=12.0, description="hurdle on the equity IRR, % real (BAL §5.4: 12 %, 10-16)"
    )
    min_dscr: float = Field(default=1.3, ge=0, description="lowest debt-service cover allowed")
    max_loss_probability: float | None = Field(
        default=None, ge=0, le=1, description="highest P(plant NPV < 0) on a risk run; none"
    )
    equity: Literal["private", "project"] = Field(
        default="private",
        description="whose equity IRR meets the hurdle: the private shareholders' (after the "
        "state's free carry and dividend withholding) or the whole project's",
    )


@dataclass(frozen=True)
class LeverSet:
    """The levers searched, in order, and the targets."""

    levers: dict[str, Lever]
    targets: Targets
    file: str = DEFAULT_LEVERS

    @property
    def names(self) -> list[str]:
        return list(self.levers)

    def status_quo(self) -> dict[str, float]:
        """Every field's value today where a lever says so."""
        out: dict[str, float] = {}
        for lever in self.levers.values():
            out.update(lever.status_quo)
        return out


def _default_table() -> dict[str, Any]:
    text = resources.files("orevalue.data").joinpath(DEFAULT_LEVERS).read_text(encoding="utf-8")
    return parse_toml(text, DEFAULT_LEVERS)


def _did_you_mean(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f" (did you mean '{close[0]}'?)" if close else f"; known: {', '.join(known)}"


def _check(name: str, lever: Lever) -> list[tuple[str, str]]:
    """Cross-field problems of one lever: (field, message)."""
    out = []
    low, high = lever.range
    if not low < high:
        out.append(("range", f"upside down: [{low}, {high}]; expected [low, high] with low < high"))
    if low < 0:
        out.append(("range", f"low end {low} < 0: the amount 0 is 'no lever'"))
    if lever.kind not in KINDS:
        out.append(("kind", f"unknown kind '{lever.kind}'{_did_you_mean(lever.kind, [*KINDS])}"))
    if lever.spending not in SPENDING:
        hint = _did_you_mean(lever.spending, [*SPENDING])
        out.append(("spending", f"unknown spending '{lever.spending}'{hint}"))
    if lever.spending == "opex_part" and not lever.part:
        out.append(("part", "an opex_part subsidy names the operating cost part it pays"))
    return [(f"{name}.{field}", message) for field, message in out]


def _validated(
    model: type[ModelT], row: Any, file: str, lines: dict[str, int], prefix: str
) -> tuple[ModelT | None, list[Problem]]:
    """``row`` as ``model``, or the problems found (paths from ``prefix``)."""
    try:
        return model.model_validate(row), []
    except ValidationError as exc:
        return None, [problem_from_error(e, file, lines, model, prefix) for e in exc.errors()]


def load_levers(path: str | Path | None = None) -> LeverSet:
    """The default lever table with the user's lever file at ``path`` laid over it.

    Raises :class:`ScenarioError` naming the file and field: an unknown lever (with a
    did-you-mean) that is not given in full, a range upside down, a target or amount that is
    not a number.
    """
    table = _default_table()
    file, text, user = DEFAULT_LEVERS, "", {}
    if path is not None:
        file, text = str(path), read_input(path)
        user = parse_toml(text, file)
    lines = toml_text.key_lines(text) if text else {}
    use = user.pop("use", None)
    targets_raw = user.pop("targets", {})
    problems: list[Problem] = []
    for name, row in user.items():
        if name not in table and not (isinstance(row, dict) and "path" in row):
            msg = f"unknown lever '{name}'{_did_you_mean(name, [*table])}"
            problems.append(Problem(file, name, msg, toml_text.find_line(lines, name)))
    known = [*table, *user]
    if use is not None and not (isinstance(use, list) and all(isinstance(u, str) for u in use)):
        problems.append(Problem(file, "use", "expected a list of lever names"))
        use = None
    for u in use or []:
        if u not in known:
            msg = f"unknown lever '{u}'{_did_you_mean(u, known)}"
            problems.append(Problem(file, "use", msg, toml_text.find_line(lines, "use")))
    if problems:
        raise ScenarioError(problems)
    merged = deep_merge(table, user)
    levers: dict[str, Lever] = {}
    on = [n for n, row in merged.items() if not isinstance(row, dict) or row.get("enabled", True)]
    for name in use if use is not None else on:
        lever, found = _validated(Lever, merged[name], file, lines, name)
        problems += found
        if lever is not None:
            problems += [
                Problem(file, p, m, toml_text.find_line(lines, p)) for p, m in _check(name, lever)
            ]
            levers[name] = lever
    targets, found = _validated(Targets, targets_raw, file, lines, "targets")
    problems += found
    if problems or targets is None:
        raise ScenarioError(problems)
    if not levers:
        raise ScenarioError([Problem(file, "use", "no lever left to search")])
    return LeverSet(levers, targets, file)


def with_targets(
    levers: LeverSet,
    equity_irr_pct: float | None = None,
    min_dscr: float | None = None,
    max_loss_probability: float | None = None,
) -> LeverSet:
    """``levers`` with the targets given on the command line (None: keep the file's)."""
    values = levers.targets.model_dump()
    given = {
        "equity_irr_pct": equity_irr_pct,
        "min_dscr": min_dscr,
        "max_loss_probability": max_loss_probability,
    }
    values.update({k: v for k, v in given.items() if v is not None})
    targets, problems = _validated(Targets, values, "command line", {}, "")
    if targets is None:
        raise ScenarioError(problems)
    return LeverSet(levers.levers, targets, levers.file)
