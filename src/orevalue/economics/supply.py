"""Feed supply of one evaluation: what each feed brings, what a plant takes, and its worth.

Every pathway that builds a plant takes the same tonnage of a feed it consumes (the lesser of
what is available and the nameplate at the year's utilisation), so tonnages and values are
worked out once per evaluation and shared by all pathways. Arrays are (N samples, Y years).

A domestic feed is bought at export parity: its value on its terms (CIF China) less the ocean
freight and the site's leg to the port. An imported feed (``imported = true``)
is bought CIF a Pakistani port: its value on its terms plus that landed freight per wet t; it
fills the room the feeds before it leave, and what the plant does not take is not bought (it
is neither exported nor beyond capacity). Its purchase is an import: its export earnings are
minus what the plant pays for it. Under an import rule (its terms' ``import_allowed``, a share
of each year) only that share of it is on offer.

A captive-feed contract (``mine_plan.captive_share_pct`` = s, per sample) splits the mine's
feed into two lots: s x the mine's concentrate at the mine's grades (taken first) and (1 - s) x
the feed's own figures for the balance of the plant's need, each valued on its own grades (at
the regulated TC/RC where a domestic-processing obligation is on, else at the market's) and
each carried through the flowsheet on its own unit balance. s = 0 is the feed's own figures,
s = 100 the mine's (``supplies_feed = true``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from orevalue import flowsheet
from orevalue.economics import mine, schedule, terms
from orevalue.economics.pricing import Market, Value
from orevalue.params import Params
from orevalue.scenario import Scenario


class FeedLot(NamedTuple):
    """One lot of a feed: the parameters carrying its grades, its dry t available and
    processed per year, (N, Y), and its part of the feed's nameplate, (N, 1)."""

    q: Params
    available: np.ndarray
    processed: np.ndarray
    nameplate: np.ndarray


