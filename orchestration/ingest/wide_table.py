"""Reader of the wide layouts: one row per county, one column per variable (`wide_header`).

Used by the city summary (市级汇总表, county variables) and the expert scores (专家评审表, the
three qualitative scores). The unit of a value is stated by the value, the column header
(`名称(单位)`), the header's unit row, or a line for the table (`单位：万元` above it or in the
notes). Total rows (合计, 小计, 石家庄市合计) are not data: each total cell is compared with the sum
of the county rows above it and a difference is reported; 全市 / 全省 rows (which may include
units not listed) are only noted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from orchestration.ingest import headers as h
from orchestration.ingest.grid import Sheet
from orchestration.ingest.identity import Resolution
from orchestration.ingest.problems import Location, Problem, problem
from orchestration.ingest.reading import (
    LayoutReading,
    ReadContext,
    identity_problems,
    table_unit_lines,
    unit_label,
    variable_label,
)
from orchestration.ingest.remarks import footnote_texts
from orchestration.ingest.text import cell_text, column_letter, is_blank, match_key, parse_year
from orchestration.ingest.unit_statements import UnitStatement
from orchestration.ingest.value_cell import CellContext, CellValue, read_value_cell
from orchestration.ingest.wide_header import VariableColumn, WideHeader

# Totals that are the sum of the rows listed (checked), as opposed to 全市 / 全省 (noted only).
_SUM_TOTALS = ("合计", "总计", "小计")


@dataclass
class _Wide:
    """What the rows of one wide sheet share while they are read."""

    sheet: Sheet
    header: WideHeader
    ctx: ReadContext
    key_name: dict[str, str]
    statements: tuple[UnitStatement, ...]
    footnotes: dict[str, str]
    city: str | None
    sums: dict[str, Decimal] = field(default_factory=dict)  # variable → sum of county rows
    counted: int = 0

    def context(self, r: int, vc: VariableColumn) -> CellContext:
        statements = list(self.statements)
        if vc.match.announced_unit:
            statements.append(
                UnitStatement(vc.match.announced_unit, f"the column header '{vc.header.strip()}'")
            )
        if vc.unit_row_unit:
            statements.append(UnitStatement(vc.unit_row_unit, "the unit row of the header"))
        return CellContext(
            statements=tuple(statements),
            number_format=self.sheet.number_format(r, vc.col),
            formula=self.sheet.formula(r, vc.col),
            error_value=self.sheet.error_value(r, vc.col),
            footnotes=self.footnotes,
        )

    def location(self, r: int, **fields: object) -> Location:
        name_col = self.header.keys.get(h.KEY_NAME, self.header.keys.get(h.KEY_CODE))
        assert name_col is not None
        base = self.ctx.location(
            self.sheet,
            row_number=r + 1,
            column_name=self.key_name.get(h.KEY_NAME) or self.key_name.get(h.KEY_CODE),
            column_letter=column_letter(name_col),
        )
        return base.at(**fields)


def read_wide(
    sheet: Sheet,
    header: WideHeader,
    ctx: ReadContext,
    layout: str,
    reported_by: str,
) -> LayoutReading:
    """Read a wide table (city summary or expert scores) into located values and problems."""
    reading = LayoutReading(layout=layout, sheet=sheet.name)
    _year(reading, sheet, header, ctx)
    reading.problems.extend(_header_problems(sheet, header, ctx, reported_by))
    rows, notes = _data_and_note_rows(sheet, header)
    named = [*header.keys.values(), *(v.col for v in header.columns + header.duplicates)]
    named += [v.col for v in header.other_years]
    skip = {(r, c) for r in range(header.row, header.last_header_row + 1) for c in named}
    above = [*range(header.last_header_row + 1), *notes]
    statements, problems = table_unit_lines(sheet, above, skip, ctx)
    reading.problems.extend(problems)
    wide = _Wide(
        sheet,
        header,
        ctx,
        {role: cell_text(sheet.cell(header.row, c)).strip() for role, c in header.keys.items()},
        tuple(statements),
        footnote_texts(h.first_text(sheet.rows[r]) for r in notes),
        _city_hint(sheet, header, ctx) if layout == "city_summary" else None,
    )
    resolutions = _resolutions(sheet, header, ctx, rows, wide.city, layout)
    seen: dict[str, tuple[int, dict[str, CellValue]]] = {}
    for r in rows:
        name_text, code_text = _key_texts(sheet, header, r)
        if h.is_total(name_text) or h.is_total(code_text):
            reading.problems.extend(_total_row(wide, r, name_text or code_text))
            continue
        _county_row(wide, reading, r, resolutions[r], seen)
    return reading


def _year(reading: LayoutReading, sheet: Sheet, header: WideHeader, ctx: ReadContext) -> None:
    year_label = h.find_labels(sheet, range(header.row)).get(h.LABEL_DATA_YEAR)
    if year_label is None:
        return
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


def _header_problems(
    sheet: Sheet, header: WideHeader, ctx: ReadContext, reported_by: str
) -> list[Problem]:
    def at(col: int, text: str, **fields: object) -> Location:
        return ctx.location(
            sheet,
            row_number=header.row + 1,
            column_name=text,
            column_letter=column_letter(col),
            **fields,
        )

    problems = [
        problem(
            at(c, text),
            "unknown_column",
            f"the column header '{text.strip()}' names no base variable; the column was not "
            "loaded — expected a header 名称(单位) of seeds/base_variables.csv or an alias",
            text,
        )
        for c, text in header.unknown
    ]
    problems += [
        problem(
            at(c, text),
            "sub_item_row",
            f"the sub-item column '{text.strip()}' is not a base variable and was not loaded",
            text,
        )
        for c, text in header.sub_items
    ]
    for vc in header.duplicates:
        label = variable_label(vc.match.variable)
        problems.append(
            problem(
                at(vc.col, vc.header, variable_code=vc.match.variable.code, variable_label=label),
                "duplicate_column",
                f"a second column for {label}; only the first one was loaded — expected one "
                "column per variable",
                vc.header,
            )
        )
    for vc in header.other_years:
        problems.append(
            problem(
                at(vc.col, vc.header, variable_code=vc.match.variable.code),
                "other_year_column",
                f"the column '{vc.header.strip()}' is under the year {vc.year}, not data year "
                f"{ctx.data_year}; it was not read (the data year's column was)",
                vc.header,
            )
        )
    return problems + _missing_columns(sheet, header, ctx, reported_by)


def _missing_columns(
    sheet: Sheet, header: WideHeader, ctx: ReadContext, reported_by: str
) -> list[Problem]:
    present = {vc.match.variable.code for vc in header.columns}
    return [
        problem(
            ctx.location(
                sheet, variable_code=variable.code, variable_label=variable_label(variable)
            ),
            "missing_variable",
            f"no column for {variable_label(variable)}; expected a column headed "
            f"{variable.name_zh}({variable.unit})",
        )
        for variable in ctx.ref.catalog.by_reporter(reported_by)
        if variable.code not in present
    ]


def _data_and_note_rows(sheet: Sheet, header: WideHeader) -> tuple[list[int], list[int]]:
    """Rows below the header band that have a code or a name; note rows under the table."""
    rows, notes = [], []
    key_cols = [header.keys[k] for k in (h.KEY_CODE, h.KEY_NAME) if k in header.keys]
    for r in range(header.last_header_row + 1, len(sheet.rows)):
        cells = sheet.rows[r]
        if h.is_note_row(cells):
            notes.append(r)
        elif not all(c >= len(cells) or is_blank(cells[c]) for c in key_cols):
            rows.append(r)
    return rows, notes


def _resolutions(
    sheet: Sheet,
    header: WideHeader,
    ctx: ReadContext,
    rows: list[int],
    city_hint: str | None,
    layout: str,
) -> dict[int, Resolution]:
    resolutions = {r: _resolve_row(sheet, header, ctx, r, city_hint) for r in rows}
    if city_hint is None and layout == "city_summary":
        groups = Counter(res.unit.group_code for res in resolutions.values() if res.unit)
        if groups:
            majority = groups.most_common(1)[0][0]
            for r, res in resolutions.items():
                if any(i.problem_code == "ambiguous_unit" for i in res.issues):
                    resolutions[r] = _resolve_row(sheet, header, ctx, r, majority)
    return resolutions


def _county_row(
    wide: _Wide,
    reading: LayoutReading,
    r: int,
    resolution: Resolution,
    seen: dict[str, tuple[int, dict[str, CellValue]]],
) -> None:
    name_text, code_text = _key_texts(wide.sheet, wide.header, r)
    found = " / ".join(t for t in (name_text, code_text) if t)
    row_loc = wide.location(
        r, unit_code=resolution.unit_code, unit_label=unit_label(resolution, found)
    )
    reading.problems.extend(identity_problems(resolution, row_loc, found))
    unit, city = resolution.unit, wide.city
    if unit is not None and city is not None and unit.group_code != city:
        reading.problems.append(
            problem(
                row_loc,
                "unit_outside_city",
                f"{unit.label} is not a county of {wide.ctx.ref.registry.cities[city]}, the city "
                "of this summary; its values were loaded — check the row",
                found,
            )
        )
    row_values: dict[str, CellValue] = {}
    row_problems: list[Problem] = []
    cells = wide.sheet.rows[r]
    for vc in wide.header.columns:
        variable = vc.match.variable
        loc = row_loc.at(
            column_name=vc.header,
            column_letter=column_letter(vc.col),
            variable_code=variable.code,
            variable_label=variable_label(variable),
        )
        cell = cells[vc.col] if vc.col < len(cells) else None
        value, problems = read_value_cell(
            cell, variable, loc, wide.ctx.ref.converter, wide.context(r, vc)
        )
        row_values[variable.code] = value
        row_problems.extend(problems)
    _add_row(wide, reading, r, resolution, row_loc, found, row_values, row_problems, seen)


def _add_row(
    wide: _Wide,
    reading: LayoutReading,
    r: int,
    resolution: Resolution,
    row_loc: Location,
    found: str,
    row_values: dict[str, CellValue],
    row_problems: list[Problem],
    seen: dict[str, tuple[int, dict[str, CellValue]]],
) -> None:
    code = resolution.unit_code
    if code is not None and code in seen:
        first_row, first = seen[code]
        same = all(
            first[k].value == v.value and first[k].is_missing == v.is_missing
            for k, v in row_values.items()
        )
        reading.problems.append(
            problem(
                row_loc,
                "repeated_row" if same else "duplicate_row",
                f"a second row for {row_loc.unit_label} (first on row {first_row + 1}); "
                "the first row was kept"
                + ("" if same else " and the rows' values differ")
                + " — expected one row per county",
                found,
            )
        )
        return
    seen[code or f"row{r}"] = (r, row_values)
    reading.values.extend((code, v) for v in row_values.values())
    reading.problems.extend(row_problems)
    wide.counted += 1
    for variable_code, value in row_values.items():
        if value.value is not None:
            wide.sums[variable_code] = wide.sums.get(variable_code, Decimal(0)) + Decimal(
                repr(value.value)
            )


def _total_row(wide: _Wide, r: int, label: str) -> list[Problem]:
    """A total row: noted; a 合计/小计 cell that is not the sum of the rows above is reported."""
    loc = wide.location(r)
    problems = [
        problem(
            loc,
            "total_row_skipped",
            f"the total row '{label}' was not loaded (totals are computed downstream)",
            label,
        )
    ]
    if not match_key(label).endswith(_SUM_TOTALS):
        return problems
    cells = wide.sheet.rows[r]
    for vc in wide.header.columns:
        cell = cells[vc.col] if vc.col < len(cells) else None
        variable = vc.match.variable
        cell_loc = loc.at(
            column_name=vc.header, column_letter=column_letter(vc.col), variable_code=variable.code
        )
        total, _ = read_value_cell(
            cell, variable, cell_loc, wide.ctx.ref.converter, wide.context(r, vc)
        )
        parts = wide.sums.get(variable.code)
        if total.value is None or parts is None:
            continue
        difference = Decimal(repr(total.value)) - parts
        if abs(difference) > _tolerance(total.raw_text, wide.counted):
            problems.append(
                problem(
                    cell_loc,
                    "total_mismatch",
                    f"the total {total.value:g} {variable.unit} is not the sum of the "
                    f"{wide.counted} county rows above it ({parts.normalize():f} {variable.unit}); "
                    "check the rows and their units — expected the total to match its parts",
                    total.raw_text,
                )
            )
    return problems


def _tolerance(text: str, parts: int) -> Decimal:
    """Rounding slack: half a unit of the total's last decimal for it and for each part."""
    decimals = len(text.split(".", 1)[1]) if "." in text else 0
    return Decimal(5) * Decimal(10) ** -(decimals + 1) * (parts + 1)


def _key_texts(sheet: Sheet, header: WideHeader, r: int) -> tuple[str, str]:
    cells = sheet.rows[r]
    return _text(cells, header.keys.get(h.KEY_NAME)), _text(cells, header.keys.get(h.KEY_CODE))


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
