"""Results of an evaluation: labelled metrics per pathway, annual lines, resolved inputs.

Presentation (the verdict, tables, files of results) reads these and sits above them, in
:mod:`orevalue.report`; nothing here imports it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from orevalue import outputs
from orevalue.economics.plant import PlantCase
from orevalue.params import Params
from orevalue.scenario import Scenario


@dataclass
class PathwayResult:
    """One pathway: plant metrics, margin per tonne of product copper, alternative TC/RC cases,
    country metrics (arrays shaped (N,)) and export earnings by product (N, Y)."""

    name: str
    label: str
    #: the product whose copper margins are quoted per tonne of ("cathode", "anode", ...)
    main_product: str
    case: PlantCase
    plant: dict[str, np.ndarray]
    margin_usd_per_t: dict[str, np.ndarray]
    terms_cases: dict[str, dict[str, np.ndarray]]
    country: dict[str, np.ndarray]
    exports_fob_usd: dict[str, np.ndarray]
    government_usd: dict[str, np.ndarray] = field(default_factory=dict)
    dollars_pv_usd: dict[str, np.ndarray] = field(default_factory=dict)
    progressivity: dict[str, list[float]] = field(default_factory=dict)
    #: the mine and this pathway's plant as one chain (economics/chain.py), (N,)
    chain: dict[str, np.ndarray] = field(default_factory=dict)
    #: key of the main element of the main product (data/elements.toml): the element the
    #: margins and output are counted in and whose price the break-even solves for
    main_element: str = field(kw_only=True)

    @property
    def builds(self) -> bool:
        return bool(self.case.flows.stages)

    def key(self, template: str) -> str:
        """The concrete result key of a declared ``template`` for this pathway's main
        element: ``key("product_{element}_t_per_yr")`` is ``product_cu_t_per_yr`` for copper
        (:func:`orevalue.outputs.key`)."""
        return outputs.key(template, self.main_element)


@dataclass
class Results:
    """Everything :func:`orevalue.evaluate` computes, for N samples."""

    scenario: Scenario
    params: Params
    years: np.ndarray
    #: column of ``years`` of the first year at full utilisation, the year per-year figures
    #: (margins, revenue, output) are quoted for
    steady_index: int
    pathways: dict[str, PathwayResult]
    regimes: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    #: the mine view (economics/mine.py), (N,); empty without a [mine_plan]
    mine: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n_samples(self) -> int:
        return self.params.n_samples

    @property
    def baseline(self) -> PathwayResult:
        return self.pathways[self.scenario.baseline_pathway]

    def value(self, pathway: str, group: str, key: str, sample: int = 0) -> float:
        """One number: e.g. ``value("cathode", "plant", "npv_usd")``."""
        return float(getattr(self.pathways[pathway], group)[key][sample])

    def annual(self, pathway: str, sample: int = 0) -> dict[str, np.ndarray]:
        """Annual lines of a pathway (USD per year, one sample), with the year column first."""
        r = self.pathways[pathway]
        lines: dict[str, np.ndarray] = {"year": self.years.astype(float)}
        lines.update({k: v[sample] for k, v in r.case.lines.items()})
        lines.update({f"opex_{k}": v[sample] for k, v in r.case.opex_parts.items()})
        lines.update({f"exports_fob_{k}": v[sample] for k, v in r.exports_fob_usd.items()})
        lines.update({f"government_{k}": v[sample] for k, v in r.government_usd.items()})
        lines.update({f"stakeholder_{k}": v[sample] for k, v in r.case.stakeholders.items()})
        if r.case.debt is not None:
            lines["dscr"] = r.case.debt.dscr[sample]
        lines[r.key("product_{element}_t")] = r.case.product_main_t[sample]
        return lines

    def inputs(self) -> dict[str, dict[str, Any]]:
        """Every resolved input with its value, source and tag, by dotted path."""
        out: dict[str, dict[str, Any]] = {}

        def walk(item: Any, prefix: str) -> None:
            if isinstance(item, dict):
                for k, v in item.items():
                    walk(v, f"{prefix}{k}.")
                return
            path = prefix[:-1]
            prov = self.scenario.provenance.get(path, {})
            out[path] = {"value": _jsonable(item), **prov}

        walk(self.scenario.model_dump(), "")
        return out

    def to_dict(self, sample: int = 0) -> dict[str, Any]:
        """A JSON-ready dict of one sample: every metric, the annual lines, the inputs.
        :func:`orevalue.report.files.results_document` adds the verdict and the trade context
        for results.json."""
        from orevalue import __version__

        pathways = {}
        for name, r in self.pathways.items():
            pathways[name] = {
                "label": r.label,
                "builds_stages": r.case.flows.stages,
                "plant": _pick(r.plant, sample),
                margin_field(r.main_element): _pick(r.margin_usd_per_t, sample),
                "terms_cases": {c: _pick(v, sample) for c, v in r.terms_cases.items()},
                "country": _pick(r.country, sample),
                "where_each_dollar_goes_pv_usd": _pick(r.dollars_pv_usd, sample),
                "progressivity": _jsonable_tree(r.progressivity),
                "chain": _pick(r.chain, sample),
                "staff": {k: int(v[sample, 0]) for k, v in r.case.staff.items()},
                "annual": {k: _jsonable(v) for k, v in self.annual(name, sample).items()},
            }
        return {
            "orevalue_version": __version__,
            "scenario": {
                "name": self.scenario.name,
                "title": self.scenario.title,
                "file": self.scenario.source_file,
                "base_year": self.scenario.base_year,
                "money": f"real USD of {self.scenario.base_year}",
                "baseline_pathway": self.scenario.baseline_pathway,
            },
            "fiscal_regime": {"name": self.scenario.fiscal.regime, "law": self.scenario.fiscal.law},
            "pathways": pathways,
            "regimes": _jsonable_tree(self.regimes),
            "mine": _pick(self.mine, sample),
            "inputs": self.inputs(),
        }


def margin_field(element: str) -> str:
    """Where a pathway's margin per tonne sits in :meth:`Results.to_dict`:
    ``margin_usd_per_t_product_<element key>`` (``margin_usd_per_t_product_cu``)."""
    return f"margin_usd_per_t_product_{element}"


def _jsonable_tree(tree: Any) -> Any:
    if isinstance(tree, dict):
        return {k: _jsonable_tree(v) for k, v in tree.items()}
    return _jsonable(tree)


def _pick(group: dict[str, np.ndarray], sample: int) -> dict[str, Any]:
    return {k: _jsonable(v[sample]) for k, v in group.items()}


def _jsonable(item: Any) -> Any:
    """Plain Python for JSON: NaN and infinities become None."""
    if isinstance(item, np.ndarray):
        return [_jsonable(v) for v in item.tolist()]
    if isinstance(item, list | tuple):
        return [_jsonable(v) for v in item]
    if isinstance(item, np.generic):
        item = item.item()
    if isinstance(item, float) and not math.isfinite(item):
        return None
    return item
