"""Checks no single field shows: the stage graph, names that point nowhere, sums over 100 %."""

from __future__ import annotations

import re

from orevalue import catalog
from orevalue.scenario.errors import unknown_name
from orevalue.scenario.fields import price_range
from orevalue.scenario.mine import check_mine
from orevalue.scenario.regimes import regime_names
from orevalue.scenario.schema import (
    ELEMENTS,
    NAME_PATTERN,
    NAME_RULE,
    Scenario,
    TermsCase,
    feed_grade,
)


def produced_streams(scenario: Scenario, stage_names: list[str]) -> set[str]:
    """Streams the given stages put out (their splits and their rest streams)."""
    out: set[str] = set()
    for name in stage_names:
        stage = scenario.stages[name]
        out.update(stage.split)
        out.add(stage.rest)
    return out


def stage_order(scenario: Scenario, stage_names: list[str]) -> list[str]:
    """``stage_names`` ordered so every stage runs after the stages making its inputs.

    Raises ValueError when the stages feed each other in a cycle.
    """
    makers = {out: name for name in stage_names for out in produced_streams(scenario, [name])}
    order: list[str] = []
    pending = list(stage_names)
    while pending:
        ready = [
            n
            for n in pending
            if all(
                makers.get(i) in (None, *order) or makers.get(i) == n
                for i in scenario.stages[n].inputs
            )
        ]
        if not ready:
            raise ValueError(f"stages {', '.join(pending)} feed each other in a cycle")
        order.extend(ready)
        pending = [n for n in pending if n not in ready]
    return order


Found = list[tuple[str, str]]
#: Terms functions that can value a feed bought from its grades or contents.
FEED_TERMS_FUNCTIONS = ("concentrate", "metal_content")


def check_references(s: Scenario) -> Found:
    """Problems no single field shows: names that point nowhere, sums over 100 %.

    Each is a (dotted path, message) pair, in the order of the checks below.
    """
    names = _names(s)
    if names:  # the other checks may read a bad name as a path; it is reported alone
        return names
    return [
        *_repeats(s),
        *_feeds(s),
        *_stages(s),
        *_streams(s),
        *_pathways(s),
        *_finance_and_ownership(s),
        *_fiscal_and_terms(s),
        *_terms(s),
        *_trade_rules(s),
        *_pathway_choices(s),
        *check_mine(s.mine_plan, s.feeds),
    ]


_NAME = re.compile(NAME_PATTERN)


def check_name(path: str, name: str) -> Found:
    """The name rule (:data:`~orevalue.scenario.schema.NAME_PATTERN`) for one name."""
    return [] if _NAME.match(name) else [(path, f"got {name!r}; {NAME_RULE}")]


def _names(s: Scenario) -> Found:
    """Every name the file gives a table, a stream or a skill: the one name rule."""
    found: Found = []
    tables = ("feeds", "stages", "streams", "pathways", "terms", "prices", "terms_cases")
    for table in (*tables, "ownership"):
        for key in getattr(s, table):
            found += check_name(f"{table}.{key}", key)
    for key in s.labour.wage_usd_per_month:
        found += check_name(f"labour.wage_usd_per_month.{key}", key)
    for name, stage in s.stages.items():
        for out in stage.split:
            found += check_name(f"stages.{name}.split.{out}", out)
        found += check_name(f"stages.{name}.rest", stage.rest)
    return found


def _repeats(s: Scenario) -> Found:
    """Streams named twice in one list: a stage's inputs, a pathway's stages or sales."""
    found: Found = []
    lists = [(f"stages.{n}.inputs", st.inputs) for n, st in s.stages.items()]
    lists += [(f"pathways.{n}.stages", p.stages) for n, p in s.pathways.items()]
    lists += [(f"pathways.{n}.sells", p.sells) for n, p in s.pathways.items()]
    for path, names in lists:
        for i, name in enumerate(names):
            if name in names[:i]:
                found.append((f"{path}.{i}", f"'{name}' is already listed; name each once"))
    return found


