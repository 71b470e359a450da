"""Schemathesis against the OpenAPI schema, a bounded number of examples per operation, on a
live loopback server with small limits: no answer is a 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from tests.web.conftest import serve

from orevalue.web.config import Settings

EXAMPLES = 12


@pytest.fixture(scope="module")
def fuzzed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder: Path = tmp_path_factory.mktemp("fuzz")
    limits = Settings(
        db_url=f"sqlite:///{folder / 'fuzz.db'}",
        work_dir=folder / "work",
        max_samples=100,
        max_jobs=1,
        max_toml_bytes=20_000,
    )
    with serve(limits) as url:
        yield url


@pytest.fixture(scope="module")
def web_schema(fuzzed_server: str):  # type: ignore[no-untyped-def]
    return schemathesis.openapi.from_url(fuzzed_server + "/openapi.json")


schema = schemathesis.pytest.from_fixture("web_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error(case) -> None:  # type: ignore[no-untyped-def]
    response = case.call(timeout=60)
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text}"
