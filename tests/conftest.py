"""Shared fixtures: the default case, loaded and evaluated once per test session."""

from __future__ import annotations

import pytest

import orevalue
from orevalue.params import Params


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--fuzz-long",
        action="store_true",
        default=False,
        help="run the long fuzz of the inputs (10,000 examples, tests/fuzz)",
    )


@pytest.fixture(scope="session")
def default_scenario() -> orevalue.Scenario:
    return orevalue.load()


@pytest.fixture(scope="session")
def default_params(default_scenario: orevalue.Scenario) -> Params:
    return Params.from_scenario(default_scenario)


@pytest.fixture(scope="session")
def default_results(default_scenario: orevalue.Scenario):  # type: ignore[no-untyped-def]
    return orevalue.evaluate(default_scenario)
