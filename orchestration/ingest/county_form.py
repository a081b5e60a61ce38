"""Reader of the county form (县级填报表): one county, one data year, one row per base variable.

Layout: a title row; a header block of labelled cells (填报单位, 行政区划代码, 统计年度, 填报人,
联系电话; a label's value is the next non-empty cell to its right, or the text after its colon);
then a table headed 指标代码 | 指标名称 | 计量单位 | 数值 | 备注 (`form_header`: value columns per
year side by side, a unit in the value header). A row's variable is found by its 指标代码 (code
or alias) or its 指标名称 (name or alias, possibly numbered `1.` or with the unit in brackets).
The unit of a value is stated by the value, the row (计量单位, 指标名称), the column header or a
line for the table (`金额单位：千元` above it, in its header or in the notes). Sub-item rows
(`其中：基础研究经费`) that are not base variables are checked against their variable and not
loaded; total rows (合计) are noted and not loaded; blank rows, section headings without a value,
and trailing notes (`注：…`, which also explain footnote markers) and sign-off lines are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from orchestration.ingest import headers as h
from orchestration.ingest.catalog import HeaderMatch, Variable
from orchestration.ingest.form_header import FormHeader, ValueColumn, choose_value_column
from orchestration.ingest.grid import Sheet
from orchestration.ingest.identity import Resolution
from orchestration.ingest.problems import Location, problem
from orchestration.ingest.reading import (
    LayoutReading,
    ReadContext,
    Reference,
    identity_problems,
    table_unit_lines,
    unit_label,
    variable_label,
)
from orchestration.ingest.remarks import footnote_texts
from orchestration.ingest.text import cell_text, column_letter, is_blank, number_of, parse_year
from orchestration.ingest.unit_statements import UnitStatement
from orchestration.ingest.value_cell import CellContext, CellValue, read_value_cell
from orchestration.ingest.values import parse_value

LAYOUT = "county_form"


@dataclass
class _Table:
    """What the rows of one form share while they are read."""

    sheet: Sheet
    header: FormHeader
    value: ValueColumn
    ctx: ReadContext
    resolution: Resolution
    unit_label: str | None
    statements: tuple[UnitStatement, ...]
    footnotes: dict[str, str]
    seen: dict[str, CellValue] = field(default_factory=dict)
    parent: tuple[Variable, CellValue] | None = None
    header_texts: dict[str, str | None] = field(default_factory=dict)

    def header_text(self, role: str) -> str | None:
        if role not in self.header_texts:
            col = self.header.columns.get(role)
            text = (
                cell_text(self.sheet.cell(self.header.row, col)).strip()
                if col is not None
                else None
            )
            self.header_texts[role] = text
        return self.header_texts[role]

    def row_location(self, r: int, role: str | None = None) -> Location:
        col = self.value.col if role is None else self.header.columns[role]
        return self.ctx.location(
            self.sheet,
            row_number=r + 1,
            unit_code=self.resolution.unit_code,
            unit_label=self.unit_label,
            column_name=self.value.text if role is None else self.header_text(role),
            column_letter=column_letter(col),
        )


def read_county_form(sheet: Sheet, header: FormHeader, ctx: ReadContext) -> LayoutReading:
    """Read one county form sheet into located values and problems."""
    reading = LayoutReading(layout=LAYOUT, sheet=sheet.name)
    body, tail = _body_and_tail(sheet, header)
    labels = h.find_labels(sheet, range(header.row))
    for role, label in h.find_labels(sheet, tail).items():
        labels.setdefault(role, label)
    _header_block(reading, labels, sheet, ctx)
    resolution, where = _identity(reading, labels, sheet, header, ctx)
    choice = choose_value_column(header, ctx.data_year)
    for other in choice.others if choice.chosen is not None else ():
        reading.problems.append(_other_year(ctx, sheet, header, other))
    if choice.chosen is None:
        reading.problems.append(
            problem(
                where.at(row_number=header.row + 1),
                "no_value_column_for_year",
                f"{choice.reason}; no value was loaded — expected one value column for data "
                f"year {ctx.data_year} (数值 or {ctx.data_year}年数值)",
                " | ".join(v.text for v in header.value_columns),
            )
        )
        return reading
    statements = _table_statements(reading, sheet, header, tail, ctx, choice.chosen)
    notes = [h.first_text(sheet.rows[r]) for r in tail]
    table = _Table(
        sheet, header, choice.chosen, ctx, resolution, where.unit_label, statements,
        footnote_texts(notes),
    )  # fmt: skip
    for r in body:
        _read_row(table, reading, r)
    _missing_variables(table, reading)
    return reading


def _body_and_tail(sheet: Sheet, header: FormHeader) -> tuple[list[int], list[int]]:
    body, tail = [], []
    for r in range(header.row + 1, len(sheet.rows)):
        cells = sheet.rows[r]
        if all(is_blank(c) for c in cells):
            continue
        (tail if h.is_note_row(cells) else body).append(r)
    return body, tail


def _header_block(
    reading: LayoutReading, labels: dict[str, h.Label], sheet: Sheet, ctx: ReadContext
) -> None:
    reading.declared_unit_name = _label_text(labels, h.LABEL_UNIT_NAME)
    reading.declared_unit_code = _label_text(labels, h.LABEL_UNIT_CODE)
    reading.contact_name = _label_text(labels, h.LABEL_CONTACT_NAME)
    reading.contact_phone = _label_text(labels, h.LABEL_CONTACT_PHONE)
    year_label = labels.get(h.LABEL_DATA_YEAR)
    if year_label is not None:
        reading.declared_year_text = _label_text(labels, h.LABEL_DATA_YEAR)
        reading.declared_data_year = parse_year(year_label.value)
        reading.year_location = _label_location(ctx, sheet, year_label)


def _identity(
    reading: LayoutReading,
    labels: dict[str, h.Label],
    sheet: Sheet,
    header: FormHeader,
    ctx: ReadContext,
) -> tuple[Resolution, Location]:
    city_text = _label_text(labels, h.LABEL_CITY)
    city_code = ctx.ref.registry.city_code_in(city_text) if city_text else None
    resolution = ctx.ref.registry.resolve(
        reading.declared_unit_code or "", reading.declared_unit_name or "", ctx.data_year, city_code
    )
    reading.unit_code = resolution.unit_code
    candidates = (labels.get(h.LABEL_UNIT_NAME), labels.get(h.LABEL_UNIT_CODE))
    name_label = next(
        (label for label in candidates if label is not None and label.value_col is not None),
        candidates[0] or candidates[1],
    )
    where = (
        _label_location(ctx, sheet, name_label)
        if name_label
        else ctx.location(sheet, row_number=header.row)
    )
    found = " / ".join(t for t in (reading.declared_unit_name, reading.declared_unit_code) if t)
    where = where.at(unit_code=resolution.unit_code, unit_label=unit_label(resolution, found))
    reading.problems.extend(identity_problems(resolution, where, found))
    return resolution, where


def _table_statements(
    reading: LayoutReading,
    sheet: Sheet,
    header: FormHeader,
    tail: list[int],
    ctx: ReadContext,
    value: ValueColumn,
) -> tuple[UnitStatement, ...]:
    """Unit lines above the table, in its header row and in the notes; the value header's unit."""
    skip = {
        (header.row, c) for c in (*header.columns.values(), *(v.col for v in header.value_columns))
    }
    rows = [*range(header.row + 1), *tail]
    statements, problems = table_unit_lines(sheet, rows, skip, ctx)
    reading.problems.extend(problems)
    if value.header.unit:
        statements.append(
            UnitStatement(value.header.unit, f"the value column header '{value.text}'", True)
        )
    return tuple(statements)


