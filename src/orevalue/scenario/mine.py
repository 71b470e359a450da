"""The mine and its concentrator as data: phases of ore milled, head grades, recoveries,
costs, capital and closure (the ``[mine_plan]`` table of a scenario).

The mine's royalties and income-tax rate stay in ``[mine]`` (the country view reads them);
this table adds what the mine view needs to value the mine itself. Grades are generic over
data/elements.toml: one field per element in its table unit (``cu_pct``, ``au_g_per_t``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from orevalue import catalog

ELEMENTS = catalog.ELEMENTS
Element = Literal[ELEMENTS]  # type: ignore[valid-type]
Pct = Annotated[float, Field(ge=0, le=100)]
NonNeg = Annotated[float, Field(ge=0)]
Year = Annotated[int, Field(ge=1900, le=2200)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _grade(el: catalog.Element) -> tuple[Any, Any]:
    """A head grade of ``el`` in its table unit, bounded by the element's table maximum."""
    unit = "% of ore" if el.unit == "pct" else "g per t ore"
    return (float, Field(default=0.0, ge=0, le=el.max, description=f"{el.name}, {unit}"))


#: Head grades of the ore milled: one field per element of data/elements.toml.
HeadGrade = create_model(
    "HeadGrade",
    __base__=_Model,
    __doc__="Head grades of the ore milled, each element in its table unit (% or g/t).",
    **{el.grade_field: _grade(el) for el in catalog.elements().values()},
)


class MinePhase(_Model):
    """One phase of the mine: the ore milled from its first year, and its capital."""

    label: str = ""
    first_year: Year = Field(description="first calendar year milling at this phase's rate")
    ore_milled_t_per_yr: NonNeg = Field(description="ore milled, t/yr, from the first year")
    capex_usd: NonNeg = Field(description="mine and concentrator capital of the phase, USD")
    capex_spend_pct: list[Pct] = Field(
        min_length=1,
        max_length=10,
        description="share of the phase's capex spent in each of the years before its first "
        "year, %, earliest first (summing to 100)",
    )


class MinePlan(_Model):
    """The mine and concentrator: phases, grades, recoveries, costs, capital and closure."""

    label: str = ""
    feed: str = Field(
        default="concentrate", description="the feed (a [feeds] table) the mine's concentrate is"
    )
    supplies_feed: bool = Field(
        default=False,
        description="the feed's tonnage and grades come from the mine (false: the feed's own "
        "figures, the mine valued alongside)",
    )
    captive_share_pct: Pct = Field(
        default=0.0,
        description="policy lever, a captive-feed contract: share of the mine's concentrate, "
        "%, the plant takes with the mine's tonnage and grades (the balance of its need at "
        "the feed's own figures); supplies_feed = true is a share of 100",
    )
    first_year: Year = Field(description="first calendar year of production")
    life_years: int = Field(ge=1, le=100, description="years of production")
    phases: dict[str, MinePhase] = Field(min_length=1, description="phases, by name")
    strip_ratio: NonNeg = Field(description="waste mined per t ore, t/t")
    head_grade: HeadGrade = Field(description="head grades of the ore milled")  # type: ignore[valid-type]
    recovery_pct: dict[Element, Pct] = Field(
        description="concentrator recovery of each element to concentrate, %"
    )
    element: Element = Field(description="main element of the concentrate (sets the mass pull)")
    concentrate_grade_pct: float = Field(
        gt=0, le=100, description="main element's grade in the concentrate, %"
    )
    mining_usd_per_t_mined: NonNeg = Field(description="mining cost, USD per t ore and waste")
    processing_usd_per_t_ore: NonNeg = Field(description="processing cost, USD per t ore milled")
    g_and_a_usd_per_t_ore: NonNeg = Field(description="G&A, USD per t ore milled")
    sustaining_capex_usd_per_t_ore: NonNeg = Field(
        description="sustaining capital, USD per t ore milled"
    )
    conc_freight_mine_to_port_usd_per_wmt: NonNeg = Field(
        description="concentrate freight from the mine to the export port, USD/wmt"
    )
    closure_usd: NonNeg = Field(description="closure and rehabilitation, USD, in the last year")
    depreciation_years: int = Field(ge=1, le=60, description="straight-line tax life, years")
    export_ban: bool = Field(
        default=False,
        description="policy lever: concentrate may not be exported where a plant is built; "
        "the plant takes it up to its capacity and the rest goes unsold",
    )
    regulated_terms: bool = Field(
        default=False,
        description="policy lever, a domestic-processing obligation: the plant buys the "
        "mine's concentrate at the regulated TC/RC below instead of the market's",
    )
    regulated_tc_usd_per_dmt: float = Field(
        default=0.0, ge=-500, le=1000, description="regulated treatment charge, USD/dmt"
    )
    regulated_rc_usc_per_lb: float = Field(
        default=0.0, ge=-50, le=100, description="regulated refining charge, US c/lb"
    )

    def levers(self) -> bool:
        """True where a lever on the link between the mine and the plant is set."""
        return self.export_ban or self.regulated_terms

    def without_levers(self) -> MinePlan:
        """The plan with no export ban and no regulated terms."""
        return self.model_copy(update={"export_ban": False, "regulated_terms": False})


def check_mine(plan: MinePlan | None, feeds: dict[str, Any]) -> list[tuple[str, str]]:
    """Problems no single field of ``plan`` shows, as (dotted path, message): a phase that
    starts before the mine or after its life, a feed that is not there, a main element the
    concentrator does not recover."""
    if plan is None:
        return []
    found: list[tuple[str, str]] = []
    last = plan.first_year + plan.life_years - 1
    for name, phase in plan.phases.items():
        if not plan.first_year <= phase.first_year <= last:
            found.append(
                (
                    f"mine_plan.phases.{name}.first_year",
                    f"must lie within the mine's life, {plan.first_year} to {last} "
                    f"(mine_plan.first_year and life_years); got {phase.first_year}",
                )
            )
    if plan.first_year not in {ph.first_year for ph in plan.phases.values()}:
        found.append(
            ("mine_plan.phases", f"one phase must start in mine_plan.first_year {plan.first_year}")
        )
    if plan.supplies_feed and plan.captive_share_pct not in (0.0, 100.0):
        found.append(
            (
                "mine_plan.captive_share_pct",
                "a share of the mine's concentrate needs supplies_feed = false (true takes all "
                f"of it, a share of 100); got {plan.captive_share_pct:g}",
            )
        )
    if plan.feed not in feeds:
        found.append(("mine_plan.feed", f"must name a [feeds] table; got '{plan.feed}'"))
    if plan.recovery_pct.get(plan.element, 0.0) <= 0:
        found.append(
            (
                f"mine_plan.recovery_pct.{plan.element}",
                "the main element's recovery must be > 0",
            )
        )
    return found
