"""Every result key declared once: its group, unit, label and description (data/outputs.csv).

As PyPSA declares its component attributes in ``pypsa/data/component_attrs/*.csv``, the
outputs table is the one place a result key is named for people: the engine reads the order
and level of the government instruments from it, and the terminal tables, the brief and the
risk tables read labels and units from it. ``tests/test_outputs.py`` fails when an evaluation
produces a key the table does not declare, or the table declares a key nothing produces.

Columns: ``key``, ``group`` (where the key sits in ``Results.to_dict()``: plant,
margin_usd_per_t, terms_cases, country, government, stakeholders, dollars, annual,
progressivity, regimes, risk, risk_statistic), ``unit`` (USD, USD/yr, USD/t, USD/job, fraction,
percentage points, years, ratio, jobs, MW, GWh/yr, m3/day, t/yr …; a fraction is 0.25 for
25 %), ``label`` (one per key), ``description`` (one sentence) and, for a government
instrument, ``level`` (province or federation), ``law``, ``kind`` (royalty, income_tax, duty,
withholding, equity) and ``payer`` (mine or plant); for a stakeholder, ``kind`` says where
its share goes (home: stays in the host country, abroad, timing).

A key written ``government_{instrument}`` stands for one key per row of the group named in
braces (see :func:`expand`); a key written ``product_{element}_t_per_yr``,
``free_{element_name}`` or ``breakeven_{series}`` stands for one key per element of
data/elements.toml (its key, or its name) or per price series of data/price_series.toml that
prices an element: a case's keys follow its main element (:func:`key`). In the label of such
a key, ``{element}`` is the element's name ("copper"); its unit ``series`` is the unit of the
price series (USD/t, USD/oz).

Only the standard library and the data tables of :mod:`orevalue.catalog` are imported, so that
every layer may read the table.

Number formats (:func:`format_value`; negative numbers take a true minus sign, U+2212, or an
ASCII hyphen with ``ascii_minus``; a value that rounds to zero shows no sign; a missing or
non-finite value shows "–"):

====== ============================================ ==========
kind   shown                                        example
====== ============================================ ==========
musd   value / 1e6, no decimals, thousands commas   −1,381
musd1  value / 1e6, one decimal, thousands commas   −1,381.3
usd    value, no decimals, thousands commas         4,500
pct    100 × value, one decimal                     −2.1
pct0   100 × value, no decimals                     64
pct2   100 × value, two decimals                    12.50
pp     value (already in points), one decimal, sign +1.5
kt     value / 1e3, no decimals, thousands commas   236
kt1    value / 1e3, one decimal, thousands commas   236.4
t1     value, one decimal, thousands commas         5.5
kg     1e3 × value, no decimals, thousands commas   350
n      value, no decimals, thousands commas         1,102
x      value, two decimals                          −0.50
yr     value, one decimal                           12.0
int    a whole number as it is (a year): no commas  2030
g      an input as written: integers and whole      7,000,000; 0.6; 73.94
       numbers with thousands commas, other values
       to 6 significant digits (commas from 1,000)
====== ============================================ ==========
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from orevalue import catalog

MINUS = "\u2212"
MISSING = "\u2013"

#: How each unit of the table is shown: (format kind, unit shown beside the label).
UNITS: dict[str, tuple[str, str]] = {
    "USD": ("musd", "USD m"),
    "USD/yr": ("musd", "USD m/yr"),
    "USD/t": ("usd", "USD/t"),
    "USD/dmt": ("usd", "USD/dmt"),
    "USD/oz": ("usd", "USD/oz"),
    "USc/lb": ("usd", "USc/lb"),
    "USD/job": ("usd", "USD"),
    "fraction": ("pct", "%"),
    "percentage points": ("pp", "% points"),
    "%": ("g", "%"),
    "years": ("yr", "years"),
    "months": ("yr", "months"),
    "ratio": ("x", ""),
    "jobs": ("n", ""),
    "MW": ("n", "MW"),
    "GWh/yr": ("n", "GWh/yr"),
    "m3/day": ("n", "m³/day"),
    "t/yr": ("kt", "kt/yr"),
    "koz/yr": ("n", "koz/yr"),
    "year": ("int", ""),
    "samples": ("n", ""),
    "same as the output": ("g", ""),
    "series": ("usd", ""),
}

_KINDS: dict[str, tuple[float, str]] = {
    "musd": (1e-6, ",.0f"),
    "musd1": (1e-6, ",.1f"),
    "usd": (1.0, ",.0f"),
    "pct": (100.0, ".1f"),
    "pct0": (100.0, ".0f"),
    "pct2": (100.0, ".2f"),
    "pp": (1.0, "+.1f"),
    "kt": (1e-3, ",.0f"),
    "kt1": (1e-3, ",.1f"),
    "t1": (1.0, ",.1f"),
    "kg": (1e3, ",.0f"),
    "n": (1.0, ",.0f"),
    "x": (1.0, ".2f"),
    "yr": (1.0, ".1f"),
}
#: Placeholders of family keys, and the group whose keys they stand for.
FAMILIES = {"instrument": "government", "stakeholder": "stakeholders"}
#: Placeholders whose members come from the data tables of :mod:`orevalue.catalog`.
DATA_FAMILIES = ("element", "element_name", "series")


def members(name: str) -> tuple[str, ...]:
    """The members a placeholder stands for: a group's keys (``instrument``), the elements'
    keys (``element``) or names (``element_name``), or the series pricing an element
    (``series``)."""
    if name in FAMILIES:
        return group(FAMILIES[name])
    if name == "element":
        return tuple(catalog.elements())
    if name == "element_name":
        return tuple(e.name for e in catalog.elements().values())
    if name == "series":
        return tuple(k for k, s in catalog.price_series().items() if s.prices == "element")
    raise KeyError(f"data/outputs.csv: unknown placeholder {{{name}}}")


def key(template: str, element: str) -> str:
    """The concrete key of a declared ``template`` for a case whose main element is
    ``element`` (a key of data/elements.toml): ``product_{element}_t_per_yr`` gives
    ``product_cu_t_per_yr``, ``breakeven_{series}`` gives ``breakeven_cu_usd_per_t`` (the
    series that prices the element), ``free_{element_name}`` gives ``free_copper``."""
    if not any(row.key == template for row in table()):
        raise KeyError(f"{template!r} is not declared in data/outputs.csv")
    item = catalog.elements()[element]
    values = {"element": element, "element_name": item.name}
    if "{series}" in template:  # an element with no price series has no such key
        values["series"] = catalog.element_price_series(element).key
    return template.format(**values)


def _element_of(name: str, member: str) -> catalog.Element:
    """The element a data-family member names."""
    if name == "series":
        return catalog.elements()[catalog.price_series()[member].element or ""]
    if name == "element_name":
        return next(e for e in catalog.elements().values() if e.name == member)
    return catalog.elements()[member]


@dataclass(frozen=True)
class Output:
    """One declared result key (a row of data/outputs.csv)."""

    key: str
    group: str
    unit: str
    label: str
    description: str
    level: str = ""
    law: str = ""
    kind: str = ""
    payer: str = ""


@cache
def table() -> tuple[Output, ...]:
    """Every row of data/outputs.csv, in the table's order (read once)."""
    text = resources.files("orevalue.data").joinpath("outputs.csv").read_text(encoding="utf-8")
    rows = tuple(Output(**row) for row in csv.DictReader(io.StringIO(text)))
    seen: set[tuple[str, str]] = set()
    for row in rows:
        if (row.group, row.key) in seen:
            raise ValueError(f"outputs.csv: {row.group}.{row.key} declared twice")
        if row.unit not in UNITS:
            raise ValueError(f"outputs.csv: {row.group}.{row.key}: unknown unit {row.unit!r}")
        seen.add((row.group, row.key))
    return rows


