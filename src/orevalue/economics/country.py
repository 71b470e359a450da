"""Country view of a pathway: export earnings, government revenue by level, where each dollar
goes, jobs, power, water and freight. Arrays (N, Y) in, metrics (N,) out."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orevalue.economics import government as gov
from orevalue.economics import metrics, schedule
from orevalue.economics.plant import DOMESTIC_STAKEHOLDERS, PlantCase, export_fob_usd
from orevalue.economics.sales import reserves_usd
from orevalue.params import Params
from orevalue.scenario import Scenario

#: Operating years counted as the "early years" of the effective royalty rate.
EARLY_OPERATING_YEARS = 5


def mine_lines(
    scenario: Scenario, p: Params, case: PlantCase, fob: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """What the governments get from the mine, which moves with the pathway: royalties on the
    mine's concentrate sales (exported FOB or, in a part of a year a trade rule bars, sold at
    home; or sold to the plant at the transfer price), the
    change in the mine's income tax when the transfer price departs from arm's length, and
    the export duty on concentrate still exported. USD (N, Y)."""
    mine_feeds = [
        f
        for f in case.flows.feeds_available_dry_t
        if scenario.terms[scenario.feeds[f].terms].mine_sales
    ]
    zeros = np.zeros_like(case.lines["revenue"])
    exported = sum((fob[f] for f in mine_feeds), start=zeros)
    # what the mine sells as it is: exported, or at home where a trade rule bars the export
    processed = case.flows.feeds_processed_dry_t
    as_it_is = sum((case.supply.sales_usd(f, f in processed) for f in mine_feeds), start=zeros)
    sales = as_it_is + case.lines["mine_sales_to_plant"]
    shift = case.lines["mine_sales_to_plant"] - case.lines["mine_sales_to_plant_arms_length"]
    return {
        "mine_sales": sales,
        "mine_royalty_province": sales * p["mine.royalty_province_pct"] / 100.0,
        "mine_royalty_federal": sales * p["mine.royalty_federal_pct"] / 100.0,
        "mine_income_tax_change": shift * p["mine.income_tax_pct"] / 100.0,
        "export_duty": np.maximum(exported, 0.0) * p["fiscal.export_duty_conc_pct"] / 100.0,
    }


def localised_posts(p: Params, tl: schedule.Timeline, foreign_posts: np.ndarray) -> np.ndarray:
    """Foreign posts a localisation programme hands to nationals once it has run, (N,): the
    share ``labour.localisation_pct`` reaches on its schedule (linear over
    ``labour.localisation_years`` from start-up, as the wages of
    :func:`orevalue.economics.plant_costs.localisation_usd`) times the foreign posts."""
    years = p.get("labour.localisation_years", 5.0)
    ramp = np.clip((tl.op_index + 1.0) / years, 0.0, 1.0) * tl.operating  # (N, Y)
    reached = ramp.max(axis=1)
    return p.get("labour.localisation_pct")[:, 0] / 100.0 * reached * foreign_posts


def physical(
    scenario: Scenario, p: Params, case: PlantCase, tl: schedule.Timeline, exports: np.ndarray
) -> dict[str, np.ndarray]:
    """Jobs, power, water and freight in the first year at full output, (N,)."""
    col = schedule.steady_index(scenario, tl)
    n = p.n_samples
    foreign_skills = scenario.labour.foreign_skills
    flows = case.flows
    zero = np.zeros_like(exports)

    def wet(feed: str, dry: np.ndarray) -> np.ndarray:
        return dry / (1.0 - p[f"feeds.{feed}.moisture_pct"] / 100.0)

    to_plant = sum((wet(f, t) for f, t in flows.feeds_processed_dry_t.items()), start=zero)
    to_port = sum(
        (
            wet(f, a - flows.feeds_processed_dry_t.get(f, 0.0))
            for f, a in flows.feeds_available_dry_t.items()
        ),
        start=zero,
    )
    shipped = [s for s in case.sold if scenario.terms[s].freight == "product"]
    products = sum((flows.mass_t(scenario, p, s) for s in shipped), start=zero)
    # products sold at home (acid) leave the site by their own mode
    at_home = [s for s in case.sold if not scenario.terms[s].exported]
    acid = sum((flows.mass_t(scenario, p, s) for s in at_home), start=zero)

    def jobs(foreign: bool) -> np.ndarray:
        counts = (c for s, c in case.staff.items() if (s in foreign_skills) == foreign)
        return sum(counts, start=np.zeros((n, 1)))[:, 0]

    foreign_jobs, domestic_jobs = jobs(True), jobs(False)
    localised = localised_posts(p, tl, foreign_jobs)
    out = {
        "jobs_construction_peak": (case.lines["capex"] - case.lines["customs_duty"]).sum(axis=1)
        / 1e6
        * p["project.construction_peak_jobs_per_musd"][:, 0],
        "jobs_operations_domestic": domestic_jobs + localised,
        "jobs_operations_foreign": foreign_jobs - localised,
        "power_gwh_per_yr": case.use["power_mwh"][:, col] / 1000.0,
        "power_mw_average": case.use["power_mwh"][:, col] / 8760.0,
        "water_m3_per_day": case.use["water_m3"][:, col] / 365.0,
        "freight_feed_to_plant_wet_t_per_yr": to_plant[:, col],
        "freight_feed_to_port_wet_t_per_yr": to_port[:, col],
        "freight_products_to_port_t_per_yr": products[:, col],
        "freight_acid_from_site_t_per_yr": acid[:, col],
        "freight_ocean_t_per_yr": (to_port + products)[:, col],
    }
    legs = [
        (scenario.logistics.conc_mine_to_port_mode, "freight_feed_to_port_wet_t_per_yr"),
        (scenario.site.feed_mode, "freight_feed_to_plant_wet_t_per_yr"),
        (scenario.site.product_mode, "freight_products_to_port_t_per_yr"),
        (scenario.site.acid_mode, "freight_acid_from_site_t_per_yr"),
    ]
    for mode in ("rail", "road"):
        out[f"freight_{mode}_t_per_yr"] = sum(
            (out[key] for m, key in legs if m == mode), start=np.zeros(n)
        )
    return out


@dataclass(frozen=True)
class ExportEarnings:
    """Export earnings of a pathway: by product and in all, USD (N, Y), and their metrics
    (N,): in the first year at full output and in present value."""

    fob_usd: dict[str, np.ndarray]
    total_usd: np.ndarray
    metrics: dict[str, np.ndarray]


def export_earnings(
    scenario: Scenario, p: Params, case: PlantCase, tl: schedule.Timeline, rate: np.ndarray
) -> ExportEarnings:
    """Export earnings of ``case``, FOB Pakistani port, discounted at the country's ``rate``:
    what a lean (risk) evaluation reports of the country, and the country view starts from."""
    fob = export_fob_usd(scenario, p, case)
    total = sum(fob.values(), start=np.zeros_like(case.lines["revenue"]))
    col = schedule.steady_index(scenario, tl)
    return ExportEarnings(
        fob,
        total,
        {
            "export_earnings_usd_per_yr": total[:, col],
            "export_earnings_pv_usd": metrics.npv(rate, total),
        },
    )


def country_view(
    scenario: Scenario,
    p: Params,
    case: PlantCase,
    tl: schedule.Timeline,
    rate: np.ndarray,
    earnings: ExportEarnings,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Country metrics (N,), government revenue lines by instrument (N, Y) and where each
    dollar goes (PV, (N,)), from the pathway's export ``earnings`` (:func:`export_earnings`)."""
    col = schedule.steady_index(scenario, tl)
    fob, exports = earnings.fob_usd, earnings.total_usd
    mine = mine_lines(scenario, p, case, fob)
    lines = dict(case.government)
    for key, line in mine.items():  # a plant that mines its own ore pays mine royalty too
        if key != "mine_sales":
            lines[key] = line + lines[key] if key in lines else line
    levels = gov.by_level(lines)
    total = levels["province"] + levels["federation"]
    country = {
        **earnings.metrics,
        "plant_taxes_pv_usd": metrics.npv(rate, case.lines["income_tax"] + case.lines["royalty"]),
        "government_revenue_province_pv_usd": metrics.npv(rate, levels["province"]),
        "government_revenue_federation_pv_usd": metrics.npv(rate, levels["federation"]),
        "government_revenue_pv_usd": metrics.npv(rate, total),
        "government_revenue_usd_per_yr": total[:, col],
        "reserves_added_usd_per_yr": (
            reserves_usd(scenario, case.flows, case.sold) + np.zeros_like(exports)
        )[:, col],
        **physical(scenario, p, case, tl, exports),
        **{f"government_pv_usd_{k}": metrics.npv(rate, v) for k, v in lines.items()},
    }
    # where each dollar of the chain's value goes: the mine's sales (the export duty to
    # the federation, the rest split by the share of mine revenue spent or paid in Pakistan)
    # and the plant's value added, present values at the discount rate
    mine_sales = metrics.npv(rate, mine["mine_sales"])
    duty = metrics.npv(rate, mine["export_duty"])
    kept_share = p["mine.value_kept_in_pakistan_pct"][:, 0] / 100.0
    dollars = {
        "mine_export_duty": duty,
        "mine_kept_in_pakistan": (mine_sales - duty) * kept_share,
        "mine_paid_abroad": (mine_sales - duty) * (1.0 - kept_share),
    }
    for key, value in case.stakeholders.items():
        dollars[f"plant_{key}"] = metrics.npv(rate, value)
    value = mine_sales + metrics.npv(rate, case.lines["revenue"] - case.lines["feed_cost"])
    kept = (
        dollars["mine_export_duty"]
        + dollars["mine_kept_in_pakistan"]
        + sum(dollars[f"plant_{k}"] for k in DOMESTIC_STAKEHOLDERS)
    )
    country["value_of_chain_pv_usd"] = value
    country["value_kept_in_pakistan_pv_usd"] = kept
    country["share_kept_in_pakistan"] = np.divide(
        kept, value, out=np.full(kept.shape, np.nan), where=value > 0
    )
    return country, lines, dollars


def fiscal_metrics(
    case: PlantCase, tl: schedule.Timeline, rate: np.ndarray, operating_years: int
) -> dict[str, np.ndarray]:
    """FARI measures of the plant's fiscal regime, before financing: government take
    (undiscounted), AETR (discounted take), effective royalty rate in the early years."""
    unlevered = sum(case.government_unlevered.values())
    take, aetr = gov.take(unlevered, case.lines["cash_flow_pre_government"], rate)
    last = tl.build_years + min(EARLY_OPERATING_YEARS, operating_years) - 1
    return {
        "government_take": take,
        "aetr": aetr,
        "effective_royalty_rate": gov.effective_royalty_rate(
            unlevered, case.lines["revenue"], tl.build_years, last
        ),
    }
