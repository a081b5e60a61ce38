"""Realistic defects injected into clean submission files, each recorded in a manifest.

The kinds follow the spec's list of what hand-filled files look like (encodings, full-width
digits, units typed into values or announced in another unit, missing-value spellings, merged
headers, blank and note rows, extra sheets, old and shared names, resubmissions, files for
foreign units or the wrong year, impossible and suspicious values). `defect_rate` is the share
of files and of values that get a defect; its own random stream leaves the clean output
untouched. Values written in another unit convert back exactly to the clean value.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TypeVar

import numpy as np

from orchestration.demo.documents import (
    Cell,
    CellValue,
    Document,
    Row,
    Sheet,
    cell_locations,
    cell_text,
)
from orchestration.demo.seeds import ABOLISHED_CHANGE, Unit, Variable, predecessor_codes
from orchestration.demo.simulation import Simulation
from orchestration.demo.submissions import (
    CITY_SUMMARY,
    COUNTY_FORM,
    EXPERT_SCORES,
    LayoutPlan,
    county_form,
    unit_values,
)

MANIFEST_COLUMNS = (
    "data_year",
    "file_name",
    "sheet",
    "row",
    "column",
    "unit_code",
    "variable_code",
    "defect_kind",
    "text_written",
    "clean_value",
)
MISSING_SPELLINGS = (None, "—", "-", "/", "无", "暂无")
FULLWIDTH = str.maketrans("0123456789.,-%", "０１２３４５６７８９．，－％")
NOTE_TEXT = "注：本表数据为快报数，正式数据以统计年鉴为准。"
EXTRA_SHEET_LINES = (
    "填表说明",
    "1. 请按统计口径填写上一年度数据，金额单位为万元（地区生产总值为亿元）。",
    "2. 无数据的指标请填0，不得留空。",
    "3. 填报完成后请于规定时间内报送市科技局。",
)
# Units that are not county-level units of the province: development zones and other provinces.
FOREIGN_UNITS = (
    ("130171", "石家庄高新技术产业开发区"),
    ("130271", "河北唐山芦台经济开发区"),
    ("130371", "秦皇岛市经济技术开发区"),
    ("130671", "保定高新技术产业开发区"),
    ("131071", "廊坊经济技术开发区"),
    ("110115", "大兴区"),
    ("120116", "滨海新区"),
    ("140105", "小店区"),
)
WAN_YUAN, YI_YUAN, YUAN = "万元", "亿元", "元"
T = TypeVar("T")


@dataclass
class DefectContext:
    """What defect functions need: the clean data, the plan, the stream, the year's files."""

    simulation: Simulation
    plan: LayoutPlan
    rng: np.random.Generator
    data_year: int
    documents: list[Document]
    used: Counter[str] = field(default_factory=Counter)
    _values: dict[str, dict[str, float]] | None = None

    def values(self) -> dict[str, dict[str, float]]:
        """Clean values of the year by unit code and variable (computed once)."""
        if self._values is None:
            self._values = unit_values(self.simulation, self.data_year)
        return self._values

    def pick(self, items: Sequence[T]) -> T:
        """One item, chosen by the defect stream."""
        return items[int(self.rng.integers(len(items)))]


# ----------------------------------------------------------------------------------------
# Value defects: change one value cell.


def _number_text(value: float, decimals: int | None) -> str:
    """A plain decimal text of a number."""
    if decimals is None or decimals == 0:
        return str(int(round(value)))
    return f"{value:.{decimals}f}"


def _thousands(value: float, decimals: int | None) -> str:
    """A number with thousands separators (`1,234.56`)."""
    if decimals is None or decimals == 0:
        return f"{int(round(value)):,}"
    return f"{value:,.{decimals}f}"


def _is_number(cell: Cell) -> bool:
    """Whether a value cell still holds its clean number."""
    return isinstance(cell.value, int | float) and cell.defect_kind is None


def _measure(ctx: DefectContext, cell: Cell) -> str | None:
    """The canonical unit of a county variable (None for expert scores)."""
    for variable in ctx.simulation.seeds.county_variables:
        if variable.variable_code == cell.variable_code:
            return variable.unit
    return None


def _num(cell: Cell) -> float:
    """The clean number a value cell holds."""
    assert isinstance(cell.value, int | float), cell
    return float(cell.value)


