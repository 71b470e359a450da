"""From random numbers to parameters: the uncertain factors of a run and how they are drawn.

A run's randomness is a stream of fixed-size blocks of samples. Block b draws from its own
generator, ``SeedSequence(seed, spawn_key=(b,))``, in a fixed order (input uniforms, then price
shocks, then regime uniforms), so sample i gets the same numbers whatever the chunk size, the
number of workers or the number of samples asked for.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orevalue.economics import schedule
from orevalue.params import Params
from orevalue.risk import copula, prices
from orevalue.risk.distributions import LogNormal, Normal, normal_ppf
from orevalue.risk.spec import RiskSpec, UncertainInput
from orevalue.scenario import Scenario

#: Samples per block of random numbers (fixed: results must not depend on chunking).
BLOCK = 1024


@dataclass(frozen=True)
class Factor:
    """One source of uncertainty as the sensitivity analyses see it: an input, or the whole
    path of one price series."""

    name: str  # dotted input path, or "prices.<series>" for a path
    label: str
    kind: str  # "input" or "price path"
    dims: int  # uniforms it takes in a unit-cube design
    value_tag: str = ""  # the scenario value's tag; "E" marks an estimate
    input: UncertainInput | None = None


@dataclass(frozen=True)
class Draws:
    """Random numbers of n samples: input uniforms (n, k), standard normal price shocks
    (n, S, T) and regime uniforms (n, R, T)."""

    u: np.ndarray
    shocks: np.ndarray
    regime_u: np.ndarray

    @property
    def n(self) -> int:
        return self.u.shape[0]

    def rows(self, a: int, b: int) -> Draws:
        return Draws(self.u[a:b], self.shocks[a:b], self.regime_u[a:b])


class RiskModel:
    """A scenario with its resolved uncertainty: draws random numbers, turns them into
    parameters, and names the factors for the sensitivity analyses."""

    def __init__(self, scenario: Scenario, spec: RiskSpec, params: Params | None = None):
        self.scenario = scenario
        self.spec = spec
        base = params if params is not None else Params.from_scenario(scenario)
        values = {k: np.asarray(base[k][:1], dtype=float) for k in base}
        values.update({k: np.array([[v]]) for k, v in spec.fixed.items()})
        self.base_values = values
        self._base_params: dict[int, Params] = {}
        self.years = schedule.timeline(scenario).years
        self.inputs = spec.inputs
        self.k = len(spec.inputs)
        pm = spec.prices
        self.n_series = len(pm.series) if pm else 0
        self.n_regimes = prices.regime_count(pm) if pm else 0
        self.steps = prices.steps(pm, self.years) if pm else 0
        self._corr_index = [i for i, inp in enumerate(self.inputs) if inp.path in spec.correlated]
        self._shock_factor = copula.factor(pm.corr) if pm else np.eye(0)
        factors = [Factor(i.path, i.path, "input", 1, i.value_tag, i) for i in spec.inputs]
        for s in pm.series if pm else ():
            dims = self.steps * (1 + (s.regime is not None))
            linked = [link.name for link in pm.linked if link.base == s.name]  # type: ignore[union-attr]
            label = f"{s.name} path" + (f" (+ {', '.join(linked)})" if linked else "")
            factors.append(Factor(f"prices.{s.name}", label, "price path", dims, s.tag))
        self.factors: tuple[Factor, ...] = tuple(factors)

    # ------------------------------------------------------------------ parameters

    def base_params(self, n: int = 1) -> Params:
        """The scenario's own values (fixed inputs applied), n identical samples."""
        if n not in self._base_params:  # kept: every chunk of a run has the same size
            self._base_params = {n: Params(self.base_values, n)}
        return self._base_params[n]

    def params(self, draws: Draws, only_series: str | None = None) -> Params:
        """Parameters of ``draws.n`` samples."""
        n = draws.n
        values = {}
        for j, inp in enumerate(self.inputs):
            x = inp.dist.ppf(draws.u[:, j]).reshape(n, 1)
            if isinstance(inp.dist, Normal | LogNormal):  # tails beyond the field (< 1e-6)
                x = np.clip(x, *inp.bounds)
            values[inp.path] = x
        p = self.base_params(n).replace(values)
        pm = self.spec.prices
        if pm is not None and self.steps > 0:
            paths = prices.path_updates(
                pm, p, self.years, draws.shocks, draws.regime_u, only_series
            )
            p = p.with_decks(paths, self.years)
        return p

    # ------------------------------------------------------------------ random numbers

    def block(self, seed: int, index: int) -> Draws:
        """Random numbers of block ``index`` (BLOCK samples), dependence applied."""
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(index,)))
        u = rng.random((BLOCK, self.k))
        shocks = rng.standard_normal((BLOCK, self.steps, self.n_series))
        regime_u = rng.random((BLOCK, self.n_regimes, self.steps))
        if len(self._corr_index) >= 2 and self.spec.rank_corr is not None:
            cols = self._corr_index
            if self.spec.method == "iman-conover":
                u[:, cols] = copula.iman_conover(u[:, cols], self.spec.rank_corr, rng)
            else:
                u[:, cols] = copula.gaussian_copula(u[:, cols], self.spec.rank_corr)
        # correlate across series: (n, T, S) x factor (S, S) -> (n, S, T); einsum's optimised
        # path is one matrix product, ten times the speed of numpy's stacked small products
        shocks = np.einsum("nts,rs->nrt", shocks, self._shock_factor, optimize=True)
        return Draws(u, shocks, regime_u)

    def draws(self, seed: int, start: int, stop: int) -> Draws:
        """Random numbers of samples ``start`` .. ``stop - 1`` of the stream for ``seed``."""
        first, last = start // BLOCK, (stop - 1) // BLOCK
        blocks = [self.block(seed, b) for b in range(first, last + 1)]
        joined = Draws(
            np.concatenate([b.u for b in blocks]),
            np.concatenate([b.shocks for b in blocks]),
            np.concatenate([b.regime_u for b in blocks]),
        )
        offset = start - first * BLOCK
        return joined.rows(offset, offset + stop - start)

    # ------------------------------------------------------------------ unit-cube designs

    @property
    def dims(self) -> int:
        """Uniforms per sample in a unit-cube design (Sobol): inputs, shocks, regime draws."""
        return sum(f.dims for f in self.factors)

    def groups(self) -> list[str]:
        """Factor name of each dimension of a unit-cube design."""
        return [f.name for f in self.factors for _ in range(f.dims)]

    def from_unit(self, x: np.ndarray) -> Draws:
        """Draws from a unit-cube design (n, dims); inputs and shocks independent (no
        correlation: variance-based indices assume independent factors)."""
        n = x.shape[0]
        x = np.clip(x, 1e-12, 1.0 - 1e-12)
        u = x[:, : self.k]
        shocks = np.zeros((n, self.n_series, self.steps))
        regime_u = np.zeros((n, self.n_regimes, self.steps))
        col, r = self.k, 0
        for s, series in enumerate(self.spec.prices.series if self.spec.prices else ()):
            shocks[:, s] = normal_ppf(x[:, col : col + self.steps])
            col += self.steps
            if series.regime is not None:
                regime_u[:, r] = x[:, col : col + self.steps]
                col += self.steps
                r += 1
        return Draws(u, shocks, regime_u)
