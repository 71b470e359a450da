"""Map of the siting answer: sources, candidate sites, ports, every leg and the chosen routes,
drawn from coordinates alone (no tiles, no network access) as PNG and SVG.

Legs are drawn as straight lines between their end nodes; their length in the model is the
road or rail distance from the data, not the drawn one. The coastline is a hand-made outline
from a few public coordinates, for orientation only.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import numpy as np

from orevalue.atomic import write_atomic
from orevalue.siting.rank import can_fork

#: Approximate Makran and Sindh coastline, (lat, lon) west to east: Gwadar Bay (Jiwani),
#: Gwadar, Pasni, Ormara, Sonmiani, Karachi, Port Qasim, Indus delta, Sir Creek.
COASTLINE = (
    (25.05, 61.55),
    (25.07, 61.75),
    (25.20, 62.05),
    (25.10, 62.33),
    (25.20, 62.70),
    (25.26, 63.47),
    (25.30, 64.10),
    (25.21, 64.64),
    (25.40, 65.30),
    (25.42, 66.59),
    (25.00, 66.72),
    (24.82, 66.98),
    (24.75, 67.30),
    (24.45, 67.35),
    (24.14, 67.45),
    (23.80, 67.90),
    (23.65, 68.20),
)
COLOURS = {
    "concentrate": "#E69F00",  # Okabe-Ito orange
    "anode": "#CC79A7",  # reddish purple
    "blister": "#56B4E9",  # sky blue
    "cathode": "#0072B2",  # blue
}


def colours(plan: Any) -> dict[str, str]:
    """Each of the plan's commodities (feed, intermediate, metal feed, product: as the case
    names them) with the colour of its slot in :data:`COLOURS`."""
    names = getattr(plan, "commodities", ()) or tuple(COLOURS)
    return dict(zip(names, COLOURS.values(), strict=False))


def _save_png(fig: Any, path: Path) -> None:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150)
    write_atomic(path, buffer.getvalue())


def _draw_coast(ax: Any, coast: np.ndarray) -> None:
    """The approximate coastline, the sea below it and its name."""
    ax.plot(coast[:, 1], coast[:, 0], color="#6baed6", lw=1.5, zorder=1)
    ax.fill_between(coast[:, 1], coast[:, 0], coast[:, 0].min() - 5, color="#deebf7", zorder=0)
    ax.text(64.5, 24.4, "Arabian Sea", color="#4292c6", fontsize=10, style="italic", ha="center")


def _draw_legs(ax: Any, data: Any, pos: dict[str, tuple[float, float]]) -> None:
    """Every leg of the network: rail solid, road dotted, legs still to build pale."""
    for leg in data.legs.values():
        (x0, y0), (x1, y1) = pos[leg.from_], pos[leg.to]
        style = "-" if leg.mode == "rail" else ":"
        colour = "#636363" if leg.mode == "rail" else "#969696"
        if leg.build_capex_usd > 0:
            colour = "#bdbdbd"
        ax.plot([x0, x1], [y0, y1], style, color=colour, lw=1.0, zorder=2)


def _draw_flows(ax: Any, plan: Any, pos: dict[str, tuple[float, float]]) -> None:
    """The plan's flows as arrows coloured by their main commodity, width by t/yr."""
    used = {(u.from_node, u.to_node): u for u in plan.legs}
    biggest = max((u.total_t_per_yr for u in plan.legs), default=1.0)
    for (a, b), use in used.items():
        (x0, y0), (x1, y1) = pos[a], pos[b]
        commodity = max(use.t_per_yr, key=use.t_per_yr.__getitem__)
        width = 1.5 + 5.0 * use.total_t_per_yr / biggest
        ax.annotate(
            "",
            xy=(x1, y1),
            xytext=(x0, y0),
            arrowprops={
                "arrowstyle": "-|>",
                "color": colours(plan).get(commodity, "k"),
                "lw": width,
                "alpha": 0.8,
                "shrinkA": 4,
                "shrinkB": 4,
            },
            zorder=3,
        )