def _set(cell: Cell, kind: str, value: CellValue) -> None:
    """Write a defective value into a cell and remember the kind."""
    cell.value = value
    cell.defect_kind = kind


def _fullwidth_digits(ctx: DefectContext, doc: Document, row: Row, cell: Cell) -> None:
    text = _number_text(_num(cell), cell.decimals)
    _set(cell, "fullwidth_digits", text.translate(FULLWIDTH))


def _thousands_separator(ctx: DefectContext, doc: Document, row: Row, cell: Cell) -> None:
    _set(cell, "thousands_separator", _thousands(_num(cell), cell.decimals))


def _fullwidth_comma(ctx: DefectContext, doc: Document, row: Row, cell: Cell) -> None:
    text = _thousands(_num(cell), cell.decimals).replace(",", "，")
    _set(cell, "fullwidth_comma", text)


def _unit_in_value(ctx: DefectContext, doc: Document, row: Row, cell: Cell) -> None:
    text = _thousands(_num(cell), cell.decimals) + (_measure(ctx, cell) or "")
    _set(cell, "unit_in_value", text)


def _surrounding_spaces(ctx: DefectContext, doc: Document, row: Row, cell: Cell) -> None:
    pad = ctx.pick([" ", "  ", "\u3000"])
    text = f"{pad}{_number_text(_num(cell), cell.decimals)} "
    _set(cell, "surrounding_spaces", text)


def _percent_sign(ctx: DefectContext, doc: Document, row: Row, cell: Cell) -> None:
    _set(cell, "percent_sign", _number_text(_num(cell), cell.decimals) + "%")


def _missing_value(ctx: DefectContext, doc: Document, row: Row, cell: Cell) -> None:
    _set(cell, "missing_value", ctx.pick(list(MISSING_SPELLINGS)))


def _measure_cell(row: Row) -> Cell | None:
    """The 计量单位 cell of a county-form row."""
    return next((c for c in row.cells if c.role == "measure"), None)


def _announce_unit(cell: Cell, row: Row, unit: str, factor: float, kind: str) -> None:
    """Write the value in another unit and announce that unit in the 计量单位 column.

    `factor` converts the canonical value into the written one; decimals are kept so that
    converting back gives the clean value exactly.
    """
    value = _num(cell)
    decimals = cell.decimals or 0
    if factor < 1:
        decimals += round(-np.log10(factor))
        written: int | float = round(value * factor, decimals)
    else:
        decimals = max(0, decimals - round(np.log10(factor)))
        written = round(value * factor, decimals)
        if decimals == 0:
            written = int(written)
    cell.decimals = decimals
    _set(cell, kind, written)
    measure = _measure_cell(row)
    if measure is not None:
        measure.value = unit


def _unit_announced_yiyuan(ctx: DefectContext, doc: Document, row: Row, cell: Cell) -> None:
    _announce_unit(cell, row, YI_YUAN, 1e-4, "unit_announced_yiyuan")


def _unit_announced_yuan(ctx: DefectContext, doc: Document, row: Row, cell: Cell) -> None:
    _announce_unit(cell, row, YUAN, 1e4, "unit_announced_yuan")


def _unit_announced_wanyuan(ctx: DefectContext, doc: Document, row: Row, cell: Cell) -> None:
    _announce_unit(cell, row, WAN_YUAN, 1e4, "unit_announced_wanyuan")


def _negative_value(ctx: DefectContext, doc: Document, row: Row, cell: Cell) -> None:
    _set(cell, "negative_value", -_num(cell) if cell.decimals else -int(_num(cell)))


def _tenfold_jump(ctx: DefectContext, doc: Document, row: Row, cell: Cell) -> None:
    value = _num(cell) * 10
    _set(cell, "tenfold_jump", round(value, cell.decimals) if cell.decimals else int(value))


def _enterprise_count(ctx: DefectContext, cell: Cell) -> float:
    """The clean number of above-scale enterprises of the cell's unit."""
    return ctx.values()[cell.unit_code or ""]["ind_ent_count"]


