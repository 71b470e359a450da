"""The building blocks of every input model: elements, bounded number types, the name rule,
the strict base model and the provenance every model read from a file carries."""

from __future__ import annotations

import typing
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, Strict

from orevalue import catalog

ELEMENTS = catalog.ELEMENTS
Element = Literal[ELEMENTS]  # type: ignore[valid-type]

Pct = Annotated[float, Field(ge=0, le=100)]
NonNeg = Annotated[float, Field(ge=0)]


def Rng(low: float, high: float) -> Any:
    """A number between ``low`` and ``high`` (inclusive): the physical range of a field,
    generous enough for every real case; the schema, the errors and ``init`` show it."""
    return Annotated[float, Field(ge=low, le=high)]


#: Whole numbers of staff by skill.
Heads = Annotated[int, Field(ge=0, le=100_000)]
Year = Annotated[int, Field(ge=1900, le=2200)]

#: The one rule for every name a user gives that may reach a path or a file name (scenario,
#: feed, stage, stream, pathway, terms, price deck, terms case, shareholder, skill, site):
#: lower-case letters, digits, '_' and '-', starting with a letter or digit, so that no name
#: can hold '/', '\\', '..' or start with '.' or '-'.
NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
NAME_RULE = (
    "expected lower-case letters, digits, '_' or '-', not starting with '.', '-' or '_' "
    "(no '/', '\\' or '..')"
)


#: Largest size of a price series' value, in its unit (a deck's year or a terms case's flat
#: value): above any real price (gold is a few thousand USD/oz, antimony tens of thousands USD/t).
PRICE_LIMIT = 1e6
#: What a price series prices (data/price_series.toml) whose values are never below 0: a
#: metal's or a product's price. A charge, a premium or a netback may be (spot treatment charges
#: fell below 0 in 2024, a new cathode brand may sell at a discount, acid may cost to remove).
NON_NEGATIVE_PRICES = ("element", "product")


def price_range(series: str) -> tuple[float, float]:
    """The values the price series ``series`` may take, in its unit (low, high): a share of
    the year (a trade rule) 0 to 100 %."""
    known = catalog.price_series().get(series)
    if known is not None and known.prices == "share":
        return 0.0, 100.0
    low = 0.0 if known is not None and known.prices in NON_NEGATIVE_PRICES else -PRICE_LIMIT
    return low, PRICE_LIMIT


#: A year as a table key: TOML keys are text ("2030"), read as whole numbers.
YearKey = Annotated[int, Strict(False), Field(ge=1900, le=2200)]


def Pair(first: Any, second: Any) -> Any:
    """A pair [a, b]: TOML gives a list, taken as a tuple (its members stay strict)."""
    return Annotated[tuple[first, second], Strict(False)]


class _Model(BaseModel):
    # strict: a bool is not a number, a text is not a number, "yes" is not a bool (ints
    # are still numbers where floats are expected)
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)


class Sourced(BaseModel):
    """A model read from input files: the source and tag of every leaf, and the file read."""

    _provenance: dict[str, dict[str, str]] = PrivateAttr(default_factory=dict)
    _source_file: str = PrivateAttr(default="<default>")
    _case_file: str = PrivateAttr(default="")
    _notes: tuple[str, ...] = PrivateAttr(default=())

    @property
    def provenance(self) -> dict[str, dict[str, str]]:
        """Source and tag of every leaf, by dotted path."""
        return self._provenance

    @property
    def source_file(self) -> str:
        return self._source_file

    @property
    def case_file(self) -> str:
        """The embedded case the file was merged onto ("" for a model not read as a case)."""
        return self._case_file

    @property
    def notes(self) -> tuple[str, ...]:
        """Warnings about the input that do not stop a run (implausible values, an empty
        file), one line each, for the terminal and results.json."""
        return self._notes

    def with_source(
        self,
        provenance: dict[str, dict[str, str]],
        file: str,
        case_file: str = "",
        notes: tuple[str, ...] = (),
    ) -> typing.Self:
        """This model, with the provenance of its leaves, the file it was read from, the
        embedded case under it and the warnings about its values."""
        self._provenance = provenance
        self._source_file = file
        self._case_file = case_file
        self._notes = tuple(notes)
        return self
