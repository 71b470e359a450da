"""Price incentive packages: each package is one sample of the engine, so thousands of them
are evaluated in one vectorised call (never a Python loop over packages).

A package is a row of amounts, one per lever (0 = no lever). Its parameters are the
scenario's with each lever's field moved by its kind (:mod:`orevalue.incentives.levers`);
the engine gives the investor's equity IRR, minimum DSCR and NPV, and the government's
revenue by level. Public cost = revenue forgone against the reference (all levers at 0)
plus the lever's outlays (:mod:`orevalue.incentives.spending`), in present value at the
country's discount rate (:func:`orevalue.engine.country_discount_rate`), by level.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from orevalue import engine
from orevalue.economics import metrics
from orevalue.incentives.levers import LeverSet
from orevalue.incentives.spending import SPENDINGS, Run
from orevalue.params import Params
from orevalue.scenario import Scenario, ScenarioError
from orevalue.scenario.errors import Problem

LEVELS = ("province", "federation")


@dataclass
class Setup:
    """What every package is priced against: the scenario (cut to the baseline and the
    pathway priced), its parameters today (with the levers' status quo) and the levers."""

    scenario: Scenario
    pathway: str
    levers: LeverSet
    base: Params
    _reference: Run | None = field(default=None, repr=False)

    @property
    def reference(self) -> Run:
        """The package of all zeros: the scenario as it stands."""
        if self._reference is None:
            self._reference = _run(self, self.base)
        return self._reference


def make_setup(scenario: Scenario, levers: LeverSet, pathway: str) -> Setup:
    """The :class:`Setup` for pricing ``levers`` on ``pathway`` of ``scenario``.

    Raises :class:`ScenarioError` for a pathway that builds no plant or a lever whose field
    is not a number of the scenario.
    """
    if pathway not in scenario.pathways or not scenario.pathways[pathway].stages:
        building = [k for k, v in scenario.pathways.items() if v.stages]
        raise ScenarioError(
            [Problem(levers.file, "pathway", f"'{pathway}' builds no plant; one of {building}")]
        )
    keep = dict.fromkeys([scenario.baseline_pathway, pathway])
    cut = scenario.model_copy(update={"pathways": {k: scenario.pathways[k] for k in keep}})
    base = Params.from_scenario(cut)
    problems = []
    for name, lever in levers.levers.items():
        for path in (lever.path, *lever.status_quo):
            if path not in base:
                msg = f"'{path}' is no numeric field of the scenario"
                problems.append(Problem(levers.file, f"{name}.path", msg))
    if problems:
        raise ScenarioError(problems)
    # a lever's status quo stands where the case leaves its field at 0 (no delay, no premium
    # given); a value the case gives (a site's security premium) is kept
    today = {k: v for k, v in levers.status_quo().items() if float(base[k][0, 0]) == 0.0}
    return Setup(cut, pathway, levers, base.replace(today))


def package_params(setup: Setup, amounts: np.ndarray) -> Params:
    """Parameters of N packages, amounts (N, L) in the order of ``setup.levers``."""
    amounts = np.atleast_2d(np.asarray(amounts, dtype=float))
    n = amounts.shape[0]
    moved: dict[str, np.ndarray] = {}
    for j, lever in enumerate(setup.levers.levers.values()):  # levers, not packages
        today = moved.get(lever.path, setup.base[lever.path][:1])
        moved[lever.path] = lever.apply(today, amounts[:, j : j + 1])
    wide = Params(dict(setup.base.items()), n)
    return wide.replace({k: np.broadcast_to(v, (n, 1)) for k, v in moved.items()})


def _run(setup: Setup, p: Params) -> Run:
    results = engine.evaluate(
        setup.scenario, params=p, breakeven=False, detail=False, compare=False
    )
    return Run(p, results.pathways[setup.pathway])


@dataclass(frozen=True)
class Priced:
    """N packages priced, arrays (N,) unless said: the investor's metrics and the public
    cost, USD present value at the country's rate."""

    amounts: np.ndarray  # (N, L)
    equity_irr: np.ndarray
    dscr_min: np.ndarray
    npv_usd: np.ndarray  # the plant's NPV after tax at the investor's rate
    forgone_pv_usd: dict[str, np.ndarray]  # revenue forgone by level
    spending_pv_usd: np.ndarray  # (L, N) outlay of each lever
    jobs_domestic: np.ndarray
    jobs_foreign: np.ndarray
    payer: tuple[str, ...]  # level paying each lever's outlay

    def cost_pv_usd(self, level: str | None = None) -> np.ndarray:
        """Public cost: revenue forgone plus outlays, of one level (None: both)."""
        levels = LEVELS if level is None else (level,)
        out = np.zeros(self.npv_usd.shape)
        for lv in levels:
            out = out + self.forgone_pv_usd[lv]
            out = out + sum(
                (s for s, who in zip(self.spending_pv_usd, self.payer, strict=True) if who == lv),
                start=np.zeros_like(out),
            )
        return out

    def bankable(self, equity_irr_pct: float, min_dscr: float) -> np.ndarray:
        """Packages meeting both targets (NaN never does), (N,) bool."""
        return _at_least(self.equity_irr, equity_irr_pct / 100.0) & _at_least(
            self.dscr_min, min_dscr
        )

    def row(self, i: int) -> dict[str, float]:
        """Package ``i``'s headline numbers."""
        return {
            "equity_irr": float(self.equity_irr[i]),
            "dscr_min": float(self.dscr_min[i]),
            "npv_usd": float(self.npv_usd[i]),
            "public_cost_pv_usd": float(self.cost_pv_usd()[i]),
            **{f"public_cost_{lv}_pv_usd": float(self.cost_pv_usd(lv)[i]) for lv in LEVELS},
        }


def _at_least(values: np.ndarray, floor: float) -> np.ndarray:
    return np.where(np.isnan(values), -np.inf, values) >= floor - 1e-12


def price(setup: Setup, amounts: np.ndarray) -> Priced:
    """Price N packages, amounts (N, L): one engine evaluation with a sample per package."""
    amounts = np.atleast_2d(np.asarray(amounts, dtype=float))
    ref = setup.reference
    pkg = _run(setup, package_params(setup, amounts))
    rate = engine.country_discount_rate(pkg.params)
    levers = list(setup.levers.levers.values())
    outlays = [
        metrics.npv(rate, SPENDINGS[lv.spending](lv, amounts[:, j : j + 1], ref, pkg))
        for j, lv in enumerate(levers)
    ]
    gov = "government_revenue_{}_pv_usd"
    forgone = {
        lv: ref.result.country[gov.format(lv)] - pkg.result.country[gov.format(lv)] for lv in LEVELS
    }
    plant, country = pkg.result.plant, pkg.result.country
    no_debt = pkg.params["finance.debt_pct_of_capex"][:, 0] <= 0  # no loan, no cover to meet
    return Priced(
        amounts,
        plant["equity_irr"],
        np.where(no_debt, np.inf, plant["dscr_min"]),
        plant["npv_usd"],
        forgone,
        np.array(outlays).reshape(len(levers), amounts.shape[0]),
        country["jobs_operations_domestic"],
        country["jobs_operations_foreign"],
        tuple(lv.pays for lv in levers),
    )
