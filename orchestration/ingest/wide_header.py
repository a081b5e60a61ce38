"""Finding the header of a wide layout: one row per county, one column per variable.

Used by the city summary (市级汇总表) and the expert scores (专家评审表). The header row holds the
key columns (行政区划代码, 县(市、区)名称); variable headers (`名称(单位)`, a code or an alias)
are on that row or on the next one or two rows (a two-row header with merged cells: key columns
merged vertically, group labels merged across). Calamine returns a merged cell's value in its
top-left cell only, so each column's header is the lowest recognised text in the header band and
group labels are read through the merged ranges. Under the band, a row of units (`万元 | 家`) is
part of the header. A group label that is a year (`2022年 | 2023年` over the same variables)
says which data year a column holds: only the data year's columns are read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from orchestration.ingest import headers as h
from orchestration.ingest.catalog import HeaderMatch, VariableCatalog
from orchestration.ingest.grid import Sheet
from orchestration.ingest.text import cell_text, is_blank, match_key
from orchestration.ingest.unit_statements import unit_line

_SCAN_ROWS = 60
_BAND_DEPTH = 3  # header row plus up to two rows of variable headers
_NOT_VARIABLES = frozenset(match_key(t) for t in ("序号", "备注", "说明", "排名", "编号", "序"))


@dataclass(frozen=True)
class VariableColumn:
    """A variable column: its index, the header text as found, the variable and its unit, the
    year its group label names and the unit of the header's unit row."""

    col: int
    header: str
    match: HeaderMatch
    year: int | None = None
    unit_row_unit: str | None = None


@dataclass(frozen=True)
class WideHeader:
    """Where the table is: header band rows (0-based), key columns, variable columns."""

    row: int
    last_header_row: int
    keys: dict[str, int]
    columns: list[VariableColumn]
    unknown: list[tuple[int, str]]
    duplicates: list[VariableColumn]
    other_years: list[VariableColumn] = field(default_factory=list)
    sub_items: list[tuple[int, str]] = field(default_factory=list)

    @property
    def reporters(self) -> set[str]:
        return {c.match.variable.reported_by for c in self.columns}


def find_wide_header(
    sheet: Sheet, catalog: VariableCatalog, data_year: int | None = None
) -> WideHeader | None:
    """The first row with a key column (code or name) and at least two variable columns."""
    for r, cells in enumerate(sheet.rows[:_SCAN_ROWS]):
        keys: dict[str, int] = {}
        for c, cell in enumerate(cells):
            role = h.key_column_role(cell)
            if role is not None and role not in keys:
                keys[role] = c
        if h.KEY_CODE not in keys and h.KEY_NAME not in keys:
            continue
        band = _band(sheet, r, keys, catalog)
        header = _columns(sheet, band, keys, catalog, data_year)
        if len(header.columns) >= 2:
            return header
    return None


def _band(sheet: Sheet, r: int, keys: dict[str, int], catalog: VariableCatalog) -> list[int]:
    band = [r]
    for r2 in range(r + 1, min(r + _BAND_DEPTH, len(sheet.rows))):
        row2 = sheet.rows[r2]
        key_cells_blank = all(
            c >= len(row2) or is_blank(row2[c]) or h.key_column_role(row2[c]) for c in keys.values()
        )
        if key_cells_blank and any(catalog.match(cell_text(x)) for x in row2 if not is_blank(x)):
            band.append(r2)
        else:
            break
    return band


def _unit_row(sheet: Sheet, row: int, keys: dict[str, int], catalog: VariableCatalog) -> bool:
    """A row under the header band holding only units (`万元 | 万元 | 家`)."""
    if row >= len(sheet.rows):
        return False
    cells = [(c, x) for c, x in enumerate(sheet.rows[row]) if not is_blank(x)]
    return bool(cells) and all(
        c not in keys.values() and isinstance(x, str) and catalog.converter.is_known(x)
        for c, x in cells
    )


def _columns(
    sheet: Sheet,
    band: list[int],
    keys: dict[str, int],
    catalog: VariableCatalog,
    data_year: int | None,
) -> WideHeader:
    unit_row = band[-1] + 1 if _unit_row(sheet, band[-1] + 1, keys, catalog) else None
    width = max(len(sheet.rows[r]) for r in band)
    found: list[VariableColumn] = []
    unknown: list[tuple[int, str]] = []
    sub_items: list[tuple[int, str]] = []
    for c in range(width):
        if c in keys.values():
            continue
        column, texts = _column(sheet, band, c, catalog, unit_row)
        if column is not None:
            found.append(column)
        elif texts and h.sub_item_name(texts[0]):
            sub_items.append((c, texts[0]))
        elif texts and _names_something_else(texts[0], catalog):
            unknown.append((c, texts[0]))
    columns, duplicates, other_years = _by_year(found, data_year)
    last = unit_row if unit_row is not None else band[-1]
    return WideHeader(band[0], last, keys, columns, unknown, duplicates, other_years, sub_items)


def _names_something_else(text: str, catalog: VariableCatalog) -> bool:
    """A header that is not a variable, a key, a year label, a unit line or a 序号-like column."""
    return not (
        match_key(text) in _NOT_VARIABLES
        or h.key_column_role(text)
        or h.year_label(text) is not None
        or unit_line(text, "", catalog.converter) is not None
    )


def _column(
    sheet: Sheet, band: list[int], c: int, catalog: VariableCatalog, unit_row: int | None
) -> tuple[VariableColumn | None, list[str]]:
    texts: list[str] = []
    for r in reversed(band):
        cell = sheet.cell(r, c)
        if is_blank(cell):
            continue
        text = cell_text(cell)
        texts.append(text)
        match = catalog.match(h.without_enumeration(text))
        if match is not None:
            year = next(
                (y for r2 in range(band[0], r) if (y := h.year_label(sheet.spanning(r2, c)))),
                None,
            )
            unit = cell_text(sheet.cell(unit_row, c)).strip() if unit_row is not None else None
            return VariableColumn(c, text, match, year, unit or None), texts
    return None, texts


def _by_year(
    found: list[VariableColumn], data_year: int | None
) -> tuple[list[VariableColumn], list[VariableColumn], list[VariableColumn]]:
    """(columns to read, duplicate columns, columns of other years)."""
    other_years = [v for v in found if data_year and v.year is not None and v.year != data_year]
    kept = [v for v in found if v not in other_years]
    columns: list[VariableColumn] = []
    duplicates: list[VariableColumn] = []
    for column in sorted(kept, key=lambda v: (v.year != data_year, v.col)):
        code = column.match.variable.code
        (duplicates if any(k.match.variable.code == code for k in columns) else columns).append(
            column
        )
    return sorted(columns, key=lambda v: v.col), duplicates, other_years
