"""Writing results: everything is rendered in memory first, then each file is replaced
atomically, so a failed run leaves no half-written file behind."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path

from orevalue.results import Results


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write text or bytes to ``path`` through a temporary file in the same folder and a
    rename, with the permissions a plain ``open`` would give (0666 less the umask)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        if isinstance(data, str):
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(data)
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
        os.chmod(tmp, file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def file_mode() -> int:
    """Permissions of a newly created file: 0666 less the process's umask."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def annual_csv(results: Results, pathway: str, sample: int = 0) -> str:
    """Annual lines of one pathway as CSV text: one row per year, USD (real) and tonnes."""
    lines = results.annual(pathway, sample)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(lines.keys())
    for i in range(results.years.size):
        row = [int(lines["year"][i])] + [f"{v[i]:.6g}" for k, v in lines.items() if k != "year"]
        writer.writerow(row)
    return buffer.getvalue()


def write_results(results: Results, out_dir: Path) -> list[Path]:
    """Write results.json and one annual CSV per pathway into ``out_dir``; return the paths."""
    texts = {"results.json": json.dumps(results.to_dict(), indent=2, allow_nan=False) + "\n"}
    for name in results.pathways:
        texts[f"annual_{name}.csv"] = annual_csv(results, name)
    written = []
    for filename, text in texts.items():
        write_atomic(out_dir / filename, text)
        written.append(out_dir / filename)
    return written
