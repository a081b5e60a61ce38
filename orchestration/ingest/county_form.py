"""Reader of the county form (县级填报表): one county, one data year, one row per base variable.

Layout: a title row; a header block of labelled cells (填报单位, 行政区划代码, 统计年度, 填报人,
联系电话; a label's value is the next non-empty cell to its right, or the text after its colon);
then a table headed 指标代码 | 指标名称 | 计量单位 | 数值 | 备注. A row's variable is found by its
指标代码 (code or alias) or its 指标名称 (name or alias, possibly with the unit in parentheses);
the unit of its value by the 计量单位 column. Blank rows, section headings without a value, and
trailing notes (`注：…`) and sign-off lines are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.ingest import headers as h
from orchestration.ingest.grid import Sheet
from orchestration.ingest.problems import ERROR, WARNING, Location, problem
from orchestration.ingest.reading import (
    LayoutReading,
    ReadContext,
    Reference,
    identity_problems,
    unit_label,
    variable_label,
)
from orchestration.ingest.text import cell_text, column_letter, is_blank, number_of, parse_year
from orchestration.ingest.value_cell import CellValue, read_value_cell
from orchestration.ingest.values import parse_value

LAYOUT = "county_form"
_SCAN_ROWS = 60


@dataclass(frozen=True)
class FormHeader:
    """The table header row (0-based) and the column of each role found in it."""

    row: int
    columns: dict[str, int]


def find_form_header(sheet: Sheet) -> FormHeader | None:
    """The first row naming a value column, a variable code or name column, and a third one."""
    for r, cells in enumerate(sheet.rows[:_SCAN_ROWS]):
        columns: dict[str, int] = {}
        for c, cell in enumerate(cells):
            role = h.form_column_role(cell)
            if role is not None and role not in columns:
                columns[role] = c
        has_variable = h.FORM_VAR_CODE in columns or h.FORM_VAR_NAME in columns
        if h.FORM_VALUE in columns and has_variable and len(columns) >= 3:
            return FormHeader(r, columns)
    return None


def read_county_form(sheet: Sheet, header: FormHeader, ctx: ReadContext) -> LayoutReading:
    """Read one county form sheet into located values and problems."""
    ref = ctx.ref
    reading = LayoutReading(layout=LAYOUT, sheet=sheet.name)
    cols = header.columns
    header_text = {role: cell_text(sheet.cell(header.row, c)) for role, c in cols.items()}
    value_col = cols[h.FORM_VALUE]

    rows: list[tuple[int, list]] = []
    tail_rows: list[int] = []
    for r in range(header.row + 1, len(sheet.rows)):
        cells = sheet.rows[r]
        if all(is_blank(c) for c in cells):
            continue
        if h.is_note_row(cells):
            tail_rows.append(r)
            continue
        rows.append((r, cells))

    labels = h.find_labels(sheet, range(header.row))
    for role, label in h.find_labels(sheet, tail_rows).items():
        labels.setdefault(role, label)

    def label_text(role: str) -> str | None:
        label = labels.get(role)
        text = cell_text(label.value).strip() if label and label.value is not None else ""
        return text or None

    reading.declared_unit_name = label_text(h.LABEL_UNIT_NAME)
    reading.declared_unit_code = label_text(h.LABEL_UNIT_CODE)
    reading.contact_name = label_text(h.LABEL_CONTACT_NAME)
    reading.contact_phone = label_text(h.LABEL_CONTACT_PHONE)
    year_label = labels.get(h.LABEL_DATA_YEAR)
    if year_label is not None:
        reading.declared_year_text = label_text(h.LABEL_DATA_YEAR)
        reading.declared_data_year = parse_year(year_label.value)
        reading.year_location = _label_location(ctx, sheet, year_label)

    # identity of the county
    city_text = label_text(h.LABEL_CITY)
    city_code = ref.registry.city_code_in(city_text) if city_text else None
    resolution = ref.registry.resolve(
        reading.declared_unit_code or "", reading.declared_unit_name or "", ctx.data_year, city_code
    )
    reading.unit_code = resolution.unit_code
    name_label = next(
        (
            label
            for label in (labels.get(h.LABEL_UNIT_NAME), labels.get(h.LABEL_UNIT_CODE))
            if label is not None and label.value_col is not None
        ),
        labels.get(h.LABEL_UNIT_NAME) or labels.get(h.LABEL_UNIT_CODE),
    )
    where = (
        _label_location(ctx, sheet, name_label)
        if name_label
        else ctx.location(sheet, row_number=header.row)
    )
    found = " / ".join(t for t in (reading.declared_unit_name, reading.declared_unit_code) if t)
    where = where.at(unit_code=resolution.unit_code, unit_label=unit_label(resolution, found))
    reading.problems.extend(identity_problems(resolution, where, found))

    # the table
    seen: dict[str, CellValue] = {}
    for r, cells in rows:
        code_text = _text(cells, cols.get(h.FORM_VAR_CODE))
        name_text = _text(cells, cols.get(h.FORM_VAR_NAME))
        value_cell = cells[value_col] if value_col < len(cells) else None
        row_loc = ctx.location(
            sheet,
            row_number=r + 1,
            unit_code=resolution.unit_code,
            unit_label=where.unit_label,
        )
        if not code_text and not name_text:
            if _looks_like_a_value(value_cell, ref):
                reading.problems.append(
                    problem(
                        row_loc.at(
                            column_name=header_text[h.FORM_VALUE],
                            column_letter=column_letter(value_col),
                        ),
                        "unknown_variable",
                        "a value in a row without 指标代码 or 指标名称; expected each value on "
                        "the row of its base variable",
                        cell_text(value_cell),
                    )
                )
            continue
        by_code = ref.catalog.lookup(code_text) if code_text else None
        by_name = ref.catalog.match(name_text) if name_text else None
        variable = by_code or (by_name.variable if by_name else None)
        if by_code and by_name and by_code.code != by_name.variable.code:
            reading.problems.append(
                problem(
                    row_loc.at(
                        column_name=header_text.get(h.FORM_VAR_CODE),
                        column_letter=column_letter(cols[h.FORM_VAR_CODE]),
                    ),
                    "conflicting_variable",
                    f"指标代码 {code_text} is {variable_label(by_code)} but 指标名称 "
                    f"{name_text} is "
                    f"{variable_label(by_name.variable)}; the row was not loaded — expected the "
                    "code and the name of the same variable",
                    f"{code_text} | {name_text}",
                )
            )
            continue
        if variable is None:
            if is_blank(value_cell):
                continue  # a section heading such as 一、创新投入
            role = h.FORM_VAR_CODE if code_text else h.FORM_VAR_NAME
            reading.problems.append(
                problem(
                    row_loc.at(
                        column_name=header_text.get(role), column_letter=column_letter(cols[role])
                    ),
                    "unknown_variable",
                    f"'{code_text or name_text}' is not a base variable; expected one of the "
                    "指标代码 / 指标名称 of seeds/base_variables.csv (or an alias in "
                    "seeds/variable_aliases.csv)",
                    " | ".join(t for t in (code_text, name_text) if t),
                )
            )
            continue
        unit_text = _text(cells, cols.get(h.FORM_UNIT))
        announced = unit_text or (by_name.announced_unit if by_name else None)
        loc = row_loc.at(
            column_name=header_text[h.FORM_VALUE],
            column_letter=column_letter(value_col),
            variable_code=variable.code,
            variable_label=variable_label(variable),
        )
        cell_value, problems = read_value_cell(
            value_cell,
            variable,
            loc,
            ref.converter,
            announced_unit=announced,
            announced_where="the 计量单位 column" if unit_text else "the 指标名称",
        )
        first = seen.get(variable.code)
        if first is not None:
            same = first.value == cell_value.value and first.is_missing == cell_value.is_missing
            reading.problems.append(
                problem(
                    loc,
                    "duplicate_row",
                    f"{variable_label(variable)} appears again (first on row "
                    f"{first.location.row_number}, '{first.raw_text}'); the first row was kept — "
                    "expected one row per variable",
                    cell_value.raw_text,
                    severity=WARNING if same else ERROR,
                )
            )
            continue
        seen[variable.code] = cell_value
        reading.values.append((resolution.unit_code, cell_value))
        reading.problems.extend(problems)

    for variable in ref.catalog.by_reporter("county"):
        if variable.code not in seen:
            reading.problems.append(
                problem(
                    ctx.location(
                        sheet,
                        unit_code=resolution.unit_code,
                        unit_label=where.unit_label,
                        variable_code=variable.code,
                        variable_label=variable_label(variable),
                    ),
                    "missing_variable",
                    f"no row for {variable_label(variable)}; expected one row per base variable "
                    "(a blank or 无 value if it is not available)",
                )
            )
    return reading


def _label_location(ctx: ReadContext, sheet: Sheet, label: h.Label) -> Location:
    # a label without a value points at the cell right of it, where the value belongs
    col = label.value_col if label.value_col is not None else label.col + 1
    return ctx.location(
        sheet,
        row_number=label.row + 1,
        column_name=cell_text(sheet.cell(label.row, label.col)).strip(),
        column_letter=column_letter(col),
    )


def _text(cells: list, col: int | None) -> str:
    if col is None or col >= len(cells) or is_blank(cells[col]):
        return ""
    return cell_text(cells[col]).strip()


def _looks_like_a_value(cell: object, ref: Reference) -> bool:
    """A number, or a number with a known unit (not a sub-header such as `2021年`)."""
    if number_of(cell) is not None:
        return True
    parsed = parse_value(cell)
    return parsed.number is not None and (
        parsed.unit is None or ref.converter.is_known(parsed.unit)
    )
