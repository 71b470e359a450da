"""orevalue: should a mining region process its ore at home? Plant economics, country gain,
infrastructure and risk of a copper smelter and refinery against exporting concentrate."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("orevalue")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0+src"

from orevalue.engine import evaluate
from orevalue.scenario import Scenario, ScenarioError, load

__all__ = ["Scenario", "ScenarioError", "__version__", "evaluate", "load"]
