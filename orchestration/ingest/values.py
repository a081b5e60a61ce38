"""Parsing one hand-typed value cell into an exact number, a unit written after it, or missing.

What people type: `１２３．４` (full width), `1,234.5` / `1，234.5` (thousands separators),
`1,234.5万元` (a unit typed into the value), `12.5%`, ` 123 ` (spaces), `—` / `-` / `/` / `无` /
`暂无` / blank (missing). Numbers are kept as `Decimal` so that a later unit conversion is exact
and nothing is ever rounded behind anyone's back. Whether a unit is known is decided by the
caller (`conversion.UnitConverter`); this module only splits it off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from orchestration.ingest.text import cell_text, nfkc, number_of

# Spellings of "no value" (compared after NFKC, whitespace removal and case folding).
MISSING_SPELLINGS = frozenset(
    {"", "—", "——", "-", "--", "–", "/", "//", "\\", "无", "暂无", "n/a", "na", "null", "…"}
)

_NUMBER = re.compile(
    r"""
    (?P<sign>[+-]?)
    (?P<digits>\d{1,3}(?:,\d{3})+|\d+)?   # integer part, optionally with thousands commas
    (?P<fraction>\.\d*)?                   # decimal part
    (?P<exponent>[eE][+-]?\d+)?
    (?P<rest>.*)                           # whatever follows: a unit, a percent sign, junk
    """,
    re.VERBOSE | re.DOTALL,
)
_SPACED_DIGITS = re.compile(r"\d\s+\d")
_SPACE_GROUPED = re.compile(r"[+-]?\d{1,3}(?:\s\d{3})+(?:\.\d+)?\s*\D*")


@dataclass(frozen=True)
class ParsedValue:
    """The outcome of parsing a cell.

    Exactly one of: `is_missing` (a spelling of "no value"), `error` (text that is not a
    number), or `number` (with `unit` when a unit or '%' was typed after it).
    """

    number: Decimal | None = None
    unit: str | None = None
    is_missing: bool = False
    error: str | None = None

    @property
    def is_percent(self) -> bool:
        return self.unit == "%"


def parse_value(cell: Any) -> ParsedValue:
    """Parse a value cell (a spreadsheet number or typed text) without changing the number."""
    exact = number_of(cell)
    if exact is not None:
        return ParsedValue(number=exact)
    if not isinstance(cell, str | type(None)):
        return ParsedValue(error=f"a {type(cell).__name__} cell ({cell_text(cell)}), not a number")
    text = nfkc(cell_text(cell)).strip()
    if re.sub(r"\s+", "", text).casefold() in MISSING_SPELLINGS:
        return ParsedValue(is_missing=True)
    if _SPACED_DIGITS.search(text):
        if not _SPACE_GROUPED.fullmatch(text):
            return ParsedValue(error="digits separated by spaces that are not thousands groups")
    text = re.sub(r"\s+", "", text)
    match = _NUMBER.fullmatch(text)
    if match is None or (match.group("digits") is None and not _has_fraction_digits(match)):
        return ParsedValue(error="no number found")
    if "," in text[match.end("digits") if match.group("digits") else 0 : match.start("rest")]:
        return ParsedValue(error="misplaced comma")
    digits = (match.group("digits") or "0").replace(",", "")
    literal = f"{match.group('sign')}{digits}{match.group('fraction') or ''}"
    literal += match.group("exponent") or ""
    try:
        number = Decimal(literal.rstrip("."))
    except InvalidOperation:
        return ParsedValue(error="not a number")
    rest = match.group("rest")
    if rest and re.search(r"\d", rest):
        return ParsedValue(
            error="a malformed number (more digits, dots or commas than a number has)"
        )
    if rest and "," in rest:
        return ParsedValue(error="a comma that is not a thousands separator")
    return ParsedValue(number=number, unit=rest or None)


def _has_fraction_digits(match: re.Match[str]) -> bool:
    fraction = match.group("fraction")
    return fraction is not None and len(fraction) > 1
