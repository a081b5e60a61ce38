"""Reading a submission file into grids of cells, one per sheet.

A grid row/column index is 0-based; row_number = index + 1 is what a person sees in Excel, so
every grid starts at A1 (python-calamine is asked not to skip the empty top-left area). The file
format is recognised by content (a zip is a workbook, an OLE2 file is a legacy .xls, anything else
is tried as CSV text), not by the file name.

Merged cells come back with the value in the top-left cell only; the layout readers cope with that.
Formula cells hold their cached value (a formula never calculated is empty); for an .xlsx each
sheet also carries the formulas and the non-General number formats of its cells
(`cell_formats.read_cell_facts`), so that a reader can tell an uncalculated formula from a blank
cell and 87% from 0.87.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

import python_calamine

from orchestration.ingest.cell_formats import SheetFacts, read_cell_facts
from orchestration.ingest.encoding import decode_bytes

Cell = Any  # str | float | int | bool | date | datetime | time | timedelta | None

_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class UnreadableFile(ValueError):
    """The file cannot be read as a workbook or as CSV text; the message says why."""


@dataclass(frozen=True)
class Sheet:
    """One sheet's cells; `name` is None for a CSV file."""

    name: str | None
    rows: list[list[Cell]]
    facts: SheetFacts = field(default_factory=SheetFacts)
    merges: tuple[tuple[tuple[int, int], tuple[int, int]], ...] = ()  # ((r0, c0), (r1, c1))

    def spanning(self, row: int, col: int) -> Cell:
        """The cell's value, or the value of the merged range it lies in (xlsx/xls)."""
        for (r0, c0), (r1, c1) in self.merges:
            if r0 <= row <= r1 and c0 <= col <= c1:
                return self.cell(r0, c0)
        return self.cell(row, col)

    def number_format(self, row: int, col: int) -> str | None:
        """The cell's number format when it is not General (xlsx only)."""
        return self.facts.formats.get((row, col))

    def formula(self, row: int, col: int) -> str | None:
        """The cell's formula without its leading '=' (xlsx only)."""
        formula = self.facts.formulas.get((row, col))
        return formula.removeprefix("=") if formula is not None else None

    def error_value(self, row: int, col: int) -> str | None:
        """The Excel error shown in the cell (#DIV/0!, #N/A), which calamine reads as blank."""
        return self.facts.errors.get((row, col))

    def cell(self, row: int, col: int) -> Cell:
        """The cell at 0-based (row, col); None outside the used area."""
        if row < 0 or row >= len(self.rows):
            return None
        values = self.rows[row]
        return values[col] if 0 <= col < len(values) else None


@dataclass(frozen=True)
class Workbook:
    """The sheets of one file in their order, and how the file was read."""

    sheets: list[Sheet]
    file_format: str  # xlsx | xls | csv
    encoding: str | None  # for CSV only
    cell_facts_read: bool = False  # formats and formulas known (an .xlsx openpyxl could read)


_SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


def read_workbook(data: bytes, file_name: str = "") -> Workbook:
    """Read the bytes of a submission file into sheets; raises UnreadableFile.

    The content decides the format; the name only serves to refuse a file named like a workbook
    whose content is not one (a damaged or mislabelled upload) instead of reading it as text.
    """
    if not data:
        raise UnreadableFile("the file is empty (0 bytes)")
    if data.startswith((_ZIP_MAGIC, _OLE2_MAGIC)):
        return _read_spreadsheet(data)
    if file_name.lower().endswith(_SPREADSHEET_SUFFIXES):
        raise UnreadableFile(
            f"the file is named {file_name.rsplit('/', 1)[-1]} but its content is not an Excel "
            "workbook (damaged, truncated or another kind of file)"
        )
    return _read_csv(data)


def _read_spreadsheet(data: bytes) -> Workbook:
    file_format = "xlsx" if data.startswith(_ZIP_MAGIC) else "xls"
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        grids = {}
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            grids[name] = (sheet.to_python(skip_empty_area=False), sheet.merged_cell_ranges or [])
    except Exception as error:  # calamine raises several unrelated types for broken files
        raise UnreadableFile(
            f"not a readable {file_format} workbook ({type(error).__name__}: {error})"
        ) from error
    facts = read_cell_facts(data) if file_format == "xlsx" else None
    sheets = [
        Sheet(
            name=name,
            rows=[[_none_if_empty(c) for c in r] for r in rows],
            facts=(facts or {}).get(name, SheetFacts()),
            merges=tuple(merges),
        )
        for name, (rows, merges) in grids.items()
    ]
    return Workbook(
        sheets=sheets, file_format=file_format, encoding=None, cell_facts_read=facts is not None
    )


def _read_csv(data: bytes) -> Workbook:
    try:
        decoded = decode_bytes(data)
    except ValueError as error:
        raise UnreadableFile(f"not a workbook and not CSV text: {error}") from error
    text = decoded.text
    delimiter = _sniff_delimiter(text)
    try:
        rows = [
            [c if c != "" else None for c in row]
            for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        ]
    except csv.Error as error:
        raise UnreadableFile(f"CSV text that cannot be split into cells: {error}") from error
    return Workbook(
        sheets=[Sheet(name=None, rows=rows)], file_format="csv", encoding=decoded.encoding
    )


def _sniff_delimiter(text: str) -> str:
    """Comma unless the first lines clearly use tabs or semicolons."""
    head = "\n".join(text.splitlines()[:20])
    counts = {d: head.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _none_if_empty(value: Cell) -> Cell:
    return None if value == "" else value
