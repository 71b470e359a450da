"""Run a test module's function in a new interpreter: forking needs a process with no other
thread, and the suite's Dask tests leave Dask's IO-loop and offload threads in this one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

TESTS = str(Path(__file__).resolve().parent)


def in_fresh_process(module_file: str, name: str, *args: str) -> None:
    """Call ``name(*args)`` of the module at ``module_file`` in a new interpreter (this folder
    on its path, as pytest has it); fails with the child's output unless it exits 0."""
    code = (
        f"import runpy, sys; sys.path.insert(0, {TESTS!r}); "
        f"runpy.run_path({module_file!r})[{name!r}](*sys.argv[1:])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stdout + done.stderr
