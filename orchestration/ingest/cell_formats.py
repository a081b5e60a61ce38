"""What a workbook says about a cell beyond its value: its number format and its formula.

python-calamine (which reads the values, fast) returns a formula's cached value and a
percent-formatted 87% as 0.87 without saying either. openpyxl, reading the same `.xlsx` in
read-only mode, gives each cell's number format and formula text; `read_cell_facts` keeps the
ones that matter (a format other than General, a formula), by sheet and 0-based (row, column).
Legacy `.xls` and CSV files have no such facts.

`describe_format` says what a number format does to the number shown: a percent format shows
100 times the value, thousands-scaling commas (`#,##0,`) show it divided by 1000, and quoted
literal text (`0.00"万元"`) may state a unit.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field

import openpyxl
from openpyxl.cell.read_only import EmptyCell

log = logging.getLogger(__name__)

Position = tuple[int, int]


@dataclass(frozen=True)
class SheetFacts:
    """Non-General number formats and formulas of one sheet, by 0-based (row, column)."""

    formats: dict[Position, str] = field(default_factory=dict)
    formulas: dict[Position, str] = field(default_factory=dict)


def read_cell_facts(data: bytes) -> dict[str, SheetFacts] | None:
    """Number formats and formulas of every sheet of an .xlsx, None if openpyxl cannot read it."""
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # calamine read it; a format we cannot see is said by the caller
        log.warning("cell formats unreadable: %s: %s", type(error).__name__, error)
        return None
    try:
        return {sheet.title: _sheet_facts(sheet) for sheet in book.worksheets}
    except Exception as error:
        log.warning("cell formats unreadable: %s: %s", type(error).__name__, error)
        return None
    finally:
        book.close()


def _sheet_facts(sheet) -> SheetFacts:  # noqa: ANN001 (an openpyxl read-only worksheet)
    facts = SheetFacts()
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell, EmptyCell):
                continue
            where = (cell.row - 1, cell.column - 1)
            if cell.data_type == "f":
                facts.formulas[where] = str(cell.value)
            if cell.number_format and cell.number_format != "General":
                facts.formats[where] = cell.number_format
    return facts


@dataclass(frozen=True)
class FormatMeaning:
    """What a number format does to the number it shows."""

    percent: bool = False
    scaled_by_thousands: int = 0  # trailing commas after the last digit placeholder
    literal: str | None = None  # quoted text, e.g. 万元 of 0.00"万元"


_QUOTED = re.compile(r'"([^"]*)"')
_NOT_SHOWN = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')


def describe_format(number_format: str) -> FormatMeaning:
    """The meaning of the positive section of a number format."""
    section = _first_section(number_format)
    literal = "".join(_QUOTED.findall(section)).strip() or None
    bare = _NOT_SHOWN.sub("", section)
    scaling = re.search(r"[0#?](,+)[^0#?]*$", bare)
    return FormatMeaning(
        percent="%" in bare,
        scaled_by_thousands=len(scaling.group(1)) if scaling else 0,
        literal=literal,
    )


def _first_section(number_format: str) -> str:
    """The format's first section (`;` outside quotes separates positive;negative;zero;text)."""
    in_quotes = False
    for i, ch in enumerate(number_format):
        if ch == '"':
            in_quotes = not in_quotes
        elif ch == ";" and not in_quotes:
            return number_format[:i]
    return number_format
