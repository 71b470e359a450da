"""Map of the siting answer: sources, candidate sites, ports, every leg and the chosen routes,
drawn from coordinates alone (no tiles, no network access) as PNG and SVG.

Drawing is in two steps: :func:`map_input` reads what the map shows off the analysis as plain
numbers and text (:class:`MapInput`), and :func:`render` draws that with matplotlib. The
input pickles without the siting modules, so a :func:`drawer` (a child forked before the
analysis, which imports matplotlib meanwhile) can render it on the other core while this
process values the sites; the files are written by the caller, the same bytes either way.

Legs are drawn as straight lines between their end nodes; their length in the model is the
road or rail distance from the data, not the drawn one. The coastline is a hand-made outline
from a few public coordinates, for orientation only.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from orevalue.atomic import write_atomic
from orevalue.forks import Helper, later

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


#: A point of the map: longitude, latitude and its label.
Point = tuple[float, float, str]


@dataclass(frozen=True)
class MapInput:
    """What the map shows, as plain numbers and text (see :func:`map_input`)."""

    title: str
    lat_mid: float  # mean latitude of the network's nodes, for the aspect ratio
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    #: every leg: (x0, y0, x1, y1, line style, colour)
    legs: tuple[tuple[float, float, float, float, str, str], ...]
    #: the plan's flows: (x0, y0, x1, y1, colour, line width)
    flows: tuple[tuple[float, float, float, float, str, float], ...]
    #: candidate sites: (x, y, label with its rank, whether chosen)
    sites: tuple[tuple[float, float, str, bool], ...]
    ports: tuple[Point, ...]
    sources: tuple[Point, ...]  # those with their own coordinates
    nodes: tuple[Point, ...]
    flowing: tuple[tuple[str, str], ...]  # (commodity, colour) of those the plan moves


def map_input(siting: Any) -> MapInput:
    """The map of the best plan of ``siting`` (an :class:`orevalue.siting.Siting`)."""
    plan, data, net = siting.best, siting.data, siting.best_model.net
    pos = {n: (float(net.lon[i]), float(net.lat[i])) for i, n in enumerate(net.nodes)}
    legs = []
    for leg in data.legs.values():  # rail solid, road dotted, legs still to build pale
        colour = "#636363" if leg.mode == "rail" else "#969696"
        style = "-" if leg.mode == "rail" else ":"
        legs.append(
            (*pos[leg.from_], *pos[leg.to], style, "#bdbdbd" if leg.build_capex_usd > 0 else colour)
        )
    used = {(u.from_node, u.to_node): u for u in plan.legs}
    biggest = max((u.total_t_per_yr for u in plan.legs), default=1.0)
    flows = []
    palette = colours(plan)
    for (a, b), use in used.items():  # coloured by their main commodity, width by t/yr
        commodity = max(use.t_per_yr, key=use.t_per_yr.__getitem__)
        colour = palette.get(commodity, "k")
        flows.append((*pos[a], *pos[b], colour, 1.5 + 5.0 * use.total_t_per_yr / biggest))
    ranks = {r.key: i + 1 for i, r in enumerate(siting.ranking) if r.feasible}
    chosen = set(plan.sites)
    sites = [
        (
            *pos[key],
            f"{f'#{ranks[key]} ' if key in ranks else '(infeasible) '}{site.label}",
            key in chosen,
        )
        for key, site in data.sites.items()
    ]
    coast = np.array(COASTLINE)
    lon_all = np.concatenate([net.lon, coast[:, 1]])
    lat_all = np.concatenate([net.lat, coast[:, 0]])
    stages = ", ".join(f"{s.stage} at {s.site} ({s.size_pct:g} %)" for s in plan.stages) or "none"
    return MapInput(
        title=f"{siting.scenario}: where to build — {stages}",
        lat_mid=float(np.mean(net.lat)),
        xlim=(float(lon_all.min() - 0.5), float(lon_all.max() + 0.8)),
        ylim=(float(lat_all.min() - 0.4), float(lat_all.max() + 0.5)),
        legs=tuple(legs),
        flows=tuple(flows),
        sites=tuple(sites),
        ports=tuple((*pos[k], p.label or k) for k, p in data.ports.items()),
        sources=tuple((*pos[k], s.label or k) for k, s in data.sources.items() if s.node is None),
        nodes=tuple((*pos[k], n.label or k) for k, n in data.nodes.items()),
        flowing=tuple(
            (name, c) for name, c in palette.items() if any(name in u.t_per_yr for u in plan.legs)
        ),
    )


def _draw_coast(ax: Any, coast: np.ndarray) -> None:
    """The approximate coastline, the sea below it and its name."""
    ax.plot(coast[:, 1], coast[:, 0], color="#6baed6", lw=1.5, zorder=1)
    ax.fill_between(coast[:, 1], coast[:, 0], coast[:, 0].min() - 5, color="#deebf7", zorder=0)
    ax.text(64.5, 24.4, "Arabian Sea", color="#4292c6", fontsize=10, style="italic", ha="center")


def _draw_legs(ax: Any, m: MapInput) -> None:
    """Every leg of the network as a straight line between its ends."""
    for x0, y0, x1, y1, style, colour in m.legs:
        ax.plot([x0, x1], [y0, y1], style, color=colour, lw=1.0, zorder=2)


def _draw_flows(ax: Any, m: MapInput) -> None:
    """The plan's flows as arrows coloured by their main commodity, width by t/yr."""
    for x0, y0, x1, y1, colour, width in m.flows:
        ax.annotate(
            "",
            xy=(x1, y1),
            xytext=(x0, y0),
            arrowprops={
                "arrowstyle": "-|>",
                "color": colour,
                "lw": width,
                "alpha": 0.8,
                "shrinkA": 4,
                "shrinkB": 4,
            },
            zorder=3,
        )


