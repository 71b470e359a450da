"""Parameters: a flat map "dotted.path" -> float array shaped (N, 1), N samples.

A deterministic run has N = 1; a risk run replaces some entries with N sampled values. Lists
are flattened with their index in the path (``project.utilisation_pct.0``); price decks keep
their years (``prices.cu_usd_per_t.2026``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from orevalue.scenario import Scenario


def _flatten(values: Any, prefix: str, out: dict[str, float]) -> None:
    if isinstance(values, dict):
        for key, item in values.items():
            _flatten(item, f"{prefix}{key}.", out)
    elif isinstance(values, list | tuple):
        for i, item in enumerate(values):
            _flatten(item, f"{prefix}{i}.", out)
    elif isinstance(values, int | float) and not isinstance(values, bool):
        out[prefix[:-1]] = float(values)


class Params(Mapping[str, np.ndarray]):
    """Numeric inputs of a scenario, each an array shaped (N, 1)."""

    def __init__(self, values: Mapping[str, ArrayLike], n_samples: int = 1):
        self.n_samples = n_samples
        self._values = {k: self._column(v) for k, v in values.items()}
        self._numbered: dict[str, list[int]] | None = None  # see deck_years
        #: (the Params this one copies, the paths it adds): its deck years are that one's
        #: and these paths' (see replace and deck_years)
        self._scan_from: tuple[Params, list[str]] | None = None
        self._decks: dict[str, tuple[tuple[int, ...], np.ndarray]] = {}  # see with_decks

    def _column(self, value: ArrayLike) -> np.ndarray:
        if (
            type(value) is np.ndarray
            and value.dtype == np.float64
            and value.shape == (self.n_samples, 1)
        ):  # already a column (sampled inputs, a price path's years): a read-only view, as
            # broadcast_to gives, without its iterator (a risk run makes ~240 an evaluation)
            view = value.view()
            view.flags.writeable = False
            return view
        arr = np.asarray(value, dtype=np.float64).reshape(-1, 1)
        if arr.shape[0] not in (1, self.n_samples):
            raise ValueError(f"expected 1 or {self.n_samples} samples, got {arr.shape[0]}")
        return np.broadcast_to(arr, (self.n_samples, 1))

    @classmethod
    def from_scenario(cls, scenario: Scenario, n_samples: int = 1) -> Params:
        flat: dict[str, float] = {}
        _flatten(scenario.model_dump(), "", flat)
        return cls(flat, n_samples)

    def __getitem__(self, path: str) -> np.ndarray:
        try:
            return self._values[path]
        except KeyError:
            raise KeyError(f"no numeric parameter '{path}'") from None

    def get(self, path: str, default: float = 0.0) -> np.ndarray:  # type: ignore[override]
        """The parameter at ``path``, or ``default`` broadcast to (N, 1) where it is not set."""
        if path in self._values:
            return self._values[path]
        return np.full((self.n_samples, 1), default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def vector(self, path: str) -> np.ndarray:
        """A flattened list parameter as an array shaped (N, length)."""
        items = []
        while f"{path}.{len(items)}" in self._values:
            items.append(self._values[f"{path}.{len(items)}"])
        if not items:
            raise KeyError(f"no list parameter '{path}'")
        return np.concatenate(items, axis=1)

    def replace(self, updates: Mapping[str, ArrayLike]) -> Params:
        """A copy with some parameters replaced (scalars or N samples)."""
        out = Params({}, self.n_samples)
        out._values = dict(self._values)  # already columns: only the updates are converted
        out._values.update({k: out._column(v) for k, v in updates.items()})
        added = [k for k in updates if k not in self._values]
        if self._scan_from is not None:  # never a chain: from the first Params not scanned
            source, before = self._scan_from
            out._scan_from = (source, before + added)
        elif self._numbered is not None and not added:  # the same paths: the same decks
            out._numbered = self._numbered
        else:
            out._scan_from = (self, added)
        changed = {k.rpartition(".")[0] for k in updates}
        out._decks = {k: d for k, d in self._decks.items() if k not in changed}
        return out

    def with_decks(self, decks: Mapping[str, np.ndarray], years: np.ndarray) -> Params:
        """A copy in which each deck ``path`` takes a value in every one of ``years``, given at
        once as (N, Y) values (a simulated price path): the per-year parameters are its
        columns, and :meth:`deck` hands back the array itself."""
        keys = [int(y) for y in years]
        out = self.replace(
            {
                f"{path}.{y}": v[:, k : k + 1]
                for path, v in decks.items()
                for k, y in enumerate(keys)
            }
        )
        for path, values in decks.items():
            frozen = np.ascontiguousarray(values).view()  # C order, as computed elsewhere
            frozen.flags.writeable = False
            out._decks[path] = (tuple(keys), frozen)
        return out

    def deck_years(self, path: str) -> list[int]:
        """Years given for the price deck at ``path``."""
        if self._numbered is None and self._scan_from is not None:  # the scan of the
            # Params this one copies (a risk run's base: scanned once, not once a chunk),
            # with the paths added since (not in it: each adds its year as the scan would)
            source, added = self._scan_from
            source.deck_years(path)
            numbered = source._numbered or {}
            if added:
                numbered = dict(numbered)
                for key in added:
                    head, _, tail = key.rpartition(".")
                    if tail.isdigit():
                        numbered[head] = sorted([*numbered.get(head, []), int(tail)])
            self._numbered, self._scan_from = numbered, None
        if self._numbered is None:  # every "<path>.<number>" once, not a scan per deck
            numbered: dict[str, list[int]] = {}
            for key in self._values:
                head, _, tail = key.rpartition(".")
                if tail.isdigit():
                    numbered.setdefault(head, []).append(int(tail))
            self._numbered = {head: sorted(nums) for head, nums in numbered.items()}
        return list(self._numbered.get(path, []))

    def deck(self, path: str, years: np.ndarray) -> np.ndarray:
        """Deck values for ``years`` (N, Y): linear between the years given, flat outside."""
        knots = self.deck_years(path)
        if not knots:
            raise KeyError(f"no price deck '{path}'")
        years = np.asarray(years)
        given = self._decks.get(path)
        if given is not None and given[0] == tuple(years.tolist()):
            return given[1]
        if set(years.tolist()) <= set(knots):  # a value for every year (a simulated path)
            columns = [self._values[f"{path}.{int(y)}"] for y in years.tolist()]
            return np.concatenate(columns, axis=1)
        # each year lies between two knots (or beyond the ends): value = (1 - w) x left + w x
        # right, elementwise, so every sample's path is the same whatever the other samples
        right = np.clip(np.searchsorted(knots, years, side="right"), 1, max(len(knots) - 1, 1))
        left = right - 1
        k = np.asarray(knots, dtype=float)
        if len(knots) == 1:
            return np.repeat(self._values[f"{path}.{knots[0]}"], years.size, axis=1)
        span = k[right] - k[left]
        w = np.clip((years - k[left]) / span, 0.0, 1.0)
        # lo + w x (hi - lo), written interval by interval: the years between the same two
        # knots share their columns (N, 1), so no (N, Y) array of either is made
        out = np.empty((self.n_samples, years.size))
        for i in dict.fromkeys(left.tolist()):  # (np.unique would import numpy.ma)
            cols = np.flatnonzero(left == i)
            a, b = int(cols[0]), int(cols[-1]) + 1
            lo, hi = self._values[f"{path}.{knots[i]}"], self._values[f"{path}.{knots[i + 1]}"]
            if b - a == cols.size:  # years in order: one block of columns
                dst = np.multiply(w[a:b], hi - lo, out=out[:, a:b])
                np.add(lo, dst, out=dst)
            else:
                out[:, cols] = lo + w[cols] * (hi - lo)
        return out

    def flat_deck(self, path: str, value: ArrayLike) -> Params:
        """A copy in which the deck at ``path`` is ``value`` in every year."""
        return self.replace({f"{path}.{y}": value for y in self.deck_years(path)})
