"""Who receives the plant's money: the governments, by instrument, and every stakeholder.

The last two steps of the plant view. USD (N samples, Y years).
"""

from __future__ import annotations

import numpy as np

from orevalue import outputs
from orevalue.economics import finance
from orevalue.economics.ownership import HolderFlows
from orevalue.params import Params

#: Stakeholders whose share stays in the host country (kind "home" in data/outputs.csv).
DOMESTIC_STAKEHOLDERS = outputs.stakeholders(kind="home")
#: The plant's instruments by kind, in the table's order (data/outputs.csv).
PLANT_ROYALTIES = outputs.instruments(kind="royalty", payer="plant")
PLANT_DUTIES = outputs.instruments(kind="duty", payer="plant")
PLANT_WITHHOLDING = outputs.instruments(kind="withholding", payer="plant")
PLANT_EQUITY = outputs.instruments(kind="equity", payer="plant")
#: The mine royalties, which a plant that mines its own ore pays too.
MINE_ROYALTIES = outputs.instruments(kind="royalty", payer="mine")


def _plant_instruments(level: str) -> tuple[str, ...]:
    """The plant's instruments of one ``level`` (province, federation) in the order their
    revenue is summed: the table's order with the royalties last (the engine's order)."""
    mine = outputs.instruments(level=level, payer="plant")
    return (
        *(k for k in mine if k not in PLANT_ROYALTIES),
        *(k for k in mine if k in PLANT_ROYALTIES),
    )


def _paid(level: str, government: dict[str, np.ndarray]) -> tuple[str, ...]:
    """The instruments of ``level`` the plant pays: its own (:func:`_plant_instruments`),
    then the mine royalties where it mines its own ore (they are in ``government``)."""
    mined = (k for k in MINE_ROYALTIES if k in government and _level(k) == level)
    return (*_plant_instruments(level), *mined)


def _level(instrument: str) -> str:
    return outputs.row(instrument, "government").level


def government_lines(
    royalty_to: str,
    income_taxes: dict[str, np.ndarray],
    royalty: np.ndarray,
    customs_duty: np.ndarray,
    holders: dict[str, HolderFlows],
) -> dict[str, np.ndarray]:
    """What the province and the federation receive from the plant, by instrument, (N, Y):
    the taxes on income, the plant royalty (to ``royalty_to``), customs duty, dividend
    withholding and the state's equity."""
    zeros = np.zeros_like(royalty)
    out = dict(income_taxes)
    for key in PLANT_ROYALTIES:  # the royalty to the level that collects it, 0 to the other
        out[key] = royalty if royalty_to == _level(key) else 0.0 * royalty
    for key in PLANT_DUTIES:
        out[key] = customs_duty
    for key in PLANT_WITHHOLDING:
        out[key] = sum((h.withholding_usd for h in holders.values()), start=zeros)
    for key in PLANT_EQUITY:  # the state's shares, by the level that holds them
        out[key] = sum(
            (h.net_usd for h in holders.values() if h.holder == _level(key)), start=zeros
        )
    return out


def stakeholders(
    p: Params,
    opex_parts: dict[str, np.ndarray],
    built_usd: np.ndarray,
    working_capital_change: np.ndarray,
    wages_usd: tuple[np.ndarray, np.ndarray],
    government: dict[str, np.ndarray],
    holders: dict[str, HolderFlows],
    debt: finance.Debt,
) -> dict[str, np.ndarray]:
    """Where each dollar of the plant's value (revenue less feed) goes, USD (N, Y).

    ``built_usd`` is the capital spent before customs duty (initial and sustaining),
    ``wages_usd`` the (domestic, foreign) wage bill by year. The parts add up to revenue -
    feed cost in every year: people, suppliers at home and abroad, governments (taxes,
    duties, royalties and state equity), private equity and lenders; working capital is
    timing and sums to zero over the life.
    """
    zeros = np.zeros_like(working_capital_change)
    home = {
        k: p[f"local_content.{k}_domestic_pct"] / 100.0
        for k in ("power", "fuel", "water", "consumables", "maintenance", "g_and_a", "security")
    }
    home["residues"] = p.get("residues.domestic_pct", 100.0) / 100.0
    capex_home = p["local_content.capex_domestic_pct"] / 100.0
    domestic = sum((opex_parts[k] * home[k] for k in home), start=built_usd * capex_home)
    foreign = sum(
        (opex_parts[k] * (1.0 - home[k]) for k in home), start=built_usd * (1 - capex_home)
    )
    lenders = debt.interest_usd + debt.principal_usd - debt.drawdown_usd
    home_lenders = p["finance.lenders_domestic_pct"] / 100.0
    return {
        "wages_pakistani": wages_usd[0],
        "wages_expatriate": wages_usd[1],
        "suppliers_pakistani": domestic,
        "suppliers_foreign": foreign,
        "province": sum((government[k] for k in _paid("province", government)), start=zeros),
        "federation": sum((government[k] for k in _paid("federation", government)), start=zeros),
        "equity_pakistani_private": sum(
            (h.net_usd for h in holders.values() if h.holder == "domestic_private"), start=zeros
        ),
        "equity_foreign": sum(
            (h.net_usd for h in holders.values() if h.holder == "foreign"), start=zeros
        ),
        "lenders_pakistani": lenders * home_lenders,
        "lenders_foreign": lenders * (1.0 - home_lenders),
        "working_capital": working_capital_change,
    }
