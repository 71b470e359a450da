"""A Ctrl-C that Python drops inside a finalizer is raised again (orevalue.interrupts)."""

from __future__ import annotations

import gc
import os
import signal
import sys

import pytest

from orevalue import interrupts
from orevalue.risk.workers import InProcess


class Future:
    """As a Dask future: let go, its ``__del__`` runs where the Ctrl-C may land."""

    def __init__(self, lost: list[str]):
        self.lost = lost

    def __del__(self) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        self.lost.append("the KeyboardInterrupt was raised in here, and Python dropped it")


@pytest.fixture
def lost():
    seen: list[str] = []
    hook = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: seen.append(type(unraisable.exc_value).__name__)
    yield seen
    sys.unraisablehook = hook


def test_a_ctrl_c_lost_in_a_finalizer_is_raised_at_the_next_check(lost):
    with interrupts.kept():
        Future(lost)  # freed at once: the handler raises inside __del__
        gc.collect()
        assert "KeyboardInterrupt" in lost  # dropped, as it would be without the flag
        with pytest.raises(KeyboardInterrupt):
            interrupts.check()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # put back
    interrupts.check()  # and the flag gone with it


def test_without_a_ctrl_c_the_check_raises_nothing():
    with interrupts.kept():
        interrupts.check()


def test_an_executor_stops_at_the_next_result_after_a_lost_ctrl_c(lost):
    def task(model: object, i: int) -> int:
        if i == 1:
            Future(lost)
        return i

    taken = []
    with interrupts.kept(), pytest.raises(KeyboardInterrupt):
        for value in InProcess(None).map(task, [(i,) for i in range(5)]):
            taken.append(value)
    assert "KeyboardInterrupt" in lost and taken == [0]
