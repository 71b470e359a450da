"""The sections of the brief, each in the module of its job (in reading order: answer,
margin, country, government, siting, risk)."""

from orevalue.report.brief.answer import answer_section, pathways_section
from orevalue.report.brief.country import dollars_section, needs_section, trade_section
from orevalue.report.brief.government import government_section
from orevalue.report.brief.incentives import incentives_section
from orevalue.report.brief.margin import cash_flows_section, per_tonne_section
from orevalue.report.brief.portfolio import portfolio_section
from orevalue.report.brief.risk import risk_section
from orevalue.report.brief.siting import siting_section
from orevalue.report.brief.sweep import sweep_section

__all__ = [
    "answer_section",
    "cash_flows_section",
    "dollars_section",
    "government_section",
    "incentives_section",
    "needs_section",
    "pathways_section",
    "per_tonne_section",
    "portfolio_section",
    "risk_section",
    "siting_section",
    "sweep_section",
    "trade_section",
]
