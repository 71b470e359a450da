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
from orevalue.economics import chain, metrics, schedule
from orevalue.economics.cashflow import permit_delay_factor
from orevalue.economics.mine import mine_years
from orevalue.incentives.levers import HOLDERS, Lever, LeverSet
from orevalue.incentives.spending import SPENDINGS, Run
from orevalue.params import Params
from orevalue.scenario import Scenario, ScenarioError
from orevalue.scenario.errors import Problem

LEVELS = ("province", "federation")
#: Holder kinds of the private shareholders, whose equity IRR is the investor's hurdle.
PRIVATE = HOLDERS["private"]


def holder_names(scenario: Scenario) -> dict[str, str]:
    """Placeholder (``province``, ``federation``, ``private``) -> the name of the case's
    shareholder of that kind with the largest share, for the kinds the case has."""
    out: dict[str, str] = {}
    for placeholder, kinds in HOLDERS.items():
        of_kind = [
            (float(h.share_pct), n) for n, h in scenario.ownership.items() if h.holder in kinds
        ]
        if of_kind:
            out[placeholder] = max(of_kind)[1]
    return out


def _resolved(name: str, lever: Lever, names: dict[str, str], file: str) -> tuple[Lever, list]:
    """``lever`` with its shareholder placeholders (``ownership.{private}.share_pct``) put
    as the case's shareholders, or the problems found."""
    problems = []

    def put(path: str) -> str:
        for placeholder in HOLDERS:
            token = "{" + placeholder + "}"
            if token in path:
                if placeholder not in names:
                    msg = f"the case has no {placeholder} shareholder in [ownership] for '{path}'"
                    problems.append(Problem(file, f"{name}.path", msg))
                    return path
                path = path.replace(token, names[placeholder])
        return path

    update = {
        "path": put(lever.path),
        "offset": put(lever.offset) if lever.offset else "",
        "status_quo": {put(k): v for k, v in lever.status_quo.items()},
    }
    return lever.model_copy(update=update), problems


@dataclass
class Setup:
    """What every package is priced against: the scenario (cut to the baseline and the
    pathway priced), its parameters today (with the levers' status quo) and the levers."""

    scenario: Scenario
    pathway: str
    levers: LeverSet
    base: Params
    #: scenario switches the levers need on (an obligation), written into the overlay too
    switches: dict[str, bool] = field(default_factory=dict)
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
    problems: list[Problem] = []
    names = holder_names(cut)
    resolved = {}
    for name, lever in levers.levers.items():
        resolved[name], found = _resolved(name, lever, names, levers.file)
        problems += found
    levers = LeverSet(resolved, levers.targets, levers.file)
    for name, lever in levers.levers.items():
        for path in (lever.path, *([lever.offset] if lever.offset else []), *lever.status_quo):
            if path not in base:
                msg = f"'{path}' is no numeric field of the scenario"
                problems.append(Problem(levers.file, f"{name}.path", msg))
    if problems:
        raise ScenarioError(problems)
    # a lever's status quo stands where the case leaves its field at 0 (no delay, no premium
    # given); a value the case gives (a site's security premium) is kept
    today = {k: v for k, v in levers.status_quo().items() if float(base[k][0, 0]) == 0.0}
    base = base.replace(today)
    _check_captive(cut, levers)
    cut, switches = _with_obligation(cut, levers, base, pathway)
    return Setup(cut, pathway, levers, base, switches=switches)


#: The lever path of a captive-feed contract's share of the mine's concentrate.
CAPTIVE = "mine_plan.captive_share_pct"


def _check_captive(cut: Scenario, levers: LeverSet) -> None:
    """A captive-feed share needs a mine plan whose feed the plant does not already take in
    full (``supplies_feed = true`` is a share of 100: the lever would move nothing)."""
    name = next((n for n, lv in levers.levers.items() if lv.path == CAPTIVE), None)
    plan = cut.mine_plan
    if name is None or (plan is not None and not plan.supplies_feed):
        return
    msg = (
        "a captive-feed share needs the case's [mine_plan] with supplies_feed = false (true "
        "already takes all of the mine's concentrate)"
        if plan is not None
        else "a captive-feed share needs the case's [mine_plan]"
    )
    raise ScenarioError([Problem(levers.file, f"{name}.path", msg)])


#: Lever paths that price a domestic-processing obligation (``mine_plan.regulated_terms``).
OBLIGATION = "mine_plan.regulated_"


