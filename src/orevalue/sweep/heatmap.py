"""The heat map of a sweep: a pathway's plant NPV over two varied inputs, with the break-even
line (NPV = 0). Matplotlib is imported here only, when a heat map is drawn."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from orevalue.forks import Helper


@dataclass(frozen=True)
class Surface:
    """NPV values (USD) over two inputs: on a grid (``z`` shaped (len(y), len(x))) or, for
    scattered points, as the points themselves (``z`` shaped like ``x``)."""

    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    gridded: bool
    held: dict[str, float]  # other varied inputs of a grid: the value each is held at


def surface(columns: dict[str, np.ndarray], x: str, y: str, z: str, others: list[str]) -> Surface:
    """The values of ``z`` over inputs ``x`` and ``y``. A grid is pivoted (other varied inputs
    held at their middle value); scattered points (a Latin hypercube) are kept as they are."""
    keep = np.ones(len(columns[z]), dtype=bool)
    held = {}
    for name in others:
        values = np.unique(columns[name])
        if values.size <= 1:
            continue
        middle = float(values[(values.size - 1) // 2])
        held[name] = middle
        keep &= columns[name] == middle
    xs, ys, zs = columns[x][keep], columns[y][keep], columns[z][keep]
    ux, uy = np.unique(xs), np.unique(ys)
    pairs = np.unique(np.stack([xs, ys]), axis=1).shape[1]
    if pairs == xs.size == ux.size * uy.size and ux.size > 1 and uy.size > 1:
        grid = np.full((uy.size, ux.size), np.nan)
        grid[np.searchsorted(uy, ys), np.searchsorted(ux, xs)] = zs
        return Surface(ux, uy, grid, True, held)
    return Surface(columns[x], columns[y], columns[z], False, {})


def draw(s: Surface, xlabel: str, ylabel: str, title: str) -> Any:
    """The heat map as a matplotlib figure: NPV in USD m (red below 0, green above), the
    break-even line NPV = 0 in black, the points of a scattered sweep as dots.

    The colours and the dots are drawn as an image in the SVG too (the line, text and axes
    stay vector): a Latin hypercube of 30,000 points made an SVG of 5.4 MB in 0.4 s, and
    makes one of 0.6 MB in 0.3 s so (the image at 150 dpi)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib import colors
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.0, 5.0), layout="constrained")
    ax = fig.add_subplot()
    z = s.z / 1e6
    finite = z[np.isfinite(z)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
    # zero is always the middle colour: a sweep that loses money everywhere stays red
    span = max(abs(lo), abs(hi), 1e-9) * 1e-3
    norm = colors.TwoSlopeNorm(0.0, min(lo, -span), max(hi, span))
    if s.gridded:
        mesh = ax.pcolormesh(
            s.x, s.y, z, cmap="RdYlGn", norm=norm, shading="nearest", rasterized=True
        )
        if lo < 0 < hi and min(z.shape) > 1:
            line = ax.contour(s.x, s.y, z, levels=[0.0], colors="black", linewidths=2)
            ax.clabel(line, fmt={0.0: "NPV = 0"}, fontsize=9)
    else:
        ok = np.isfinite(z)
        mesh = ax.tricontourf(s.x[ok], s.y[ok], z[ok], levels=14, cmap="RdYlGn", norm=norm)
        mesh.set_rasterized(True)
        if lo < 0 < hi:
            line = ax.tricontour(s.x[ok], s.y[ok], z[ok], levels=[0.0], colors="black")
            ax.clabel(line, fmt={0.0: "NPV = 0"}, fontsize=9)
        ax.plot(s.x, s.y, ".", color="black", markersize=2, alpha=0.4, rasterized=True)
    fig.colorbar(mesh, ax=ax, label="plant NPV after tax, USD m")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    return fig


def caption(s: Surface, z_label: str) -> str:
    """What the heat map shows, in one sentence or two."""
    text = (
        f"{z_label} over the two inputs varied; the black line is the break-even line "
        "(NPV = 0): above zero on the green side."
    )
    finite = s.z[np.isfinite(s.z)]
    if finite.size and not (finite.min() < 0 < finite.max()):
        text += " NPV keeps one sign over the whole range: no break-even line inside it."
    if s.held:
        text += " Other inputs held at " + ", ".join(f"{k} = {v:g}" for k, v in s.held.items())
        text += "."
    if not s.gridded:
        text += " Contours interpolated between the sampled points (dots)."
    return text


def svg_text(fig: Any) -> str:
    """The figure as SVG markup, the same text every time: no date, and the ids drawn from a
    fixed salt, not a random one (its colours and dots an image at 150 dpi, see
    :func:`draw`)."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "orevalue-heatmap"}):
        fig.savefig(buffer, format="svg", dpi=150, metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.find("<svg") :]


def import_matplotlib() -> None:
    """matplotlib's pieces the heat map uses, on the Agg canvas (a :func:`drawer` child's
    work while this process evaluates the sweep)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.figure
    import matplotlib.tri


def drawer(enabled: bool = True) -> Helper:
    """A child forked now, which imports matplotlib while this process evaluates the sweep and
    then draws the heat map sent to it (:func:`rendered`); drawn here instead where forking is
    unsafe or not ``enabled`` (fewer than two inputs varied: no heat map)."""
    from orevalue.forks import Helper

    return Helper(import_matplotlib, fork=enabled)


def rendered(
    columns: dict[str, np.ndarray], inputs: list[str], key: str, label: str
) -> dict[str, bytes | str]:
    """``heatmap.png`` and ``heatmap.svg`` of :func:`from_table`'s figure, by file name (none
    with fewer than two inputs varied)."""
    drawn = from_table(columns, inputs, key, label)
    if drawn is None:
        return {}
    png = io.BytesIO()
    drawn[0].savefig(png, format="png", dpi=130)
    return {"heatmap.png": png.getvalue(), "heatmap.svg": svg_text(drawn[0])}


def save(files: dict[str, bytes | str], folder: Path) -> list[Path]:
    """Write :func:`rendered`'s files into ``folder`` (atomically); their paths."""
    from orevalue.atomic import write_atomic

    for name, data in files.items():
        write_atomic(folder / name, data)
    return [folder / name for name in files]


def from_table(
    columns: dict[str, np.ndarray], inputs: list[str], key: str, label: str
) -> tuple[Any, str] | None:
    """The heat map of column ``key`` (a plant NPV, USD) over the first two of ``inputs``,
    and its caption; None with fewer than two inputs varied."""
    if len(inputs) < 2 or key not in columns:
        return None
    x, y = inputs[0], inputs[1]
    s = surface(columns, x, y, key, inputs[2:])
    z_label = f"Plant NPV after tax of {label}"
    return draw(s, x, y, f"{z_label} (USD m)"), caption(s, z_label)
