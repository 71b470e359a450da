"""Objective terms of the siting programme: each adds its USD/yr per unit of a variable to one
or more named cost components of a shared :class:`~orevalue.siting.programme.Programme`
(value added is negative). A plan's cost breakdown is each component times its solution.
"""

from __future__ import annotations

import numpy as np

from orevalue.siting.inputs import CONSUMABLES_USD, FUEL_GJ, Process, Resource, Sites, Sources
from orevalue.siting.network import Network
from orevalue.siting.programme import Programme
from orevalue.siting.units import UnitEconomics


def _refine_gain(units: UnitEconomics) -> np.ndarray:
    """USD per t of anode and of blister refined: the refined products over the feed."""
    return np.array(
        [
            units.refined_usd_per_t_anode - units.anode_usd_per_t,
            units.refined_usd_per_t_blister - units.blister_usd_per_t,
        ]
    )


def value_added(prog: Programme, units: UnitEconomics, sources: Sources) -> None:
    """ "value_added", USD/yr per wmt smelted (anode over the concentrate it came from) and per
    t refined (products over anode or blister), negative as a gain; an imported wmt costs its
    landed cost in
    (its ocean freight unless the source gives ``landed_usd_per_wmt``)."""
    v = prog.var
    smelt_gain = units.anode_t_per_wmt * units.anode_usd_per_t - units.conc_usd_per_wmt
    prog.cost("value_added", v["smelt"], -smelt_gain)
    prog.cost("value_added", v["refine"], -_refine_gain(units)[None, :])
    imports = np.flatnonzero(sources.is_import)
    landed = (
        units.ocean_conc_usd_per_wmt
        if sources.landed_usd_per_wmt is None
        else sources.landed_usd_per_wmt[imports]
    )
    prog.cost("value_added", v["supply"][imports], landed)


def freight(
    prog: Programme, net: Network, ocean_extra_frac: np.ndarray, units: UnitEconomics
) -> None:
    """ "freight", USD/yr per t on each arc (the leg's cost per tonne) and per t exported
    through a port (its extra ocean freight, a fraction of the standard)."""
    prog.cost("freight", prog.var["flow"], net.leg_cost_usd_per_t[net.arc_leg][:, None])
    ocean = np.array([units.ocean_conc_usd_per_wmt] + [units.ocean_product_usd_per_t] * 3)
    prog.cost("freight", prog.var["export"], ocean_extra_frac[:, None] * ocean[None, :])


def running_costs(prog: Programme, sites: Sites, process: Process) -> None:
    """ "acid" (disposal less sales, USD/yr per wmt smelted) and "fuel_consumables" (USD/yr per
    wmt smelted and per t refined, fuel at the site's price)."""
    v, use, fuel = prog.var, process.use, sites.fuel_usd_per_gj
    prog.cost("acid", v["smelt"], -sites.acid_usd_per_t * process.acid_t_per_wmt)
    prog.cost("fuel_consumables", v["smelt"], use[0, FUEL_GJ] * fuel + use[0, CONSUMABLES_USD])
    prog.cost(
        "fuel_consumables",
        v["refine"],
        use[1:, FUEL_GJ][None, :] * fuel[:, None] + use[1:, CONSUMABLES_USD][None, :],
    )


def site_fixed_costs(prog: Programme, sites: Sites, units: UnitEconomics) -> None:
    """USD/yr of a stage built ("labour": domestic at the site's wage, foreign as is) and of an
    open site ("labour" of services, "g_and_a", "security")."""
    v, wage = prog.var, sites.wage_factor
    labour = np.array([units.smelter_labour_usd, units.refinery_labour_usd])  # (2, dom/for)
    prog.cost(
        "labour", v["build"], (labour[None, :, 0] * wage[:, None] + labour[None, :, 1])[:, :, None]
    )
    svc = units.services_labour_usd
    prog.cost("labour", v["open"], svc[0] * wage + svc[1])
    prog.cost("g_and_a", v["open"], units.g_and_a_usd_per_yr)
    prog.cost("security", v["open"], sites.security_usd_per_yr)


def capital_costs(prog: Programme, sites: Sites, units: UnitEconomics) -> None:
    """USD/yr of a stage built: "maintenance" (% of capex), "capital" (capital charge at the
    site's rate plus sustaining capex) and "taxes" (import duty on the equipment, charged as
    capital)."""
    capex, cf, build = sites.capex_usd, sites.capital_factor, prog.var["build"]
    prog.cost("maintenance", build, capex * units.maintenance_pct / 100.0)
    prog.cost("capital", build, capex * (cf[:, None, None] + units.sustaining_pct / 100.0))
    prog.cost("taxes", build, capex * sites.duty_frac[:, None, None] * cf[:, None, None])


def turnover_taxes(prog: Programme, sites: Sites, units: UnitEconomics) -> None:
    """ "taxes", USD/yr per wmt smelted (on the anode's value) and per t refined (on the value
    added, when positive), at the zone's turnover rate."""
    v, turnover = prog.var, sites.turnover_frac
    prog.cost("taxes", v["smelt"], turnover * units.anode_t_per_wmt * units.anode_usd_per_t)
    gain = np.maximum(_refine_gain(units), 0.0)
    prog.cost("taxes", v["refine"], turnover[:, None] * gain[None, :])


def resource_costs(
    prog: Programme, res: Resource, capital_factor: np.ndarray, capital_factor_public: float
) -> None:
    """Component ``res.name``: USD/yr per unit supplied (its price) plus, when the plant pays,
    the capital charge of the option's capex per unit and of its fixed capex per switch;
    "infrastructure_public": those charges at the public rate when someone else pays."""
    block, on, public = prog.var[res.name], prog.var[res.name + "_on"], res.public
    cf, cf_pub = capital_factor[:, None], capital_factor_public
    prog.cost(res.name, block, res.usd_per_unit * res.units_per_year)
    prog.cost(res.name, block, np.where(public, 0.0, res.capex_usd_per_amount * cf))
    prog.cost(res.name, on, np.where(public, 0.0, res.fixed_capex_usd * cf))
    prog.cost(
        "infrastructure_public", block, np.where(public, res.capex_usd_per_amount * cf_pub, 0.0)
    )
    prog.cost("infrastructure_public", on, np.where(public, res.fixed_capex_usd * cf_pub, 0.0))


def leg_costs(prog: Programme, net: Network, capital_factor_public: float) -> None:
    """Capital charge, USD/yr, of building or upgrading a leg at the public rate:
    "infrastructure_public" when the public pays, "infrastructure_plant" otherwise."""
    public = net.leg_payer != "plant"
    for block, cost in (
        ("leg_build", net.leg_build_capex_usd),
        ("leg_up", net.leg_upgrade_capex_usd),
    ):
        idx = prog.var[block]
        prog.cost("infrastructure_public", idx, np.where(public, cost, 0.0) * capital_factor_public)
        prog.cost("infrastructure_plant", idx, np.where(public, 0.0, cost) * capital_factor_public)
