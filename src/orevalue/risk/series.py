"""Price series a risk run may simulate: the decks of ``[prices]`` and the acid netback."""

from __future__ import annotations

#: Price series with a deck in ``[prices]``, plus the acid netback (a site value made a path).
DECK_SERIES = (
    "cu_usd_per_t",
    "au_usd_per_oz",
    "ag_usd_per_oz",
    "tc_usd_per_dmt",
    "rc_usc_per_lb",
    "cathode_premium_usd_per_t",
)
ACID_SERIES = "acid_netback_usd_per_t"
SERIES = (*DECK_SERIES, ACID_SERIES)
