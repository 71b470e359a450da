"""Sales terms against hand calculations."""

from __future__ import annotations

import numpy as np
import pytest

import orevalue
from orevalue.economics import terms
from orevalue.economics.pricing import LB_PER_T, Market, Value
from orevalue.params import Params

G_PER_OZ = 31.1034768
SCENARIO = orevalue.load()


def _market(cu=10_000.0, au=3_000.0, ag=40.0, tc=80.0, rc=8.0, premium=60.0, rod=200.0) -> Market:
    a = lambda v: np.array([[v]])  # noqa: E731
    return Market(
        {
            "cu_usd_per_t": a(cu),
            "au_usd_per_oz": a(au),
            "ag_usd_per_oz": a(ag),
            "tc_usd_per_dmt": a(tc),
            "rc_usc_per_lb": a(rc),
            "cathode_premium_usd_per_t": a(premium),
            "rod_premium_usd_per_t": a(rod),
        }
    )


def concentrate_value(
    p: Params, feed: str, dry_t: np.ndarray, market: Market, freight: np.ndarray
) -> Value:
    """The feed ``feed`` on its terms (the case's concentrate terms)."""
    lot = terms.Lot({}, dry_t, feed)
    return terms.value(SCENARIO, p, SCENARIO.feeds[feed].terms, lot, market, freight)


def product_value(
    p: Params,
    product: str,
    elements: dict[str, np.ndarray],
    mass: np.ndarray,
    market: Market,
    freight: np.ndarray | float,
) -> Value:
    """A product stream on the case's terms of that product."""
    return terms.value(SCENARIO, p, product, terms.Lot(elements, mass), market, freight)


def _params(base: Params, **feed: float) -> Params:
    return base.replace({f"feeds.concentrate.{k}": v for k, v in feed.items()})


@pytest.mark.parametrize(
    ("cu_pct", "payable_pct"),
    [
        (28.0, 27.0),  # 28 x 0.965 = 27.02 > 28 - 1: the minimum deduction binds
        (20.0, 19.0),  # 19.3 vs 19.0: minimum deduction binds
        (35.0, 33.775),  # 33.775 vs 34.0: the payable share binds
    ],
)
def test_copper_payable_with_minimum_deduction(default_params, cu_pct, payable_pct):
    p = _params(default_params, cu_pct=cu_pct, au_g_per_t=0.0, ag_g_per_t=0.0, as_pct=0.0)
    v = concentrate_value(p, "concentrate", np.array([[1000.0]]), _market(), np.array([[0.0]]))
    payable_t = 1000 * payable_pct / 100
    assert v.metal("cu")[0, 0] == pytest.approx(payable_t * 10_000)
    # TC on dry tonnes, RC in c/lb on payable copper
    assert v.charges_usd[0, 0] == pytest.approx(1000 * 80 + payable_t * 2204.62262 * 0.08, rel=1e-9)


def test_full_concentrate_invoice_by_hand(default_params):
    """1,000 dmt at 28 % Cu, 10.8 g/t Au, 40 g/t Ag, 0.35 % As, 9 % moisture."""
    p = _params(default_params, cu_pct=28.0, au_g_per_t=10.8, ag_g_per_t=40.0, as_pct=0.35)
    p = p.replace({"feeds.concentrate.moisture_pct": 9.0})
    v = concentrate_value(p, "concentrate", np.array([[1000.0]]), _market(), np.array([[28.0]]))
    cu = 270.0 * 10_000  # payable 27.0 % (minimum deduction)
    au_oz = 1000 * 10.8 * 0.97 / G_PER_OZ  # grade > 10 g/t: 97 % payable
    ag_oz = 1000 * 40 * 0.90 / G_PER_OZ  # >= 30 g/t: 90 % payable
    charges = (
        1000 * 80  # TC
        + 270 * 2204.62262185 * 0.08  # RC 8 c/lb
        + au_oz * 5.0  # Au RC
        + ag_oz * 0.4  # Ag RC
        + 1000 * (0.35 - 0.2) / 0.1 * 2.5  # As penalty: 1.5 steps of 0.1 % at 2.5 USD/dmt
    )
    freight = 1000 / 0.91 * 28.0
    total = cu + au_oz * 3000 + ag_oz * 40 - charges - freight
    assert v.total_usd[0, 0] == pytest.approx(total, rel=1e-12)
    assert v.freight_usd[0, 0] == pytest.approx(freight)


def test_negative_tc_raises_the_price_paid(default_params):
    p = _params(default_params, cu_pct=28.0)
    dmt = np.array([[1000.0]])
    zero = concentrate_value(p, "concentrate", dmt, _market(tc=0.0, rc=0.0), np.array([[0.0]]))
    neg = concentrate_value(p, "concentrate", dmt, _market(tc=-60.0, rc=-6.0), np.array([[0.0]]))
    # the smelter pays the miner 60 USD/dmt and 6 c/lb on top of the metal value
    extra = 1000 * 60 + 270 * LB_PER_T * 0.06
    assert neg.total_usd[0, 0] - zero.total_usd[0, 0] == pytest.approx(extra)


@pytest.mark.parametrize(
    ("grade", "pct"), [(0.5, 0.0), (1.0, 90.0), (2.9, 90.0), (4.0, 95.0), (9.99, 96.5), (25, 97.0)]
)
def test_gold_payable_scale(default_params, grade, pct):
    p = _params(default_params, au_g_per_t=grade, cu_pct=28.0)
    v = concentrate_value(p, "concentrate", np.array([[1.0]]), _market(au=1.0), np.array([[0.0]]))
    assert v.metal("au")[0, 0] == pytest.approx(grade * pct / 100 / G_PER_OZ)


def test_products_by_hand(default_params):
    p = default_params
    m = _market()
    mass = np.array([[100.0]])
    elements = {"cu": np.array([[99.0]]), "au": np.array([[0.001]]), "ag": np.array([[0.01]])}
    cathode = product_value(p, "cathode", elements, mass, m, np.array([[45.0]]))
    assert cathode.total_usd[0, 0] == pytest.approx(100 * (10_000 + 60 - 45))
    rod = product_value(p, "rod", elements, mass, m, np.array([[45.0]]))
    assert rod.total_usd[0, 0] == pytest.approx(100 * (10_000 + 60 + 200 - 45))
    anode = product_value(p, "anode", elements, mass, m, np.array([[45.0]]))
    expected = (
        99 * 0.998 * 10_000
        + 0.001e6 / G_PER_OZ * 0.97 * 3000
        + 0.01e6 / G_PER_OZ * 0.95 * 40
        - 100 * 85
        - 100 * 45
    )
    assert anode.total_usd[0, 0] == pytest.approx(expected)
    gold = product_value(p, "gold", elements, mass, m, 0.0)
    assert gold.total_usd[0, 0] == pytest.approx(0.001e6 / G_PER_OZ * 3000)
    acid = product_value(p, "acid", elements, mass, m, 0.0)
    assert acid.total_usd[0, 0] == pytest.approx(100 * 40.0)  # coastal netback 40 USD/t
