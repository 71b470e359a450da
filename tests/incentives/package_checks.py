"""Helpers the incentive designer's tests share: a levers table written to a folder, and a
plant re-run from a package's overlay held to the package's own metrics."""

from __future__ import annotations

from pathlib import Path

import pytest

#: The plant's metric and the name ``package_metrics`` gives it.
PACKAGE_KEYS = (
    ("equity_irr_chinese_partner", "equity_irr"),
    ("equity_irr", "project_equity_irr"),
    ("dscr_min", "dscr_min"),
    ("npv_usd", "npv_usd"),
)


def write_levers(folder: Path, text: str) -> Path:
    """``text`` as ``folder/levers.toml``; its path."""
    path = folder / "levers.toml"
    path.write_text(text, encoding="utf-8")
    return path


def assert_plant_matches_package(plant: dict, metrics: dict) -> None:
    """The plant of an overlay's run has the package's equity IRRs, cover and NPV."""
    for key, theirs in PACKAGE_KEYS:
        assert plant[key][0] == pytest.approx(metrics[theirs], rel=1e-9, abs=1e-9), key
