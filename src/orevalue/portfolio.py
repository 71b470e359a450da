"""The province's portfolio: several cases evaluated as one programme of plants.

Each case is evaluated on its own (its focus pathway against its baseline, the plant view and
the country view); the portfolio adds what adds up (capex, export earnings gained, government
revenue, jobs, power, water) and nets what plants on one site share: the public connections of
the site (its grid tie and any zone water line the public pays for, in each case's siting
data: data/sites.toml for copper, data/sites-gold.toml and sites-antimony.toml, whose sites
keep the copper file's keys and names where they are the same place) are built once for all
the plants there, so the programme's total counts the largest once. The plants' own
capex (owner's costs and infrastructure inside their fence) stays in each case. Money is real
USD of each case's base year (all 2026 for the embedded cases); present values at each case's
discount rate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from orevalue import catalog
from orevalue.economics.terms import main_element
from orevalue.scenario import Scenario
from orevalue.siting.data import SiteData, SitesData, load_sites

#: The Balochistan cases the portfolio takes when none is named.
DEFAULT_CASES = ("copper", "gold", "antimony")

#: Figures per case and in total: key -> (what it is, unit).
FIGURES = {
    "capex_initial_usd": ("initial capex of the focus pathway's plant", "USD"),
    "npv_usd": ("plant NPV after tax", "USD"),
    "export_gain_usd_per_yr": ("export earnings added at full output", "USD/yr"),
    "export_gain_pv_usd": ("export earnings added over the life, present value", "USD"),
    "government_revenue_pv_usd": ("government revenue, present value", "USD"),
    "government_revenue_gain_pv_usd": ("government revenue gained over the baseline, PV", "USD"),
    "government_revenue_province_pv_usd": ("province's revenue, present value", "USD"),
    "province_spends_usd": ("what the province spends: its paid equity at construction", "USD"),
    "jobs_operations": ("operating jobs (Pakistani and foreign)", "jobs"),
    "jobs_operations_domestic": ("Pakistani operating jobs", "jobs"),
    "jobs_construction_peak": ("jobs at the construction peak", "jobs"),
    "power_mw_average": ("average power", "MW"),
    "water_m3_per_day": ("water", "m³/day"),
    "public_infrastructure_usd": (
        "public connections of the plant's site (grid tie, zone water line); the total counts "
        "a connection shared by plants on one site once",
        "USD",
    ),
}
#: Figures whose total is not the sum of the cases' (shared connections counted once).
NETTED = ("public_infrastructure_usd",)
_COUNTRY = (
    "export_gain_usd_per_yr",
    "export_gain_pv_usd",
    "government_revenue_pv_usd",
    "government_revenue_gain_pv_usd",
    "government_revenue_province_pv_usd",
    "jobs_operations_domestic",
    "jobs_construction_peak",
    "power_mw_average",
    "water_m3_per_day",
)


@dataclass
class Portfolio:
    """The programme: each case's figures (:data:`FIGURES`), their totals, shared sites."""

    cases: dict[str, dict[str, Any]]
    total: dict[str, float]
    shared_sites: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """portfolio.json: figures with their meaning and unit, per case and in total."""
        return {
            "figures": {k: {"meaning": m, "unit": u} for k, (m, u) in FIGURES.items()},
            "cases": self.cases,
            "total": self.total,
            "shared_sites": self.shared_sites,
            "note": "a public connection (grid tie, zone water line) shared by plants on one "
            "site is counted once in the total; each plant's own capex stays in its case",
        }


def province_spends_usd(scenario: Scenario, capex_initial_usd: float) -> float:
    """The province's paid equity at construction, USD: initial capex x the equity share of
    the capex (1 - debt %) x the province's share less what the others carry for it."""
    equity = 1.0 - scenario.finance.debt_pct_of_capex / 100.0
    paid_pct = sum(
        max(h.share_pct - h.free_carried_pct, 0.0)
        for h in scenario.ownership.values()
        if h.holder == "province"
    )
    return capex_initial_usd * equity * paid_pct / 100.0


