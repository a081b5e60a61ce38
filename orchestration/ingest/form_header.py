"""Finding the table header of a county form, and the value column of the data year.

The header row names a variable column (指标代码 and/or 指标名称) and one or more value columns:
`数值`, `数值（万元）` (a unit for the column), or one per year side by side (`2022年数值 |
2023年数值`, `上年数 | 本年数`, or `数值` over a sub-header row `2022年 | 2023年`). The data
year's column is read; the other years' are noted; no column for the data year is an error.
"""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.ingest import headers as h
from orchestration.ingest.catalog import VariableCatalog
from orchestration.ingest.grid import Sheet
from orchestration.ingest.text import cell_text, is_blank

_SCAN_ROWS = 60
_PROBE_ROWS = 8  # rows under a two-column header that must name variables


@dataclass(frozen=True)
class ValueColumn:
    """A value column: its index, its header text and what the header says."""

    col: int
    text: str
    header: h.ValueHeader


@dataclass(frozen=True)
class FormHeader:
    """The table header row (0-based), the column of each role and every value column."""

    row: int
    columns: dict[str, int]
    value_columns: tuple[ValueColumn, ...]


@dataclass(frozen=True)
class ValueChoice:
    """The value column to read (None if none is for the data year) and the others."""

    chosen: ValueColumn | None
    others: tuple[ValueColumn, ...]
    reason: str | None = None


def find_form_header(sheet: Sheet, catalog: VariableCatalog) -> FormHeader | None:
    """The first row naming a variable column and a value column, with a third column or with
    variables named in the rows under it."""
    for r, cells in enumerate(sheet.rows[:_SCAN_ROWS]):
        columns: dict[str, int] = {}
        values: list[ValueColumn] = []
        for c, cell in enumerate(cells):
            # a value header merged across year columns (数值 over 2022年 | 2023年) covers each
            value = h.value_header(cell if not is_blank(cell) else sheet.spanning(r, c))
            if value is not None:
                text = cell_text(cell if not is_blank(cell) else sheet.spanning(r, c)).strip()
                values.append(ValueColumn(c, text, value))
                continue
            role = h.form_column_role(cell)
            if role is not None and role != h.FORM_VALUE:
                columns.setdefault(role, c)
        has_variable = h.FORM_VAR_CODE in columns or h.FORM_VAR_NAME in columns
        if not values or not has_variable:
            continue
        if len(columns) + 1 >= 3 or _names_variables(sheet, r, columns, catalog):
            return FormHeader(r, columns, tuple(_with_year_rows(sheet, r, columns, values)))
    return None


def choose_value_column(header: FormHeader, data_year: int) -> ValueChoice:
    """The data year's column: the one saying so, else the only one not naming a year."""
    columns = header.value_columns
    this_year = [v for v in columns if v.header.for_year(data_year) == data_year]
    unnamed = [v for v in columns if v.header.for_year(data_year) is None]
    if len(this_year) == 1:
        chosen = this_year[0]
    elif not this_year and len(unnamed) == 1:
        chosen = unnamed[0]
    else:
        names = ", ".join(v.text for v in columns)
        reason = (
            f"two value columns for data year {data_year} ({names})"
            if this_year or unnamed
            else f"the value columns ({names}) are for other years than data year {data_year}"
        )
        return ValueChoice(None, columns, reason)
    return ValueChoice(chosen, tuple(v for v in columns if v is not chosen))


def _names_variables(
    sheet: Sheet, row: int, columns: dict[str, int], catalog: VariableCatalog
) -> bool:
    col = columns.get(h.FORM_VAR_CODE, columns.get(h.FORM_VAR_NAME))
    assert col is not None
    below = sheet.rows[row + 1 : row + 1 + _PROBE_ROWS]
    named = sum(1 for cells in below if catalog.match(cell_text(sheet_cell(cells, col))))
    return named >= 2


def sheet_cell(cells: list, col: int) -> object:
    return cells[col] if col < len(cells) else None


def _with_year_rows(
    sheet: Sheet, row: int, columns: dict[str, int], values: list[ValueColumn]
) -> list[ValueColumn]:
    """A value column without a year takes the year written over or under it in a header row
    of its own (blank variable cells; merged cells count), as `数值` over `2022年 | 2023年`."""
    band = [r for r in (row + 1, row - 1) if r >= 0 and _is_sub_header(sheet, r, columns)]
    found = []
    for v in values:
        year = v.header.year
        if year is None and v.header.relative_year is None:
            year = next(
                (y for r in band if (y := h.year_label(sheet.spanning(r, v.col))) is not None),
                None,
            )
        found.append(
            ValueColumn(v.col, v.text, h.ValueHeader(year, v.header.relative_year, v.header.unit))
        )
    return found


def _is_sub_header(sheet: Sheet, row: int, columns: dict[str, int]) -> bool:
    variable_cols = [c for role, c in columns.items() if role in (h.FORM_VAR_CODE, h.FORM_VAR_NAME)]
    return row < len(sheet.rows) and all(is_blank(sheet.cell(row, c)) for c in variable_cols)