def declared(group: str | None = None) -> tuple[Output, ...]:
    """The declared rows, of one group or all, in the table's order."""
    return tuple(row for row in table() if group is None or row.group == group)


def groups() -> tuple[str, ...]:
    """The groups of the table, in order."""
    return tuple(dict.fromkeys(row.group for row in table()))


def group(name: str) -> tuple[str, ...]:
    """The keys of a group as declared (family keys keep their placeholder)."""
    return tuple(row.key for row in declared(name))


def row(key: str, group: str | None = None) -> Output:
    """The declared row of ``key`` (in ``group`` if given, else the first in the table); a
    concrete key of a family (``government_pv_usd_super_tax``) finds the family's row."""
    for item in table():
        if (group is None or item.group == group) and _matches(item.key, key):
            return item
    where = f" in group {group!r}" if group else ""
    raise KeyError(f"{key!r} is not declared{where} in data/outputs.csv")


def _matches(declared_key: str, key: str) -> bool:
    if "{" not in declared_key:
        return declared_key == key
    head, _, rest = declared_key.partition("{")
    name, _, tail = rest.partition("}")
    if not (key.startswith(head) and key.endswith(tail)):
        return False
    member = key[len(head) : len(key) - len(tail)]
    if name in FAMILIES or name in DATA_FAMILIES:
        return member in members(name)
    return bool(member)


def _member(item: Output, key: str) -> tuple[str, str]:
    """(placeholder, member) of a concrete ``key`` of the family row ``item``."""
    head, _, rest = item.key.partition("{")
    name, _, tail = rest.partition("}")
    return name, key[len(head) : len(key) - len(tail)]


def label(key: str, group: str | None = None) -> str:
    """The label people read for ``key``; for a family key, its member's label."""
    item = row(key, group)
    if "{" in item.key:
        name, member = _member(item, key)
        if name in FAMILIES:
            return row(member, FAMILIES[name]).label
        if name in DATA_FAMILIES:
            return item.label.replace("{element}", _element_of(name, member).name)
    return item.label


def unit(key: str, group: str | None = None) -> str:
    """The unit of ``key`` as the table writes it (USD, fraction, t/yr …); for a key of unit
    ``series``, the unit of its price series (USD/t)."""
    item = row(key, group)
    if item.unit == "series" and "{" in item.key:
        name, member = _member(item, key)
        if name == "series":
            return catalog.price_series()[member].unit
    return item.unit