def _draw_sites(ax: Any, siting: Any, pos: dict[str, tuple[float, float]]) -> None:
    """Candidate sites with their rank alone (chosen ones as large stars)."""
    ranks = {r.key: i + 1 for i, r in enumerate(siting.ranking) if r.feasible}
    chosen = set(siting.best.sites)
    for key, site in siting.data.sites.items():
        x, y = pos[key]
        ax.scatter(
            x,
            y,
            marker="*" if key in chosen else "s",
            s=320 if key in chosen else 70,
            color="#009E73" if key in chosen else "#F0E442",
            edgecolor="k",
            zorder=5,
        )
        rank = f"#{ranks[key]} " if key in ranks else "(infeasible) "
        ax.annotate(
            f"{rank}{site.label}",
            (x, y),
            xytext=(6, 6),
            textcoords="offset points",
            fontsize=8,
            weight="bold" if key in chosen else "normal",
            zorder=6,
        )


def _draw_ports(ax: Any, data: Any, pos: dict[str, tuple[float, float]]) -> None:
    """Export ports and their names."""
    for key, port in data.ports.items():
        x, y = pos[key]
        ax.scatter(x, y, marker="o", s=60, color="#56B4E9", edgecolor="k", zorder=5)
        ax.annotate(
            port.label or key,
            (x, y),
            xytext=(-6, -12),
            textcoords="offset points",
            fontsize=7,
            color="#08519c",
            ha="right",
        )


def _draw_sources(ax: Any, data: Any, pos: dict[str, tuple[float, float]]) -> None:
    """Feed sources with their own coordinates (not placed at a node)."""
    for key, src in data.sources.items():
        if src.node is None:
            x, y = pos[key]
            ax.scatter(x, y, marker="^", s=110, color="k", zorder=5)
            ax.annotate(
                src.label or key,
                (x, y),
                xytext=(0, -16),
                textcoords="offset points",
                fontsize=8,
                ha="center",
            )


def _draw_nodes(ax: Any, data: Any, pos: dict[str, tuple[float, float]]) -> None:
    """Plain network nodes (junctions, towns) as small dots."""
    for key in data.nodes:
        x, y = pos[key]
        ax.scatter(x, y, marker=".", s=25, color="#636363", zorder=4)
        ax.annotate(
            data.nodes[key].label or key,
            (x, y),
            xytext=(4, 3),
            textcoords="offset points",
            fontsize=6,
            color="#636363",
        )


def _legend(ax: Any, plan: Any) -> None:
    """The key: leg kinds, the commodities that flow, and the kinds of point."""
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], color="#636363", lw=1, label="rail"),
        Line2D([], [], color="#969696", lw=1, ls=":", label="road"),
        Line2D([], [], color="#bdbdbd", lw=1, label="leg to build"),
        *[
            Line2D([], [], color=c, lw=3, label=f"{name} flow")
            for name, c in colours(plan).items()
            if any(name in u.t_per_yr for u in plan.legs)
        ],
        Line2D([], [], marker="^", color="k", ls="", label="feed source"),
        Line2D(
            [],
            [],
            marker="s",
            color="#F0E442",
            mec="k",
            ls="",
            label="candidate site (#rank alone)",
        ),
        Line2D([], [], marker="*", color="#009E73", mec="k", ms=12, ls="", label="chosen site"),
        Line2D([], [], marker="o", color="#56B4E9", mec="k", ls="", label="export port"),
    ]
    ax.legend(handles=handles, loc="lower right", fontsize=7, framealpha=0.9)


