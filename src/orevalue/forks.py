"""Work done on a second core by a forked child, its result sent back through a pipe.

Two forms: :func:`later` forks a child that computes ``fn(*args)`` from the memory it
inherits (nothing is sent to it); :class:`Helper` forks a child at once that prepares
(imports what the work needs, while this process goes on) and then runs the one call sent to
it when its input is ready. Either way the result is pickled back, and should the child fail
(or forking be unsafe: :func:`can_fork`), the call runs in this process, so that any error is
this process's own and the result is the same. A child leaves without Python's exit handlers
and never writes files: what it computes comes back to the caller.

This module imports nothing heavy, so that a child can be forked before the work's imports.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import select
import signal
import threading
from collections.abc import Callable
from typing import Any


def can_fork() -> bool:
    """Whether this process may fork workers safely: no other thread running (a web server's
    would leave locks held in the child), not a daemonic process (a pool's worker), and a
    platform with ``fork``."""
    return (
        threading.active_count() == 1
        and not multiprocessing.current_process().daemon
        and "fork" in multiprocessing.get_all_start_methods()
    )


def _reply(out: int, compute: Callable[[], Any]) -> None:
    """In the child: send ``compute()`` pickled through ``out`` and leave (status 0), or leave
    with status 1 on any error; never returns."""
    code = 1
    try:
        data = pickle.dumps(compute(), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(out, "wb") as pipe:
            pipe.write(data)
        code = 0
    finally:
        os._exit(code)


def _collect(pid: int, inbox: int) -> tuple[bool, Any]:
    """In the parent: the child's result, read to the end, and whether it finished well."""
    with os.fdopen(inbox, "rb") as pipe:
        data = pipe.read()
    done = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
    if done and data:
        return True, pickle.loads(data)
    return False, None


class Pending:
    """``fn(*args)`` computed by a forked child (:func:`later`); :meth:`result` waits for it."""

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], pid: int, inbox: int):
        self._fn, self._args, self._pid, self._inbox = fn, args, pid, inbox

    def result(self) -> Any:
        """The child's result; computed here if the child failed or there was none."""
        if self._pid > 0:
            pid, self._pid = self._pid, -1
            done, value = _collect(pid, self._inbox)
            if done:
                return value
        return self._fn(*self._args)


def later(fn: Callable[..., Any], *args: Any) -> Pending:
    """Start ``fn(*args)`` on a forked child, where forking is safe; else it runs when its
    result is asked for. Its result must pickle."""
    if not can_fork():
        return Pending(fn, args, -1, -1)
    inbox, out = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(inbox)
        _reply(out, lambda: fn(*args))
    os.close(out)
    return Pending(fn, args, pid, inbox)


#: Seconds a :class:`Helper`'s child is given to finish preparing when no call comes.
PREPARE_GRACE_S = 10.0


class Helper:
    """A child forked at once that runs ``prepare()`` (its imports) while this process goes on,
    then the one call :meth:`submit` sends it (the function by name, its arguments pickled);
    :meth:`result` waits for it. Without a safe fork (or ``fork``), the call runs in
    :meth:`result`. Use it as a context manager (or call :meth:`close`): leaving it without
    the result stops the child."""

    def __init__(self, prepare: Callable[[], Any] | None = None, fork: bool = True):
        self._call: tuple[Callable[..., Any], tuple[Any, ...]] | None = None
        self._pid, self._send, self._inbox = -1, -1, -1
        if not (fork and can_fork()):
            return
        request, self._send = os.pipe()
        self._inbox, out = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.setpgid(0, 0)  # a group of its own: stopped with any child it forks
            os.close(self._send)
            os.close(self._inbox)
            _reply(out, lambda: _serve(request, prepare))
        with contextlib.suppress(OSError):  # set on both sides: no race with the child's
            os.setpgid(pid, pid)
        os.close(request)
        os.close(out)
        self._pid = pid

    def submit(self, fn: Callable[..., Any], *args: Any) -> None:
        """Send the call ``fn(*args)`` (``fn`` a module-level function) to the child; a call
        that cannot be sent (it does not pickle) is left to :meth:`result` here."""
        self._call = (fn, args)
        if self._send < 0:
            return
        send, self._send = self._send, -1
        try:
            data = memoryview(pickle.dumps(self._call, protocol=pickle.HIGHEST_PROTOCOL))
            while data:
                data = data[os.write(send, data) :]
        except (OSError, pickle.PicklingError, TypeError, AttributeError):
            self.close()  # the child has gone or cannot be told: the call runs here
        finally:
            os.close(send)

    def result(self) -> Any:
        """The result of the call submitted: the child's, or computed here if it failed."""
        if self._call is None:
            raise RuntimeError("Helper.result before submit")
        if self._pid > 0:
            done, value = self._finish()
            if done:
                return value
        fn, args = self._call
        return fn(*args)

    def _finish(self) -> tuple[bool, Any]:
        pid, self._pid = self._pid, -1
        if self._send >= 0:  # nothing was sent: the child reads the end and leaves
            os.close(self._send)
            self._send = -1
        return _collect(pid, self._inbox)

    def close(self) -> None:
        """Stop the child, if its result was not taken, and wait for it. Before a call is
        sent it is told there is none and ends once prepared, given up to
        :data:`PREPARE_GRACE_S` (its imports may be writing a cache, e.g. matplotlib's font
        list on a first run, which a kill would leave locked); once sent, or past that, it
        and any child of its own are killed (a call writes nothing)."""
        if self._pid <= 0:
            return
        told = self._send >= 0
        if told:  # no call was sent: the child reads the end and leaves once prepared
            os.close(self._send)
            self._send = -1
        if not told or not select.select([self._inbox], [], [], PREPARE_GRACE_S)[0]:
            try:
                os.killpg(self._pid, signal.SIGKILL)
            except OSError:  # not a group of its own: the child alone
                with contextlib.suppress(OSError):
                    os.kill(self._pid, signal.SIGKILL)
        self._finish()

    def __enter__(self) -> Helper:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _serve(request: int, prepare: Callable[[], Any] | None) -> Any:
    """In a :class:`Helper`'s child: prepare, then run the call read from ``request`` (none:
    the parent went on without it)."""
    if prepare is not None:
        prepare()
    with os.fdopen(request, "rb") as pipe:
        data = pipe.read()
    if not data:
        raise EOFError("no call was sent")
    fn, args = pickle.loads(data)
    return fn(*args)
