"""Fuzzing the inputs (issue 11): random values, types and structures in random fields of
the default case, valid values (of the field's type, inside its declared range) in random
fields so that many files run in full, random TOML structures and random bytes for the whole
file, through the
command line in-process. The property: exit 2 naming the file (and field), or exit 0 with a
result whose every number is finite or an explicit, counted warning; never a traceback,
never a silent NaN, never a file outside --out.

Bounded in the normal run; ``python benchmarks/fuzz_long.py 10000`` runs the long version.
"""

from __future__ import annotations

from datetime import timedelta

from fuzzing import changes, check_command, structure_text, toml_of, toml_tables, wild_changes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def _settings(examples: int):  # type: ignore[no-untyped-def]
    return settings(
        max_examples=examples,
        deadline=timedelta(seconds=60),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        derandomize=True,
        database=None,
    )


def _toml_or_none(changes_: list) -> str | None:  # type: ignore[type-arg]
    try:
        return toml_of(changes_)
    except TypeError:
        return None


@_settings(20)
@given(changes)
def test_run_on_random_and_valid_fields(changes_) -> None:  # type: ignore[no-untyped-def]
    # two in three draws valid changes (of the field's type, inside its range): most of
    # these run in full, and their results must hold only finite numbers
    text = _toml_or_none(changes_)
    if text is not None:
        check_command(["run"], text)


@_settings(30)
@given(wild_changes)
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
    check_command(["run"], structure_text(table))


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
