"""Costs and gains rise with each lever, from no lever (Hypothesis, bounded examples).

Not every pair is monotone everywhere, and the tests say which are not and why: on a plant
that loses money, moving its cash flows earlier (faster permits) or discounting them less
(investor protection) makes its negative NPV larger; faster permits also save the state its
share of the holding cost. On top of other levers, a higher first-year allowance can lower the
IRR (allowances used up in holiday years are lost), so the property is checked from zero. A
longer loan tenor helps only a plant whose cash flow covers its debt service: on the default
case, which loses money, the equity pays the longer loan's interest out of its own pocket (its
IRR falls and the state's equity share pays some of it), so its gains are checked on a
profitable case in tests/incentives/test_new_levers.py.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from orevalue.incentives.evaluate import price

#: Levers whose public cost need not rise: faster permits save the state its share of the
#: holding cost; localised wages are cheaper, so the state's equity share and taxes gain more
#: than the training costs.
COST_EXEMPT = {"permit_fast_track", "localisation", "loan_tenor"}
#: Levers whose investor NPV need not rise on a loss-making plant (see the module docstring).
NPV_EXEMPT = {"permit_fast_track", "investor_protection"}
#: Levers whose equity IRR need not rise on a loss-making plant (see the module docstring).
IRR_EXEMPT = {"loan_tenor"}


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_cost_and_investor_gain_rise_with_each_lever(setup, data):
    names = setup.levers.names
    j = data.draw(st.integers(0, len(names) - 1), label="lever")
    high = setup.levers.levers[names[j]].range[1]
    a, b = sorted(data.draw(st.lists(st.floats(0.0, high), min_size=2, max_size=2)))
    rows = np.zeros((2, len(names)))
    rows[:, j] = (a, b)
    priced = price(setup, rows)
    cost = priced.cost_pv_usd()
    irr = np.nan_to_num(priced.equity_irr, nan=-1.0)
    if names[j] not in IRR_EXEMPT:
        assert irr[1] >= irr[0] - 1e-9, names[j]
    if names[j] not in COST_EXEMPT:
        assert cost[1] >= cost[0] - 1.0, names[j]  # USD, rounding
        assert cost[0] >= -1.0, names[j]
    if names[j] not in NPV_EXEMPT:
        assert priced.npv_usd[1] >= priced.npv_usd[0] - 1.0, names[j]
