"""What a workbook says about a cell beyond its value: its number format, formula or error.

python-calamine (which reads the values, fast) returns a formula's cached value and a
percent-formatted 87% as 0.87 without saying either, and an error value (#DIV/0!) as a blank.
openpyxl, reading the same `.xlsx` in read-only mode, gives each cell's number format, formula
text and error value; `read_cell_facts` keeps the ones that matter (a format other than
General, a formula, an error), by sheet and 0-based (row, column). Legacy `.xls` and CSV files
have no such facts.

`describe_format` says what a number format does to the number shown: a percent format shows
100 times the value, thousands-scaling commas (`#,##0,`) show it divided by 1000, and quoted
literal text (`0.00"万元"`) may state a unit.

openpyxl takes ~5 ms per workbook, most of it on parts we do not need (shared strings, styles
as objects), which is half the time budget of a year's demo inbox. So `might_matter` first looks
at the raw parts: a workbook without any formula or error cell, without the built-in percent
formats (ids 9, 10) and whose own formats are only digits and separators (`0.0`, `#,##0.00`)
has no fact that changes what a number shows, and openpyxl is not asked. The look is
conservative: anything it cannot rule out is read.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from html import unescape

import openpyxl
from openpyxl.cell.read_only import EmptyCell

log = logging.getLogger(__name__)

Position = tuple[int, int]


@dataclass(frozen=True)
class SheetFacts:
    """Non-General number formats and formulas of one sheet, by 0-based (row, column)."""

    formats: dict[Position, str] = field(default_factory=dict)
    formulas: dict[Position, str] = field(default_factory=dict)
    errors: dict[Position, str] = field(default_factory=dict)  # #DIV/0!, #N/A (calamine: blank)


_FORMULA_OR_ERROR = re.compile(rb'<(?:\w+:)?f[\s>/]|\st="e"')
_PERCENT_BUILTIN = re.compile(rb'numFmtId="(?:9|10)"')
_FORMAT_CODE = re.compile(rb'formatCode="([^"]*)"')
_PLAIN_FORMAT = re.compile(r"[0#?.,;\-]*")


def might_matter(data: bytes) -> bool:
    """Whether an .xlsx may hold a formula or a number format that changes what a number shows
    (True when in doubt)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            styles = archive.read("xl/styles.xml") if "xl/styles.xml" in names else b""
            if _PERCENT_BUILTIN.search(styles):
                return True
            for code in _FORMAT_CODE.findall(styles):
                text = unescape(code.decode("utf-8", "replace"))
                if not _PLAIN_FORMAT.fullmatch(text) or describe_format(text).scaled_by_thousands:
                    return True
            return any(
                _FORMULA_OR_ERROR.search(archive.read(name))
                for name in names
                if name.startswith("xl/worksheets/") and name.endswith(".xml")
            )
    except (zipfile.BadZipFile, KeyError, OSError):
        return True


def read_cell_facts(data: bytes) -> dict[str, SheetFacts] | None:
    """Number formats and formulas of every sheet of an .xlsx, None if openpyxl cannot read it."""
    if not might_matter(data):
        return {}
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
            elif cell.data_type == "e":
                facts.errors[where] = str(cell.value)
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