class FeedSupply:
    """Tonnages of every active feed, and their values (each computed when first asked)."""

    def __init__(self, scenario: Scenario, p: Params, tl: schedule.Timeline, market: Market):
        self.scenario, self.p, self.market = scenario, p, market
        #: what the pathways of one evaluation share (streams of common stages, their values)
        self.memo: dict = {}
        #: dry t per year available, (N, Y)
        self.available_dry_t = {
            f: schedule.feed_available_dry_t(scenario, p, f, tl) for f in scenario.active_feeds()
        }
        if mine.supplies_feed(scenario):  # the mine's concentrate, phase by phase
            feed = scenario.mine_plan.feed  # type: ignore[union-attr]
            self.available_dry_t[feed] = mine.concentrate_dry_t_on(scenario, p, tl.years)
        #: under an import rule, the share of each year a feed may come, (N, Y)
        allowed: dict[str, np.ndarray] = {}
        for feed, available in self.available_dry_t.items():
            rule = scenario.terms[scenario.feeds[feed].terms].import_allowed
            if rule is not None and scenario.feeds[feed].imported:
                allowed[feed] = market[rule] / 100.0
                self.available_dry_t[feed] = available * allowed[feed]
        #: feeds in two lots (a captive-feed contract): [the mine's, the feed's own figures]
        self.lots: dict[str, list[FeedLot]] = {}
        captive = _captive_lots(scenario, p, tl, self.available_dry_t)
        #: dry t per year a plant consuming the feed processes, (N, Y)
        self.processed_dry_t: dict[str, np.ndarray] = {}
        #: dry t per year at nameplate, (N, 1)
        self.nameplate_dry_t: dict[str, np.ndarray] = {}
        util = schedule.utilisation(p, tl)
        util_final = p.vector("project.utilisation_pct")[:, -1:] / 100.0
        sized = [
            f
            for f in self.available_dry_t
            if scenario.terms[scenario.feeds[f].terms].feed_sizing == "nameplate"
        ]
        nameplate = p["project.nameplate_conc_dmt_per_yr"]
        if scenario.project.size_to_feed and sized:  # the plant takes its peak feed at full use
            peak = sum(self.available_dry_t[f] for f in sized).max(axis=1, keepdims=True)
            nameplate = np.divide(peak, util_final, out=np.zeros_like(peak), where=util_final > 0)
        #: nameplate the feeds on nameplate terms share, dry t/yr (N, 1)
        self.nameplate_conc_dmt_per_yr = nameplate
        room = nameplate * util  # what is left of the year's capacity, in the feeds' order
        ramp = np.divide(util, util_final, out=np.zeros_like(util), where=util_final > 0)
        ramp = np.minimum(ramp, 1.0)
        taken: dict[str, list[np.ndarray]] = {}
        for feed, available in self.available_dry_t.items():
            parts = captive[1] if feed == captive[0] else [available]
            taken[feed] = []
            for part in parts:  # the captive lot first: the contract's tonnes are taken first
                if feed in sized:
                    taken[feed].append(np.minimum(part, room))
                    room = room - taken[feed][-1]
                else:
                    taken[feed].append(part * ramp)
            cap = nameplate if feed in sized else p[f"feeds.{feed}.dry_t_per_yr"]
            if feed in allowed and feed not in sized:  # sized for what the rule ever lets in
                cap = cap * allowed[feed].max(axis=1, keepdims=True)
            self.processed_dry_t[feed] = _summed(taken[feed])
            self.nameplate_dry_t[feed] = cap
        self._share_nameplate(sized)
        if captive[0] is not None:
            self._split(captive[0], captive[1], taken[captive[0]], captive[2])
        self.purchase_market = _regulated_market(scenario, p, tl, market)
        self._purchase: dict[str, tuple[Value, np.ndarray]] = {}
        self._fob: dict[tuple[str, bool], np.ndarray] = {}
        self._left: dict[tuple[str, bool], list[list[terms.Sale]]] = {}

    def _share_nameplate(self, sized: list[str]) -> None:
        """Feeds on nameplate terms share one nameplate: each is given the share of it that
        it takes in the year they are processed most (per sample), so the stages' capacity
        counts the nameplate once (a lone feed keeps all of it)."""
        if len(sized) < 2:
            return
        total = sum(self.processed_dry_t[f] for f in sized)
        peak = np.argmax(total, axis=1)[:, None]
        at_peak = np.take_along_axis(total, peak, axis=1)
        for i, feed in enumerate(sized):
            mine = np.take_along_axis(self.processed_dry_t[feed], peak, axis=1)
            fallback = np.full_like(at_peak, 1.0 if i == 0 else 0.0)
            share = np.divide(mine, at_peak, out=fallback, where=at_peak > 0)
            self.nameplate_dry_t[feed] = self.nameplate_conc_dmt_per_yr * share

    def _split(
        self, feed: str, available: list[np.ndarray], processed: list[np.ndarray], q: Params
    ) -> None:
        """The two lots of a captive-feed contract, each given the part of the feed's
        nameplate it takes in the year the feed is processed most (per sample)."""
        total = self.processed_dry_t[feed]
        peak = np.argmax(total, axis=1)[:, None]
        at_peak = np.take_along_axis(total, peak, axis=1)
        share = self.p["mine_plan.captive_share_pct"] / 100.0
        lots = []
        for i, (params, avail, done) in enumerate(
            zip((q, self.p), available, processed, strict=True)
        ):
            fallback = share if i == 0 else 1.0 - share
            mine_at_peak = np.take_along_axis(done, peak, axis=1)
            part = np.divide(mine_at_peak, at_peak, out=fallback + 0.0 * at_peak, where=at_peak > 0)
            lots.append(FeedLot(params, avail, done, self.nameplate_dry_t[feed] * part))
        self.lots[feed] = lots

    def parts(self, feed: str, which: str) -> list[tuple[Params, np.ndarray]]:
        """The feed's lots as (parameters carrying its grades, dry t (N, Y)): ``which`` is
        "available", "processed" or "left" (available less processed). One lot (the
        evaluation's parameters) unless the feed is split by a captive-feed contract; a lot
        with no tonnes is left out."""
        if feed not in self.lots:
            dry_t = {
                "available": self.available_dry_t[feed],
                "processed": self.processed_dry_t[feed],
            }.get(which)
            if dry_t is None:
                dry_t = self.available_dry_t[feed] - self.processed_dry_t[feed]
            return [(self.p, dry_t)]
        out = []
        for lot in self.lots[feed]:
            dry_t = {"available": lot.available, "processed": lot.processed}.get(which)
            out.append((lot.q, lot.available - lot.processed if dry_t is None else dry_t))
        kept = [(q, t) for q, t in out if t.any()]
        return kept or out[-1:]

    def beyond_capacity_dry_t(self) -> np.ndarray:
        """Feed on nameplate terms beyond the plant's nameplate x utilisation, exported as it
        is, dry t per year (N, Y)."""
        out = np.zeros((self.p.n_samples, next(iter(self.available_dry_t.values())).shape[1]))
        for feed, available in self.available_dry_t.items():
            spec = self.scenario.terms[self.scenario.feeds[feed].terms]
            if spec.feed_sizing == "nameplate" and not self.imported(feed):
                out = out + available - self.processed_dry_t[feed]
        return out

    def purchase(self, feed: str) -> tuple[Value, np.ndarray]:
        """The processed feed at export parity, with the freight the plant's site saves (what
        the plant pays), and the export duty it would have paid abroad, USD (N, Y)."""
        if feed not in self._purchase:
            parts = self.parts(feed, "processed")
            regulated = self.purchase_market is not None and feed == _mine_feed(self.scenario)
            values = [
                terms.total(self._sales(feed, t, ocean=False, regulated=regulated, q=q))
                for q, t in parts
            ]
            duties = [self._export_duty_usd(feed, t, q) for q, t in parts]
            self._purchase[feed] = (_summed(values), _summed(duties))
        return self._purchase[feed]

    def imported(self, feed: str) -> bool:
        """Whether ``feed`` is bought abroad (``imported``)."""
        return self.scenario.feeds[feed].imported

    def fob_usd(self, feed: str, processed: bool) -> np.ndarray:
        """Export earnings, FOB Pakistani port, of the feed a plant leaves unprocessed
        (``processed``) or of all of it (no plant), USD (N, Y). An imported feed earns minus
        what the plant pays for it where a plant buys it (landed at the site), else 0."""
        key = (feed, processed)
        if key not in self._fob and self.imported(feed):
            bought = self.purchase(feed)[0].total_usd if processed else 0.0
            self._fob[key] = -bought + np.zeros_like(self.available_dry_t[feed])
        if key not in self._fob:
            parts = self.parts(feed, "left" if processed else "available")
            # a plant that takes all of it leaves nothing to export: its value is zero (every
            # terms function is linear in the tonnes), with no valuation of zero tonnes
            if processed and not any(t.any() for _, t in parts):
                self._fob[key] = np.zeros_like(self.available_dry_t[feed])
            else:
                lots = self._left_sales(feed, processed, parts)
                self._fob[key] = _summed([_sent(sales).total_usd for sales in lots])
        return self._fob[key]

    def sales_usd(self, feed: str, processed: bool) -> np.ndarray:
        """What the feed a plant leaves unprocessed (``processed``) or all of it sells for, at
        export parity less ocean freight, USD (N, Y): its export earnings (:meth:`fob_usd`),
        plus, under a trade rule, the part of a year barred from export sold at home."""
        if self.scenario.terms[self.scenario.feeds[feed].terms].export_allowed is None:
            return self.fob_usd(feed, processed)
        lots = self._left_sales(feed, processed)
        return _summed([terms.total(sales).total_usd for sales in lots])

    def _left_sales(
        self, feed: str, processed: bool, parts: list[tuple[Params, np.ndarray]] | None = None
    ) -> list[list[terms.Sale]]:
        """The sales, at ocean freight, of each lot of the feed a plant leaves unprocessed
        (``processed``) or of all of it (its :meth:`parts`, where the caller has them): worked
        out once, read by :meth:`fob_usd` (the parts exported) and :meth:`sales_usd` (all)."""
        key = (feed, processed)
        if key not in self._left:
            if parts is None:
                parts = self.parts(feed, "left" if processed else "available")
            self._left[key] = [self._sales(feed, t, ocean=True, q=q) for q, t in parts]
        return self._left[key]

    def _sales(
        self,
        feed: str,
        dry_t: np.ndarray,
        ocean: bool,
        regulated: bool = False,
        q: Params | None = None,
    ) -> list[terms.Sale]:
        """``dry_t`` of a feed sold on its terms (:func:`orevalue.economics.terms.sales`), at
        export parity: with only ocean freight deducted (``ocean``) or with the freight the
        plant's site saves too; at the regulated treatment and refining charges where
        ``regulated``; at the grades of ``q`` (default the evaluation's). An imported feed
        pays its landed freight on top of its value on its terms, whichever the leg."""
        p, kind = (self.p if q is None else q), self.scenario.feeds[feed].terms
        if self.imported(feed):
            freight = -p[f"feeds.{feed}.landed_freight_usd_per_wmt"]
        else:
            freight = terms.freight_usd_per_t(self.scenario, p, kind, ocean_only=ocean)
        lot = terms.Lot(_Elements(p, feed, dry_t), dry_t, feed)
        market = self.purchase_market if regulated else self.market
        return terms.sales(self.scenario, p, kind, lot, market, freight)

    def _export_duty_usd(self, feed: str, dry_t: np.ndarray, q: Params) -> np.ndarray:
        """Export duty on the mine's sales exported (a feed on terms with ``mine_sales``), % of
        its FOB value at the grades of ``q`` (0 for other feeds)."""
        rate = self.p["fiscal.export_duty_conc_pct"]
        if not self.scenario.terms[self.scenario.feeds[feed].terms].mine_sales or not rate.any():
            return np.zeros_like(dry_t)
        fob = _sent(self._sales(feed, dry_t, ocean=True, q=q)).total_usd
        return np.maximum(fob, 0.0) * rate / 100.0


