"""A concentrate lot's money in one pass (``kernels_terms.concentrate_lines``, called by
``terms.concentrate``) against the numpy steps it replaces, to the bit, compiled and
interpreted, with and without by-products, at sampled grades, prices and tonnages."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

import orevalue
from orevalue import catalog, jit
from orevalue.economics import terms
from orevalue.economics.pricing import Market, scale_payable_pct
from orevalue.params import Params

SCENARIO = orevalue.load()
FEED = "concentrate"
SPEC = SCENARIO.terms[SCENARIO.feeds[FEED].terms]
N, Y = 64, 9  # 576 cells: compiled in "compiled" mode, interpreted in "interpreted"


def _reference(p: Params, t: str, spec, dry_t, market: Market, freight):
    """The numpy steps of the concentrate terms, one array pass each, in their order:
    (metal by element, charges, freight, total)."""
    grade = p[f"feeds.{FEED}.cu_pct"]
    payable_pct = np.minimum(
        grade * p[f"{t}.payable_pct"] / 100.0, grade - p[f"{t}.min_deduction_pct_points"]
    )
    payable_t = dry_t * (np.maximum(payable_pct, 0.0) / 100.0)
    per_dmt = 0.0
    for el in spec.penalties:
        g = p[f"feeds.{FEED}.{catalog.elements()[el].grade_field}"]
        g = g if catalog.elements()[el].grade_divisor == 100.0 else g / 1e4
        excess = np.maximum(g - p[f"{t}.penalties.{el}.threshold_pct"], 0.0)
        per_dmt = per_dmt + excess / 0.1 * p[f"{t}.penalties.{el}.usd_per_dmt_per_0_1_pct"]
    metal = {"cu": payable_t * market["cu_usd_per_t"]}
    for el in spec.payable_scales:
        g = p[f"feeds.{FEED}.{catalog.elements()[el].grade_field}"]
        scale = scale_payable_pct(p, f"{t}.payable_scales.{el}", g)
        units = g * scale / 100.0 / catalog.G_PER_OZ  # g/t grades, prices per oz
        metal[el] = (dry_t * units) * market[f"{el}_usd_per_oz"]
        if el in spec.rc_usd_per_unit:
            per_dmt = per_dmt + units * p[f"{t}.rc_usd_per_unit.{el}"]
    charges = dry_t * (market["tc_usd_per_dmt"] + per_dmt) + payable_t * (
        market["rc_usc_per_lb"] * catalog.price_series()["rc_usc_per_lb"].usd_per_t_factor
    )
    wet = 1.0 / (1.0 - p[f"feeds.{FEED}.moisture_pct"] / 100.0)
    freight_usd = dry_t * (wet * freight)
    total = metal["cu"]
    for el in catalog.ELEMENTS[1:]:
        if el in metal:
            total = total + metal[el]
    return metal, charges, freight_usd, total - charges - freight_usd


@pytest.fixture
def sampled(default_params):
    rng = np.random.default_rng(17)
    col = lambda lo, hi: rng.uniform(lo, hi, (N, 1))  # noqa: E731
    p = Params(dict(default_params), N).replace(
        {
            f"feeds.{FEED}.cu_pct": col(0.5, 40.0),
            f"feeds.{FEED}.au_g_per_t": col(0.0, 12.0),
            f"feeds.{FEED}.ag_g_per_t": col(0.0, 80.0),
            f"feeds.{FEED}.as_pct": col(0.0, 0.8),
            f"feeds.{FEED}.moisture_pct": col(5.0, 12.0),
        }
    )
    series = ("cu_usd_per_t", "au_usd_per_oz", "ag_usd_per_oz", "tc_usd_per_dmt", "rc_usc_per_lb")
    market = Market({s: rng.uniform(-50.0, 12_000.0, (N, Y)) for s in series})
    dry_t = rng.uniform(0.0, 1e6, (N, Y))
    dry_t[:, :2] = 0.0  # the build years
    return p, market, dry_t, col(10.0, 60.0)


@pytest.mark.parametrize("mode", ["compiled", "interpreted"])
@pytest.mark.parametrize("by_products", [True, False])
def test_concentrate_in_one_pass_is_the_numpy_steps(sampled, mode, by_products):
    p, market, dry_t, freight = sampled
    spec = SPEC if by_products else SimpleNamespace(**{**dict(SPEC), "payable_scales": {}})
    before = jit.set_mode(mode)
    try:
        lot = terms.Lot({}, dry_t, FEED)
        value = terms.concentrate(
            p, f"terms.{SCENARIO.feeds[FEED].terms}", spec, lot, market, freight
        )
    finally:
        jit.set_mode(before)
    metal, charges, freight_usd, total = _reference(
        p, f"terms.{SCENARIO.feeds[FEED].terms}", spec, dry_t, market, freight
    )
    assert list(value.metal_usd) == list(metal)
    for el, usd in metal.items():
        np.testing.assert_array_equal(value.metal_usd[el], usd)
    np.testing.assert_array_equal(value.charges_usd, charges)
    np.testing.assert_array_equal(value.freight_usd, freight_usd)
    np.testing.assert_array_equal(value.total_usd, total)
    # and the total is what Value sums from its parts
    parts = type(value)(value.metal_usd, charges_usd=charges, freight_usd=freight_usd)
    np.testing.assert_array_equal(parts.total_usd, value.total_usd)
    assert by_products == (value.metal_usd.keys() >= {"au", "ag"})
