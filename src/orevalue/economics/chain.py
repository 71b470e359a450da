"""The integrated view of a pathway: the mine and the plant as one chain, and as two
companies dealing at the transfer price, so that who gains (mine, plant, province, federation)
adds up.

The two companies' lines are laid on one calendar axis (the earlier first year to the later
last year of the mine and the plant). The mine sells the plant the concentrate the plant
processes (up to its own output; any more the plant buys from third parties) at the
plant's feed cost for it, and is paid when the plant stocks it: the plant's working capital
held in the mine's concentrate is the mine's receipt (so the transfer cancels in the chain's
cash flow at any transfer price). The rest of the mine's concentrate is exported. The chain's
cash flow before government is the sum of the two companies'; the transfer price moves only
royalties and income taxes between the mine, the plant and the governments. USD (N, Y).
"""

from __future__ import annotations

import numpy as np

from orevalue.economics import metrics, schedule
from orevalue.economics.mine import MineCase, company_lines
from orevalue.economics.plant import PlantCase
from orevalue.params import Params
from orevalue.scenario import Scenario


def chain_axis(mine_years: np.ndarray, plant_years: np.ndarray) -> np.ndarray:
    """Calendar years covering both the mine's and the plant's."""
    return np.arange(min(mine_years[0], plant_years[0]), max(mine_years[-1], plant_years[-1]) + 1)


def on_axis(line: np.ndarray, years: np.ndarray, axis: np.ndarray) -> np.ndarray:
    """``line`` (N, Y) over ``years`` laid on the calendar ``axis``, zero elsewhere."""
    out = np.zeros((line.shape[0], axis.size))
    start = int(years[0] - axis[0])
    out[:, start : start + years.size] = line
    return out


