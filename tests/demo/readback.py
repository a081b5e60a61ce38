"""An independent reader of the demo files, for the tests: cells as the files hold them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import python_calamine

from orchestration.demo import DemoFile

Grid = list[list[object]]

# How a CSV file written with each encoding must be decoded.
DECODING = {
    "utf-8-sig": "utf-8-sig",
    "utf-8": "utf-8",
    "gbk": "gbk",
    "gb18030": "gb18030",
    "gb18030-bom": "gb18030",
}


def read_grid(file: DemoFile, sheet: str | None = None, engine: str = "calamine") -> Grid:
    """The cells of a file's sheet (CSV: its only sheet), rows as lists, None for empty.

    Workbooks are read with calamine (fast, as the pipeline does) or openpyxl.
    """
    if file.fmt == "csv":
        assert file.encoding is not None
        text = file.path.read_bytes().decode(DECODING[file.encoding])
        text = text.removeprefix("\ufeff")
        return [[c if c != "" else None for c in row] for row in csv.reader(io.StringIO(text))]
    if engine == "calamine":
        workbook = python_calamine.CalamineWorkbook.from_path(str(file.path))
        data = workbook.get_sheet_by_name(sheet) if sheet else workbook.get_sheet_by_index(0)
        return [[c if c != "" else None for c in row] for row in data.to_python()]
    book = openpyxl.load_workbook(file.path, read_only=True, data_only=True)
    ws = book[sheet] if sheet else book.worksheets[0]
    rows = [list(row) for row in ws.iter_rows(values_only=True)]
    book.close()
    return rows


def sheet_names(path: Path) -> list[str]:
    """The sheet names of a workbook."""
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def number(cell: object) -> float:
    """A clean numeric cell (number, or CSV text) as float."""
    if isinstance(cell, int | float):
        return float(cell)
    return float(str(cell))


def cell_at(grid: Grid, row: int, column: str) -> object:
    """The cell at a 1-based row and an Excel column letter (None outside the grid)."""
    col = openpyxl.utils.column_index_from_string(column) - 1
    if row - 1 >= len(grid) or col >= len(grid[row - 1]):
        return None
    return grid[row - 1][col]
