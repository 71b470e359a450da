"""Who receives the plant's money: the governments, by instrument, and every stakeholder.

The last two steps of the plant view. USD (N samples, Y years).
"""

from __future__ import annotations

import numpy as np

from orevalue.economics import finance
from orevalue.economics.ownership import HolderFlows
from orevalue.economics.taxes import TAX_LINES
from orevalue.params import Params

#: Stakeholders whose share stays in Pakistan.
DOMESTIC_STAKEHOLDERS = (
    "wages_pakistani",
    "suppliers_pakistani",
    "province",
    "federation",
    "equity_pakistani_private",
    "lenders_pakistani",
)


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
    out["plant_royalty_province"] = royalty if royalty_to == "province" else 0.0 * royalty
    out["plant_royalty_federation"] = royalty if royalty_to == "federation" else 0.0 * royalty
    out["customs_duty"] = customs_duty
    out["dividend_withholding"] = sum((h.withholding_usd for h in holders.values()), start=zeros)
    for level in ("province", "federation"):
        out[f"state_equity_{level}"] = sum(
            (h.net_usd for h in holders.values() if h.holder == level), start=zeros
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
    capex_home = p["local_content.capex_domestic_pct"] / 100.0
    domestic = sum((opex_parts[k] * home[k] for k in home), start=built_usd * capex_home)
    foreign = sum(
        (opex_parts[k] * (1.0 - home[k]) for k in home), start=built_usd * (1 - capex_home)
    )
    lenders = debt.interest_usd + debt.principal_usd - debt.drawdown_usd
    home_lenders = p["finance.lenders_domestic_pct"] / 100.0
    federal = (
        *TAX_LINES,
        "customs_duty",
        "dividend_withholding",
        "state_equity_federation",
        "plant_royalty_federation",
    )
    return {
        "wages_pakistani": wages_usd[0],
        "wages_expatriate": wages_usd[1],
        "suppliers_pakistani": domestic,
        "suppliers_foreign": foreign,
        "province": government["plant_royalty_province"] + government["state_equity_province"],
        "federation": sum((government[k] for k in federal), start=zeros),
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
