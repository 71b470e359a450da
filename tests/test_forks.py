"""Work on a forked child: the result is the call's, the child's failure leaves the call to
this process (so its error is this process's own), and a child whose result is not taken is
stopped at once."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from orevalue import forks


def _pid_and(value: int) -> tuple[int, int]:
    return os.getpid(), value * 2


def _fails_in_child(parent: int) -> int:
    if os.getpid() != parent:
        raise OSError("no memory in the child")
    return 42


def _slow() -> None:
    time.sleep(30)


def _write_late(path: str) -> None:
    time.sleep(0.3)
    with open(path, "w", encoding="utf-8") as out:
        out.write("whole")


def _refuses(value: int) -> int:
    raise ValueError(f"bad value {value}")


def _in_fresh_process() -> None:
    parent = os.getpid()
    assert forks.can_fork()
    # later: computed on a child from the memory it inherits
    pid, value = forks.later(_pid_and, 21).result()
    assert pid != parent and value == 42
    assert forks.later(_fails_in_child, parent).result() == 42  # computed here instead
    # Helper: prepared at once, the call sent later, run on the child
    with forks.Helper(lambda: None) as helper:
        helper.submit(_pid_and, 5)
        pid, value = helper.result()
    assert pid != parent and value == 10
    with forks.Helper() as helper:
        helper.submit(_fails_in_child, parent)
        assert helper.result() == 42
    with forks.Helper(lambda: _refuses(1)) as helper:  # its preparation fails
        helper.submit(_pid_and, 1)
        assert helper.result() == (parent, 2)
    with forks.Helper() as helper:  # an error of the call is raised here, as in turn
        helper.submit(_refuses, 3)
        with pytest.raises(ValueError, match="bad value 3"):
            helper.result()
    # leaving without a call lets the child finish preparing (its imports may be writing a
    # cache): the file it writes a moment later is there, whole
    marker = os.path.join(os.environ["FORKS_TMP"], "prepared")
    with forks.Helper(lambda: _write_late(marker)):
        pass
    with open(marker, encoding="utf-8") as done:
        assert done.read() == "whole"
    # ... but not for ever; and leaving after the call stops the child at once
    forks.PREPARE_GRACE_S = 0.5
    start = time.perf_counter()
    with forks.Helper(_slow):
        pass
    with forks.Helper() as helper:
        helper.submit(_slow)
    assert time.perf_counter() - start < 5
    with pytest.raises(RuntimeError):
        forks.Helper().result()
    with forks.Helper() as helper:  # a call that does not pickle runs here
        helper.submit(lambda: os.getpid())
        assert helper.result() == parent


def test_forked_work_gives_the_call_s_result_or_runs_here(tmp_path):
    # imported by name, so that the calls sent to a child pickle
    folder = os.path.dirname(__file__)
    code = (
        f"import sys; sys.path.insert(0, {folder!r}); import test_forks as t; t._in_fresh_process()"
    )
    env = dict(os.environ, FORKS_TMP=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stdout + done.stderr


def test_without_a_safe_fork_the_call_runs_here(monkeypatch):
    monkeypatch.setattr(forks, "can_fork", lambda: False)
    assert forks.later(_pid_and, 1).result() == (os.getpid(), 2)
    with forks.Helper(_slow) as helper:  # no child: nothing prepared, nothing to wait for
        helper.submit(_pid_and, 2)
        assert helper.result() == (os.getpid(), 4)
