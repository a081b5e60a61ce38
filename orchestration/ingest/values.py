"""Parsing one hand-typed value cell into an exact number, what was written after it, or missing.

What people type: `１２３．４` (full width), `1,234.5` / `1，234.5` (thousands separators),
`1,234.5万元` / `312.04亿` (a unit or a magnitude word typed into the value), `12.5%`, ` 123 `
(spaces), `87①` / `5321.7*` / `301（注1）` (footnote markers), `约500` / `500左右` (approximate),
`500以上` / `500余家` (bounds), `五千二百` (Chinese numerals), `—` / `-` / `/` / `无` / `暂无` /
blank (missing). Numbers are kept as `Decimal` so that a later unit conversion is exact and
nothing is ever rounded behind anyone's back. Footnote markers are split off the raw text before
NFKC (which would turn `①` into a digit). Whether a unit is known is decided by the caller
(`conversion.UnitConverter`); this module only splits it off.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from orchestration.ingest.numerals import numeral_prefix, parse_chinese_number
from orchestration.ingest.remarks import (
    APPROXIMATE_REMARKS,
    BOUND_AFTER_NUMBER,
    has_digit_like_marker,
    is_excel_error,
    split_markers,
    split_qualifiers,
)
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
_TRAILING_BRACKET = re.compile(r"\(([^()]*)\)$")

UnitTest = Callable[[str], bool]


@dataclass(frozen=True)
class ParsedValue:
    """The outcome of parsing a cell.

    Exactly one of: `is_missing` (a spelling of "no value"), `error` (text that is not a
    number), or `number` (with `unit` when a unit, magnitude word or '%' was typed after it).
    `markers` are footnote markers and remarks split off; `approximate` / `bound` the qualifier
    words found; `chinese` whether the number was written in Chinese numerals.
    """

    number: Decimal | None = None
    unit: str | None = None
    is_missing: bool = False
    error: str | None = None
    markers: tuple[str, ...] = ()
    approximate: str | None = None
    bound: str | None = None
    chinese: bool = False
    excel_error: bool = False

    @property
    def is_percent(self) -> bool:
        return self.unit == "%"


def parse_value(cell: Any, is_unit: UnitTest | None = None) -> ParsedValue:
    """Parse a value cell (a spreadsheet number or typed text) without changing the number.

    `is_unit` tells a unit from a remark in a trailing bracket (`5230(万元)` vs `5230(快报)`).
    """
    exact = number_of(cell)
    if exact is not None:
        return ParsedValue(number=exact)
    if not isinstance(cell, str | type(None)):
        return ParsedValue(error=f"a {type(cell).__name__} cell ({cell_text(cell)}), not a number")
    raw = cell_text(cell)
    if is_excel_error(raw):
        return ParsedValue(error=f"the Excel error {raw.strip()}", excel_error=True)
    core, markers = split_markers(raw)
    if has_digit_like_marker(core):
        return ParsedValue(
            error="a footnote marker (①, ¹) before or inside the number; expected it after it"
        )
    text = nfkc(core).strip()
    if re.sub(r"\s+", "", text).casefold() in MISSING_SPELLINGS:
        return ParsedValue(is_missing=True, markers=markers)
    if _SPACED_DIGITS.search(text) and not _SPACE_GROUPED.fullmatch(text):
        return ParsedValue(error="digits separated by spaces that are not thousands groups")
    qualified = split_qualifiers(re.sub(r"\s+", "", text))
    text, remark = _bracketed_remark(qualified.text, is_unit)
    markers = (*markers, remark) if remark else markers
    parsed = _chinese(text) if numeral_prefix(text) else _arabic(text)
    if parsed.error is not None:
        return parsed
    unit, bound, approximate = parsed.unit, qualified.bound, qualified.approximate
    if unit and unit.startswith(BOUND_AFTER_NUMBER):
        bound, unit = bound or unit[0], unit[1:] or None
    if remark and remark[1:-1] in APPROXIMATE_REMARKS:
        approximate = approximate or remark[1:-1]
    return ParsedValue(
        number=parsed.number,
        unit=unit,
        markers=markers,
        approximate=approximate,
        bound=bound,
        chinese=parsed.chinese,
    )


def _bracketed_remark(text: str, is_unit: UnitTest | None) -> tuple[str, str | None]:
    """`5230(快报)` → ('5230', '(快报)'); a bracketed unit `5230(万元)` stays."""
    found = _TRAILING_BRACKET.search(text)
    if found is None or not text[: found.start()] or re.search(r"\d", found.group(1)):
        return text, None
    if is_unit is None or is_unit(found.group(1)) or not found.group(1):
        return text, None
    return text[: found.start()], found.group()


def _chinese(text: str) -> ParsedValue:
    """Chinese numerals; a trailing 万/亿 is a magnitude word, as in `5200万`: `五千二百万元` is
    五千二百 万元, and `三亿五千万` (whose 万 cannot be split off) is refused."""
    numeral = numeral_prefix(text)
    for magnitude in ("万亿", "亿", "万"):
        head = numeral.removesuffix(magnitude)
        if head != numeral and head:
            number = parse_chinese_number(head)
            if number is None:
                break
            rest = magnitude + text[len(numeral) :]
            return ParsedValue(number=number, unit=rest, chinese=True)
    number = parse_chinese_number(numeral) if not numeral.endswith(("万", "亿")) else None
    if number is None:
        return ParsedValue(
            error=f"the Chinese numerals {numeral} are not a well-formed number (a shortened "
            "form such as 一万三 or 一百二 could mean more than one number; write digits)"
        )
    rest = text[len(numeral) :]
    if re.search(r"\d", rest):
        return ParsedValue(error="Chinese numerals mixed with digits")
    return ParsedValue(number=number, unit=rest or None, chinese=True)


def _arabic(text: str) -> ParsedValue:
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
