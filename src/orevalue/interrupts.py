"""Ctrl-C kept as a flag as well as raised, so that a run cannot lose it.

Python drops an exception raised inside a finalizer ("Exception ignored in ..."): a Dask
future's ``__del__``, which runs as the future is let go, is one a Ctrl-C can land in, and a
risk run on a local cluster then went on to the end with exit code 0. While :func:`kept` is
in force (the command line's whole command), SIGINT raises KeyboardInterrupt as it always
does and also sets a flag, and :func:`check` raises it again: the executors call it each time
they hand a result over (:mod:`orevalue.risk.workers`, :mod:`orevalue.risk.daskrun`).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

_SEEN = {"interrupt": False}


def _handler(signum: int, frame: object) -> None:
    _SEEN["interrupt"] = True
    raise KeyboardInterrupt


def check() -> None:
    """Raise KeyboardInterrupt if a Ctrl-C came while :func:`kept` was in force."""
    if _SEEN["interrupt"]:
        raise KeyboardInterrupt


@contextlib.contextmanager
def kept() -> Iterator[None]:
    """SIGINT kept as a flag (:func:`check`) while inside, the handler before it put back on
    leaving; nothing is changed off the main thread, where handlers cannot be set."""
    _SEEN["interrupt"] = False
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, _handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        _SEEN["interrupt"] = False
