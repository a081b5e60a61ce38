"""File defects: a whole file changed (its encoding, a merged or extra header, blank and note
rows, an extra sheet), the identity of its units (whitespace, missing, old or shared names and
codes) or the unit of a column; and the table of every file defect with where it applies."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from orchestration.demo.defects.cells import (
    WAN_YUAN,
    YI_YUAN,
    YUAN,
    DefectContext,
    announce_unit,
    header_row_index,
    record_defect,
    set_defect,
    single_unit,
)
from orchestration.demo.defects.extra_files import (
    duplicate_submission,
    previous_unit,
    wrong_year_file,
)
from orchestration.demo.documents import (
    Cell,
    Document,
    Row,
    Sheet,
)
from orchestration.demo.seeds import ABOLISHED_CHANGE, Variable
from orchestration.demo.submissions import (
    CITY_SUMMARY,
    COUNTY_FORM,
    EXPERT_SCORES,
)

NOTE_TEXT = "注：本表数据为快报数，正式数据以统计年鉴为准。"
EXTRA_SHEET_LINES = (
    "填表说明",
    "1. 请按统计口径填写上一年度数据，金额单位为万元（地区生产总值为亿元）。",
    "2. 无数据的指标请填0，不得留空。",
    "3. 填报完成后请于规定时间内报送市科技局。",
)


def _set_encoding(encoding: str, kind: str) -> Callable[[DefectContext, Document], None]:
    def apply(ctx: DefectContext, doc: Document) -> None:
        doc.encoding = encoding
        record_defect(doc, kind, encoding, single_unit(doc))

    return apply


def _merged_header(ctx: DefectContext, doc: Document) -> None:
    sheet = doc.sheet()
    width = sheet.width()
    sheet.merges.append((sheet.rows[0], 1, width))
    at = header_row_index(doc)
    if doc.layout == COUNTY_FORM:
        group = Row([Cell("指标"), Cell(None), Cell(None), Cell("填报内容"), Cell(None)])
        sheet.merges += [(group, 1, 3), (group, 4, 5)]
    else:
        label = "专家评分" if doc.layout == EXPERT_SCORES else "监测指标"
        group = Row([Cell("基本情况"), Cell(None), Cell(label)] + [Cell(None)] * (width - 3))
        sheet.merges += [(group, 1, 2), (group, 3, width)]
    sheet.rows.insert(at, group)
    record_defect(
        doc,
        "merged_header",
        "merged title and a merged group-header row above the header",
        single_unit(doc),
    )


def _extra_sheet(ctx: DefectContext, doc: Document) -> None:
    sheet = Sheet("填表说明", [Row([Cell(line)]) for line in EXTRA_SHEET_LINES])
    position = int(ctx.rng.integers(0, 2))
    doc.sheets.insert(position, sheet)
    where = "before" if position == 0 else "after"
    record_defect(doc, "extra_sheet", f"sheet 填表说明 {where} the data sheet", single_unit(doc))


def _blank_rows(ctx: DefectContext, doc: Document) -> None:
    sheet = doc.sheet()
    first_data = header_row_index(doc) + 1
    count = 1 + int(ctx.rng.integers(0, 2))
    for _ in range(count):
        at = int(ctx.rng.integers(first_data + 1, len(sheet.rows)))
        sheet.rows.insert(at, Row([]))
    record_defect(doc, "blank_rows", f"{count} blank row(s) inside the table", single_unit(doc))


def _note_row(ctx: DefectContext, doc: Document) -> None:
    sheet = doc.sheet()
    sheet.rows += [Row([]), Row([Cell(NOTE_TEXT)])]
    record_defect(doc, "note_row", NOTE_TEXT, single_unit(doc))


def _identity_cells(doc: Document, role: str) -> list[Cell]:
    """The name or code cells of a file (one per unit row)."""
    return [c for row in doc.sheet().rows for c in row.cells if c.role == role]


def _name_whitespace(ctx: DefectContext, doc: Document) -> None:
    cell = ctx.pick([c for c in _identity_cells(doc, "unit_name") if c.defect_kind is None])
    name = str(cell.value)
    variants = [f" {name}", f"{name} ", f"{name}\u3000", f"{name[0]} {name[1:]}"]
    set_defect(cell, "name_whitespace", ctx.pick(variants))


def _missing_code(ctx: DefectContext, doc: Document) -> None:
    cell = _identity_cells(doc, "unit_code")[0]
    set_defect(cell, "missing_code", None)


def old_identities(ctx: DefectContext, unit_code: str) -> list[tuple[str, str]]:
    """(old name, old code) a unit was known by before a non-abolishing division change."""
    return [
        (c.old_name, c.old_code)
        for c in ctx.simulation.seeds.changes
        if c.new_code == unit_code and c.change_type != ABOLISHED_CHANGE
    ]


def cells_with_old_identity(ctx: DefectContext, doc: Document, role: str) -> list[Cell]:
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
    cell = ctx.pick(cells_with_old_identity(ctx, doc, "unit_name"))
    old = [n for n, _ in old_identities(ctx, cell.unit_code or "") if n != cell.value]
    set_defect(cell, "old_name", old[0])


def _old_code(ctx: DefectContext, doc: Document) -> None:
    cell = ctx.pick(cells_with_old_identity(ctx, doc, "unit_code"))
    old = [c for _, c in old_identities(ctx, cell.unit_code or "") if c != cell.value]
    set_defect(cell, "old_code", old[0])


def _shared_names(ctx: DefectContext) -> set[str]:
    """Names borne by more than one unit in the data year."""
    names = Counter(u.unit_name for u in ctx.simulation.years[ctx.data_year].units)
    return {name for name, count in names.items() if count > 1}


def _shared_name_no_code(ctx: DefectContext, doc: Document) -> None:
    set_defect(_identity_cells(doc, "unit_code")[0], "shared_name_no_code", None)


def _header_unit(unit: str, factor: float, kind: str) -> Callable[[DefectContext, Document], None]:
    def apply(ctx: DefectContext, doc: Document) -> None:
        sheet = doc.sheet()
        header = sheet.rows[header_row_index(doc)]
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
        set_defect(head, kind, f"{variable.name_zh}({unit})")
        for row in sheet.rows[header_row_index(doc) + 1 :]:
            if len(row.cells) > column and row.cells[column].role == "value":
                # A value defect injected earlier is replaced: the whole column changes unit.
                cell = row.cells[column]
                cell.value, cell.defect_kind = cell.clean_value, None
                announce_unit(cell, Row(), unit, factor, kind)

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


FileDefect = Callable[[DefectContext, Document], None]
FileApplies = Callable[[DefectContext, Document], bool]


def _is(layout: str) -> FileApplies:
    return lambda ctx, doc: doc.layout == layout


def _csv_not(encoding: str) -> FileApplies:
    return lambda ctx, doc: doc.fmt == "csv" and doc.encoding != encoding


def _has_old(role: str) -> FileApplies:
    return lambda ctx, doc: bool(cells_with_old_identity(ctx, doc, role))


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
    "duplicate_submission": (duplicate_submission, _is(COUNTY_FORM)),
    "wrong_year_file": (
        wrong_year_file,
        lambda ctx, doc: (
            doc.layout == COUNTY_FORM and previous_unit(ctx, doc.unit_codes[0]) is not None
        ),
    ),
}
