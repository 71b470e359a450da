"""Shared fixtures of the incentive designer's tests: the default case priced as packages."""

from __future__ import annotations

import pytest

from orevalue import api
from orevalue.incentives.evaluate import Setup, make_setup
from orevalue.incentives.levers import load_levers


@pytest.fixture(scope="session")
def setup() -> Setup:
    """Every default lever on the default case's cathode plant."""
    return make_setup(api.load().scenario, load_levers(), "cathode")
