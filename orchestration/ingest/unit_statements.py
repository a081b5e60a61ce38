"""Where an office states the unit of a value, and which unit a value is in.

A unit can be stated in the value (`5230.5万元`, a magnitude word `312.04亿`), in the cell's
number format (`0.00"万元"`), by the row (the 计量单位 column, the 指标名称 `地区生产总值（亿元）`),
by the column (`数值（万元）`, `地方财政科技支出(万元)`, a unit row under a two-row header) or for
the whole table (a line `金额单位：千元` / `单位：万元` / `计量单位：万元` above the table, in its
header or in the notes under it). A table-wide statement applies to the variables whose canonical
unit it converts to (`金额单位：千元` does not touch a count in 家).

`resolve_unit` decides the unit of one value from every statement that applies: when they agree,
that unit (and where it was stated); when two disagree, a conflict naming both (a located error
for the caller, never a silent choice); when none is made, the canonical unit. A unit line for
the whole table (`（单位：万元）` in the title) is the general statement: where the row or the value
states its own unit (亿元 for GDP in the 计量单位 column), that more specific statement is the
office's meaning for the row, and the table's line is reported as overridden, not as a conflict.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from orchestration.ingest.conversion import UnitConverter, normalise_unit
from orchestration.ingest.text import nfkc

# Chinese magnitude words: `312.04亿` is 312.04 亿 of the variable's base unit (亿元 for money).
MAGNITUDE_WORDS = ("万亿", "千万", "百万", "十万", "亿", "万", "千", "百")

_UNIT_LINE = re.compile(
    r"(?<![填报表送制])(?:(?:金额|货币|价值|数量|计量)?单位)\s*[:为是]\s*"
    r"(?P<units>[^()\s,;]+?)\s*(?:\)|$|[\s,;])"
)
_LIST_SEPARATORS = re.compile(r"[、/]")


@dataclass(frozen=True)
class UnitStatement:
    """A unit stated somewhere, and whether it is for the whole table (then it applies only to
    the variables whose canonical unit it converts to) and a general line that a row's or a
    value's own unit overrides (a unit line above, in or under the table)."""

    unit: str
    source: str
    table_wide: bool = False
    general: bool = False


@dataclass(frozen=True)
class UnitLine:
    """A unit line found in a cell: the units stated and the ones no conversion knows."""

    statements: tuple[UnitStatement, ...]
    unknown: tuple[str, ...]


def unit_line(text: str, where: str, converter: UnitConverter) -> UnitLine | None:
    """The units of a line such as `金额单位：千元` or `（单位：万元、家）`, or None."""
    found = _UNIT_LINE.search(nfkc(text))
    if found is None:
        return None
    units = [normalise_unit(u) for u in _LIST_SEPARATORS.split(found.group("units")) if u]
    source = f"'{text.strip()}' ({where})"
    known = tuple(
        UnitStatement(u, source, table_wide=True, general=True)
        for u in units
        if converter.is_known(u)
    )
    return UnitLine(known, tuple(u for u in units if not converter.is_known(u)))


@dataclass(frozen=True)
class UnitResolution:
    """The unit a number is in, where it was stated (None: the canonical unit was assumed), a
    sentence when statements disagree, and one when the row's own unit overrode the table's."""

    unit: str
    stated_in: str | None
    conflict: str | None = None
    overridden: str | None = None


def resolve_unit(
    typed: str | None,
    statements: Sequence[UnitStatement],
    canonical: str,
    converter: UnitConverter,
) -> UnitResolution:
    """The unit of one value from the unit typed in it and the statements about it; a table's
    unit line that disagrees with the row's or the value's own unit gives way to it."""
    statements = tuple(statements)
    resolved = _resolve(typed, statements, canonical, converter)
    specific = tuple(s for s in statements if not s.general)
    if resolved.conflict is None or len(specific) == len(statements) or not (specific or typed):
        return resolved
    own = _resolve(typed, specific, canonical, converter)
    if own.conflict is not None:  # the row's own statements disagree: a real conflict
        return own
    general = [
        s for s in statements if s.general and converter.factor(s.unit, canonical) is not None
    ]
    lines = "; ".join(dict.fromkeys(f"{s.source} says {s.unit}" for s in general))
    return replace(
        own, overridden=f"{lines}, but the row's own statement says {own.unit} ({own.stated_in})"
    )


@lru_cache(maxsize=4096)  # the same few statements repeat on every row of a table
def _resolve(
    typed: str | None,
    statements: tuple[UnitStatement, ...],
    canonical: str,
    converter: UnitConverter,
) -> UnitResolution:
    applicable = [
        s for s in statements if not s.table_wide or converter.factor(s.unit, canonical) is not None
    ]
    distinct: list[UnitStatement] = []
    for statement in applicable:
        if not any(same_unit(statement.unit, d.unit, converter) for d in distinct):
            distinct.append(statement)
    if len(distinct) > 1:
        return UnitResolution(normalise_unit(distinct[0].unit), None, _disagree(distinct))
    stated = distinct[0] if distinct else None
    context = normalise_unit(stated.unit) if stated else canonical
    sources = "; ".join(dict.fromkeys(s.source for s in applicable)) or None
    if not typed:
        return UnitResolution(context, sources)
    typed_unit = normalise_unit(typed)
    if is_magnitude_word(typed_unit, converter):
        combined = _with_magnitude(typed_unit, context)
        if stated is not None and _magnitude(context) and _magnitude(context) != typed_unit:
            return UnitResolution(combined, None, _disagree([_typed(typed), stated]))
        where = f"typed in the value ({typed_unit} of {_base(context)})"
        return UnitResolution(combined, "; ".join(t for t in (where, sources) if t))
    if stated is not None and not same_unit(typed_unit, stated.unit, converter):
        return UnitResolution(typed_unit, None, _disagree([_typed(typed), stated]))
    return UnitResolution(typed_unit, "; ".join(t for t in ("typed in the value", sources) if t))


def same_unit(a: str, b: str, converter: UnitConverter) -> bool:
    """The same unit, or units with factor 1 between them (个 and 家)."""
    return normalise_unit(a) == normalise_unit(b) or converter.factor(a, b) == 1


def is_magnitude_word(text: str, converter: UnitConverter) -> bool:
    """`万`, `亿`, `千` ... typed alone after a number (not a unit such as 万元)."""
    return text in MAGNITUDE_WORDS and not converter.is_known(text)


def _magnitude(unit: str) -> str | None:
    return next((m for m in MAGNITUDE_WORDS if unit.startswith(m) and len(unit) > len(m)), None)


def _base(unit: str) -> str:
    magnitude = _magnitude(unit)
    return unit[len(magnitude) :] if magnitude else unit


def _with_magnitude(magnitude: str, unit: str) -> str:
    return magnitude + _base(unit)


def _typed(typed: str) -> UnitStatement:
    return UnitStatement(normalise_unit(typed), f"'{typed}' typed in the value")


def _disagree(statements: Sequence[UnitStatement]) -> str:
    return " but ".join(f"{s.source} says {s.unit}" for s in statements)