def _read_row(table: _Table, reading: LayoutReading, r: int) -> None:
    ref, cells = table.ctx.ref, table.sheet.rows[r]
    code_text = _text(cells, table.header.columns.get(h.FORM_VAR_CODE))
    name_text = _text(cells, table.header.columns.get(h.FORM_VAR_NAME))
    value_cell = cells[table.value.col] if table.value.col < len(cells) else None
    if not code_text and not name_text:
        if _looks_like_a_value(value_cell, ref):
            reading.problems.append(
                problem(
                    table.row_location(r),
                    "unknown_variable",
                    "a value in a row without 指标代码 or 指标名称; expected each value on "
                    "the row of its base variable",
                    cell_text(value_cell),
                )
            )
        return
    if h.is_total(name_text) or h.is_total(code_text):
        if not is_blank(value_cell):
            role = h.FORM_VAR_NAME if name_text else h.FORM_VAR_CODE
            reading.problems.append(
                problem(
                    table.row_location(r, role),
                    "total_row_skipped",
                    f"the total row '{name_text or code_text}' was not loaded (a county form "
                    "holds one row per base variable; totals are not data)",
                    name_text or code_text,
                )
            )
        return
    sub_item = h.sub_item_name(name_text) if name_text else None
    by_code = ref.catalog.lookup(code_text) if code_text else None
    by_name = _match_name(ref, sub_item or name_text) if name_text else None
    if sub_item is not None and by_code is None and by_name is None:
        _sub_item(table, reading, r, sub_item, value_cell)
        return
    if by_code and by_name and by_code.code != by_name.variable.code:
        reading.problems.append(
            problem(
                table.row_location(r, h.FORM_VAR_CODE),
                "conflicting_variable",
                f"指标代码 {code_text} is {variable_label(by_code)} but 指标名称 {name_text} is "
                f"{variable_label(by_name.variable)}; the row was not loaded — expected the "
                "code and the name of the same variable",
                f"{code_text} | {name_text}",
            )
        )
        return
    variable = by_code or (by_name.variable if by_name else None)
    if variable is None:
        if not is_blank(value_cell):  # else a section heading such as 一、创新投入
            reading.problems.append(_unknown_row(table, r, code_text, name_text))
        return
    _variable_row(table, reading, r, variable, by_name.announced_unit if by_name else None)


def _match_name(ref: Reference, name: str) -> HeaderMatch | None:
    """The variable a 指标名称 names, also when it is numbered (`1.地方财政科技支出`)."""
    return ref.catalog.match(name) or ref.catalog.match(h.without_enumeration(name))


