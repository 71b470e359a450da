"""Government take as the IMF's FARI framework measures it, and who keeps each dollar."""

from __future__ import annotations

import numpy as np

from orevalue import outputs
from orevalue.economics import metrics

#: Federal instruments and provincial ones, for revenue by level (data/outputs.csv).
FEDERAL = outputs.instruments(level="federation")
PROVINCIAL = outputs.instruments(level="province")


def by_level(lines: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Government revenue per year by level (province, federation), USD (N, Y)."""
    unknown = set(lines) - set(PROVINCIAL) - set(FEDERAL)
    if unknown:
        raise ValueError(f"government lines with no level: {', '.join(sorted(unknown))}")
    zero = 0.0 * next(iter(lines.values()))
    return {  # summed in the order of ``lines``: the engine's order, not the table's
        "province": sum((v for k, v in lines.items() if k in PROVINCIAL), start=zero),
        "federation": sum((v for k, v in lines.items() if k in FEDERAL), start=zero),
    }


def take(
    government_usd: np.ndarray, pre_government_cf_usd: np.ndarray, rate: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Government take: revenue over pre-government net cash flow, undiscounted, and
    discounted at ``rate`` (the AETR of FARI). NaN where the denominator is not positive."""
    total = pre_government_cf_usd.sum(axis=1)
    pv = metrics.npv(rate, pre_government_cf_usd)
    undiscounted = np.divide(
        government_usd.sum(axis=1), total, out=np.full(total.shape, np.nan), where=total > 0
    )
    discounted = np.divide(
        metrics.npv(rate, government_usd), pv, out=np.full(pv.shape, np.nan), where=pv > 0
    )
    return undiscounted, discounted


def effective_royalty_rate(
    government_usd: np.ndarray, revenue_usd: np.ndarray, first_col: int, last_col: int
) -> np.ndarray:
    """Government revenue over gross revenue in columns ``first_col..last_col`` (the early
    operating years), NaN where there is no revenue."""
    gov = government_usd[:, first_col : last_col + 1].sum(axis=1)
    rev = revenue_usd[:, first_col : last_col + 1].sum(axis=1)
    return np.divide(gov, rev, out=np.full(gov.shape, np.nan), where=rev > 0)
