"""``[uncertainty.inputs]`` and ``[uncertainty.correlation]`` resolved against the scenario:
one distribution per numeric input, the fixed ones apart, and their rank correlations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from orevalue.params import Params
from orevalue.risk.checks import correlation_matrix, field_bounds, outside_bounds
from orevalue.risk.distributions import Pert, Triangular
from orevalue.risk.resolved import UncertainInput
from orevalue.risk.schema import DIST_KEYS, META, CorrelationSpec, InputSpec
from orevalue.scenario import (
    Problems,
    Scenario,
    case_values,
    close_match,
)


@dataclass
class Inputs:
    """Inputs resolved so far: sampled, fixed, and those with a problem reported already."""

    sampled: list[UncertainInput] = field(default_factory=list)
    fixed: dict[str, float] = field(default_factory=dict)
    invalid: set[str] = field(default_factory=set)


def resolve_inputs(scenario: Scenario, p: Params, raw: Any, problems: Problems) -> Inputs:
    """Each entry of ``[uncertainty.inputs]`` (``raw``) as a distribution of its path's value."""
    out = Inputs()
    if not isinstance(raw, dict):
        problems.add("uncertainty.inputs", "expected a table of inputs by dotted path")
        return out
    known = sorted(k for k in p if not k.startswith("uncertainty."))
    default_inputs = (
        _default_inputs(scenario.case_file) if scenario.source_file != scenario.case_file else {}
    )
    for path, entry in raw.items():
        where = f"uncertainty.inputs.{path}"
        if path not in p or path.startswith("uncertainty."):
            close = close_match(path, known)
            hint = f"; did you mean '{close}'?" if close else ""
            problems.add(where, f"no numeric input '{path}'{hint}")
            out.invalid.add(path)
            continue
        if not isinstance(entry, dict):
            problems.add(
                where, 'expected a table such as { dist = "triangular", low = 1, high = 2 }'
            )
            out.invalid.add(path)
            continue
        spec = problems.validate(InputSpec, _drop_inherited(entry, default_inputs.get(path)), where)
        if spec is None or not _resolve_one(scenario, p, path, spec, problems, out):
            out.invalid.add(path)
    return out


def _resolve_one(
    scenario: Scenario, p: Params, path: str, spec: InputSpec, problems: Problems, out: Inputs
) -> bool:
    """Add the input at ``path`` to ``out``; False, with the problem added, if it cannot be."""
    where = f"uncertainty.inputs.{path}"
    base = float(p[path][0, 0])
    dist = spec.distribution(base)
    if isinstance(dist, Triangular | Pert) and not dist.low <= dist.mode <= dist.high:
        problems.add(
            where,
            f"the scenario's value {base:g} lies outside low..high "
            f"({dist.low:g}..{dist.high:g}); give mode",
        )
        return False
    bound_problem = outside_bounds(scenario, path, dist)
    if bound_problem:
        problems.add(where, bound_problem)
        return False
    if dist.is_fixed:
        out.fixed[path] = dist.mean
        return True
    low, _, high, _ = field_bounds(scenario, path)
    meta = scenario.provenance.get(where, {})
    source = spec.source or meta.get("source", "")
    range_tag = spec.tag or meta.get("tag", "")
    tag = value_tag(scenario, path)
    out.sampled.append(
        UncertainInput(path, dist, base, spec.dist, source, range_tag, tag, (low, high))
    )
    return True


def resolve_correlation(
    raw: Any, inputs: Inputs, problems: Problems
) -> tuple[tuple[str, ...], np.ndarray | None, str]:
    """``[uncertainty.correlation]``: the inputs correlated, their rank matrix, the method."""
    corr = problems.validate(CorrelationSpec, raw, "uncertainty.correlation")
    if corr is None:
        return (), None, "gaussian"
    uncertain = {i.path for i in inputs.sampled}
    for i, name in enumerate(corr.inputs):
        if name not in uncertain and name not in inputs.invalid:
            why = (
                "is fixed"
                if name in inputs.fixed
                else "has no distribution in [uncertainty.inputs]"
            )
            problems.add(f"uncertainty.correlation.inputs.{i}", f"'{name}' {why}")
    if len(set(corr.inputs)) != len(corr.inputs):
        problems.add("uncertainty.correlation.inputs", "an input is listed twice")
    matrix, why = correlation_matrix(corr.matrix, len(corr.inputs), "inputs")
    if why:
        problems.add("uncertainty.correlation.matrix", why)
    return tuple(corr.inputs), matrix, corr.method


def _default_inputs(case_file: str) -> dict[str, Any]:
    """``[uncertainty.inputs]`` of the embedded case ``case_file``, as plain values."""
    if not case_file:
        return {}
    values, _ = case_values(case_file)
    return values.get("uncertainty", {}).get("inputs", {})


def _drop_inherited(entry: dict[str, Any], default: dict[str, Any] | None) -> dict[str, Any]:
    """A user file that changes an input's ``dist`` is merged key by key onto the default case:
    keys it inherited from the default's other kind of distribution are dropped."""
    if not default or entry.get("dist") == default.get("dist"):
        return entry
    wanted = set(DIST_KEYS.get(str(entry.get("dist")), ())) | {"dist", *META}
    return {k: v for k, v in entry.items() if k in wanted or k not in default or default[k] != v}


def value_tag(scenario: Scenario, path: str) -> str:
    """Provenance tag of the scenario's value at ``path`` (or of the list or table holding it)."""
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        prov = scenario.provenance.get(".".join(parts[:cut]))
        if prov is not None:
            return prov.get("tag", "")
    return ""
