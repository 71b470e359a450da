"""Terminal tables and files of the siting answer: the ranking of sites with their cost
breakdown, the optimal plan and the infrastructure it needs."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from orevalue import outputs
from orevalue.atomic import write_atomic
from orevalue.report.labels import words


class PlainTable(Table):
    """A table whose cells are plain text: names and labels from the sites file are shown as
    written, never read as Rich markup."""

    def add_row(self, *renderables: Any, **options: Any) -> None:
        super().add_row(*(escape(r) if isinstance(r, str) else r for r in renderables), **options)


#: Breakdown rows per tonne of cathode, in the order printed: (component, label, sign).
#: Value added is shown as a gain (+); costs as positive numbers.
BREAKDOWN = (
    ("value_added", "value added (smelt + refine)", -1),
    ("freight", "freight vs exporting concentrate", 1),
    ("power", "power", 1),
    ("water", "water", 1),
    ("fuel_consumables", "fuel and consumables", 1),
    ("labour", "labour (site wage premium)", 1),
    ("maintenance", "maintenance", 1),
    ("g_and_a", "G&A", 1),
    ("security", "security", 1),
    ("capital", "capital charge (site's rate)", 1),
    ("acid", "acid (disposal +, sales -)", 1),
    ("taxes", "taxes by zone (turnover, duty)", 1),
    ("infrastructure_plant", "infrastructure, plant-paid", 1),
    ("infrastructure_public", "public infrastructure", 1),
)


def _n(kind: str, x: float | None) -> str:
    """A number for the terminal: :func:`outputs.format_value` with an ASCII minus."""
    return outputs.format_value(kind, x, ascii_minus=True)


def _label(siting: Any, key: str, label: str) -> str:
    """A breakdown row's label in the case's words."""
    w = words(siting)
    if key == "value_added":
        return w["value_added"]
    return label.replace("concentrate", w["feed"])


def _tonnes(t: float, big: bool) -> str:
    """Tonnes a year, in kt (``big``) or in t for a plant of a few tonnes."""
    return f"{t / 1e3:,.0f}" if big else f"{t:,.1f}"


def ranking_table(siting: Any) -> Table:
    """Sites side by side (rank order), each hosting every stage alone: USD per t of the
    product."""
    ranks = siting.ranking
    metal = words(siting)["metal"]
    table = PlainTable(
        title=f"Where to build: each site alone, USD per t of {metal} product (rank order)",
        title_justify="left",
        header_style="bold",
    )
    table.add_column("", no_wrap=True)
    for i, r in enumerate(ranks, start=1):
        table.add_column(escape(f"#{i}\n{r.key}" if r.feasible else f"–\n{r.key}"), justify="right")
    table.add_row("zone (fiscal regime)", *[r.zone for r in ranks])
    for key, label, sign in BREAKDOWN:
        table.add_row(
            f"  {_label(siting, key, label)}",
            *[_n("usd", sign * r.plan.per_t_product[key]) if r.plan else "" for r in ranks],
        )
    table.add_section()
    table.add_row(
        "= delivered cost",
        *[_n("usd", r.plan.delivered_cost_usd_per_t) if r.plan else "" for r in ranks],
    )
    table.add_row(
        "= margin, USD/t",
        *[_n("usd", r.plan.margin_usd_per_yr * _per(r.plan)) if r.plan else "" for r in ranks],
    )
    table.add_row(
        "margin, USD m/yr",
        *[_n("musd", r.plan.margin_usd_per_yr) if r.plan else "infeasible" for r in ranks],
    )
    table.add_row(
        "  plant's (public works free)",
        *[_n("musd", r.plan.plant_margin_usd_per_yr) if r.plan else "" for r in ranks],
    )
    table.add_row(
        "NPV after tax, USD m (run)",
        *[_n("musd", r.npv_usd) if r.npv_usd is not None else "" for r in ranks],
    )
    table.add_section()
    table.add_row("power, MW average", *[_mix(r.plan, "power") for r in ranks])
    table.add_row("water, m³/day", *[_mix(r.plan, "water") for r in ranks])
    return table


def _per(plan: Any) -> float:
    return 1.0 / plan.product_t_per_yr if plan.product_t_per_yr > 0 else float("nan")


def _g(x: float) -> str:
    return f"{x:.6g}" if math.isfinite(x) else ""


def _mix(plan: Any, resource: str) -> str:
    if plan is None:
        return ""
    parts = [s for s in plan.supplies if s.resource == resource]
    if resource == "power":
        return ", ".join(f"{s.option} {s.amount:.0f}" for s in parts)
    return ", ".join(f"{s.option} {s.amount:,.0f}" for s in parts)


def plan_paragraph(siting: Any) -> str:
    """The optimal plan in one paragraph."""
    plan = siting.best
    w = words(siting)
    feed = w["feed"]
    if not plan.stages:
        return (
            f"Optimal plan: build nothing; export the {feed} as it is. No plan pays against "
            "exporting it; the ranking shows each site forced to host the plant at its best size."
        )
    names = siting.best_model.units.stage_names
    single = siting.best_model.units.single
    unit = {names[0]: feed, names[1]: w["product"]}
    big = plan.conc_processed_dmt_per_yr >= 1e3
    kt = "kt/yr" if big else "t/yr"
    stages = "; ".join(
        f"{s.stage} at {siting.data.sites[s.site].label} ({s.size_pct:g} % size, "
        f"{_tonnes(s.nameplate_t_per_yr, big)} {kt} {unit[s.stage]} nameplate"
        f"{' (dry feed)' if single else ''}, "
        f"USD {s.capex_usd / 1e6:,.0f} m)"
        for s in plan.stages
    )
    power = ", ".join(
        f"{s.option} {s.amount:.1f} MW at {s.all_in_usd:.3f} USD/kWh all-in"
        for s in plan.supplies
        if s.resource == "power"
    )
    water = ", ".join(
        f"{s.option} {s.amount:,.0f} m³/day" for s in plan.supplies if s.resource == "water"
    )
    from orevalue.siting.plan import routes as plan_routes

    routes = "; ".join(
        f"{commodity} {', '.join(chains)}" for commodity, chains in plan_routes(plan).items()
    )
    public = sum(i.capex_usd for i in plan.investments if i.payer != "plant")
    exported = plan.anode_exported_t_per_yr
    anode = f" and {exported / 1e3:,.0f} kt/yr of anode for export" if exported > 1 else ""
    sign = "gains" if plan.margin_usd_per_yr >= 0 else "loses"
    return (
        f"Optimal plan ({siting.options.objective} objective): {stages}. It processes "
        f"{_tonnes(plan.conc_processed_dmt_per_yr, big)} {kt} of {feed} into "
        f"{_tonnes(plan.refined_t_per_yr, big)} {kt} of {plan.refined_product}{anode}; "
        f"power {power}; water {water}. "
        f"Routes: {routes}. Against exporting the {feed} it {sign} "
        f"USD {abs(plan.margin_usd_per_yr) / 1e6:,.0f} m a year (USD "
        f"{abs(plan.margin_usd_per_yr) * _per(plan):,.0f} per t of product) after "
        f"capital charges; delivered cost {plan.delivered_cost_usd_per_t:,.0f} USD/t against "
        f"value added {-plan.per_t_product['value_added']:,.0f} USD/t. Public investment: "
        f"USD {public / 1e6:,.0f} m."
    )


def infrastructure_tables(siting: Any) -> list[Table]:
    """Power, water, traffic per leg, ports, acid and who pays for what."""
    plan = siting.best
    out = []
    t = PlainTable(title="Power and water", title_justify="left", header_style="bold")
    for col in ("site", "option", "amount", "per year", "USD (all-in)", "capex, USD m", "payer"):
        t.add_column(col, justify="left" if col in ("site", "option", "payer") else "right")
    for s in plan.supplies:
        amount = f"{s.amount:,.1f} MW avg" if s.resource == "power" else f"{s.amount:,.0f} m³/day"
        per_year = (
            f"{s.energy_per_yr:,.0f} GWh"
            if s.resource == "power"
            else f"{s.energy_per_yr / 1e6:,.2f} Mm³"
        )
        unit = "kWh" if s.resource == "power" else "m³"
        unit = f"{s.unit_cost_usd:.3g} ({s.all_in_usd:.3g})/{unit}"
        t.add_row(s.site, s.label, amount, per_year, unit, _n("musd1", s.capex_usd), s.payer)
    t.caption = (
        f"Peak power to install or connect: {plan.power_peak_mw:,.0f} MW "
        f"({plan.power_mw:,.1f} MW average x {siting.data.economics.installed_to_average_power:g})"
    )
    out.append(t)

    big = max((u.total_t_per_yr for u in plan.legs), default=1e3) >= 1e3
    t = PlainTable(title="Traffic on each leg", title_justify="left", header_style="bold")
    for col in ("leg", "from → to", "mode", "km", "kt/yr" if big else "t/yr", "per day"):
        t.add_column(col, justify="left" if col in ("leg", "from → to", "mode") else "right")
    t.add_column("capacity used", justify="right")
    for u in plan.legs:
        what = ", ".join(f"{c} {_tonnes(v, big)}" for c, v in u.t_per_yr.items())
        t.add_row(
            u.leg,
            f"{u.from_node} → {u.to_node}",
            u.mode,
            _n("n", u.km),
            what,
            f"{u.vehicles_per_day:,.1f} {u.vehicles_per_day and u.vehicle}",
            f"{u.use_pct:.0f} %" if math.isfinite(u.capacity_t_per_yr) else "no limit",
        )
    for a in plan.acid:
        unit = "trains" if a.mode == "rail" else "trucks"
        t.add_row(
            f"acid from {a.site}",
            f"{a.site} → buyers",
            a.mode,
            "",
            f"acid {a.t_per_yr / 1e3:,.0f}",
            f"{a.vehicles_per_day:,.1f} {unit}",
            f"{a.netback_usd_per_t:+g} USD/t",
        )
    out.append(t)

    big = max((p.total_t_per_yr for p in plan.ports), default=1e3) >= 1e3
    t = PlainTable(title="Export ports", title_justify="left", header_style="bold")
    for col in ("port", "kt/yr" if big else "t/yr", "spare capacity used"):
        t.add_column(col, justify="left" if col == "port" else "right")
    for p in plan.ports:
        what = ", ".join(f"{c} {_tonnes(v, big)}" for c, v in p.t_per_yr.items())
        spare = (
            f"{p.spare_t_per_yr / 1e6:,.0f} Mt/yr"
            if p.spare_t_per_yr >= 1e6
            else f"{p.spare_t_per_yr:,.0f} t/yr"
        )
        t.add_row(p.label, what, f"{p.use_pct:.1f} % of {spare}")
    out.append(t)

    t = PlainTable(
        title="Investment the plan implies, and who pays", title_justify="left", header_style="bold"
    )
    for col in ("what", "where", "capex, USD m", "payer"):
        t.add_column(col, justify="right" if col == "capex, USD m" else "left")
    for i in sorted(plan.investments, key=lambda i: (i.payer == "plant", -i.capex_usd)):
        t.add_row(i.what, i.where, _n("musd1", i.capex_usd), i.payer)
    totals = {}
    for i in plan.investments:
        totals[i.payer] = totals.get(i.payer, 0.0) + i.capex_usd
    t.caption = "Totals: " + ", ".join(
        f"{k} USD {v / 1e6:,.0f} m" for k, v in sorted(totals.items())
    )
    out.append(t)
    return out


def print_siting(siting: Any, console: Console | None = None) -> None:
    """Print the ranking, the optimal plan and its infrastructure needs."""
    console = console or Console(width=max(Console().width, 130))
    console.print(ranking_table(siting))
    for r in siting.ranking:
        if not r.feasible:
            console.print(f"{r.key}: " + "; ".join(r.problems), markup=False, soft_wrap=True)
    console.print(plan_paragraph(siting), markup=False)
    for table in infrastructure_tables(siting):
        if table.row_count:
            console.print(table)
    for note in siting.notes:
        console.print(f"Note: {note}", markup=False, style="dim")


def ranking_csv(siting: Any) -> str:
    """One row per site: rank, zone, feasibility, USD per t of the product by component,
    totals; the NPV column is named after the product (``npv_cathode_after_tax_usd``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    keys = [k for k, _, _ in BREAKDOWN]
    writer.writerow(
        [
            "rank",
            "site",
            "label",
            "zone",
            "feasible",
            *[f"{k}_usd_per_t_product" for k in keys],
            "delivered_cost_usd_per_t",
            "margin_usd_per_yr",
            "plant_margin_usd_per_yr",
            f"npv_{siting.best.refined_product}_after_tax_usd",
            "power_mw_average",
            "water_m3_per_day",
            "problems",
        ]
    )
    for i, r in enumerate(siting.ranking, start=1):
        p = r.plan
        writer.writerow(
            [
                i if p else "",
                r.key,
                r.label,
                r.zone,
                bool(p),
                *[_g(p.per_t_product[k]) if p else "" for k in keys],
                _g(p.delivered_cost_usd_per_t) if p else "",
                f"{p.margin_usd_per_yr:.6g}" if p else "",
                f"{p.plant_margin_usd_per_yr:.6g}" if p else "",
                f"{r.npv_usd:.6g}" if r.npv_usd is not None else "",
                f"{p.power_mw:.6g}" if p else "",
                f"{p.water_m3_per_day:.6g}" if p else "",
                " | ".join(r.problems),
            ]
        )
    return buffer.getvalue()


def write_siting(siting: Any, folder: Path) -> list[Path]:
    """Write site.json and ranking.csv into ``folder`` atomically; return the paths."""
    texts = {
        "site.json": json.dumps(siting.to_dict(), indent=2, allow_nan=False) + "\n",
        "ranking.csv": ranking_csv(siting),
    }
    written = []
    for name, text in texts.items():
        write_atomic(folder / name, text)
        written.append(folder / name)
    return written