def _rd_exceeds_enterprises(ctx: DefectContext, doc: Document, row: Row, cell: Cell) -> None:
    enterprises = int(_enterprise_count(ctx, cell))
    extra = 1 + int(ctx.rng.integers(0, max(1, enterprises // 5)))
    _set(cell, "rd_exceeds_enterprises", enterprises + extra)


ValueDefect = Callable[[DefectContext, Document, Row, Cell], None]
Applies = Callable[[DefectContext, Document, Cell], bool]


def _county(ctx: DefectContext, doc: Document, cell: Cell) -> bool:
    return _measure(ctx, cell) is not None


def _large(ctx: DefectContext, doc: Document, cell: Cell) -> bool:
    return abs(_num(cell)) >= 1000


def _positive(ctx: DefectContext, doc: Document, cell: Cell) -> bool:
    return _num(cell) > 0


VALUE_DEFECTS: dict[str, tuple[ValueDefect, Applies]] = {
    "fullwidth_digits": (_fullwidth_digits, lambda c, d, x: True),
    "thousands_separator": (_thousands_separator, _large),
    "fullwidth_comma": (_fullwidth_comma, _large),
    "unit_in_value": (_unit_in_value, _county),
    "surrounding_spaces": (_surrounding_spaces, lambda c, d, x: True),
    "percent_sign": (_percent_sign, lambda c, d, x: d.layout == EXPERT_SCORES),
    "missing_value": (_missing_value, lambda c, d, x: True),
    "unit_announced_yiyuan": (
        _unit_announced_yiyuan,
        lambda c, d, x: d.layout == COUNTY_FORM and _measure(c, x) == WAN_YUAN,
    ),
    "unit_announced_yuan": (
        _unit_announced_yuan,
        lambda c, d, x: d.layout == COUNTY_FORM and _measure(c, x) == WAN_YUAN,
    ),
    "unit_announced_wanyuan": (
        _unit_announced_wanyuan,
        lambda c, d, x: d.layout == COUNTY_FORM and _measure(c, x) == YI_YUAN,
    ),
    "negative_value": (_negative_value, _positive),
    "tenfold_jump": (_tenfold_jump, _positive),
    "rd_exceeds_enterprises": (
        _rd_exceeds_enterprises,
        lambda c, d, x: x.variable_code == "ind_ent_rd_count",
    ),
}


# ----------------------------------------------------------------------------------------
# File defects: change a whole file, its header block or its identity.


def _record(doc: Document, kind: str, text: str, unit_code: str | None = None) -> None:
    """Remember a defect that concerns the file as a whole."""
    doc.file_defects.append({"defect_kind": kind, "text_written": text, "unit_code": unit_code})


def _set_encoding(encoding: str, kind: str) -> Callable[[DefectContext, Document], None]:
    def apply(ctx: DefectContext, doc: Document) -> None:
        doc.encoding = encoding
        _record(doc, kind, encoding, _single_unit(doc))

    return apply


def _single_unit(doc: Document) -> str | None:
    """The unit of a county form (None for multi-unit files)."""
    return doc.unit_codes[0] if doc.layout == COUNTY_FORM else None


def _header_row_index(doc: Document) -> int:
    """Position of the table header row in the main sheet."""
    return 4 if doc.layout == COUNTY_FORM else 1


def _merged_header(ctx: DefectContext, doc: Document) -> None:
    sheet = doc.sheet()
    width = sheet.width()
    sheet.merges.append((sheet.rows[0], 1, width))
    at = _header_row_index(doc)
    if doc.layout == COUNTY_FORM:
        group = Row([Cell("指标"), Cell(None), Cell(None), Cell("填报内容"), Cell(None)])
        sheet.merges += [(group, 1, 3), (group, 4, 5)]
    else:
        label = "专家评分" if doc.layout == EXPERT_SCORES else "监测指标"
        group = Row([Cell("基本情况"), Cell(None), Cell(label)] + [Cell(None)] * (width - 3))
        sheet.merges += [(group, 1, 2), (group, 3, width)]
    sheet.rows.insert(at, group)
    _record(
        doc,
        "merged_header",
        "merged title and a merged group-header row above the header",
        _single_unit(doc),
    )


def _extra_sheet(ctx: DefectContext, doc: Document) -> None:
    sheet = Sheet("填表说明", [Row([Cell(line)]) for line in EXTRA_SHEET_LINES])
    position = int(ctx.rng.integers(0, 2))
    doc.sheets.insert(position, sheet)
    where = "before" if position == 0 else "after"
    _record(doc, "extra_sheet", f"sheet 填表说明 {where} the data sheet", _single_unit(doc))


def _blank_rows(ctx: DefectContext, doc: Document) -> None:
    sheet = doc.sheet()
    first_data = _header_row_index(doc) + 1
    count = 1 + int(ctx.rng.integers(0, 2))
    for _ in range(count):
        at = int(ctx.rng.integers(first_data + 1, len(sheet.rows)))
        sheet.rows.insert(at, Row([]))
    _record(doc, "blank_rows", f"{count} blank row(s) inside the table", _single_unit(doc))


def _note_row(ctx: DefectContext, doc: Document) -> None:
    sheet = doc.sheet()
    sheet.rows += [Row([]), Row([Cell(NOTE_TEXT)])]
    _record(doc, "note_row", NOTE_TEXT, _single_unit(doc))


def _identity_cells(doc: Document, role: str) -> list[Cell]:
    """The name or code cells of a file (one per unit row)."""
    return [c for row in doc.sheet().rows for c in row.cells if c.role == role]


def _name_whitespace(ctx: DefectContext, doc: Document) -> None:
    cell = ctx.pick([c for c in _identity_cells(doc, "unit_name") if c.defect_kind is None])
    name = str(cell.value)
    variants = [f" {name}", f"{name} ", f"{name}\u3000", f"{name[0]} {name[1:]}"]
    _set(cell, "name_whitespace", ctx.pick(variants))


def _missing_code(ctx: DefectContext, doc: Document) -> None:
    cell = _identity_cells(doc, "unit_code")[0]
    _set(cell, "missing_code", None)


def old_identities(ctx: DefectContext, unit_code: str) -> list[tuple[str, str]]:
    """(old name, old code) a unit was known by before a non-abolishing division change."""
    return [
        (c.old_name, c.old_code)
        for c in ctx.simulation.seeds.changes
        if c.new_code == unit_code and c.change_type != ABOLISHED_CHANGE
    ]


def _cells_with_old_identity(ctx: DefectContext, doc: Document, role: str) -> list[Cell]:
    """Name (or code) cells of units that had another name (or code) before."""
    result = []
    for cell in _identity_cells(doc, role):
        if cell.defect_kind is not None:
            continue
        for old_name, old_code in old_identities(ctx, cell.unit_code or ""):
            old = old_name if role == "unit_name" else old_code
            if old != cell.value:
                result.append(cell)
                break
    return result


def _old_name(ctx: DefectContext, doc: Document) -> None:
    cell = ctx.pick(_cells_with_old_identity(ctx, doc, "unit_name"))
    old = [n for n, _ in old_identities(ctx, cell.unit_code or "") if n != cell.value]
    _set(cell, "old_name", old[0])


def _old_code(ctx: DefectContext, doc: Document) -> None:
    cell = ctx.pick(_cells_with_old_identity(ctx, doc, "unit_code"))
    old = [c for _, c in old_identities(ctx, cell.unit_code or "") if c != cell.value]
    _set(cell, "old_code", old[0])


def _shared_names(ctx: DefectContext) -> set[str]:
    """Names borne by more than one unit in the data year."""
    names = Counter(u.unit_name for u in ctx.simulation.years[ctx.data_year].units)
    return {name for name, count in names.items() if count > 1}


def _shared_name_no_code(ctx: DefectContext, doc: Document) -> None:
    _set(_identity_cells(doc, "unit_code")[0], "shared_name_no_code", None)


def _header_unit(unit: str, factor: float, kind: str) -> Callable[[DefectContext, Document], None]:
    def apply(ctx: DefectContext, doc: Document) -> None:
        sheet = doc.sheet()
        header = sheet.rows[_header_row_index(doc)]
        columns = [
            i
            for i, c in enumerate(header.cells)
            if c.role == "header" and _variable_unit(ctx, c.variable_code) == WAN_YUAN
        ]
        clean = [i for i in columns if not _column_touched(sheet, i)]
        column = ctx.pick(clean or columns)
        head = header.cells[column]
        variable = _variable(ctx, head.variable_code)
        head.clean_value = head.value
        _set(head, kind, f"{variable.name_zh}({unit})")
        for row in sheet.rows[_header_row_index(doc) + 1 :]:
            if len(row.cells) > column and row.cells[column].role == "value":
                # A value defect injected earlier is replaced: the whole column changes unit.
                cell = row.cells[column]
                cell.value, cell.defect_kind = cell.clean_value, None
                _announce_unit(cell, Row(), unit, factor, kind)

    return apply


def _column_touched(sheet: Sheet, column: int) -> bool:
    """Whether any cell of a column already carries a defect."""
    return any(
        len(row.cells) > column and row.cells[column].defect_kind is not None for row in sheet.rows
    )


def _variable(ctx: DefectContext, code: str | None) -> Variable:
    """The county variable with this code."""
    return next(v for v in ctx.simulation.seeds.county_variables if v.variable_code == code)


def _variable_unit(ctx: DefectContext, code: str | None) -> str | None:
    return next(
        (v.unit for v in ctx.simulation.seeds.county_variables if v.variable_code == code), None
    )


def _corrected_name(file_name: str) -> str:
    """The file name of a corrected resubmission: `<stem>_corrected.<ext>`."""
    stem, _, ext = file_name.rpartition(".")
    return f"{stem}_corrected.{ext}"


def _digit_typo(value: float, decimals: int | None) -> float:
    """The value with two adjacent leading digits swapped (or, if equal, one digit doubled)."""
    text = _number_text(value, decimals)
    digits = [i for i, ch in enumerate(text) if ch.isdigit()]
    if len(digits) >= 2 and text[digits[0]] != text[digits[1]]:
        chars = list(text)
        chars[digits[0]], chars[digits[1]] = chars[digits[1]], chars[digits[0]]
        typo = "".join(chars)
    else:
        typo = text[: digits[0] + 1] + text[digits[0] :]
    return float(typo)


def _value_of(row: Row) -> Cell:
    """The value cell of a county-form row."""
    return next(c for c in row.cells if c.role == "value")


def _duplicate_submission(ctx: DefectContext, doc: Document) -> None:
    earlier = copy.deepcopy(doc)
    earlier.primary = False
    earlier.file_defects = []
    earlier.mtime = doc.mtime - timedelta(days=int(ctx.rng.integers(3, 20)))
    doc.file_name = _corrected_name(doc.file_name)
    rows = [r for r in earlier.sheet().rows if any(c.role == "value" for c in r.cells)]
    corrected_rows = [r for r in doc.sheet().rows if any(c.role == "value" for c in r.cells)]
    clean = [i for i, r in enumerate(rows) if _is_number(_value_of(r))]
    count = min(len(clean), 1 + int(ctx.rng.integers(0, 2)))
    for i in sorted(int(i) for i in ctx.rng.choice(clean, size=count, replace=False)):
        cell = _value_of(rows[i])
        value = _num(cell)
        if ctx.rng.random() < 0.5 and value > 0:
            wrong = value * 10
        else:
            wrong = _digit_typo(value, cell.decimals)
        if wrong == value:
            wrong = value + 1
        _set(cell, "superseded_value", round(wrong, cell.decimals) if cell.decimals else int(wrong))
        corrected_rows[i].cells[-1].value = "已更正"
    _record(earlier, "superseded_submission", f"superseded by {doc.file_name}", doc.unit_codes[0])
    _record(doc, "corrected_resubmission", f"supersedes {earlier.file_name}", doc.unit_codes[0])
    ctx.documents.append(earlier)


def _previous_unit(ctx: DefectContext, unit_code: str) -> Unit | None:
    """The unit's predecessor in the previous data year, if that year was simulated."""
    previous = ctx.simulation.years.get(ctx.data_year - 1)
    if previous is None:
        return None
    code = predecessor_codes(ctx.simulation.seeds, ctx.data_year).get(unit_code)
    return next((u for u in previous.units if u.unit_code == code), None)


def _wrong_year_file(ctx: DefectContext, doc: Document) -> None:
    unit = _previous_unit(ctx, doc.unit_codes[0])
    assert unit is not None
    year = ctx.data_year - 1
    values = unit_values(ctx.simulation, year)[unit.unit_code]
    fmt, encoding = ctx.plan.county_format.get((year, unit.unit_code), ("xlsx", None))
    stale = county_form(
        ctx.simulation.seeds,
        unit,
        year,
        values,
        ctx.plan.contacts[(year, unit.unit_code)],
        fmt,
        encoding,
        doc.mtime + timedelta(hours=2),
    )
    stale.data_year = ctx.data_year
    stale.primary = False
    _record(
        stale,
        "wrong_year_file",
        f"统计年度 {year} in the folder of {ctx.data_year}",
        unit.unit_code,
    )
    ctx.documents.append(stale)


FileDefect = Callable[[DefectContext, Document], None]
FileApplies = Callable[[DefectContext, Document], bool]


def _is(layout: str) -> FileApplies:
    return lambda ctx, doc: doc.layout == layout


def _csv_not(encoding: str) -> FileApplies:
    return lambda ctx, doc: doc.fmt == "csv" and doc.encoding != encoding


def _has_old(role: str) -> FileApplies:
    return lambda ctx, doc: bool(_cells_with_old_identity(ctx, doc, role))


FILE_DEFECTS: dict[str, tuple[FileDefect, FileApplies]] = {
    "encoding_gb18030_bom": (
        _set_encoding("gb18030-bom", "encoding_gb18030_bom"),
        _csv_not("gb18030-bom"),
    ),
    "encoding_gb18030": (_set_encoding("gb18030", "encoding_gb18030"), _csv_not("gb18030")),
    "encoding_utf8_no_bom": (_set_encoding("utf-8", "encoding_utf8_no_bom"), _csv_not("utf-8")),
    "merged_header": (_merged_header, lambda ctx, doc: doc.fmt == "xlsx"),
    "extra_sheet": (_extra_sheet, lambda ctx, doc: doc.fmt == "xlsx"),
    "blank_rows": (_blank_rows, lambda ctx, doc: True),
    "note_row": (_note_row, lambda ctx, doc: True),
    "name_whitespace": (_name_whitespace, lambda ctx, doc: True),
    "missing_code": (_missing_code, _is(COUNTY_FORM)),
    "old_name": (_old_name, _has_old("unit_name")),
    "old_code": (_old_code, _has_old("unit_code")),
    "shared_name_no_code": (
        _shared_name_no_code,
        lambda ctx, doc: (
            doc.layout == COUNTY_FORM
            and _identity_cells(doc, "unit_name")[0].value in _shared_names(ctx)
        ),
    ),
    "header_unit_yiyuan": (_header_unit(YI_YUAN, 1e-4, "header_unit_yiyuan"), _is(CITY_SUMMARY)),
    "header_unit_yuan": (_header_unit(YUAN, 1e4, "header_unit_yuan"), _is(CITY_SUMMARY)),
    "duplicate_submission": (_duplicate_submission, _is(COUNTY_FORM)),
    "wrong_year_file": (
        _wrong_year_file,
        lambda ctx, doc: (
            doc.layout == COUNTY_FORM and _previous_unit(ctx, doc.unit_codes[0]) is not None
        ),
    ),
}


def _foreign_unit_file(ctx: DefectContext) -> None:
    """Add a county form for a unit that is not a county-level unit of the province."""
    taken = {code for d in ctx.documents for code in d.unit_codes}
    free = [u for u in FOREIGN_UNITS if u[0] not in taken]
    if not free:
        return
    code, name = free[int(ctx.rng.integers(len(free)))]
    year = ctx.simulation.years[ctx.data_year]
    template = year.units[int(ctx.rng.integers(len(year.units)))]
    values = dict(ctx.values()[template.unit_code])
    scale = float(ctx.rng.uniform(0.4, 1.2))
    for key in values:
        values[key] = values[key] * scale
    unit = Unit(code, name, "development_zone", code[:4], "", None, None)
    contact = ctx.plan.contacts[(ctx.data_year, template.unit_code)]
    doc = county_form(
        ctx.simulation.seeds,
        unit,
        ctx.data_year,
        values,
        contact,
        "xlsx",
        None,
        ctx.plan.sent_at[(ctx.data_year, template.unit_code)] + timedelta(days=1),
    )
    doc.primary = False
    _record(
        doc, "foreign_unit_file", f"{code} {name} is not a county-level unit of the province", code
    )
    ctx.documents.append(doc)
    ctx.used["foreign_unit_file"] += 1


YEAR_DEFECTS: dict[str, Callable[[DefectContext], None]] = {
    "foreign_unit_file": _foreign_unit_file,
}


# ----------------------------------------------------------------------------------------
# Driving the injection.


def _value_cells(doc: Document) -> list[tuple[Row, Cell]]:
    """The clean value cells of a file."""
    return [
        (row, cell)
        for sheet in doc.sheets
        for row in sheet.rows
        for cell in row.cells
        if cell.role == "value" and _is_number(cell)
    ]


def _untouched(doc: Document) -> bool:
    """Whether a file carries no defect yet."""
    return not doc.file_defects and not cell_locations(doc)


def _apply_file_defect(ctx: DefectContext, doc: Document, kind: str) -> None:
    FILE_DEFECTS[kind][0](ctx, doc)
    ctx.used[kind] += 1


def _apply_value_defect(ctx: DefectContext, doc: Document, row: Row, cell: Cell, kind: str) -> None:
    VALUE_DEFECTS[kind][0](ctx, doc, row, cell)
    ctx.used[kind] += 1


def inject_year(ctx: DefectContext, rate: float) -> None:
    """Give each file of the year a defect with probability `rate`, and each value too."""
    primaries = [d for d in ctx.documents if d.primary]
    for doc in primaries:
        if ctx.rng.random() < rate:
            kinds = [k for k, (_, applies) in FILE_DEFECTS.items() if applies(ctx, doc)]
            if kinds:
                _apply_file_defect(ctx, doc, str(ctx.pick(kinds)))
        for row, cell in _value_cells(doc):
            if ctx.rng.random() < rate:
                kinds = [k for k, (_, applies) in VALUE_DEFECTS.items() if applies(ctx, doc, cell)]
                _apply_value_defect(ctx, doc, row, cell, str(ctx.pick(kinds)))
    for _ in range(int(ctx.rng.binomial(3, rate))):
        _foreign_unit_file(ctx)


def cover_missing_kinds(contexts: list[DefectContext]) -> None:
    """Inject one defect of every kind that the random pass did not produce anywhere."""
    if not contexts:
        return
    rng = contexts[0].rng
    used: Counter[str] = Counter()
    for ctx in contexts:
        used.update(ctx.used)
    order = [contexts[int(i)] for i in rng.permutation(len(contexts))]
    for kind, (_apply, applies) in FILE_DEFECTS.items():
        if used[kind]:
            continue
        for ctx in order:
            candidates = [d for d in ctx.documents if d.primary and not d.file_defects]
            docs = [d for d in candidates if _untouched(d) and applies(ctx, d)] or [
                d for d in candidates if applies(ctx, d)
            ]
            if docs:
                _apply_file_defect(ctx, ctx.pick(docs), kind)
                break
    for kind, (_apply, applies) in VALUE_DEFECTS.items():
        if used[kind]:
            continue
        for ctx in order:
            cells = [
                (d, r, c)
                for d in ctx.documents
                if d.primary
                for r, c in _value_cells(d)
                if applies(ctx, d, c)
            ]
            if cells:
                doc, row, cell = ctx.pick(cells)
                _apply_value_defect(ctx, doc, row, cell, kind)
                break
    for kind, add in YEAR_DEFECTS.items():
        if not used[kind]:
            add(order[0])


def manifest_rows(doc: Document) -> list[dict[str, object]]:
    """The manifest rows of a file: its file-level defects, then its defective cells."""
    sheet_name = doc.main_sheet if doc.fmt == "xlsx" else ""
    rows: list[dict[str, object]] = []
    for entry in doc.file_defects:
        rows.append(
            {
                "data_year": doc.data_year,
                "file_name": doc.file_name,
                "sheet": sheet_name,
                "row": None,
                "column": None,
                "unit_code": entry["unit_code"],
                "variable_code": None,
                "defect_kind": entry["defect_kind"],
                "text_written": entry["text_written"],
                "clean_value": None,
            }
        )
    for sheet, row, column, cell in cell_locations(doc):
        rows.append(
            {
                "data_year": doc.data_year,
                "file_name": doc.file_name,
                "sheet": sheet.name if doc.fmt == "xlsx" else "",
                "row": row,
                "column": column,
                "unit_code": cell.unit_code,
                "variable_code": cell.variable_code,
                "defect_kind": cell.defect_kind,
                "text_written": cell_text(cell),
                "clean_value": cell.clean_value,
            }
        )
    return rows


def clean_units(documents: list[Document]) -> Mapping[str, int]:
    """How many primary files carry each unit (a consistency aid for tests)."""
    counts: Counter[str] = Counter()
    for doc in documents:
        if doc.primary and doc.layout != EXPERT_SCORES:
            counts.update(doc.unit_codes)
    return counts