def _feeds(s: Scenario) -> Found:
    """Stage cycles; feed grades that add up to more than the whole, feed years reversed,
    feeds bought on terms that cannot value a feed."""
    found: Found = []
    try:
        stage_order(s, list(s.stages))
    except ValueError as exc:
        found.append(("stages", str(exc)))
    feedable = [n for n, t in s.terms.items() if t.function in FEED_TERMS_FUNCTIONS]
    for name, feed in s.feeds.items():
        total = sum(  # every grade as % of dry mass (g/t / 1e4)
            feed_grade(feed, el) / (row.grade_divisor / 100.0)
            for el, row in catalog.elements().items()
        )
        if total > 100 + 1e-9:
            found.append((f"feeds.{name}", f"element grades add up to {total:.4g} %; at most 100"))
        if feed.last_year < feed.first_year:
            found.append((f"feeds.{name}.last_year", "must not be before first_year"))
        if feed.terms not in feedable:
            expected = ", ".join(repr(k) for k in feedable)
            found.append((f"feeds.{name}.terms", f"got {feed.terms!r}; expected one of {expected}"))
    p = s.project
    end_year = p.start_year + len(p.construction_spend_pct) + p.operating_years - 1
    active = s.active_feeds().values()
    if active and all(f.last_year < p.start_year or f.first_year > end_year for f in active):
        # one such feed among others is a warning (plausibility_notes); all: nothing to run
        message = f"no enabled feed is available within the project's {p.start_year}-{end_year}"
        found.append(("feeds", f"{message}; the plant would buy and make nothing"))
    return found


def _stages(s: Scenario) -> Found:
    """Each stage: recoveries within 100 %, streams and skills that exist, no self-feeding."""
    found: Found = []
    feeds = set(s.feeds)
    all_outputs = produced_streams(s, list(s.stages))
    for name, stage in s.stages.items():
        for element in ELEMENTS:
            total = sum(split.get(element, 0.0) for split in stage.split.values())
            if total > 100 + 1e-9:
                found.append(
                    (
                        f"stages.{name}.split",
                        f"{element} recoveries add up to {total:.6g} %; at most 100",
                    )
                )
        for i, stream in enumerate(stage.inputs):
            if stream not in feeds and stream not in all_outputs:
                found.append((f"stages.{name}.inputs.{i}", unknown_name("stream", stream, feeds)))
        found.extend(_basis(s, name, all_outputs))
        if stage.rest in stage.split:
            found.append((f"stages.{name}.rest", "must differ from the split outputs"))
        own = produced_streams(s, [name])
        for i, stream in enumerate(stage.inputs):
            if stream in own:
                found.append(
                    (f"stages.{name}.inputs.{i}", f"'{stream}' is this stage's own output")
                )
        for skill in stage.headcount:
            if skill not in s.labour.wage_usd_per_month:
                found.append(
                    (
                        f"stages.{name}.headcount.{skill}",
                        unknown_name("skill", skill, s.labour.wage_usd_per_month),
                    )
                )
    return found


def _streams(s: Scenario) -> Found:
    """Service skills with a wage; stream masses declared only for streams that exist."""
    found: Found = []
    for skill in s.services.headcount:
        if skill not in s.labour.wage_usd_per_month:
            found.append(
                (
                    f"services.headcount.{skill}",
                    unknown_name("skill", skill, s.labour.wage_usd_per_month),
                )
            )
    all_outputs = produced_streams(s, list(s.stages))
    for name in s.streams:
        if name not in all_outputs and name not in s.feeds:
            found.append((f"streams.{name}", "no stage puts out this stream"))
    return found


