"""Price series a risk run may simulate: the decks of ``[prices]`` and the acid netback."""

from __future__ import annotations

from orevalue import catalog

#: Price series with a deck in ``[prices]``, plus the acid netback (a site value made a path).
DECK_SERIES = catalog.DECK_SERIES  # the series of data/price_series.toml given by year
ACID_SERIES = "acid_netback_usd_per_t"
SERIES = (*DECK_SERIES, ACID_SERIES)