def _unknown_row(table: _Table, r: int, code_text: str, name_text: str) -> object:
    role = h.FORM_VAR_CODE if code_text else h.FORM_VAR_NAME
    return problem(
        table.row_location(r, role),
        "unknown_variable",
        f"'{code_text or name_text}' is not a base variable; expected one of the 指标代码 / "
        "指标名称 of seeds/base_variables.csv (or an alias in seeds/variable_aliases.csv)",
        " | ".join(t for t in (code_text, name_text) if t),
    )


def _variable_row(
    table: _Table, reading: LayoutReading, r: int, variable: Variable, named_unit: str | None
) -> None:
    cells = table.sheet.rows[r]
    value_cell = cells[table.value.col] if table.value.col < len(cells) else None
    loc = table.row_location(r).at(
        variable_code=variable.code, variable_label=variable_label(variable)
    )
    cell_value, problems = read_value_cell(
        value_cell, variable, loc, table.ctx.ref.converter, _cell_context(table, r, named_unit)
    )
    first = table.seen.get(variable.code)
    if first is not None:
        same = first.value == cell_value.value and first.is_missing == cell_value.is_missing
        reading.problems.append(
            problem(
                loc,
                "repeated_row" if same else "duplicate_row",
                f"{variable_label(variable)} appears again (first on row "
                f"{first.location.row_number}, '{first.raw_text}'); the first row was kept — "
                "expected one row per variable",
                cell_value.raw_text,
            )
        )
        return
    table.seen[variable.code] = cell_value
    table.parent = (variable, cell_value)
    reading.values.append((table.resolution.unit_code, cell_value))
    reading.problems.extend(problems)


def _cell_context(table: _Table, r: int, named_unit: str | None) -> CellContext:
    cells = table.sheet.rows[r]
    statements = list(table.statements)
    unit_text = _text(cells, table.header.columns.get(h.FORM_UNIT))
    if unit_text:
        statements.append(UnitStatement(unit_text, f"the {table.header_text(h.FORM_UNIT)} column"))
    if named_unit:
        statements.append(UnitStatement(named_unit, f"the {table.header_text(h.FORM_VAR_NAME)}"))
    return CellContext(
        statements=tuple(statements),
        number_format=table.sheet.number_format(r, table.value.col),
        formula=table.sheet.formula(r, table.value.col),
        error_value=table.sheet.error_value(r, table.value.col),
        footnotes=table.footnotes,
        remark=_text(cells, table.header.columns.get(h.FORM_NOTE)) or None,
    )


def _sub_item(table: _Table, reading: LayoutReading, r: int, name: str, cell: object) -> None:
    """A sub-item row that is not a base variable: noted, checked against its variable."""
    if is_blank(cell):
        return
    loc = table.row_location(r, h.FORM_VAR_NAME)
    parent = table.parent
    reading.problems.append(
        problem(
            loc,
            "sub_item_row",
            f"the sub-item '{name}' is not a base variable and was not loaded"
            + (f" (a part of {variable_label(parent[0])})" if parent else ""),
            cell_text(cell),
        )
    )
    if parent is None or parent[1].value is None:
        return
    part, _ = read_value_cell(
        cell, parent[0], loc, table.ctx.ref.converter, _cell_context(table, r, None)
    )
    if part.value is not None and part.value > parent[1].value:
        reading.problems.append(
            problem(
                table.row_location(r).at(variable_code=parent[0].code),
                "sub_item_exceeds_parent",
                f"the sub-item '{name}' ({part.value:g} {parent[0].unit}) is larger than "
                f"{variable_label(parent[0])} ({parent[1].value:g} {parent[0].unit}, row "
                f"{parent[1].location.row_number}); expected a part no larger than its whole",
                cell_text(cell),
            )
        )


def _other_year(ctx: ReadContext, sheet: Sheet, header: FormHeader, other: ValueColumn) -> object:
    year = other.header.for_year(ctx.data_year)
    return problem(
        ctx.location(
            sheet,
            row_number=header.row + 1,
            column_name=other.text,
            column_letter=column_letter(other.col),
        ),
        "other_year_column",
        f"the column '{other.text}' is for {year if year else 'another year'}, not data year "
        f"{ctx.data_year}; it was not read (the data year's column was)",
        other.text,
    )


def _missing_variables(table: _Table, reading: LayoutReading) -> None:
    for variable in table.ctx.ref.catalog.by_reporter("county"):
        if variable.code not in table.seen:
            reading.problems.append(
                problem(
                    table.ctx.location(
                        table.sheet,
                        unit_code=table.resolution.unit_code,
                        unit_label=table.unit_label,
                        variable_code=variable.code,
                        variable_label=variable_label(variable),
                    ),
                    "missing_variable",
                    f"no row for {variable_label(variable)}; expected one row per base variable "
                    "(a blank or 无 value if it is not available)",
                )
            )


def _label_text(labels: dict[str, h.Label], role: str) -> str | None:
    label = labels.get(role)
    text = cell_text(label.value).strip() if label and label.value is not None else ""
    return text or None


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