def _pathways(s: Scenario) -> Found:
    """The baseline builds nothing; each pathway's stages exist, are fed, and make what it sells."""
    found: Found = []
    if s.baseline_pathway not in s.pathways:
        found.append(("baseline_pathway", unknown_name("pathway", s.baseline_pathway, s.pathways)))
    elif s.pathways[s.baseline_pathway].stages:
        found.append(("baseline_pathway", "the baseline pathway must build no stages"))
    for name, pathway in s.pathways.items():
        for i, stage_name in enumerate(pathway.stages):
            if stage_name not in s.stages:
                found.append(
                    (f"pathways.{name}.stages.{i}", unknown_name("stage", stage_name, s.stages))
                )
        built = [st for st in pathway.stages if st in s.stages]
        if len(built) < len(pathway.stages):
            continue  # what it sells cannot be checked until its stages are known
        found.extend(_pathway_flow(s, name, built))
    return found


def _pathway_flow(s: Scenario, name: str, built: list[str]) -> Found:
    """One pathway whose stages all exist: every stage fed, every product made."""
    found: Found = []
    available = set(s.feeds) | produced_streams(s, built)
    active = set(s.active_feeds()) | produced_streams(s, built)
    for st in built:
        if not any(i in active for i in s.stages[st].inputs):
            found.append(
                (
                    f"pathways.{name}.stages",
                    f"stage '{st}' takes {', '.join(s.stages[st].inputs)}; "
                    "no active feed or stage of this pathway makes any of them",
                )
            )
        basis_stream = s.stages[st].basis.partition(".")[0]
        if basis_stream not in available:
            found.append(
                (
                    f"pathways.{name}.stages",
                    f"stage '{st}' needs '{basis_stream}', which no stage here makes",
                )
            )
    for i, product in enumerate(s.pathways[name].sells):
        if product not in s.terms:
            found.append(
                (
                    f"pathways.{name}.sells.{i}",
                    unknown_name("product with sales terms", product, s.terms),
                )
            )
        elif product not in available:
            found.append(
                (
                    f"pathways.{name}.sells.{i}",
                    f"'{product}' is not produced by this pathway's stages",
                )
            )
    return found


def _finance_and_ownership(s: Scenario) -> Found:
    """Debt repaid within the operating life; shares adding to 100 %, someone paying."""
    found: Found = []
    last_repayment = s.finance.grace_years + s.finance.tenor_years
    if last_repayment > s.project.operating_years:
        found.append(
            (
                "finance.tenor_years",
                f"grace {s.finance.grace_years} + tenor {s.finance.tenor_years} years outlive "
                f"the {s.project.operating_years} operating years",
            )
        )
    total = sum(h.share_pct for h in s.ownership.values())
    if abs(total - 100.0) > 1e-6:
        found.append(("ownership", f"shares add up to {total:.6g} %; expected 100"))
    for name, holder in s.ownership.items():
        if holder.free_carried_pct > holder.share_pct:
            found.append((f"ownership.{name}.free_carried_pct", "must not exceed share_pct"))
    if sum(h.share_pct - h.free_carried_pct for h in s.ownership.values()) <= 0:
        found.append(("ownership", "somebody must pay for the equity: every share is carried"))
    return found


def _fiscal_and_terms(s: Scenario) -> Found:
    """Regimes compared exist; ascending brackets, spend shares of 100 %, payable scales."""
    found: Found = []
    for i, name in enumerate(s.fiscal.compare_regimes):
        if name not in regime_names():
            found.append(
                (f"fiscal.compare_regimes.{i}", unknown_name("regime", name, regime_names()))
            )
    brackets = [t for t, _ in s.fiscal.super_tax_brackets]
    if brackets != sorted(brackets):
        found.append(("fiscal.super_tax_brackets", "thresholds must ascend"))
    for field in ("construction_spend_pct",):
        total = sum(getattr(s.project, field))
        if abs(total - 100.0) > 1e-6:
            found.append((f"project.{field}", f"shares add up to {total:.6g} %; expected 100"))
    for terms_name, t in s.terms.items():
        for el, scale in getattr(t, "payable_scales", {}).items():
            grades = [g for g, _ in scale]
            if grades != sorted(grades) or grades[0] != 0:
                found.append(
                    (f"terms.{terms_name}.payable_scales.{el}", "grades must start at 0 and ascend")
                )
        for el in getattr(t, "rc_usd_per_unit", {}):
            if el not in t.payable_scales:
                found.append(
                    (f"terms.{terms_name}.rc_usd_per_unit.{el}", f"no payable scale for '{el}'")
                )
    return found


