"""Reader of the wide layouts: one row per county, one column per variable.

Used by the city summary (市级汇总表, county variables) and the expert scores (专家评审表, the
three qualitative scores). The header row holds the key columns (行政区划代码, 县(市、区)名称);
variable headers (`名称(单位)`, a code or an alias) are on that row or on the next one or two rows
(a two-row header with merged cells: key columns merged vertically, group labels merged across).
Calamine returns a merged cell's value in its top-left cell only, so each column's header is the
lowest recognised text in the header band.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from orchestration.ingest import headers as h
from orchestration.ingest.catalog import HeaderMatch, Variable, VariableCatalog
from orchestration.ingest.grid import Sheet
from orchestration.ingest.identity import Resolution
from orchestration.ingest.problems import ERROR, WARNING, Problem, problem
from orchestration.ingest.reading import (
    LayoutReading,
    ReadContext,
    identity_problems,
    unit_label,
    variable_label,
)
from orchestration.ingest.text import cell_text, column_letter, is_blank, match_key, parse_year
from orchestration.ingest.value_cell import CellValue, read_value_cell

_SCAN_ROWS = 60
_BAND_DEPTH = 3  # header row plus up to two rows of variable headers
_NOT_VARIABLES = frozenset(match_key(t) for t in ("序号", "备注", "说明", "排名", "编号", "序"))


@dataclass(frozen=True)
class VariableColumn:
    """A variable column: its index, the header text as found, the variable and its unit."""

    col: int
    header: str
    match: HeaderMatch


@dataclass(frozen=True)
class WideHeader:
    """Where the table is: header band rows (0-based), key columns, variable columns."""

    row: int
    last_header_row: int
    keys: dict[str, int]
    columns: list[VariableColumn]
    unknown: list[tuple[int, str]]
    duplicates: list[VariableColumn]

    @property
    def reporters(self) -> set[str]:
        return {c.match.variable.reported_by for c in self.columns}


def find_wide_header(sheet: Sheet, catalog: VariableCatalog) -> WideHeader | None:
    """The first row with a key column (code or name) and at least two variable columns."""
    for r, cells in enumerate(sheet.rows[:_SCAN_ROWS]):
        keys: dict[str, int] = {}
        for c, cell in enumerate(cells):
            role = h.key_column_role(cell)
            if role is not None and role not in keys:
                keys[role] = c
        if h.KEY_CODE not in keys and h.KEY_NAME not in keys:
            continue
        band = [r]
        for r2 in range(r + 1, min(r + _BAND_DEPTH, len(sheet.rows))):
            row2 = sheet.rows[r2]
            key_cells_blank = all(
                c >= len(row2) or is_blank(row2[c]) or h.key_column_role(row2[c])
                for c in keys.values()
            )
            if key_cells_blank and any(
                catalog.match(cell_text(x)) for x in row2 if not is_blank(x)
            ):
                band.append(r2)
            else:
                break
        header = _columns(sheet, band, keys, catalog)
        if len(header.columns) >= 2:
            return header
    return None


def _columns(
    sheet: Sheet, band: list[int], keys: dict[str, int], catalog: VariableCatalog
) -> WideHeader:
    width = max(len(sheet.rows[r]) for r in band)
    columns: list[VariableColumn] = []
    unknown: list[tuple[int, str]] = []
    duplicates: list[VariableColumn] = []
    seen: set[str] = set()
    for c in range(width):
        if c in keys.values():
            continue
        found: VariableColumn | None = None
        texts = []
        for r in reversed(band):
            cell = sheet.cell(r, c)
            if is_blank(cell):
                continue
            text = cell_text(cell)
            texts.append(text)
            match = catalog.match(text)
            if match is not None:
                found = VariableColumn(c, text, match)
                break
        if found is None:
            if (
                texts
                and match_key(texts[0]) not in _NOT_VARIABLES
                and not h.key_column_role(texts[0])
            ):
                unknown.append((c, texts[0]))
        elif found.match.variable.code in seen:
            duplicates.append(found)
        else:
            seen.add(found.match.variable.code)
            columns.append(found)
    return WideHeader(band[0], band[-1], keys, columns, unknown, duplicates)


def read_wide(
    sheet: Sheet,
    header: WideHeader,
    ctx: ReadContext,
    layout: str,
    reported_by: str,
) -> LayoutReading:
    """Read a wide table (city summary or expert scores) into located values and problems."""
    ref = ctx.ref
    reading = LayoutReading(layout=layout, sheet=sheet.name)
    labels = h.find_labels(sheet, range(header.row))
    year_label = labels.get(h.LABEL_DATA_YEAR)
    if year_label is not None:
        reading.declared_year_text = cell_text(year_label.value).strip() or None
        reading.declared_data_year = parse_year(year_label.value)
        reading.year_location = ctx.location(
            sheet,
            row_number=year_label.row + 1,
            column_name=cell_text(sheet.cell(year_label.row, year_label.col)).strip(),
            column_letter=column_letter(
                year_label.value_col if year_label.value_col is not None else year_label.col + 1
            ),
        )
    city_hint = _city_hint(sheet, header, ctx) if layout == "city_summary" else None

    key_name = {
        role: cell_text(sheet.cell(header.row, c)).strip() for role, c in header.keys.items()
    }
    for c, text in header.unknown:
        reading.problems.append(
            problem(
                ctx.location(
                    sheet,
                    row_number=header.row + 1,
                    column_name=text,
                    column_letter=column_letter(c),
                ),
                "unknown_column",
                f"the column header '{text.strip()}' names no base variable; the column was not "
                "loaded — expected a header 名称(单位) of seeds/base_variables.csv or an alias",
                text,
            )
        )
    for vc in header.duplicates:
        reading.problems.append(
            problem(
                ctx.location(
                    sheet,
                    row_number=header.row + 1,
                    column_name=vc.header,
                    column_letter=column_letter(vc.col),
                    variable_code=vc.match.variable.code,
                    variable_label=variable_label(vc.match.variable),
                ),
                "duplicate_column",
                f"a second column for {variable_label(vc.match.variable)}; only the first one was "
                "loaded — expected one column per variable",
                vc.header,
            )
        )
    present = {vc.match.variable.code for vc in header.columns}
    for variable in ref.catalog.by_reporter(reported_by):
        if variable.code not in present:
            reading.problems.append(
                problem(
                    ctx.location(
                        sheet, variable_code=variable.code, variable_label=variable_label(variable)
                    ),
                    "missing_variable",
                    f"no column for {variable_label(variable)}; expected a column headed "
                    f"{variable.name_zh}({variable.unit})",
                )
            )

    rows = _data_rows(sheet, header)
    resolutions = {r: _resolve_row(sheet, header, ctx, r, city_hint) for r in rows}
    if city_hint is None and layout == "city_summary":
        groups = Counter(res.unit.group_code for res in resolutions.values() if res.unit)
        if groups:
            majority = groups.most_common(1)[0][0]
            for r, res in resolutions.items():
                if any(i.problem_code == "ambiguous_unit" for i in res.issues):
                    resolutions[r] = _resolve_row(sheet, header, ctx, r, majority)

    seen_units: dict[str, int] = {}
    seen_values: dict[str, dict[str, CellValue]] = {}
    for r in rows:
        cells = sheet.rows[r]
        code_text = _text(cells, header.keys.get(h.KEY_CODE))
        name_text = _text(cells, header.keys.get(h.KEY_NAME))
        name_col = header.keys.get(h.KEY_NAME, header.keys.get(h.KEY_CODE))
        assert name_col is not None
        found = " / ".join(t for t in (name_text, code_text) if t)
        if h.is_total(name_text) or h.is_total(code_text):
            reading.problems.append(
                problem(
                    ctx.location(
                        sheet,
                        row_number=r + 1,
                        column_name=key_name.get(h.KEY_NAME),
                        column_letter=column_letter(name_col),
                    ),
                    "total_row_skipped",
                    f"the total row '{found}' was not loaded (totals are computed downstream)",
                    found,
                )
            )
            continue
        resolution = resolutions[r]
        row_loc = ctx.location(
            sheet,
            row_number=r + 1,
            column_name=key_name.get(h.KEY_NAME) or key_name.get(h.KEY_CODE),
            column_letter=column_letter(name_col),
            unit_code=resolution.unit_code,
            unit_label=unit_label(resolution, found),
        )
        reading.problems.extend(identity_problems(resolution, row_loc, found))
        unit = resolution.unit
        if unit is not None and city_hint is not None and unit.group_code != city_hint:
            reading.problems.append(
                problem(
                    row_loc,
                    "unit_outside_city",
                    f"{unit.label} is not a county of {ref.registry.cities[city_hint]}, the city "
                    "of this summary; its values were loaded — check the row",
                    found,
                )
            )
        row_values: dict[str, CellValue] = {}
        row_problems: list[Problem] = []
        for vc in header.columns:
            variable: Variable = vc.match.variable
            cell = cells[vc.col] if vc.col < len(cells) else None
            loc = row_loc.at(
                column_name=vc.header,
                column_letter=column_letter(vc.col),
                variable_code=variable.code,
                variable_label=variable_label(variable),
            )
            cell_value, problems = read_value_cell(
                cell, variable, loc, ref.converter, announced_unit=vc.match.announced_unit
            )
            row_values[variable.code] = cell_value
            row_problems.extend(problems)
        key = resolution.unit_code or f"row{r}"
        if resolution.unit_code is not None and resolution.unit_code in seen_units:
            first_row = seen_units[resolution.unit_code]
            first = seen_values[resolution.unit_code]
            same = all(
                first[k].value == v.value and first[k].is_missing == v.is_missing
                for k, v in row_values.items()
            )
            reading.problems.append(
                problem(
                    row_loc,
                    "duplicate_row",
                    f"a second row for {row_loc.unit_label} (first on row {first_row + 1}); "
                    "the first row was kept"
                    + ("" if same else " and the rows' values differ")
                    + " — expected one row per county",
                    found,
                    severity=WARNING if same else ERROR,
                )
            )
            continue
        seen_units[key] = r
        seen_values[key] = row_values
        reading.values.extend((resolution.unit_code, v) for v in row_values.values())
        reading.problems.extend(row_problems)
    return reading


def _data_rows(sheet: Sheet, header: WideHeader) -> list[int]:
    """Rows below the header band that have a code or a name (blank and note rows skipped)."""
    rows = []
    key_cols = [header.keys[k] for k in (h.KEY_CODE, h.KEY_NAME) if k in header.keys]
    for r in range(header.last_header_row + 1, len(sheet.rows)):
        cells = sheet.rows[r]
        if h.is_note_row(cells):
            continue
        if all(c >= len(cells) or is_blank(cells[c]) for c in key_cols):
            continue
        rows.append(r)
    return rows


def _resolve_row(
    sheet: Sheet, header: WideHeader, ctx: ReadContext, r: int, city_hint: str | None
) -> Resolution:
    cells = sheet.rows[r]
    code_text = _text(cells, header.keys.get(h.KEY_CODE))
    name_text = _text(cells, header.keys.get(h.KEY_NAME))
    city_text = _text(cells, header.keys.get(h.KEY_CITY))
    city = ctx.ref.registry.city_code_in(city_text) if city_text else None
    if city is None and city_text:
        city = ctx.ref.registry.city_code_in(city_text + "市")
    return ctx.ref.registry.resolve(code_text, name_text, ctx.data_year, city or city_hint)


def _city_hint(sheet: Sheet, header: WideHeader, ctx: ReadContext) -> str | None:
    """The prefecture city named above the table (title or 填报单位), if exactly one."""
    found = set()
    for r in range(header.row):
        for cell in sheet.rows[r]:
            if isinstance(cell, str) and (code := ctx.ref.registry.city_code_in(cell)):
                found.add(code)
    return found.pop() if len(found) == 1 else None


def _text(cells: list, col: int | None) -> str:
    if col is None or col >= len(cells) or is_blank(cells[col]):
        return ""
    return cell_text(cells[col]).strip()
