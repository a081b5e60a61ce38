"""An in-memory model of a submission file and its byte-for-byte deterministic serialisation.

Files are built as grids of cells that remember what they hold (variable, unit, clean value),
so that defects can be injected anywhere and still be located exactly (sheet, row, column)
in the manifest after rows were inserted. The same seed gives identical bytes (see `xlsx.py`).
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from openpyxl.utils import get_column_letter

from orchestration.demo.xlsx import XlsxSheet, xlsx_bytes

CellValue = str | int | float | None

# Encodings a CSV can be written in; the last one is GB18030 preceded by its own BOM.
CSV_ENCODINGS = ("utf-8-sig", "utf-8", "gbk", "gb18030", "gb18030-bom")
GB18030_BOM = "\ufeff".encode("gb18030")


@dataclass
class Cell:
    """One cell, with what it stands for so that defects and the manifest can refer to it."""

    value: CellValue = None
    role: str | None = None  # value | unit_name | unit_code | measure | None
    unit_code: str | None = None
    variable_code: str | None = None
    decimals: int | None = None
    clean_value: CellValue = None
    defect_kind: str | None = None


@dataclass
class Row:
    """A row of cells (an object, so that merges can refer to it across insertions)."""

    cells: list[Cell] = field(default_factory=list)


@dataclass
class Sheet:
    """A sheet: rows, and merged ranges within single rows (row object, first, last column)."""

    name: str
    rows: list[Row] = field(default_factory=list)
    merges: list[tuple[Row, int, int]] = field(default_factory=list)

    def width(self) -> int:
        """Number of columns used."""
        return max((len(r.cells) for r in self.rows), default=0)


@dataclass
class Document:
    """A submission file of one data year, before it is written."""

    data_year: int
    file_name: str
    layout: str  # county_form | city_summary | expert_scores
    fmt: str  # xlsx | csv
    encoding: str | None
    sheets: list[Sheet]
    main_sheet: str
    unit_codes: tuple[str, ...]
    mtime: datetime
    file_defects: list[dict[str, object]] = field(default_factory=list)
    primary: bool = True  # False for extra files added by defects (copies, foreign units)

    def sheet(self) -> Sheet:
        """The sheet holding the data."""
        return next(s for s in self.sheets if s.name == self.main_sheet)


def cell_text(cell: Cell) -> str:
    """The text of a cell as a CSV (or a person reading the sheet) shows it."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.{cell.decimals}f}" if cell.decimals is not None else repr(value)
    return str(value)


def csv_bytes(document: Document) -> bytes:
    """The CSV bytes of a document's main sheet, rows padded to the sheet width like Excel."""
    sheet = document.sheet()
    width = sheet.width()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in sheet.rows:
        texts = [cell_text(c) for c in row.cells]
        writer.writerow(texts + [""] * (width - len(texts)))
    text = buffer.getvalue()
    encoding = document.encoding or "utf-8-sig"
    if encoding == "gb18030-bom":
        return GB18030_BOM + text.encode("gb18030")
    return text.encode(encoding)


def xlsx_document_bytes(document: Document) -> bytes:
    """Deterministic `.xlsx` bytes of a document (all sheets, merges, number formats)."""
    sheets = []
    for sheet in document.sheets:
        index = {id(row): i for i, row in enumerate(sheet.rows, start=1)}
        rows = [[(cell.value, cell.decimals) for cell in row.cells] for row in sheet.rows]
        merges = [(index[id(row)], first, last) for row, first, last in sheet.merges]
        sheets.append(XlsxSheet(sheet.name, rows, merges))
    return xlsx_bytes(sheets, document.mtime, creator="county statistics office")


def write_document(document: Document, year_dir: Path) -> Path:
    """Write a document into its year folder and stamp its modification time."""
    path = year_dir / document.file_name
    data = xlsx_document_bytes(document) if document.fmt == "xlsx" else csv_bytes(document)
    path.write_bytes(data)
    stamp = document.mtime.timestamp()
    os.utime(path, (stamp, stamp))
    return path


def cell_locations(document: Document) -> list[tuple[Sheet, int, str, Cell]]:
    """Every cell that carries a defect, with its sheet, 1-based row and column letter."""
    found = []
    for sheet in document.sheets:
        for r, row in enumerate(sheet.rows, start=1):
            for c, cell in enumerate(row.cells, start=1):
                if cell.defect_kind is not None:
                    found.append((sheet, r, get_column_letter(c), cell))
    return found