def _with_obligation(
    cut: Scenario, levers: LeverSet, base: Params, pathway: str
) -> tuple[Scenario, dict[str, bool]]:
    """``cut`` with the domestic-processing obligation switched on where a lever moves its
    regulated TC/RC, and the switch for the overlay. The case's regulated TC/RC must price
    the plant as the market does today (so no lever is the case): checked on the engine."""
    name = next((n for n, lv in levers.levers.items() if lv.path.startswith(OBLIGATION)), None)
    if name is None:
        return cut, {}
    plan = cut.mine_plan
    if plan is None:
        msg = "a domestic-processing obligation needs the case's [mine_plan]"
        raise ScenarioError([Problem(levers.file, f"{name}.path", msg)])
    if plan.regulated_terms:
        return cut, {"mine_plan.regulated_terms": True}
    on = cut.model_copy(update={"mine_plan": plan.model_copy(update={"regulated_terms": True})})
    one = Params(dict(base.items()), 1)
    npv = [_run_plain(s, one, pathway).result.plant["npv_usd"][0] for s in (cut, on)]
    if abs(npv[1] - npv[0]) > 1.0:
        msg = (
            "the case's regulated TC/RC (mine_plan.regulated_tc_usd_per_dmt, "
            "regulated_rc_usc_per_lb) must be the market's today so that no lever is the case: "
            f"switched on at them, the plant's NPV moves by USD {npv[1] - npv[0]:,.0f}"
        )
        raise ScenarioError([Problem(levers.file, f"{name}.path", msg)])
    return on, {"mine_plan.regulated_terms": True}


def package_params(setup: Setup, amounts: np.ndarray) -> Params:
    """Parameters of N packages, amounts (N, L) in the order of ``setup.levers``."""
    amounts = np.atleast_2d(np.asarray(amounts, dtype=float))
    n = amounts.shape[0]
    moved: dict[str, np.ndarray] = {}
    for j, lever in enumerate(setup.levers.levers.values()):  # levers, not packages
        today = moved.get(lever.path, setup.base[lever.path][:1])
        moved[lever.path] = lever.apply(today, amounts[:, j : j + 1])
        if lever.offset:  # the other side of a share handed over
            other = moved.get(lever.offset, setup.base[lever.offset][:1])
            moved[lever.offset] = other - (moved[lever.path] - today)
    wide = Params(dict(setup.base.items()), n)
    return wide.replace({k: np.broadcast_to(v, (n, 1)) for k, v in moved.items()})


def _run(setup: Setup, p: Params) -> Run:
    return _run_plain(setup.scenario, p, setup.pathway)


def _run_plain(scenario: Scenario, p: Params, pathway: str) -> Run:
    results = engine.evaluate(scenario, params=p, breakeven=False, detail=False, compare=False)
    return Run(p, results.pathways[pathway])


@dataclass(frozen=True)
class Priced:
    """N packages priced, arrays (N,) unless said: the investor's metrics and the public
    cost, USD present value at the country's rate."""

    amounts: np.ndarray  # (N, L)
    dscr_min: np.ndarray
    npv_usd: np.ndarray  # the plant's NPV after tax at the investor's rate
    forgone_pv_usd: dict[str, np.ndarray]  # revenue forgone by level
    spending_pv_usd: np.ndarray  # (L, N) outlay of each lever
    jobs_domestic: np.ndarray
    jobs_foreign: np.ndarray
    payer: tuple[str, ...]  # level paying each lever's outlay
    project_equity_irr: np.ndarray  # IRR of the whole equity cash flow
    private_equity_irr: np.ndarray  # IRR of the private shareholders' cash
    private_equity_npv_usd: np.ndarray  # their NPV at the investor's rate
    mine_npv_usd: np.ndarray  # the mine company's NPV in the integrated chain (0: no mine)
    equity: str = "private"  # whose equity is the investor's: "private" or "project"

    @property
    def equity_irr(self) -> np.ndarray:
        """The hurdle's equity IRR, fraction (N,): the private shareholders' or, when the
        hurdle is the project's, the whole equity's."""
        return self.private_equity_irr if self.equity == "private" else self.project_equity_irr

    @property
    def investor_npv_usd(self) -> np.ndarray:
        """What the package is worth to the investor, USD (N,): the private shareholders'
        equity NPV (after free carry, withholding and debt), or the plant's NPV when the
        hurdle is the project's."""
        return self.private_equity_npv_usd if self.equity == "private" else self.npv_usd

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
            "investor_npv_usd": float(self.investor_npv_usd[i]),
            "project_equity_irr": float(self.project_equity_irr[i]),
            "private_equity_irr": float(self.private_equity_irr[i]),
            "private_equity_npv_usd": float(self.private_equity_npv_usd[i]),
            "mine_npv_usd": float(self.mine_npv_usd[i]),
            "public_cost_pv_usd": float(self.cost_pv_usd()[i]),
            **{f"public_cost_{lv}_pv_usd": float(self.cost_pv_usd(lv)[i]) for lv in LEVELS},
        }