def _series(path: str, name: str | None) -> Found:
    if name is None or name in catalog.price_series():
        return []
    return [(path, unknown_name("price series", name, catalog.price_series()))]


def _terms(s: Scenario) -> Found:
    """Price series the terms name, and elements they pay for without a price series."""
    found: Found = []
    priced = {x.element for x in catalog.price_series().values() if x.prices == "element"}
    for name, t in s.terms.items():
        where = f"terms.{name}"
        for field in ("tc_series", "rc_series", "price"):
            found += _series(f"{where}.{field}", getattr(t, field, None))
        for i, series in enumerate(getattr(t, "premiums", [])):
            found += _series(f"{where}.premiums.{i}", series)
        paid = [t.element] if t.function != "netback" else []
        paid += list(getattr(t, "payable_scales", {}))
        paid += list(getattr(t, "payable_pct", None) or []) if t.function == "metal_content" else []
        for el in paid:
            if el not in priced:
                found.append((where, f"no price series prices '{el}' (data/price_series.toml)"))
            elif (deck := catalog.element_price_series(el).key) not in s.prices:
                found.append((where, f"pays for '{el}' but the case has no [prices.{deck}] deck"))
    for name, deck in s.prices.items():
        found += _series(f"prices.{name}", name)
        for year, value in deck.items():
            found += _price_value(f"prices.{name}.{year}", name, value)
    for name, case in s.terms_cases.items():
        for series, value in case.prices.items():
            where = f"terms_cases.{name}.{series}"
            found += _series(where, series) or _price_value(where, series, value)
    return found


def _trade_rules(s: Scenario) -> Found:
    """A trade rule (``export_allowed``, ``import_allowed``) names a share series the case
    gives a deck for, on terms sold abroad (or bought abroad); what a barred lot is sold as is
    sold at home at the gate; reserves are bought at home."""
    found: Found = []
    for name, t in s.terms.items():
        where = f"terms.{name}"
        if t.import_allowed is not None:
            found += _share_rule(s, f"{where}.import_allowed", t.import_allowed)
            users = [f for f, feed in s.feeds.items() if feed.terms == name]
            if not users or not all(s.feeds[f].imported for f in users):
                found.append((f"{where}.import_allowed", "applies to terms of imported feeds"))
        if t.reserves and t.exported:
            found.append((f"{where}.reserves", "reserves are bought at home: set exported = false"))
        if t.export_allowed is None:
            if t.barred_sold_as is not None:
                found.append((f"{where}.barred_sold_as", "applies only with export_allowed"))
            continue
        found += _share_rule(s, f"{where}.export_allowed", t.export_allowed)
        if not t.exported:
            found.append((f"{where}.export_allowed", "a trade rule on terms with exported = false"))
        home = t.barred_sold_as
        if home is not None and home not in s.terms:
            found.append((f"{where}.barred_sold_as", unknown_name("terms", home, s.terms)))
        elif home is not None and (s.terms[home].exported or s.terms[home].freight != "none"):
            found.append(
                (
                    f"{where}.barred_sold_as",
                    f"terms.{home} must be sold at home at the gate (exported = false, "
                    'freight = "none")',
                )
            )
        elif home is not None and s.terms[home].export_allowed is not None:
            found.append((f"{where}.barred_sold_as", f"terms.{home} has a trade rule itself"))
    return found