def site_area(site_name: str) -> str:
    """The place a site's name gives first ("Port Qasim" of "Port Qasim / Dhabeji SEZ")."""
    return site_name.split("/")[0].split("(")[0].strip()


def site_of(sites: SitesData, site_name: str) -> SiteData | None:
    """The siting table's site a case's site name places it at: the same area (the place its
    name gives first) as the site's label or an alias; None where no site matches."""
    area = site_area(site_name).lower()
    for site in sites.sites.values():
        if area in {site_area(n).lower() for n in (site.label, *site.aliases)}:
            return site
    return None


def public_connections_usd(site: SiteData | None) -> float:
    """What the public pays to connect a site, USD: the fixed capex of every power and water
    option the public pays for (payer "public"; the grid tie, a zone water line), built once
    whatever number of plants it serves. 0 for a site the siting table does not hold."""
    if site is None:
        return 0.0
    options = [*site.power.values(), *site.water.values()]
    return float(sum(o.fixed_capex_usd for o in options if o.payer == "public"))


def case_figures(scenario: Scenario, results: Any) -> dict[str, Any]:
    """One case's :data:`FIGURES` for its focus pathway (sample 0), with its metal and site."""
    focus = results.pathways[scenario.focus_pathway]
    product = scenario.pathways[scenario.focus_pathway].main_product
    out: dict[str, Any] = {
        "case": scenario.name,
        "metal": catalog.elements()[main_element(scenario, product)].name,
        "focus_pathway": scenario.focus_pathway,
        "focus_label": focus.label,
        "baseline_pathway": scenario.baseline_pathway,
        "site": scenario.site.name,
        "capex_initial_usd": float(focus.plant["capex_initial_usd"][0]),
        "npv_usd": float(focus.plant["npv_usd"][0]),
        **{k: float(focus.country[k][0]) for k in _COUNTRY},
    }
    out["jobs_operations"] = out["jobs_operations_domestic"] + float(
        focus.country["jobs_operations_foreign"][0]
    )
    out["province_spends_usd"] = province_spends_usd(scenario, out["capex_initial_usd"])
    out["public_infrastructure_usd"] = public_connections_usd(  # the case's own siting data
        site_of(load_sites(scenario=scenario), scenario.site.name)
    )
    return out


def portfolio(evaluated: list[tuple[Scenario, Any]]) -> Portfolio:
    """The programme of the evaluated cases ``(scenario, results)``: figures by case (keyed by
    the metal), totals, and the sites two or more plants share."""
    cases = {}
    for scenario, results in evaluated:
        figures = case_figures(scenario, results)
        cases[figures["metal"] if figures["metal"] not in cases else scenario.name] = figures
    total = {k: sum(float(c[k]) for c in cases.values()) for k in FIGURES}
    by_area: dict[str, list[str]] = {}
    for key, c in cases.items():
        by_area.setdefault(site_area(c["site"]), []).append(key)
    # one connection per site: the most any plant there needs (all equal for one site)
    total["public_infrastructure_usd"] = sum(
        max(cases[k]["public_infrastructure_usd"] for k in keys) for keys in by_area.values()
    )
    shared = [
        {
            "area": area,
            "cases": keys,
            "power_mw_average": sum(cases[k]["power_mw_average"] for k in keys),
            "water_m3_per_day": sum(cases[k]["water_m3_per_day"] for k in keys),
            "public_infrastructure_usd": max(cases[k]["public_infrastructure_usd"] for k in keys),
            "saved_usd": sum(cases[k]["public_infrastructure_usd"] for k in keys)
            - max(cases[k]["public_infrastructure_usd"] for k in keys),
            "note": "one grid connection, water supply and port access serve these plants: "
            "the programme's total counts the public connection once",
        }
        for area, keys in by_area.items()
        if len(keys) > 1
    ]
    return Portfolio(cases, total, shared)
