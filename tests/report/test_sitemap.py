"""The siting map is drawn once per file, and its layout is the one Figure.tight_layout gives."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import matplotlib.figure
import matplotlib.layout_engine
import pytest

import orevalue.report.sitemap as sitemap
from orevalue import forks
from orevalue.siting import analyse, load_sites


@pytest.fixture(scope="module")
def default_siting(default_scenario):
    return analyse(default_scenario, load_sites())


def _digests(folder: Path) -> tuple[str, str]:
    png = hashlib.sha256((folder / "map.png").read_bytes()).hexdigest()
    # matplotlib names the SVG's clip paths and markers at random; the drawing is the rest
    svg = re.sub(r'(id="|#)[mp][0-9a-f]{10}', r"\1X", (folder / "map.svg").read_text())
    return png, hashlib.sha256(svg.encode()).hexdigest()


class _AsFigureTightLayout:
    """The layout as ``Figure.tight_layout`` applies it (which leaves a placeholder layout
    engine on the figure, so that savefig draws it twice)."""

    def execute(self, fig: matplotlib.figure.Figure) -> None:
        fig.tight_layout()


class _NoLayout:
    def execute(self, fig: matplotlib.figure.Figure) -> None:
        pass


def _drawn(monkeypatch, siting, folder: Path) -> int:
    """Draw the map to ``folder`` in this process alone; the number of figure draws."""
    draws = []
    draw = matplotlib.figure.Figure.draw

    def counted(fig, renderer):
        draws.append(type(renderer).__name__)
        return draw(fig, renderer)

    monkeypatch.setattr(forks, "can_fork", lambda: False)
    monkeypatch.setattr(matplotlib.figure.Figure, "draw", counted)
    folder.mkdir()
    assert sitemap.draw_map(siting, folder) == [folder / "map.png", folder / "map.svg"]
    monkeypatch.undo()
    return len(draws)


def test_map_is_drawn_once_per_file_with_the_tight_layout(tmp_path, monkeypatch, default_siting):
    assert _drawn(monkeypatch, default_siting, tmp_path / "once") == 2  # PNG, SVG
    monkeypatch.setattr(matplotlib.layout_engine, "TightLayoutEngine", _AsFigureTightLayout)
    assert _drawn(monkeypatch, default_siting, tmp_path / "tight") == 4  # a layout pass each
    assert _digests(tmp_path / "once") == _digests(tmp_path / "tight")
    # without the layout the files differ: the comparison above can tell layouts apart
    monkeypatch.setattr(matplotlib.layout_engine, "TightLayoutEngine", _NoLayout)
    assert _drawn(monkeypatch, default_siting, tmp_path / "none") == 2
    png, svg = _digests(tmp_path / "none")
    assert png != _digests(tmp_path / "once")[0] and svg != _digests(tmp_path / "once")[1]
