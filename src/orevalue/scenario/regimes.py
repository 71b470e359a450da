"""Fiscal regime presets (``data/regimes.toml``): names, values, a case taxed under one."""

from __future__ import annotations

import copy
import functools
import tomllib
from importlib import resources
from typing import Any

from orevalue.scenario.errors import Problem, ScenarioError, unknown_name
from orevalue.scenario.schema import Fiscal, Scenario
from orevalue.scenario.tables import deep_merge, split_provenance

REGIMES_FILE = "regimes.toml"


def _regime_table() -> dict[str, Any]:
    """The presets as the file has them, a copy the caller may change."""
    return copy.deepcopy(_read_regimes())


@functools.cache
def _read_regimes() -> dict[str, Any]:
    """The presets file, read once a process (a case is taxed under a preset each load)."""
    text = resources.files("orevalue.data").joinpath(REGIMES_FILE).read_text(encoding="utf-8")
    return tomllib.loads(text)


def regime_names() -> list[str]:
    """Names of the fiscal regime presets shipped with orevalue."""
    return list(_read_regimes())


def regime_preset(name: str) -> tuple[dict[str, Any], dict[str, dict[str, str]]]:
    """Values and provenance of a regime preset, its ``inherit`` chain resolved."""
    table = _regime_table()
    chain: list[dict[str, Any]] = []
    while name:
        if name not in table or len(chain) > len(table):
            raise KeyError(name)
        chain.append(table[name])
        name = table[name].get("inherit", "")
    raw: dict[str, Any] = {}
    for layer in reversed(chain):
        raw = deep_merge(raw, {k: v for k, v in layer.items() if k != "inherit"})
    values, prov = split_provenance(raw, "fiscal.")
    return values, prov


def lay_regime(
    base: dict[str, Any],
    layers: list[tuple[str, dict[str, Any]]],
    provenance: dict[str, dict[str, str]],
    file: str,
) -> dict[str, Any]:
    """``base`` with the fiscal preset that the last layer naming a regime picks laid under it."""
    name = base.get("fiscal", {}).get("regime", "")
    where = file
    for label, raw in layers:
        regime = (
            raw.get("fiscal", {}).get("regime") if isinstance(raw.get("fiscal"), dict) else None
        )
        if isinstance(regime, dict):
            regime = regime.get("value")
        if regime is not None:
            name, where = regime, label.removeprefix("set in ")
    if not isinstance(name, str):  # a number or a list is no regime's name
        known = ", ".join(regime_names())
        problem = f"got {name!r}; expected a regime's name in quotes (known: {known})"
        raise ScenarioError([Problem(where, "fiscal.regime", problem)])
    try:
        values, prov = regime_preset(name)
    except KeyError:
        problem = unknown_name("regime", str(name), regime_names())
        raise ScenarioError([Problem(where, "fiscal.regime", problem)]) from None
    own = {f"fiscal.{k}" for k in base.get("fiscal", {})}  # the case's values win, sources too
    provenance.update({k: v for k, v in prov.items() if k not in own})
    return deep_merge(base, {"fiscal": deep_merge(values, base.get("fiscal", {}))})


#: Fiscal fields that belong to the case, not to a regime: kept when the regime changes.
CASE_FISCAL_FIELDS = ("compare_regimes", "transfer_price_pct_of_arms_length")


def with_regime(scenario: Scenario, name: str) -> Scenario:
    """``scenario`` taxed under the preset ``name``; fiscal fields the scenario set itself
    (tagged "user") and the case's own fields are kept."""
    values, prov = regime_preset(name)
    current = scenario.fiscal.model_dump()
    keep = {
        k
        for k in current
        if k in CASE_FISCAL_FIELDS
        or scenario.provenance.get(f"fiscal.{k}", {}).get("tag") == "user"
    }
    fiscal = Fiscal.model_validate({**values, **{k: current[k] for k in keep}, "regime": name})
    variant = scenario.model_copy(update={"fiscal": fiscal})
    kept = {f"fiscal.{k}" for k in keep}
    provenance = {**scenario.provenance}
    provenance.update({k: v for k, v in prov.items() if ".".join(k.split(".")[:2]) not in kept})
    provenance["fiscal.regime"] = {"source": "regime comparison", "tag": "user"}
    return variant.with_source(provenance, scenario.source_file, scenario.case_file, scenario.notes)
