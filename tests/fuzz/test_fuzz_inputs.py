"""Fuzzing the inputs (issue 11): random values, types and structures in random fields of
the default case, random TOML structures and random bytes for the whole file, through the
command line in-process. The property: exit 2 naming the file (and field), or exit 0 with a
result whose every number is finite or an explicit, counted warning; never a traceback,
never a silent NaN, never a file outside --out.

Bounded in the normal run; ``pytest tests/fuzz --fuzz-long`` runs thousands of examples
(``benchmarks/fuzz_long.py`` too).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from fuzzing import check_command, paths, toml_of, values
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

LONG = pytest.mark.skipif("not config.getoption('--fuzz-long')")


def _settings(examples: int):  # type: ignore[no-untyped-def]
    return settings(
        max_examples=examples,
        deadline=timedelta(seconds=60),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        derandomize=True,
        database=None,
    )


changes = st.lists(st.tuples(paths, values), min_size=1, max_size=3, unique_by=lambda c: c[0])
toml_tables = st.recursive(
    st.one_of(st.integers(), st.floats(), st.booleans(), st.text(max_size=6)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=10,
).filter(lambda v: isinstance(v, dict))


def _toml_or_none(changes_: list) -> str | None:  # type: ignore[type-arg]
    try:
        return toml_of(changes_)
    except TypeError:
        return None


@_settings(60)
@given(changes)
def test_run_on_random_fields(changes_) -> None:  # type: ignore[no-untyped-def]
    text = _toml_or_none(changes_)
    if text is not None:
        check_command(["run"], text)


@_settings(80)
@given(st.binary(max_size=200))
def test_run_on_random_bytes(data: bytes) -> None:
    check_command(["run"], data)


@_settings(40)
@given(toml_tables)
def test_run_on_random_toml_structure(table) -> None:  # type: ignore[no-untyped-def]
    from orevalue import toml_text

    text = "\n".join(f"{toml_text.key(k)} = {toml_text.value(v)}" for k, v in table.items())
    check_command(["run"], text + "\n")


@_settings(4)
@given(changes)
def test_risk_on_random_fields(changes_) -> None:  # type: ignore[no-untyped-def]
    text = _toml_or_none(changes_)
    if text is not None:
        extra = ["-n", "16", "--sobol", "0", "--no-tornado", "--workers", "1"]
        check_command(["risk"], text, extra)


@_settings(4)
@given(changes)
def test_site_on_random_fields(changes_) -> None:  # type: ignore[no-untyped-def]
    text = _toml_or_none(changes_)
    if text is not None:
        check_command(["site"], text, ["--no-map"])


@LONG
@_settings(10_000)
@given(changes)
def test_run_on_random_fields_long(changes_) -> None:  # type: ignore[no-untyped-def]
    text = _toml_or_none(changes_)
    if text is not None:
        check_command(["run"], text)
