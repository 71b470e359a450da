"""A mixed-integer programme being assembled: variable blocks, bounds, integrality, objective
components and constraint rows as sparse coefficient lists.

The constraint builders (``siting.constraints``) and the objective terms (``siting.costs``)
each append to one shared :class:`Programme`, as spopt's location models share their named
constraint builders (``spopt/locate/base.py``); ``siting.model`` calls them in order and reads
the finished matrix, row bounds and components off it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

#: What row ``i`` of a group says, for diagnosis: (field path, what it says, unit).
Describe = Callable[[int], tuple[str, str, str]]


@dataclass(frozen=True)
class Matrix:
    """A sparse matrix by rows (HiGHS's row-wise format): row ``i`` holds ``value[start[i] :
    start[i + 1]]`` in the columns ``index[start[i] : start[i + 1]]``, ascending.

    Made with numpy, not scipy.sparse, whose import (about 0.13 s) is most of what the site
    command would load it for."""

    start: np.ndarray  # (rows + 1,) int32
    index: np.ndarray  # (entries,) int32
    value: np.ndarray  # (entries,)
    shape: tuple[int, int]

    @classmethod
    def from_entries(
        cls, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, shape: tuple[int, int]
    ) -> Matrix:
        """The matrix with ``vals`` at (``rows``, ``cols``), summed where repeated (sums of
        zero left out)."""
        n_rows, n_cols = shape
        key = np.asarray(rows, np.int64) * n_cols + np.asarray(cols, np.int64)
        unique, where = np.unique(key, return_inverse=True)
        summed = np.bincount(where.ravel(), weights=vals, minlength=unique.size)
        keep = summed != 0
        unique, summed = unique[keep], summed[keep]
        start = np.searchsorted(unique // max(n_cols, 1), np.arange(n_rows + 1))
        index = unique % max(n_cols, 1)
        return cls(start.astype(np.int32), index.astype(np.int32), summed, shape)

    @property
    def nnz(self) -> int:
        return int(self.value.size)

    def entries(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Row, column and value of each entry."""
        rows = np.repeat(np.arange(self.shape[0]), np.diff(self.start))
        return rows, self.index.astype(np.int64), self.value

    def toarray(self) -> np.ndarray:
        """The dense matrix."""
        dense = np.zeros(self.shape)
        rows, cols, vals = self.entries()
        dense[rows, cols] = vals
        return dense


@dataclass(frozen=True)
class Block:
    """A block of variables: flat indices ``start .. start + size`` shaped ``shape``."""

    start: int
    shape: tuple[int, ...]

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))

    def idx(self) -> np.ndarray:
        """Flat indices shaped like the block."""
        return self.start + np.arange(self.size).reshape(self.shape)


@dataclass
class RowGroup:
    """Rows added together: their group (for diagnosis) and how to name row ``i``."""

    start: int
    count: int
    group: str
    describe: Describe  # i -> (field path, what it says, unit)


def _unnamed(i: int) -> tuple[str, str, str]:
    return ("", "", "")


@dataclass
class Programme:
    """Variables laid out in named blocks, their bounds (lb 0, ub inf unless set), integrality,
    objective components (USD/yr per unit of each variable) and constraint rows.

    ``var[name]`` holds the flat column indices of block ``name`` shaped like the block.
    """

    blocks: dict[str, Block]
    var: dict[str, np.ndarray]
    lb: np.ndarray
    ub: np.ndarray
    integrality: np.ndarray
    components: dict[str, np.ndarray]
    row_groups: list[RowGroup] = field(default_factory=list)
    n_rows: int = 0
    _rows: list[np.ndarray] = field(default_factory=list)
    _cols: list[np.ndarray] = field(default_factory=list)
    _vals: list[np.ndarray] = field(default_factory=list)
    _row_lb: list[np.ndarray] = field(default_factory=list)
    _row_ub: list[np.ndarray] = field(default_factory=list)

    @classmethod
    def layout(
        cls,
        shapes: dict[str, tuple[int, ...]],
        binary: Iterable[str] = (),
        components: Iterable[str] = (),
    ) -> Programme:
        """Blocks laid out in the order of ``shapes``; ``binary`` blocks are 0/1 integers;
        every component starts at zero cost."""
        blocks, start = {}, 0
        for name, shape in shapes.items():
            blocks[name] = Block(start, shape)
            start += blocks[name].size
        integrality = np.zeros(start, dtype=np.uint8)
        ub = np.full(start, np.inf)
        var = {name: blk.idx() for name, blk in blocks.items()}
        for name in binary:
            integrality[var[name]] = 1
            ub[var[name]] = 1.0
        return cls(
            blocks=blocks,
            var=var,
            lb=np.zeros(start),
            ub=ub,
            integrality=integrality,
            components={name: np.zeros(start) for name in components},
        )

    @property
    def n_vars(self) -> int:
        return self.lb.size

    def add_rows(
        self,
        count: int,
        lb: float | np.ndarray,
        ub: float | np.ndarray,
        group: str = "structural",
        describe: Describe | None = None,
    ) -> np.ndarray:
        """Add ``count`` rows with bounds ``lb <= a x <= ub``; return their indices."""
        rows = self.n_rows + np.arange(count)
        self._row_lb.append(np.broadcast_to(np.asarray(lb, dtype=float), (count,)).copy())
        self._row_ub.append(np.broadcast_to(np.asarray(ub, dtype=float), (count,)).copy())
        self.row_groups.append(RowGroup(self.n_rows, count, group, describe or _unnamed))
        self.n_rows += count
        return rows

    def coef(self, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray | float) -> None:
        """Add coefficients (summed where repeated); the three arguments broadcast together."""
        r, c, v = np.broadcast_arrays(np.asarray(rows), np.asarray(cols), np.asarray(vals, float))
        keep = v != 0
        self._rows.append(r[keep].ravel())
        self._cols.append(c[keep].ravel())
        self._vals.append(v[keep].ravel())

    def cost(self, component: str, idx: np.ndarray, values: np.ndarray | float) -> None:
        """Add ``values`` USD/yr per unit to the variables ``idx`` in ``component``."""
        i, v = np.broadcast_arrays(np.asarray(idx), np.asarray(values, dtype=float))
        np.add.at(self.components[component], i.ravel(), v.ravel())

    def matrix(self) -> Matrix:
        """The constraint matrix, (rows, variables)."""
        r = np.concatenate(self._rows) if self._rows else np.zeros(0, int)
        c = np.concatenate(self._cols) if self._cols else np.zeros(0, int)
        v = np.concatenate(self._vals) if self._vals else np.zeros(0)
        return Matrix.from_entries(r, c, v, (self.n_rows, self.n_vars))

    def row_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper bound of every row."""
        if not self._row_lb:
            return np.zeros(0), np.zeros(0)
        return np.concatenate(self._row_lb), np.concatenate(self._row_ub)
