"""The ``[residues]`` table: slag and weak-acid handling of a smelter."""

from __future__ import annotations

from pydantic import Field

from orevalue.scenario.fields import Pct, Rng, _Model


class Residues(_Model):
    """What the plant does with its slag and its weak acid: the smelter's slag is hauled,
    then sold as aggregate or abrasive or disposed of; the acid plant's weak acid is
    neutralised with lime to gypsum, which is disposed of. Masses come from the flowsheet
    (the slag's rule in ``[streams]``, the weak acid's sulfur)."""

    slag_stream: str = Field(default="slag", description="stream of the smelter's slag")
    weak_acid_stream: str = Field(
        default="weak_acid", description="stream of the gas cleaning's weak acid (its S)"
    )
    slag_freight_usd_per_t: Rng(0, 1e4) = Field(
        description="haulage of slag from the plant to its buyer or dump, USD/t"
    )
    slag_sold_pct: Pct = Field(
        default=0.0, description="share of the slag sold as aggregate or abrasive, %"
    )
    slag_price_usd_per_t: Rng(0, 1e4) = Field(
        default=0.0, description="price of slag sold, USD/t at the plant's gate (may be 0)"
    )
    slag_disposal_usd_per_t: Rng(0, 1e4) = Field(description="disposal of the slag not sold, USD/t")
    lime_t_per_t_weak_acid: Rng(0, 10) = Field(
        description="quicklime to neutralise the weak acid, t per t of H2SO4 in it"
    )
    lime_usd_per_t: Rng(0, 1e4) = Field(description="quicklime delivered, USD/t")
    gypsum_disposal_usd_per_t: Rng(0, 1e4) = Field(
        description="gypsum (CaSO4·2H2O) hauled and disposed of, USD/t"
    )
    domestic_pct: Pct = Field(
        default=100.0, description="residue handling and lime bought in Pakistan, %"
    )