def _at_least(values: np.ndarray, floor: float) -> np.ndarray:
    return np.where(np.isnan(values), -np.inf, values) >= floor - 1e-12


def private_equity(run: Run) -> tuple[np.ndarray, np.ndarray]:
    """IRR and NPV (USD, at the investor's rate, moved by any approval delay) of the private
    shareholders' cash (dividends after withholding less the equity they pay in, the state's
    free carry included), (N,); the project's equity where the case has no private holder."""
    case, p = run.result.case, run.params
    private = [h.net_usd for h in case.holders.values() if h.holder in PRIVATE]
    cash = sum(private[1:], start=private[0]) if private else case.lines["cash_flow_to_equity"]
    rate = engine.discount_rate(p)
    return metrics.irr(cash), metrics.npv(rate, cash) * permit_delay_factor(p, rate)


def mine_government_pv_usd(scenario: Scenario, run: Run) -> dict[str, np.ndarray]:
    """What the governments get from the mine in the integrated chain
    (:mod:`orevalue.economics.chain`) less what the plant's country view counts of it, by
    level, PV USD at the country's rate on the plant's first year like the plant's
    government lines, (N,). The chain sees the whole mine (all its concentrate, exported or
    sold to the plant, and its income tax); the plant view sees the mine through the plant's
    feed (its royalties and export duty on the feed's tonnage, the income tax moved by the
    transfer price), which changes with a captive-feed share (the mine plan's tonnage in place
    of the feed's own). The province: the royalty to it; the federation: the federal royalty,
    the export duty and the income tax. Zero without a mine plan."""
    r = run.result
    zeros = np.zeros(run.params.n_samples)
    if scenario.mine_plan is None or not r.chain:
        return {lv: zeros for lv in LEVELS}
    p = run.params
    rate = engine.country_discount_rate(p)
    plant_years = schedule.timeline(scenario).years
    axis = chain.chain_axis(mine_years(scenario).years, plant_years)
    to_plant_year = (1.0 + rate) ** float(plant_years[0] - axis[0])
    rp, rf = p["mine.royalty_province_pct"][:, 0], p["mine.royalty_federal_pct"][:, 0]
    to_province = np.divide(rp, rp + rf, out=np.zeros_like(rp), where=(rp + rf) > 0)
    royalties = r.chain["mine_royalties_pv_usd"] * to_plant_year
    federal = (r.chain["mine_export_duty_pv_usd"] + r.chain["mine_income_tax_pv_usd"]) * (
        to_plant_year
    )
    c = r.country
    counted_federal = sum(
        c.get(f"government_pv_usd_{k}", zeros)
        for k in ("mine_royalty_federal", "export_duty", "mine_income_tax_change")
    )
    return {
        "province": royalties * to_province
        - c.get("government_pv_usd_mine_royalty_province", zeros),
        "federation": royalties * (1.0 - to_province) + federal - counted_federal,
    }


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
    mine_ref = mine_government_pv_usd(setup.scenario, ref)
    mine_pkg = mine_government_pv_usd(setup.scenario, pkg)
    for lv in LEVELS:  # the mine as the chain sees it, not as the plant's feed shows it
        forgone[lv] = forgone[lv] + (mine_ref[lv] - mine_pkg[lv])
    plant, country = pkg.result.plant, pkg.result.country
    no_debt = pkg.params["finance.debt_pct_of_capex"][:, 0] <= 0  # no loan, no cover to meet
    private_irr, private_npv = private_equity(pkg)
    mine = pkg.result.chain.get("mine_npv_usd", np.zeros(amounts.shape[0]))
    return Priced(
        amounts,
        np.where(no_debt, np.inf, plant["dscr_min"]),
        plant["npv_usd"],
        forgone,
        np.array(outlays).reshape(len(levers), amounts.shape[0]),
        country["jobs_operations_domestic"],
        country["jobs_operations_foreign"],
        tuple(lv.pays for lv in levers),
        plant["equity_irr"],
        private_irr,
        private_npv,
        mine,
        setup.levers.targets.equity,
    )
