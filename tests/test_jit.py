"""orevalue.jit's run-wide choice: compiled inside a risk run where the mode is auto, the mode
before restored after, an explicit choice left alone."""

from __future__ import annotations

import pytest

from orevalue import jit


@pytest.fixture
def auto():
    before = jit.set_mode("auto")
    yield
    jit.set_mode(before)


def test_compiled_run_compiles_inside_and_restores_auto(auto):
    with jit.compiled_run():
        assert jit._State.mode == "compiled"
    assert jit._State.mode == "auto"


def test_compiled_run_restores_the_mode_when_the_run_fails(auto):
    with pytest.raises(RuntimeError), jit.compiled_run():
        raise RuntimeError("a failed run")
    assert jit._State.mode == "auto"


@pytest.mark.parametrize("chosen", ["interpreted", "compiled"])
def test_an_explicit_mode_is_left_alone(auto, chosen):
    jit.set_mode(chosen)
    with jit.compiled_run():
        assert jit._State.mode == chosen
    assert jit._State.mode == chosen


def test_as_a_decorator(auto):
    @jit.compiled_run()
    def inside() -> str:
        return jit._State.mode

    assert inside() == "compiled" and jit._State.mode == "auto"