def format_kind(key_or_unit: str, group: str | None = None) -> str:
    """The format kind (see the module's table) of a kind, a unit or a key, looked up in that
    order (a kind or a unit wins over a key of the same name)."""
    if key_or_unit in _KINDS or key_or_unit in ("g", "int"):
        return key_or_unit
    if key_or_unit in UNITS:
        return UNITS[key_or_unit][0]
    return UNITS[unit(key_or_unit, group)][0]


def shown_unit(key: str, group: str | None = None) -> str:
    """The unit shown beside a key's label: ``USD m`` for USD, ``%`` for a fraction."""
    return UNITS[unit(key, group)][1]


#: The scales a quantity in t/yr may be shown at, largest first: (format kind, shown unit,
#: tonnes per shown unit). The declared unit's own scale (kt/yr) comes first.
MASS_SCALES = (("t1", "t/yr", 1.0), ("kg", "kg/yr", 1e-3))


def mass_scale(values: Iterable[float | None], kind: str = "kt") -> tuple[str, str]:
    """(format kind, shown unit) of a row of tonnes per year shown together (``values``, one
    per pathway): the declared kilotonnes (``kind``, "kt" or "kt1", and "kt/yr") when the
    largest finite magnitude is 1,000 t or more, or nothing is finite and non-zero (copper's
    236,000 t: 236 kt/yr); else the largest scale at which it reads 1 or more (gold's 5.5 t:
    5.5 t/yr; 0.35 t: 350 kg/yr), so that a small case's tonnes do not show as 0.0 kt."""
    finite = [abs(float(v)) for v in values if v is not None and math.isfinite(float(v))]
    largest = max(finite, default=0.0)
    if largest >= 1e3 or largest == 0.0:
        return kind, UNITS["t/yr"][1]
    for scale_kind, shown, tonnes in MASS_SCALES:
        if largest >= tonnes:
            return scale_kind, shown
    return MASS_SCALES[-1][:2]


def caption(key: str, group: str | None = None) -> str:
    """``label, shown unit`` of a key (``Initial capex, USD m``)."""
    shown = shown_unit(key, group)
    return f"{label(key, group)}, {shown}" if shown else label(key, group)


def expand(group_name: str, **given: list[str] | tuple[str, ...]) -> list[str]:
    """The concrete keys of a group: a family key ``exports_fob_{product}`` becomes one key
    per member, from ``given`` (``product=[…]``, ``element=["cu"]``) or else from the group or
    data table its placeholder names (:func:`members`: every element, every series)."""
    out: list[str] = []
    for key in group(group_name):
        if "{" not in key:
            out.append(key)
            continue
        head, _, rest = key.partition("{")
        name, _, tail = rest.partition("}")
        names = given[name] if name in given else members(name)
        out.extend(f"{head}{m}{tail}" for m in names)
    return out


def instruments(
    level: str | None = None, kind: str | None = None, payer: str | None = None
) -> tuple[str, ...]:
    """Government instruments in the table's order, optionally of one level (province,
    federation), kind (royalty, income_tax, duty, withholding, equity) or payer (mine, plant)."""
    return tuple(
        item.key
        for item in declared("government")
        if (level is None or item.level == level)
        and (kind is None or item.kind == kind)
        and (payer is None or item.payer == payer)
    )


def stakeholders(kind: str | None = None) -> tuple[str, ...]:
    """Stakeholders in the table's order, optionally of one kind (home: the share stays in
    the host country; abroad; timing: working capital, returned at the end)."""
    return tuple(item.key for item in declared("stakeholders") if kind is None or item.kind == kind)


def format_value(key_or_unit: str, value: float | int | None, *, ascii_minus: bool = False) -> str:
    """``value`` formatted for people by the kind of a key, a unit or a kind (see the
    module's table); the one number formatter of the terminal, the brief and the risk tables."""
    fmt = format_kind(key_or_unit)
    if value is None or isinstance(value, bool):
        return MISSING
    x = float(value)
    if not math.isfinite(x):
        return MISSING
    if fmt == "g":
        text = _general(value)
    elif fmt == "int":
        text = f"{x:.0f}"
    else:
        scale, spec = _KINDS[fmt]
        text = format(x * scale, spec)
    text = _sign(text)
    return text.replace(MINUS, "-") if ascii_minus else text


def _general(value: float | int) -> str:
    if isinstance(value, int) or (float(value).is_integer() and abs(value) < 1e15):
        return f"{int(value):,}"
    x = float(value)
    text = f"{x:.6g}"
    if "e" in text or abs(x) < 1000:
        return text
    whole, _, frac = text.partition(".")
    return f"{int(whole):,}" + (f".{frac}" if frac else "")


def _sign(text: str) -> str:
    """A true minus sign; no sign on a number that rounds to zero."""
    digits = text.lstrip("+-")
    if not any(c in "123456789" for c in digits.split("e")[0]):
        return digits
    return MINUS + digits if text.startswith("-") else text
