"""Which inputs drive the results: tornado (one at a time) and Sobol indices (variance-based).

- Tornado: every factor at its 10th and then its 90th percentile, all others at the scenario's
  own values; bars ranked by the swing of the output. A price path's P10/P90 is the path of
  the 10th/90th percentile of that series in every year (from simulated paths of it alone).
- Sobol: first-order (S1, the share of the output's variance the factor explains alone) and
  total (ST, including its interactions) indices by Saltelli's scheme (as SALib computes them,
  see :mod:`orevalue.risk.saltelli`), factors taken as
  independent. A price path is one factor (all its yearly shocks and regime draws as a group).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from orevalue.params import Params
from orevalue.risk import CHUNK, prices, saltelli
from orevalue.risk.montecarlo import evaluate_npvs, evaluate_outputs
from orevalue.risk.sampling import Draws, Factor, RiskModel

Evaluate = Callable[[np.ndarray], dict[str, np.ndarray]]
#: Rows of a run's Sobol design evaluated as one task: a quarter of a Monte Carlo chunk, so
#: that the design's ~20,000 rows are ten tasks the workers share evenly (each row's outputs
#: are the same whatever rows it is evaluated with).
SOBOL_CHUNK = 2048
#: Simulated paths of a price series whose yearly 10th and 90th percentiles are its tornado
#: settings.
N_REF = 4000


def factor_paths(
    model: RiskModel, factor: Factor, seed: int, n_ref: int = N_REF, draws: Draws | None = None
) -> tuple:  # type: ignore[type-arg]
    """(low, high) settings of a factor: parameter updates at its 10th and 90th percentiles.

    A price path's come from ``draws`` (the first ``n_ref`` samples of ``seed``'s random
    numbers, drawn here when not given: the same for every series)."""
    if factor.input is not None:
        low, high = factor.input.dist.p10_p90()
        return {factor.name: low}, {factor.name: high}
    pm = model.spec.prices
    assert pm is not None
    series = factor.name.removeprefix("prices.")
    if draws is None:
        draws = model.draws(seed, 0, n_ref)  # inputs stay at the scenario's values
    paths = prices.path_updates(
        pm, model.base_params(n_ref), model.years, draws.shocks, draws.regime_u, only=series
    )
    # each year's quantiles over the paths, a deck at a time (the same order statistics and
    # interpolation as year by year: 2 quantile calls a series instead of 2 a year)
    low, high = {}, {}
    for path, deck in paths.items():
        lo, hi = np.quantile(deck, 0.1, axis=0), np.quantile(deck, 0.9, axis=0)
        for k, year in enumerate(model.years):
            low[f"{path}.{int(year)}"], high[f"{path}.{int(year)}"] = float(lo[k]), float(hi[k])
    return low, high


def tornado(
    model: RiskModel, outputs: list[str], seed: int = 0
) -> tuple[dict[str, float], dict[str, list[dict[str, Any]]]]:
    """Base values of ``outputs`` and, per output, the factors ranked by swing."""
    factors = list(model.factors)
    paths = [f for f in factors if f.input is None]
    draws = model.draws(seed, 0, N_REF) if paths else None
    settings = [factor_paths(model, f, seed, draws=draws) for f in factors]
    rows = [dict[str, float]()] + [s for pair in settings for s in pair]
    n = len(rows)
    inputs = {f.name for f in factors if f.input is not None}

    def columns(keys: set[str], base: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        out = {}
        for key in keys:
            column = np.broadcast_to(np.asarray(base[key], dtype=float), (n, 1)).copy()
            for i, row in enumerate(rows):
                if key in row:
                    column[i, 0] = row[key]
            out[key] = column
        return out

    values = dict(model.base_values)
    values.update(columns({k for row in rows for k in row if k in inputs}, values))
    p = Params(values, n)
    if model.spec.prices is not None:  # paths on each row's deck, then the path quantiles
        paths = prices.columns(prices.base_updates(model.spec.prices, p, model.years), model.years)
        keys = {k for row in rows for k in row if k not in inputs}
        p = p.replace({**paths, **columns(keys, paths)})
    out = _evaluate(model, p, outputs)
    base = {name: float(out[name][0]) for name in outputs}
    table: dict[str, list[dict[str, Any]]] = {}
    for name in outputs:
        bars = []
        for j, f in enumerate(factors):
            lo, hi = float(out[name][1 + 2 * j]), float(out[name][2 + 2 * j])
            bar: dict[str, Any] = {
                "factor": f.name,
                "label": f.label,
                "kind": f.kind,
                "value_tag": f.value_tag,
                "output_at_p10": lo,
                "output_at_p90": hi,
                "swing": abs(hi - lo) if np.isfinite(hi - lo) else None,
            }
            if f.input is not None:
                bar["base_value"] = f.input.base
                bar["p10_value"], bar["p90_value"] = f.input.dist.p10_p90()
            bars.append(bar)
        bars.sort(key=lambda b: -(b["swing"] if b["swing"] is not None else -1.0))
        table[name] = bars
    return base, table


def saltelli_design(groups: list[str], n_base: int, seed: int) -> np.ndarray:
    """The unit-cube design of ``SALib.sample.sobol.sample`` for first-order and total indices
    (scrambled Sobol' points, no second order), built with array operations.

    For each base point i: its A row, then for each group (in order of first appearance) A with
    that group's columns taken from B, then B; (n_base x (groups + 2), D). SALib builds the
    same matrix element by element, which takes seconds for a few hundred dimensions.
    """
    base = saltelli.sobol_points(2 * len(groups), n_base, seed)
    return design_rows(groups, base)


def design_rows(groups: list[str], base: np.ndarray) -> np.ndarray:
    """The design rows of the base points ``base`` (n, 2 D: the A columns, then the B
    columns), as :func:`saltelli_design` orders them: (n x (groups + 2), D)."""
    d = len(groups)
    a, b = base[:, :d], base[:, d:]
    columns = np.asarray(groups)
    blocks = [a]
    for group in dict.fromkeys(groups):
        mixed = a.copy()
        take = columns == group
        mixed[:, take] = b[:, take]
        blocks.append(mixed)
    blocks.append(b)
    return np.stack(blocks, axis=1).reshape(-1, d)


@dataclass(frozen=True)
class Design:
    """A Saltelli design: the factor of each index (``labels``), the group of each unit-cube
    dimension (``groups``) and the base points (``base``: n_base x 2 dims, A then B), whose
    rows (n_base x (labels + 2), dims) are evaluated in chunks of ``chunk`` rows."""

    labels: list[str]
    groups: list[str]
    base: np.ndarray
    seed: int
    chunk: int = CHUNK

    @property
    def step(self) -> int:
        """Rows of a base point: A, one per label, B."""
        return len(self.labels) + 2

    @property
    def rows(self) -> int:
        return self.base.shape[0] * self.step

    @property
    def x(self) -> np.ndarray:
        """Every row of the design."""
        return design_rows(self.groups, self.base)

    def chunks(self) -> list[tuple[int, int]]:
        """Row ranges evaluated at once (fixed: the same whatever runs them)."""
        n = self.rows
        return [(a, min(a + self.chunk, n)) for a in range(0, n, self.chunk)]

    def part(self, start: int, stop: int) -> tuple[list[str], np.ndarray, int, int]:
        """What rows ``start`` .. ``stop - 1`` are built from, for :func:`design_part`: the
        groups, the base points the rows belong to, and the rows' place among theirs (a task
        is sent these, a fiftieth of its rows' size)."""
        first, last = start // self.step, (stop - 1) // self.step
        offset = start - first * self.step
        return self.groups, self.base[first : last + 1], offset, offset + stop - start

    def indices(self, y: dict[str, np.ndarray]) -> dict[str, dict[str, dict[str, float]]]:
        """S1, ST and their 95 % half-widths per label of each output's values ``y`` (one per
        row); none for an output that is not finite everywhere or does not vary."""
        result: dict[str, dict[str, dict[str, float]]] = {}
        for name, values in y.items():
            if not np.isfinite(values).all() or np.var(values) == 0.0:
                result[name] = {}
                continue
            si = saltelli.indices(values, len(self.labels), self.seed)
            result[name] = {
                label: {key: float(si[key][i]) for key in ("S1", "S1_conf", "ST", "ST_conf")}
                for i, label in enumerate(self.labels)
            }
        return result


def design_part(groups: list[str], base: np.ndarray, start: int, stop: int) -> np.ndarray:
    """Rows ``start`` .. ``stop - 1`` of the design of the base points ``base`` (see
    :meth:`Design.part`): the same values as those rows of :attr:`Design.x`."""
    return design_rows(groups, base)[start:stop]


def design(names: list[str], groups: list[str], n_base: int, seed: int) -> Design:
    """The design of Sobol indices by group (by name when there is one group only) of the
    unit-cube dimensions ``names``; ``n_base`` should be a power of 2."""
    unique = list(dict.fromkeys(groups))
    labels, by = (unique, groups) if len(unique) > 1 else (names, names)
    return Design(labels, list(by), saltelli.sobol_points(2 * len(by), n_base, seed), seed)


def sobol_indices(
    names: list[str],
    groups: list[str],
    evaluate: Evaluate,
    outputs: list[str],
    n_base: int = 512,
    seed: int = 0,
    chunk: int = CHUNK,
    on_progress: Callable[[int, int], None] | None = None,
) -> dict[str, dict[str, dict[str, float]]]:
    """Sobol S1 and ST (with 95 % confidence half-widths) of each output by group.

    ``evaluate(x)`` maps rows of a unit-cube design (n, len(names)) to outputs (n,) each.
    ``n_base`` should be a power of 2; the design has n_base x (groups + 2) rows.
    """
    plan = dataclasses.replace(design(names, groups, n_base, seed), chunk=chunk)
    x = plan.x
    y = {name: np.empty(plan.rows) for name in outputs}
    for start, stop in plan.chunks():
        out = evaluate(x[start:stop])
        for name in outputs:
            y[name][start:stop] = out[name]
        if on_progress is not None:
            on_progress(stop, plan.rows)
    return plan.indices(y)


def model_design(model: RiskModel, n_base: int = 512, seed: int = 0) -> Design | None:
    """The Sobol design over the model's factors (inputs and price paths), in chunks of
    :data:`SOBOL_CHUNK` rows; None without any factor."""
    groups = model.groups()
    if not groups:
        return None
    names = [f"{g}#{i}" for i, g in enumerate(groups)]
    return dataclasses.replace(design(names, groups, n_base, seed), chunk=SOBOL_CHUNK)


def model_design_tasks(model: RiskModel, n_base: int) -> int:
    """Chunks of :func:`model_design` (known before the design is drawn)."""
    groups = model.groups()
    unique = len(dict.fromkeys(groups))
    rows = n_base * ((unique if unique > 1 else len(groups)) + 2) if groups else 0
    return -(-rows // SOBOL_CHUNK)


def _evaluate(model: RiskModel, p: Params, outputs: list[str]) -> dict[str, np.ndarray]:
    """The model's outputs of the samples in ``p``: only the plant NPVs when ``outputs`` are
    NPVs (the same values)."""
    if all(name.endswith(".npv_usd") for name in outputs):
        return evaluate_npvs(model, p)
    return evaluate_outputs(model, p)[0]


def evaluate_design(model: RiskModel, x: np.ndarray, outputs: list[str]) -> dict[str, np.ndarray]:
    """``outputs`` of the model at unit-cube design rows ``x``."""
    out = _evaluate(model, model.params(model.from_unit(x)), outputs)
    return {name: out[name] for name in outputs}


def evaluate_part(
    model: RiskModel,
    part: tuple[list[str], np.ndarray, int, int],
    outputs: list[str],
) -> dict[str, np.ndarray]:
    """``outputs`` of the model at the design rows of ``part`` (:meth:`Design.part`; one task
    of a run)."""
    return evaluate_design(model, design_part(*part), outputs)


def sobol(
    model: RiskModel,
    outputs: list[str],
    n_base: int = 512,
    seed: int = 0,
    on_progress: Callable[[int, int], None] | None = None,
) -> dict[str, dict[str, dict[str, float]]]:
    """Sobol indices of ``outputs`` over the model's factors (inputs and price paths)."""
    plan = model_design(model, n_base, seed)
    if plan is None:
        return {name: {} for name in outputs}
    rows = plan.rows
    y = {name: np.empty(rows) for name in outputs}
    for start, stop in plan.chunks():
        for name, values in evaluate_part(model, plan.part(start, stop), outputs).items():
            y[name][start:stop] = values
        if on_progress is not None:
            on_progress(stop, rows)
    return plan.indices(y)


def worth_a_study(
    model: RiskModel, indices: dict[str, dict[str, float]], tag: str = "E"
) -> list[dict[str, Any]]:
    """Inputs whose scenario value is an estimate (``tag``), ranked by the share of the output's
    variance they account for (total Sobol index, interactions included)."""
    rows = []
    for f in model.factors:
        if f.kind != "input" or f.value_tag != tag or f.name not in indices:
            continue
        si = indices[f.name]
        rows.append({"input": f.name, "variance_share_total": si["ST"], "first_order": si["S1"]})
    rows.sort(key=lambda r: -r["variance_share_total"])
    return rows