def _share_rule(s: Scenario, where: str, name: str) -> Found:
    """A trade rule's series: a share series (data/price_series.toml) the case gives a deck."""
    series = catalog.price_series().get(name)
    if series is None or series.prices != "share":
        shares = [k for k, x in catalog.price_series().items() if x.prices == "share"]
        return [(where, unknown_name("share series", name, shares))]
    if name not in s.prices:
        return [(where, f"no [prices.{name}] deck")]
    return []


def _price_value(path: str, series: str, value: float) -> Found:
    """A price outside its series' range (:func:`~orevalue.scenario.fields.price_range`): a
    metal's or a product's price is never negative, a share of the year is 0 to 100 %."""
    low, high = price_range(series)
    if low <= value <= high:
        return []
    what = TermsCase.extra_description(series)
    bound = f">= {low:g}" if value < low else f"<= {high:g}"
    return [(path, f"got {value:g}; must be {bound}, allowed {low:g} to {high:g} ({what})")]


def _basis(s: Scenario, name: str, outputs: set[str]) -> Found:
    stream, _, element = s.stages[name].basis.partition(".")
    where = f"stages.{name}.basis"
    if not element and stream in s.feeds and stream in s.stages[name].inputs:
        return []  # sized by the dry tonnes of a feed it takes in (ore milled)
    if stream not in outputs:
        return [(where, unknown_name("stream", stream, outputs))]
    if element and element not in ELEMENTS:
        return [(where, unknown_name("element", element, ELEMENTS))]
    return []


def _pathway_choices(s: Scenario) -> Found:
    """Each pathway's main product among what it sells, on terms naming an element; the focus
    pathway one that builds a plant."""
    found: Found = []
    for name, pathway in s.pathways.items():
        main = pathway.main_product
        if main not in pathway.sells:
            found.append(
                (f"pathways.{name}.main_product", unknown_name("product sold", main, pathway.sells))
            )
        elif main in s.terms and getattr(s.terms[main], "element", None) is None:
            found.append(
                (f"pathways.{name}.main_product", f"the terms of '{main}' name no element")
            )
    if s.focus_pathway not in s.pathways:
        found.append(("focus_pathway", unknown_name("pathway", s.focus_pathway, s.pathways)))
    elif not s.pathways[s.focus_pathway].stages:
        found.append(("focus_pathway", "the focus pathway must build a plant"))
    return found


#: Discount rates outside this range, % per year, are accepted but warned about.
PLAUSIBLE_DISCOUNT_PCT = (-50.0, 50.0)
#: Start years outside this range are accepted but warned about.
PLAUSIBLE_START_YEAR = (1950, 2100)


def plausibility_notes(s: Scenario) -> Found:
    """Values that are allowed but unlikely to be meant: a discount rate beyond ±50 %, a start
    year before 1950 or after 2100, an enabled feed whose years miss the project's."""
    found: Found = []
    p = s.project
    low, high = PLAUSIBLE_DISCOUNT_PCT
    if not low <= p.discount_rate_pct <= high:
        found.append(
            (
                "project.discount_rate_pct",
                f"{p.discount_rate_pct:g} % per year is implausible (expected {low:g} to "
                f"{high:g}); results are computed with it",
            )
        )
    first, last = PLAUSIBLE_START_YEAR
    if not first <= p.start_year <= last:
        found.append(
            (
                "project.start_year",
                f"{p.start_year} is implausible (expected {first} to {last}); "
                "results are computed with it",
            )
        )
    end_year = p.start_year + len(p.construction_spend_pct) + p.operating_years - 1
    for name, feed in s.active_feeds().items():
        if feed.last_year < p.start_year or feed.first_year > end_year:
            found.append(
                (
                    f"feeds.{name}",
                    f"available {feed.first_year}-{feed.last_year}, never within the project's "
                    f"{p.start_year}-{end_year}; the feed is never bought",
                )
            )
    return found
