"""orevalue: should a mining region process its ore at home? Plant economics, country gain,
infrastructure and risk of a copper smelter and refinery against exporting concentrate."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("orevalue")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0+src"

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from orevalue.engine import evaluate
    from orevalue.scenario import Scenario, ScenarioError, load

__all__ = ["Scenario", "ScenarioError", "__version__", "evaluate", "load"]


def __getattr__(name: str) -> Any:
    """The engine and the scenario reader, imported when first used (PEP 562), so that a
    command's ``--help`` does not pay for NumPy, Numba and pydantic."""
    if name == "evaluate":
        from orevalue.engine import evaluate

        return evaluate
    if name in ("Scenario", "ScenarioError", "load"):
        from orevalue import scenario

        return getattr(scenario, name)
    raise AttributeError(f"module 'orevalue' has no attribute {name!r}")