def _sent(sales: list[terms.Sale]) -> Value:
    """What of a lot's sales is exported: the one sale itself where there is one (a feed on
    terms sold at home, valued at export parity all the same), else the exported part."""
    return sales[0].value if len(sales) == 1 else terms.exported(sales)


def _summed(parts: list):
    """The sum of one or more values (the one itself where there is one)."""
    out = parts[0]
    for part in parts[1:]:
        out = out + part
    return out


def _captive_lots(
    scenario: Scenario, p: Params, tl: schedule.Timeline, available: dict[str, np.ndarray]
) -> tuple[str | None, list[np.ndarray], Params]:
    """Under a captive-feed contract (``mine_plan.captive_share_pct`` > 0 in some sample,
    ``supplies_feed`` off), the mine's feed and its two lots available, dry t (N, Y): the
    share s of the mine's concentrate, and (1 - s) of the feed's own figures; with the
    parameters carrying the mine's concentrate grades. (None, [], p) without one."""
    plan = scenario.mine_plan
    if plan is None or mine.supplies_feed(scenario) or plan.feed not in available:
        return None, [], p
    share = p["mine_plan.captive_share_pct"] / 100.0
    if not share.any():
        return None, [], p
    mine_t = share * mine.concentrate_dry_t_on(scenario, p, tl.years)
    own_t = (1.0 - share) * available[plan.feed]
    available[plan.feed] = mine_t + own_t
    return plan.feed, [mine_t, own_t], mine.concentrate_params(scenario, p)[0]


