"""Chart specifications: Plotly figures as plain dicts (no Plotly import in Python).

Each trace carries in ``meta`` the keys its numbers come from (see :mod:`numbers`):
``meta = {"fields": {"y": [key, ...]}, "scale": {"y": s}}`` means ``trace["y"][i]`` equals
the value of ``key[i]`` times ``s`` (a null key: a null value). Every number a trace holds
is keyed so; its other fields hold labels. The browser draws them with the
plotly.js shipped in the ``plotly`` package; the web app can draw the same dicts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from orevalue.report.brief.numbers import Source

#: Okabe & Ito (2008), "Color Universal Design": distinguishable with every common form of
#: colour blindness, and in grey on paper when paired with the patterns and labels used here.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#999999",
}
PATHWAY_COLOURS = ("#999999", "#E69F00", "#0072B2", "#CC79A7", "#009E73", "#56B4E9", "#D55E00")
UP, DOWN, TOTAL = OKABE_ITO["green"], OKABE_ITO["vermillion"], OKABE_ITO["blue"]
FONT = "Liberation Sans, Helvetica Neue, Helvetica, Arial, sans-serif"
WIDTH = 680
MUSD = 1e-6


def marker(colour: str, shape: str | None) -> dict[str, Any]:
    """A bar's plotly marker: ``colour`` (a CSS colour) and, when ``shape`` is given, its
    fill pattern, so that bars stay apart in grey print and for colour-blind readers."""
    style: dict[str, Any] = {"color": colour}
    if shape:
        style["pattern"] = pattern(shape)
    return style


def pattern(shape: str) -> dict[str, Any]:
    """A hatch drawn over the bar's own colour: a second cue beside colour, kept on paper."""
    return {
        "shape": shape,
        "fillmode": "overlay",
        "fgcolor": "#000000",
        "fgopacity": 0.45,
        "size": 6,
        "solidity": 0.25,
    }


def pathway_colour(index: int) -> str:
    return PATHWAY_COLOURS[index % len(PATHWAY_COLOURS)]


def layout(title: str, height: int = 360, **extra: Any) -> dict[str, Any]:
    """The shared layout: fixed width (fits an A4 page), system fonts, light grid."""
    base: dict[str, Any] = {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 14}},
        "width": WIDTH,
        "height": height,
        "margin": {"l": 70, "r": 20, "t": 50, "b": 60},
        "font": {"family": FONT, "size": 11, "color": "#222"},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "legend": {"orientation": "h", "x": 0, "y": -0.18, "font": {"size": 10}},
        "separators": ".,",
        "hoverlabel": {"font": {"family": FONT}},
    }
    for axis in ("xaxis", "yaxis"):
        base[axis] = {
            "gridcolor": "#e6e6e6",
            "zerolinecolor": "#555",
            "zerolinewidth": 1,
            "automargin": True,
            "tickformat": ",.0f",
        }
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = {**base[key], **value}
        else:
            base[key] = value
    return base


def _values(src: Source, keys: Sequence[str | None], scale: float) -> list[float | None]:
    out: list[float | None] = []
    for key in keys:
        v = src.value(key) if key else None
        out.append(None if v is None else v * scale)
    return out


def keyed(
    src: Source,
    trace: dict[str, Any],
    fields: dict[str, Sequence[str | None]],
    scale: float = MUSD,
    scales: dict[str, float] | None = None,
) -> dict[str, Any]:
    """``trace`` with each field filled from its keys (times its scale: ``scales[field]``,
    else ``scale``), and the keys and scales in ``meta``."""
    scales = {name: (scales or {}).get(name, scale) for name in fields}
    for name, keys in fields.items():
        trace[name] = _values(src, keys, scales[name])
    trace["meta"] = {"fields": {k: list(v) for k, v in fields.items()}, "scale": scales}
    return trace


def figure(data: list[dict[str, Any]], lay: dict[str, Any]) -> dict[str, Any]:
    return {"data": data, "layout": lay}
