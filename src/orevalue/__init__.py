"""orevalue: should a mining region process its ore at home? Plant economics, country gain,
infrastructure and risk of a copper smelter and refinery against exporting concentrate."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from orevalue.engine import evaluate
    from orevalue.scenario import Scenario, ScenarioError, load

    __version__: str

__all__ = ["Scenario", "ScenarioError", "__version__", "evaluate", "load"]


def _version() -> str:
    """The installed distribution's version; ``0.0.0+src`` when run from a source tree."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("orevalue")
    except PackageNotFoundError:  # running from a source tree
        return "0.0.0+src"


def __getattr__(name: str) -> Any:
    """The version, the engine and the scenario reader, each read or imported when first used
    (PEP 562), so that a command's ``--help`` pays for neither NumPy, Numba and pydantic nor
    the package metadata scan of :mod:`importlib.metadata` (about 20 ms)."""
    if name == "__version__":
        value = _version()
        globals()["__version__"] = value  # read once
        return value
    if name == "evaluate":
        from orevalue.engine import evaluate

        return evaluate
    if name in ("Scenario", "ScenarioError", "load"):
        from orevalue import scenario

        return getattr(scenario, name)
    raise AttributeError(f"module 'orevalue' has no attribute {name!r}")