class _Elements(dict):
    """Element tonnes of a feed lot, worked out when first read (concentrate terms read
    grades, not tonnes)."""

    def __init__(self, p: Params, feed: str, dry_t: np.ndarray):
        super().__init__()
        self._p, self._feed, self._dry_t = p, feed, dry_t

    def __missing__(self, element: str) -> np.ndarray:
        self[element] = flowsheet.feed_element_t(self._p, self._feed, self._dry_t, element)
        return self[element]


def _mine_feed(scenario: Scenario) -> str | None:
    plan = scenario.mine_plan
    return plan.feed if plan is not None else None


def _regulated_market(
    scenario: Scenario, p: Params, tl: schedule.Timeline, market: Market
) -> Market | None:
    """The market a plant buys the mine's concentrate in under a domestic-processing
    obligation (flat regulated TC and RC of the feed's terms), or None without one."""
    plan = scenario.mine_plan
    if plan is None or not plan.regulated_terms:
        return None
    spec = scenario.terms[scenario.feeds[plan.feed].terms]
    tc, rc = p["mine_plan.regulated_tc_usd_per_dmt"], p["mine_plan.regulated_rc_usc_per_lb"]
    q = p.flat_deck(f"prices.{spec.tc_series}", tc).flat_deck(f"prices.{spec.rc_series}", rc)
    return Market.from_params(q, tl.years)
