"""Scenario: typed schema, loading, deep merge onto the default case, provenance, error messages.

A scenario file is TOML. Any leaf may be a plain value or a table
``{ value = ..., source = "...", tag = "S|D|E|S-w" }``; the source and tag travel with the value
into the results. A user file sets only what differs from the embedded default case.

One job per module, lower layers first (none imports a later one):

- :mod:`~orevalue.scenario.schema`: the pydantic models, with units and bounds;
- :mod:`~orevalue.scenario.tables`: raw tables: provenance, deep merge, dotted leaves;
- :mod:`~orevalue.scenario.errors`: problems, and pydantic errors translated into them;
- :mod:`~orevalue.scenario.regimes`: fiscal regime presets;
- :mod:`~orevalue.scenario.checks`: the stage graph and cross-references;
- :mod:`~orevalue.scenario.load`: reading files and merging onto the default case.
"""

from orevalue.scenario.checks import check_references, produced_streams, stage_order
from orevalue.scenario.errors import (
    ModelT,
    Problem,
    Problems,
    ScenarioError,
    close_match,
    describe,
    field_description,
    problem_from_error,
    unknown_name,
)
from orevalue.scenario.load import (
    DEFAULT_CASE,
    Overlay,
    default_text,
    load,
    parse_toml,
    read_input,
    validate_input,
)
from orevalue.scenario.regimes import (
    CASE_FISCAL_FIELDS,
    REGIMES_FILE,
    regime_names,
    regime_preset,
    with_regime,
)
from orevalue.scenario.schema import (
    ELEMENTS,
    TERMS_FUNCTIONS,
    ConcentrateTerms,
    Deck,
    Element,
    ElementPriceTerms,
    Feed,
    Finance,
    Fiscal,
    Labour,
    LocalContent,
    Logistics,
    MetalContentTerms,
    MetalPriceTerms,
    Mine,
    NetbackTerms,
    NonNeg,
    Pathway,
    Pct,
    Prices,
    Project,
    SalesTerms,
    Scenario,
    Services,
    Shareholder,
    Site,
    Sourced,
    Stage,
    StreamMass,
    TermsCase,
    Year,
    feed_grade,
)
from orevalue.scenario.tables import PROVENANCE_KEYS, deep_merge, leaves, split_provenance

__all__ = [
    "CASE_FISCAL_FIELDS",
    "DEFAULT_CASE",
    "ELEMENTS",
    "PROVENANCE_KEYS",
    "REGIMES_FILE",
    "TERMS_FUNCTIONS",
    "ConcentrateTerms",
    "Deck",
    "Element",
    "ElementPriceTerms",
    "Feed",
    "Finance",
    "Fiscal",
    "Labour",
    "LocalContent",
    "Logistics",
    "MetalContentTerms",
    "MetalPriceTerms",
    "Mine",
    "ModelT",
    "NetbackTerms",
    "NonNeg",
    "Overlay",
    "Pathway",
    "Pct",
    "Prices",
    "Problem",
    "Problems",
    "Project",
    "SalesTerms",
    "Scenario",
    "ScenarioError",
    "Services",
    "Shareholder",
    "Site",
    "Sourced",
    "Stage",
    "StreamMass",
    "TermsCase",
    "Year",
    "check_references",
    "close_match",
    "deep_merge",
    "default_text",
    "describe",
    "feed_grade",
    "field_description",
    "leaves",
    "load",
    "parse_toml",
    "problem_from_error",
    "produced_streams",
    "read_input",
    "regime_names",
    "regime_preset",
    "split_provenance",
    "stage_order",
    "unknown_name",
    "validate_input",
    "with_regime",
]
