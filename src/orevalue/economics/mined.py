"""The mine royalties of a plant that mines its own ore (a ``mined`` feed: the gold case's CIL
option): what its stages recover from the ore, valued at the metal price, at the mine's
royalty rates. Apart from :mod:`orevalue.economics.mine`, which the feed supply imports, so
that reading a pathway's flows here closes no circle of imports."""

from __future__ import annotations

import numpy as np

from orevalue.economics import fiscal, terms
from orevalue.economics.flows import PathwayFlows
from orevalue.economics.pricing import Market
from orevalue.params import Params
from orevalue.scenario import Scenario


def mined_element_t(scenario: Scenario, flows: PathwayFlows) -> dict[str, np.ndarray]:
    """The main element of each ore in the ground (a ``mined`` feed) the pathway's stages
    recover, t (N, Y), by feed: what the stages taking it send to their outputs other than
    ``rest`` (doré, not tailings), pro rata to the ore's share of the element they take in.
    Empty where the pathway mines nothing."""
    out: dict[str, np.ndarray] = {}
    for feed in flows.feeds_processed_dry_t:
        if not scenario.feeds[feed].mined:
            continue
        el = terms.main_element(scenario, scenario.feeds[feed].terms)
        recovered = np.zeros_like(flows.streams[feed][el])
        for name in flows.stages:
            stage = scenario.stages[name]
            if feed not in stage.inputs:
                continue
            taken = sum(flows.streams[i][el] for i in stage.inputs)
            share = np.divide(
                flows.streams[feed][el], taken, out=np.zeros_like(recovered), where=taken > 0
            )
            recovered = recovered + share * sum(flows.streams[s][el] for s in stage.split)
        out[feed] = recovered
    return out


def mined_royalty_usd(
    scenario: Scenario, p: Params, flows: PathwayFlows, market: Market
) -> dict[str, np.ndarray]:
    """The mine royalties a plant that mines its own ore pays, USD (N, Y): the province's
    and the federation's rates (``mine.royalty_province_pct``, ``mine.royalty_federal_pct``)
    on the value at the metal price of the element its stages recover from the ore
    (:func:`mined_element_t`), as the mine's royalty on its sales. Keyed by the government
    instruments (``mine_royalty_province``, ``mine_royalty_federal``); empty where the
    pathway mines nothing."""
    recovered = mined_element_t(scenario, flows)
    if not recovered:
        return {}
    value = 0.0
    for feed, t in recovered.items():
        element = terms.main_element(scenario, scenario.feeds[feed].terms)
        price, usd_per_t = market.element_price(element)
        value = value + t * (price * usd_per_t)
    return {
        "mine_royalty_province": fiscal.royalty_usd(value, p["mine.royalty_province_pct"] / 100.0),
        "mine_royalty_federal": fiscal.royalty_usd(value, p["mine.royalty_federal_pct"] / 100.0),
    }
