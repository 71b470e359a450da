"""The ``orevalue incentives`` command: the cheapest package of the state's promises that makes
the plant bankable, the lever ranking and the Pareto front; writes incentives.json, CSVs and,
when asked, the package as a scenario file for ``orevalue run``."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from orevalue.cli.common import CaseOpt, ScenarioArg, bad_input, fail

if TYPE_CHECKING:
    from rich.console import Console

#: The field of the approval delay: its lever's first unit is the value of a month.
DELAY_PATH = "project.permit_delay_months"


def _musd(value: float | None) -> str:
    return "-" if value is None or not math.isfinite(value) else f"{value / 1e6:,.1f}"


def _usd(value: float | None) -> str:
    return "-" if value is None or not math.isfinite(value) else f"{value:,.0f}"


def _pct(value: float | None) -> str:
    return "-" if value is None or not math.isfinite(value) else f"{100 * value:.1f} %"


def _num(value: float | None, digits: int = 2) -> str:
    return "-" if value is None or not math.isfinite(value) else f"{value:.{digits}f}"


def _print_package(console: Console, design: Any) -> None:
    from rich.table import Table

    t = design.targets
    whose = "private shareholders' " if t.get("equity") == "private" else ""
    target = (
        f"{whose}equity IRR >= {t['equity_irr_pct']:g} % real, minimum DSCR >= {t['min_dscr']:g}"
    )
    ref = design.reference
    console.print(
        f"Pathway {design.pathway}: today equity IRR {_pct(ref['equity_irr'])}, "
        f"minimum DSCR {_num(ref['dscr_min'])}, plant NPV USD {_musd(ref['npv_usd'])} m. "
        f"Target: {target}.",
        markup=False,
    )
    if design.risk is not None:
        r = design.risk
        shown = r.get("package_loss_probability", r["at_limit_loss_probability"])
        console.print(
            f"P(NPV < 0) on a risk run of {r['samples']} samples: {shown:.3f} "
            f"(at most {r['max_loss_probability']:g} asked; every lever at its limit: "
            f"{r['at_limit_loss_probability']:.3f}).",
            markup=False,
        )
    if design.package is None:
        console.print("No package within the lever ranges is bankable:", markup=False)
        for line in design.binding:
            console.print(f"  {line}", markup=False)
        return
    m = design.package_metrics
    table = Table(title="Cheapest bankable package", title_justify="left")
    for col in ("lever", "amount", "unit", "pays", "outlay USD m (PV)"):
        table.add_column(col, justify="right" if col in ("amount", "outlay USD m (PV)") else "left")
    for name, amount in design.package.items():
        if amount:
            lever = design.levers[name]
            outlay = _musd(design.package_cost_by_lever.get(name))
            table.add_row(name, _num(amount), lever["unit"], lever["pays"], outlay)
    console.print(table)
    jobs = m["jobs"]
    console.print(
        f"Equity IRR {_pct(m['equity_irr'])}, minimum DSCR {_num(m['dscr_min'])}, plant NPV USD "
        f"{_musd(m['npv_usd'])} m. Public cost USD {_musd(m['public_cost_pv_usd'])} m (PV): "
        f"province {_musd(m['public_cost_province_pv_usd'])} m, federation "
        f"{_musd(m['public_cost_federation_pv_usd'])} m; per direct job USD "
        f"{_usd(jobs['public_cost_per_direct_job_usd'])}, per Pakistani job USD "
        f"{_usd(jobs['public_cost_per_pakistani_job_usd'])}. Outlays exclude revenue forgone, "
        "which the public cost includes.",
        markup=False,
    )
    for name, row in jobs["regimes"].items():
        console.print(
            f"Beside: the {name} regime today forgoes USD {_musd(row['revenue_forgone_pv_usd'])} m "
            f"(USD {_usd(row['revenue_forgone_per_job_usd'])} per direct job).",
            markup=False,
        )


def _print_ranking(console: Console, design: Any) -> None:
    from rich.table import Table

    table = Table(title="Levers alone at their limit (bang for buck)", title_justify="left")
    table.add_column("lever", no_wrap=True)
    for col in (
        "amount",
        "investor NPV gain USD m",
        "equity IRR gain pts",
        "cost province USD m",
        "cost federation USD m",
        "NPV per USD",
        "NPV per unit USD m",
    ):
        table.add_column(col, justify="right")
    month = None
    for r in design.ranking:
        per_usd = "free" if r["free"] else _num(r["npv_gain_per_usd"])
        if design.levers[r["lever"]]["path"] == DELAY_PATH:
            month = r["investor_npv_per_unit_usd"]
        table.add_row(
            r["lever"],
            _num(r["amount"], 1),
            _musd(r["investor_npv_gain_usd"]),
            _num(r["equity_irr_gain_pct_points"]),
            _musd(r["public_cost_province_pv_usd"]),
            _musd(r["public_cost_federation_pv_usd"]),
            per_usd,
            _musd(r["investor_npv_per_unit_usd"]),
        )
    console.print(table)
    if month is not None:
        console.print(
            f"A month of approval delay saved is worth USD {_musd(month)} m of NPV to the "
            "investor (negative while the plant loses money: its losses come sooner).",
            markup=False,
        )


def _print_pareto(console: Console, design: Any, rows: int = 12) -> None:
    from rich.table import Table

    front = design.pareto
    table = Table(
        title=f"Pareto front: public cost against investor NPV ({len(front)} packages)",
        title_justify="left",
    )
    for col in ("public cost USD m", "investor NPV USD m", "equity IRR", "min DSCR", "bankable"):
        table.add_column(col, justify="right")
    step = max(1, len(front) // rows)
    for r in front[::step]:
        table.add_row(
            _musd(r["public_cost_pv_usd"]),
            _musd(r.get("investor_npv_usd", r["npv_usd"])),
            _pct(r["equity_irr"]),
            _num(r["dscr_min"]),
            "yes" if r["bankable"] else "no",
        )
    console.print(table)


def incentives_command(
    scenario: ScenarioArg = None,
    case: CaseOpt = None,
    target_irr: Annotated[
        float | None,
        typer.Option("--target-irr", help="Equity IRR hurdle, % real (default 12, BAL §5.4)."),
    ] = None,
    min_dscr: Annotated[
        float | None, typer.Option("--min-dscr", help="Lowest debt-service cover (default 1.3).")
    ] = None,
    max_loss_prob: Annotated[
        float | None,
        typer.Option("--max-loss-prob", help="Highest P(NPV < 0) on a risk run (0-1); none."),
    ] = None,
    risk_samples: Annotated[
        int, typer.Option("--risk-samples", min=100, help="Samples of each risk run.")
    ] = 2000,
    levers: Annotated[
        Path | None,
        typer.Option("--levers", help="Lever file laid over data/levers.toml (ranges, use)."),
    ] = None,
    write_overlay: Annotated[
        Path | None,
        typer.Option("--write-overlay", help="Write the package as a scenario file."),
    ] = None,
    pathway: Annotated[
        str | None,
        typer.Option("--pathway", help="Pathway made bankable [default: the focus pathway]."),
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", help="Folder for results (a subfolder per scenario).")
    ] = Path("out"),
    site: Annotated[str | None, typer.Option("--site", help="Candidate site's costs.")] = None,
    regime: Annotated[str | None, typer.Option("--regime", help="Fiscal regime preset.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Write without printing.")] = False,
) -> None:
    """Find the cheapest package of incentives that makes the plant bankable."""
    from rich.console import Console

    from orevalue import api
    from orevalue.atomic import write_atomic
    from orevalue.incentives.document import design_csvs, design_json
    from orevalue.incentives.overlay import overlay_text
    from orevalue.scenario import ScenarioError

    try:
        loaded = api.load(scenario, site, regime, case=case)
        design = api.incentives(
            loaded,
            levers,
            target_irr,
            min_dscr,
            pathway,
            max_loss_probability=max_loss_prob,
            risk_samples=risk_samples,
        )
    except ScenarioError as exc:
        raise bad_input(exc) from None
    target = out / loaded.output_name / "incentives"
    try:
        write_atomic(target / "incentives.json", design_json(design))
        for name, text in design_csvs(design).items():
            write_atomic(target / name, text)
        if write_overlay is not None and design.package is not None:
            options = "".join(f" --{k} {v}" for k, v in (("site", site), ("regime", regime)) if v)
            header = [
                f"Incentive package found by orevalue incentives for pathway {design.pathway}",
                f"(targets {design.targets}); reproduce with: orevalue run {write_overlay}"
                f"{options}",
            ]
            write_atomic(write_overlay, overlay_text(design.fields, loaded.path, header))
    except OSError as exc:
        raise fail(f"{target}: cannot write results: {exc}") from None
    if not quiet:
        console = Console(width=max(Console().width, 120))
        _print_package(console, design)
        _print_ranking(console, design)
        _print_pareto(console, design)
        console.print(
            f"{design.evaluations} packages priced in {design.seconds:.1f} s. "
            f"Wrote incentives.json, ranking.csv, pareto.csv, package.csv to {target}/",
            markup=False,
            soft_wrap=True,
        )
    if write_overlay is not None and design.package is None:
        raise fail(f"{write_overlay}: not written: no package within the lever ranges is bankable")
