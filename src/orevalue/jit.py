"""Kernels compiled by Numba where compiling pays, run as the same Python where it does not.

Importing Numba and loading its cached machine code costs about 0.4 s a process (0.13 s the
import, 0.2 s its compiler's set-up on the first call, then each kernel's cache), compiling
from scratch 4 to 6 s; one sample's year loops in plain Python cost a few milliseconds. So a
kernel decorated with this module's ``numba.njit`` (:class:`_Numba`) runs its own Python
function when the call is small (every array argument at most :data:`SMALL` elements: a
deterministic run, N = 1) and Numba's compiled version of the same function otherwise. There is
one source and one code path: the engine calls the same kernel either way, and either way the
arithmetic is the IEEE double arithmetic of that source (Numba is not asked for fast-math),
which tests check kernel by kernel and through the engine, bit for bit. One difference: Numba
raises a float to an integer power by repeated multiplication, Python by ``pow``; the IRR walk
uses such a power only in the bound that decides which trial rates it may skip, so both bracket
the same root (and on the tests' thousand random rows of cash flows, give the same bits).

Once the calls run interpreted have taken :data:`BUDGET` seconds in a process (a long search
evaluating one sample at a time), every later call is compiled: starting interpreted costs a
process at most that much. ``OREVALUE_KERNELS=compiled`` (or ``interpreted``) fixes
the choice, for tests and benchmarks (another value is taken as ``auto``).

Compiled kernels see each other compiled: Numba compiles a copy of each function whose globals
hold the other kernels' Numba dispatchers, and caches the machine code on disk next to the
module as ``cache=True`` does (keyed by the module's file, so the cache stays valid).
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
import time
import types
from collections.abc import Callable, Iterator
from typing import Any

#: Numba's options for every kernel.
OPTIONS: dict[str, Any] = {"cache": True, "error_model": "numpy", "nogil": True}

#: A call whose array arguments all have at most this many elements runs interpreted: one
#: sample of 28 years is 112 elements in the (4, N, Y) output of the taxes, a batch of 18
#: samples (the price sweep of the progressivity, the sites of a siting analysis) 2,016.
SMALL = 2048

#: Seconds of interpreted kernel time after which a process compiles every call. Switching
#: costs about 0.45 s with Numba's cache on disk and 5 s without it (a first run after
#: installing): the commands that evaluate a handful of times (run, report, site: 0.1 to
#: 0.5 s interpreted) finish interpreted, and a long search evaluating one sample at a time
#: pays at most this before its kernels are compiled.
BUDGET = 1.0

_MODES = ("auto", "compiled", "interpreted")


class _State:
    """The process's choice: ``mode`` (one of :data:`_MODES`) and the interpreted time spent;
    per thread (the web app evaluates on several), the depth of the interpreted calls under
    way: only outermost calls are timed, and the kernels they call run interpreted too."""

    mode = os.environ.get("OREVALUE_KERNELS", "auto")
    interpreted = 0.0
    local = threading.local()


if _State.mode not in _MODES:  # a developer's knob: an unknown value leaves the default
    _State.mode = "auto"

_compiled_globals: dict[int, dict[str, Any]] = {}
_LOCK = threading.RLock()  # re-entered: building one module's globals builds its kernels


def set_mode(mode: str) -> str:
    """Set how kernels run (one of ``auto``, ``compiled``, ``interpreted``); the mode before."""
    if mode not in _MODES:
        raise ValueError(f"kernel mode: expected one of {', '.join(_MODES)}, not {mode!r}")
    before, _State.mode = _State.mode, mode
    return before


@contextlib.contextmanager
def compiled_run() -> Iterator[None]:
    """Every kernel compiled while inside, where the mode is ``auto``: a run that evaluates
    large chunks loads Numba anyway, and its small calls (the reference case, the tornado's
    rows, the price paths of one series) then run faster compiled than interpreted. Workers
    forked inside inherit it, and Numba with the kernels the parent has loaded: around the
    whole ``orevalue risk`` command (its input check loads them before the pool forks), a
    run of 1,000 samples on 2 workers takes 2.0 s of CPU against 2.4 s. Also a decorator."""
    if _State.mode != "auto":
        yield
        return
    before = set_mode("compiled")
    try:
        yield
    finally:
        set_mode(before)


def _small(args: tuple[Any, ...]) -> bool:
    """Whether every array among ``args`` has at most :data:`SMALL` elements."""
    return all(getattr(a, "size", 0) <= SMALL for a in args)


def _globals_for(module_globals: dict[str, Any]) -> dict[str, Any]:
    """The globals the compiled kernels of one module see: the module's own, with every
    :class:`Kernel` replaced by its Numba dispatcher (built once per module)."""
    key = id(module_globals)
    compiled = _compiled_globals.get(key)
    if compiled is None:
        compiled = _compiled_globals[key] = dict(module_globals)
        for name, value in list(compiled.items()):
            if isinstance(value, Kernel):
                compiled[name] = value.dispatcher
    return compiled


class Kernel:
    """A function run interpreted on small calls and compiled by Numba on the others."""

    def __init__(self, func: Callable[..., Any], options: dict[str, Any]) -> None:
        functools.update_wrapper(self, func)
        self.py_func = func
        self.options = options
        self._dispatcher: Any = None

    @property
    def dispatcher(self) -> Any:
        """Numba's dispatcher of this kernel (compiling, or loading the cache, on first call)."""
        if self._dispatcher is None:
            with _LOCK:  # one dispatcher per kernel, whichever thread asks first
                g = _globals_for(self.py_func.__globals__)  # may build this one's dispatcher
                if self._dispatcher is None:
                    import numba

                    f = self.py_func
                    copy = types.FunctionType(f.__code__, g, f.__name__, f.__defaults__)
                    copy.__qualname__, copy.__doc__ = f.__qualname__, f.__doc__
                    self._dispatcher = numba.njit(**self.options)(copy)
        return self._dispatcher

    def __reduce__(self) -> str:
        """Pickled by name, as a function is (the module's global of that name)."""
        return self.__qualname__

    def __call__(self, *args: Any) -> Any:
        mode = _State.mode
        nested = getattr(_State.local, "depth", 0)
        if nested or mode == "interpreted" or (mode == "auto" and _small(args)):
            return self._interpreted(args)
        return self.dispatcher(*args)

    def _interpreted(self, args: tuple[Any, ...]) -> Any:
        """The Python function on ``args``, timed against :data:`BUDGET` when outermost."""
        local = _State.local
        if getattr(local, "depth", 0):
            return self.py_func(*args)
        import numpy as np

        local.depth = 1
        start = time.perf_counter()
        try:
            with np.errstate(all="ignore"):  # as compiled code: no warnings, NaN and inf flow
                return self.py_func(*args)
        finally:
            local.depth = 0
            _State.interpreted += time.perf_counter() - start
            if _State.mode == "auto" and _State.interpreted > BUDGET:
                _State.mode = "compiled"


class _Numba:
    """The part of Numba's face the kernel modules use (``numba.njit(**options)``), so that a
    kernel module reads ``from orevalue.jit import numba`` and is otherwise unchanged."""

    @staticmethod
    def njit(func: Callable[..., Any] | None = None, **options: Any) -> Any:
        if func is not None:
            return Kernel(func, {**OPTIONS, **options})
        return lambda f: Kernel(f, {**OPTIONS, **options})


numba = _Numba()
