"""Taxes by zone for the siting screen, from the fiscal regime presets (data/regimes.toml).

The screen is linear, so it keeps the taxes that scale with tonnes or capex: a turnover tax (the
EPZ's final presumptive tax, or the minimum tax on turnover outside an income-tax holiday, which
a plant without taxable profit pays), a royalty on the plant's sales, and customs duty on
imported plant. Income tax on profit is left to ``orevalue run``: at the default terms the plant
has no taxable profit in any zone.
"""

from __future__ import annotations

from dataclasses import dataclass

from orevalue.scenario import Problem, Scenario, ScenarioError, regime_names, with_regime
from orevalue.siting.units import UnitEconomics


@dataclass(frozen=True)
class ZoneTax:
    """Linear tax rates of a zone: % of turnover (present-value average over the operating
    life, holidays netted out) and % duty on imported capital goods."""

    regime: str
    turnover_pct: float
    duty_pct: float
    note: str


NO_TAX = ZoneTax("none", 0.0, 0.0, "no taxes")


def zone_tax(
    scenario: Scenario, regime: str, units: UnitEconomics, premium_pct: float, file: str
) -> ZoneTax:
    """Turnover and duty rates of ``regime`` for ``scenario``'s plant, holidays weighted by
    present value at the site's discount rate (``premium_pct`` above the scenario's)."""
    try:
        fiscal = with_regime(scenario, regime).fiscal
    except KeyError:
        known = ", ".join(regime_names())
        raise ScenarioError(
            [Problem(file, "zone", f"no fiscal regime preset '{regime}'; known: {known}")]
        ) from None
    first = float(units.first_operating_year)
    holiday_end = min(first + fiscal.holiday_years, fiscal.holiday_end_year)
    exempt = units.pv_share(premium_pct, first, holiday_end)
    presumptive = fiscal.presumptive_turnover_tax_pct
    minimum = fiscal.minimum_tax_pct_of_turnover * (1.0 - exempt)
    turnover = fiscal.plant_royalty_pct_of_sales + (presumptive if presumptive > 0 else minimum)
    kind = (
        f"presumptive tax {presumptive:g} % of turnover"
        if presumptive > 0
        else f"minimum tax {fiscal.minimum_tax_pct_of_turnover:g} % of turnover outside a holiday "
        f"covering {100 * exempt:.0f} % of the life (present value)"
    )
    royalty = fiscal.plant_royalty_pct_of_sales
    extra = f", royalty {royalty:g} % of sales" if royalty else ""
    duty = fiscal.customs_duty_capital_goods_pct
    return ZoneTax(regime, turnover, duty, f"{kind}{extra}; duty {duty:g} % on imported plant")
