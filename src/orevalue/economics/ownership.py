"""Who owns the plant: equity cash flows split among shareholders, dividend withholding."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orevalue.params import Params
from orevalue.scenario import Scenario


@dataclass(frozen=True)
class HolderFlows:
    """One shareholder's cash, USD (N, Y): ``net`` = dividends after withholding less the
    equity it pays in; ``withholding`` = tax withheld on its dividends."""

    holder: str
    net_usd: np.ndarray
    withholding_usd: np.ndarray


def split_equity(
    scenario: Scenario, p: Params, equity_cf_usd: np.ndarray
) -> dict[str, HolderFlows]:
    """Split equity cash flows among the JV's shareholders.

    Positive flows are dividends, paid by share and taxed at each holder's withholding rate;
    negative flows are equity calls, paid by the holders who are not carried, in proportion to
    the share each pays for (a free-carried share pays nothing in and still earns dividends).
    """
    shares = {k: p[f"ownership.{k}.share_pct"] / 100.0 for k in scenario.ownership}
    paying = {k: shares[k] - p[f"ownership.{k}.free_carried_pct"] / 100.0 for k in shares}
    total_paying = sum(paying.values())
    dividends = np.maximum(equity_cf_usd, 0.0)
    calls = np.minimum(equity_cf_usd, 0.0)
    out = {}
    for name, holder in scenario.ownership.items():
        wht = p[f"ownership.{name}.dividend_withholding_pct"] / 100.0
        gross = dividends * shares[name]
        net = gross * (1.0 - wht) + calls * paying[name] / total_paying
        out[name] = HolderFlows(holder.holder, net, gross * wht)
    return out