def two_companies(
    scenario: Scenario,
    p: Params,
    mine: MineCase,
    case: PlantCase,
    tl: schedule.Timeline,
) -> tuple[np.ndarray, dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The chain's axis, the mine's lines as the plant's supplier and the plant's lines,
    both on that axis, USD (N, Y)."""
    plan = scenario.mine_plan
    assert plan is not None
    axis = chain_axis(mine.years.years, tl.years)
    zeros_plant = np.zeros_like(case.lines["revenue"])
    processed = on_axis(
        case.flows.feeds_processed_dry_t.get(plan.feed, zeros_plant), tl.years, axis
    )
    conc = on_axis(mine.concentrate_dry_t, mine.years.years, axis)
    ore = on_axis(mine.ore_t, mine.years.years, axis)
    to_plant_t = np.minimum(processed, conc)
    share = np.divide(to_plant_t, processed, out=np.zeros_like(conc), where=processed > 0)
    share_plant = share[:, int(tl.years[0] - axis[0]) :][:, : tl.years.size]
    sales_plant = case.lines.get("mine_sales_to_plant", zeros_plant) * share_plant
    # paid when stocked: the plant's working capital held in this feed is the mine's receipt
    level = sales_plant * (p["project.working_capital_days_of_feed"] / 365.0)
    timing = np.diff(level, axis=1, prepend=0.0)
    timing[:, -1] -= level[:, -1]
    sales = on_axis(sales_plant, tl.years, axis)
    timing = on_axis(timing, tl.years, axis)
    unit = on_axis(mine.value_per_dry_t.total_usd, mine.years.years, axis)
    left = np.maximum(conc - to_plant_t, 0.0)
    exported = left * unit  # sold abroad, or at home in the part of a year a trade rule bars
    fob = left * on_axis(mine.exported_per_dry_t, mine.years.years, axis)  # pays the duty
    if plan.export_ban and case.flows.stages:  # the rest goes unsold
        exported = fob = np.zeros_like(exported)
    mine_axis = _Years(axis)
    mine_lines = company_lines(
        scenario, mine.q, mine_axis, ore, conc, exported, sales + timing, fob
    )
    plant_lines = {
        k: on_axis(case.lines[k], tl.years, axis)
        for k in ("cash_flow_pre_government", "cash_flow", "royalty", "income_tax")
        if k in case.lines
    }
    gov = plant_government(case)
    plant_lines["government_province"] = on_axis(gov["province"], tl.years, axis)
    plant_lines["government_federation"] = on_axis(gov["federation"], tl.years, axis)
    return axis, mine_lines, plant_lines


class _Years:
    """A year axis with :meth:`index`, for the mine's capital laid on the chain's axis."""

    def __init__(self, years: np.ndarray):
        self.years = years

    def index(self, year: int) -> int:
        return int(year - self.years[0])


def plant_government(case: PlantCase) -> dict[str, np.ndarray]:
    """What the plant pays the governments before financing, by level, USD (N, Y): the
    difference of its cash flows before government and after tax (royalty, customs duty on
    imported plant, income taxes), the royalty to the level that collects it (the mine
    royalty of a plant that mines its own ore to the province) and the rest to the
    federation."""
    lines = case.lines
    total = lines.get("cash_flow_pre_government", lines["cash_flow_pre_tax"]) - lines["cash_flow"]
    province = case.government["plant_royalty_province"]  # 0 where the federation takes it
    mined = case.government.get("mine_royalty_province")
    if mined is not None:  # it mines its own ore: the royalty on sales, then the mine's
        province = province + mined
    return {"province": province, "federation": total - province}


def chain_lines(
    mine_lines: dict[str, np.ndarray], plant_lines: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """The chain's lines: cash flow before government and after, and government by level,
    each the sum of the two companies', USD (N, Y)."""
    zeros = np.zeros_like(mine_lines["cash_flow"])
    return {
        "cash_flow_pre_government": mine_lines["cash_flow_pre_government"]
        + plant_lines.get("cash_flow_pre_government", zeros),
        "cash_flow": mine_lines["cash_flow"] + plant_lines.get("cash_flow", zeros),
        "government_province": mine_lines["royalty_province"]
        + plant_lines.get("government_province", zeros),
        "government_federation": mine_lines["royalty_federal"]
        + mine_lines["export_duty"]
        + mine_lines["income_tax"]
        + plant_lines.get("government_federation", zeros),
    }


def chain_metrics(
    mine_lines: dict[str, np.ndarray],
    plant_lines: dict[str, np.ndarray],
    rate: np.ndarray,
) -> dict[str, np.ndarray]:
    """Present values of the chain and its parts on the chain's axis at the country's
    ``rate``, (N,): the chain before and after government, the mine, the plant, the province
    and the federation (the last four add up to the first), and the chain's IRR."""
    lines = chain_lines(mine_lines, plant_lines)
    zeros = np.zeros_like(lines["cash_flow"])
    return {
        "chain_npv_pre_government_usd": metrics.npv(rate, lines["cash_flow_pre_government"]),
        "chain_npv_usd": metrics.npv(rate, lines["cash_flow"]),
        "chain_irr": metrics.irr(lines["cash_flow"]),
        "mine_npv_usd": metrics.npv(rate, mine_lines["cash_flow"]),
        "plant_npv_usd": metrics.npv(rate, plant_lines.get("cash_flow", zeros)),
        "province_pv_usd": metrics.npv(rate, lines["government_province"]),
        "federation_pv_usd": metrics.npv(rate, lines["government_federation"]),
        "mine_sales_to_plant_pv_usd": metrics.npv(rate, mine_lines["sales_to_plant"]),
        "mine_royalties_pv_usd": metrics.npv(
            rate, mine_lines["royalty_province"] + mine_lines["royalty_federal"]
        ),
        "mine_export_duty_pv_usd": metrics.npv(rate, mine_lines["export_duty"]),
        "mine_income_tax_pv_usd": metrics.npv(rate, mine_lines["income_tax"]),
    }


#: Chain metrics compared with the baseline pathway, as gains (who gains adds up).
GAIN_KEYS = ("mine_npv_usd", "plant_npv_usd", "province_pv_usd", "federation_pv_usd")


def gains(chain: dict[str, np.ndarray], baseline: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Each party's gain over the baseline pathway, and the chain's before government (their
    sum), USD (N,)."""
    out = {f"gain_{k}": chain[k] - baseline[k] for k in GAIN_KEYS}
    out["gain_chain_pre_government_usd"] = (
        chain["chain_npv_pre_government_usd"] - baseline["chain_npv_pre_government_usd"]
    )
    return out


def integrated(
    scenario: Scenario,
    p: Params,
    tl: schedule.Timeline,
    cases: dict[str, PlantCase],
    baseline: str,
) -> tuple[dict[str, np.ndarray], dict[str, dict[str, np.ndarray]]]:
    """The mine view's metrics, and each pathway's chain metrics with the gains of each
    party over the ``baseline`` pathway and, where a lever on the link is set (export duty on
    concentrate, export ban, regulated TC/RC), the value it moves to each party, (N,); the
    country's discount rate throughout."""
    from orevalue.economics import mine as mine_view

    rate = p["project.discount_rate_pct"][:, 0] / 100.0
    case = mine_view.mine_case(scenario, p)
    chains = {}
    for name, plant in cases.items():
        _, mine_lines, plant_lines = two_companies(scenario, p, case, plant, tl)
        chains[name] = chain_metrics(mine_lines, plant_lines, rate)
    for name in chains:
        chains[name].update(gains(chains[name], chains[baseline]))
    plan = scenario.mine_plan
    assert plan is not None
    if plan.levers() or p["fiscal.export_duty_conc_pct"].any():
        free = scenario.model_copy(update={"mine_plan": plan.without_levers()})
        free_p = p.replace({"fiscal.export_duty_conc_pct": 0.0})
        for name, moved in lever_effects(free, free_p, tl, chains, rate).items():
            chains[name].update(moved)
    return mine_view.mine_view(scenario, p), chains


def lever_effects(
    free: Scenario,
    free_p: Params,
    tl: schedule.Timeline,
    chains: dict[str, dict[str, np.ndarray]],
    rate: np.ndarray,
) -> dict[str, dict[str, np.ndarray]]:
    """Value each lever on the link moves to each party, per pathway: the chain's metrics
    less those of the same chain with no lever (``free``, ``free_p``), USD (N,)."""
    from orevalue.economics import mine as mine_view
    from orevalue.economics.plant import plant_case
    from orevalue.economics.pricing import Market

    market = Market.from_params(free_p, tl.years)
    case = mine_view.mine_case(free, free_p)
    out = {}
    for name, with_levers in chains.items():
        plant = plant_case(free, free_p, name, tl, market)
        _, mine_lines, plant_lines = two_companies(free, free_p, case, plant, tl)
        without = chain_metrics(mine_lines, plant_lines, rate)
        out[name] = {
            f"lever_moved_{k}": with_levers[k] - without[k]
            for k in (*GAIN_KEYS, "chain_npv_pre_government_usd")
        }
    return out