def _draw_sites(ax: Any, m: MapInput) -> None:
    """Candidate sites with their rank alone (chosen ones as large stars)."""
    for x, y, label, chosen in m.sites:
        ax.scatter(
            x,
            y,
            marker="*" if chosen else "s",
            s=320 if chosen else 70,
            color="#009E73" if chosen else "#F0E442",
            edgecolor="k",
            zorder=5,
        )
        ax.annotate(
            label,
            (x, y),
            xytext=(6, 6),
            textcoords="offset points",
            fontsize=8,
            weight="bold" if chosen else "normal",
            zorder=6,
        )


def _draw_ports(ax: Any, m: MapInput) -> None:
    """Export ports and their names."""
    for x, y, label in m.ports:
        ax.scatter(x, y, marker="o", s=60, color="#56B4E9", edgecolor="k", zorder=5)
        ax.annotate(
            label,
            (x, y),
            xytext=(-6, -12),
            textcoords="offset points",
            fontsize=7,
            color="#08519c",
            ha="right",
        )


def _draw_sources(ax: Any, m: MapInput) -> None:
    """Feed sources with their own coordinates (not placed at a node)."""
    for x, y, label in m.sources:
        ax.scatter(x, y, marker="^", s=110, color="k", zorder=5)
        ax.annotate(
            label, (x, y), xytext=(0, -16), textcoords="offset points", fontsize=8, ha="center"
        )


def _draw_nodes(ax: Any, m: MapInput) -> None:
    """Plain network nodes (junctions, towns) as small dots."""
    for x, y, label in m.nodes:
        ax.scatter(x, y, marker=".", s=25, color="#636363", zorder=4)
        ax.annotate(
            label,
            (x, y),
            xytext=(4, 3),
            textcoords="offset points",
            fontsize=6,
            color="#636363",
        )


def _legend(ax: Any, m: MapInput) -> None:
    """The key: leg kinds, the commodities that flow, and the kinds of point."""
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], color="#636363", lw=1, label="rail"),
        Line2D([], [], color="#969696", lw=1, ls=":", label="road"),
        Line2D([], [], color="#bdbdbd", lw=1, label="leg to build"),
        *[Line2D([], [], color=c, lw=3, label=f"{name} flow") for name, c in m.flowing],
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