def _frame(ax: Any, siting: Any, net: Any, coast: np.ndarray) -> None:
    """Title with the stages chosen, axis labels, the drawing note, limits and grid."""
    plan = siting.best
    stages = ", ".join(f"{s.stage} at {s.site} ({s.size_pct:g} %)" for s in plan.stages) or "none"
    ax.set_title(f"{siting.scenario}: where to build — {stages}", fontsize=10)
    ax.set_xlabel("longitude, °E")
    ax.set_ylabel("latitude, °N")
    ax.text(
        0.01,
        0.01,
        "Straight lines join leg ends; coastline approximate. Flows: arrow width ∝ t/yr.",
        transform=ax.transAxes,
        fontsize=6,
        color="#636363",
    )
    lon_all = np.concatenate([net.lon, coast[:, 1]])
    lat_all = np.concatenate([net.lat, coast[:, 0]])
    ax.set_xlim(lon_all.min() - 0.5, lon_all.max() + 0.8)
    ax.set_ylim(lat_all.min() - 0.4, lat_all.max() + 0.5)
    ax.grid(True, color="#f0f0f0", lw=0.5)


def _save_svg(fig: Any, path: Path) -> None:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    write_atomic(path, buffer.getvalue())


def _save(fig: Any, folder: Path) -> list[Path]:
    """Write the figure as ``map.png`` and ``map.svg`` (no date in the SVG).

    The two renderings are independent, so where forking is safe the SVG is drawn by a
    forked child while this process draws the PNG (a 100-site map takes over a second
    each); the files are those of drawing them one after the other. Should the child fail,
    the SVG is drawn here, so that any error is this process's own."""
    png, svg = folder / "map.png", folder / "map.svg"
    child = os.fork() if can_fork() else -1
    if child == 0:  # the child: the SVG only, and leave without Python's exit handlers
        code = 1
        try:
            _save_svg(fig, svg)
            code = 0
        finally:
            os._exit(code)
    try:
        _save_png(fig, png)
    finally:
        drawn = child > 0 and os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]) == 0
    if not drawn:
        _save_svg(fig, svg)
    return [png, svg]


def draw_map(siting: Any, folder: Path, svg_only: bool = False) -> list[Path]:
    """Draw the best plan of ``siting`` (an :class:`orevalue.siting.Siting`) to
    ``folder/map.png`` and ``folder/map.svg`` (the SVG alone with ``svg_only``: the brief
    embeds it, and rendering the PNG it never read took a quarter of a second); return the
    paths."""
    # a figure of its own on the Agg canvas, without pyplot (its figure registry, styles and
    # backend switching: a tenth of matplotlib's import) and so with nothing to close
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.layout_engine import TightLayoutEngine

    model, plan, data = siting.best_model, siting.best, siting.data
    net = model.net
    pos = {n: (net.lon[i], net.lat[i]) for i, n in enumerate(net.nodes)}
    fig = Figure(figsize=(10, 8.5))
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    lat_mid = float(np.mean(net.lat))
    ax.set_aspect(1.0 / np.cos(np.radians(lat_mid)))
    coast = np.array(COASTLINE)
    _draw_coast(ax, coast)
    _draw_legs(ax, data, pos)
    _draw_flows(ax, plan, pos)
    _draw_sites(ax, siting, pos)
    _draw_ports(ax, data, pos)
    _draw_sources(ax, data, pos)
    _draw_nodes(ax, data, pos)
    _legend(ax, plan)
    _frame(ax, siting, net, coast)
    # the tight layout applied once, as Figure.tight_layout computes it, without leaving a
    # layout engine on the figure: savefig draws a figure that has one twice (a layout pass,
    # then the drawing), and this layout is done
    TightLayoutEngine().execute(fig)
    return _save_svg_only(fig, folder) if svg_only else _save(fig, folder)


def _save_svg_only(fig: Any, folder: Path) -> list[Path]:
    """Write the figure as ``map.svg`` alone (no date in it, as :func:`_save` writes it)."""
    _save_svg(fig, folder / "map.svg")
    return [folder / "map.svg"]