def _frame(ax: Any, m: MapInput) -> None:
    """Title with the stages chosen, axis labels, the drawing note, limits and grid."""
    ax.set_title(m.title, fontsize=10)
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
    ax.set_xlim(*m.xlim)
    ax.set_ylim(*m.ylim)
    ax.grid(True, color="#f0f0f0", lw=0.5)


def _import_matplotlib() -> None:
    """matplotlib's pieces the map uses, on the Agg canvas (a :func:`drawer` child's work
    while the analysis runs)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.backends.backend_agg
    import matplotlib.figure
    import matplotlib.layout_engine
    import matplotlib.lines


def _figure(m: MapInput) -> Any:
    """The map as a laid-out figure of its own on the Agg canvas."""
    # without pyplot (its figure registry, styles and backend switching: a tenth of
    # matplotlib's import) and so with nothing to close
    _import_matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.layout_engine import TightLayoutEngine

    fig = Figure(figsize=(10, 8.5))
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    ax.set_aspect(1.0 / np.cos(np.radians(m.lat_mid)))
    _draw_coast(ax, np.array(COASTLINE))
    _draw_legs(ax, m)
    _draw_flows(ax, m)
    _draw_sites(ax, m)
    _draw_ports(ax, m)
    _draw_sources(ax, m)
    _draw_nodes(ax, m)
    _legend(ax, m)
    _frame(ax, m)
    # the tight layout applied once, as Figure.tight_layout computes it, without leaving a
    # layout engine on the figure: savefig draws a figure that has one twice (a layout pass,
    # then the drawing), and this layout is done
    TightLayoutEngine().execute(fig)
    return fig


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150)
    return buffer.getvalue()


def _svg(fig: Any) -> str:
    """The figure as SVG text, without a date."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def render(m: MapInput, svg_only: bool = False) -> dict[str, str | bytes]:
    """The map's files by name: ``map.png`` and ``map.svg``, or the SVG alone with
    ``svg_only`` (the brief embeds it, and rendering the PNG it never reads took a quarter of
    a second).

    The two renderings are independent, so where forking is safe the SVG is drawn by a forked
    child while this process draws the PNG (a 100-site map takes over a second each); the
    files are those of drawing them one after the other, and should the child fail the SVG is
    drawn here (:func:`orevalue.forks.later`)."""
    fig = _figure(m)
    if svg_only:
        return {"map.svg": _svg(fig)}
    svg = later(_svg, fig)  # drawn here when asked for, where forking is not safe
    try:
        png = _png(fig)
    finally:
        text = svg.result()
    return {"map.png": png, "map.svg": text}


def write_map(files: dict[str, str | bytes], folder: Path) -> list[Path]:
    """Write :func:`render`'s files into ``folder``; their paths."""
    paths = []
    for name, data in files.items():
        write_atomic(folder / name, data)
        paths.append(folder / name)
    return paths


def draw_map(siting: Any, folder: Path, svg_only: bool = False) -> list[Path]:
    """Draw the best plan of ``siting`` (an :class:`orevalue.siting.Siting`) to
    ``folder/map.png`` and ``folder/map.svg`` (the SVG alone with ``svg_only``); return the
    paths."""
    return write_map(render(map_input(siting), svg_only), folder)


def drawer(enabled: bool = True) -> Helper:
    """A child forked now, which imports matplotlib while this process runs the analysis and
    then renders the map :func:`draw_later` sends it; its ``result()`` is :func:`render`'s
    files (rendered here should the child fail, where forking is unsafe, or not ``enabled``:
    no child is forked then, for a caller that may draw no map)."""
    return Helper(_import_matplotlib, fork=enabled)


def draw_later(maps: Helper, siting: Any, svg_only: bool = False) -> None:
    """Send the map of ``siting`` to the :func:`drawer` ``maps`` (no engine NPV is on it, so
    it can go as soon as the plans are solved)."""
    maps.submit(render, map_input(siting), svg_only)


def map_svg(siting: Any, maps: Helper | None = None) -> str:
    """The map of ``siting`` as SVG text: from ``maps``, the :func:`drawer` it was sent to
    with ``svg_only``, else rendered here."""
    files = maps.result() if maps is not None else render(map_input(siting), svg_only=True)
    return str(files["map.svg"])
