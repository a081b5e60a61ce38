"""Driving the injection: each file and value gets a defect with the year's rate, every kind
appears at least once, and what was injected becomes the manifest's rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from orchestration.demo.defects.cells import DefectContext, is_number
from orchestration.demo.defects.extra_files import YEAR_DEFECTS, foreign_unit_file
from orchestration.demo.defects.files import FILE_DEFECTS
from orchestration.demo.defects.values import VALUE_DEFECTS
from orchestration.demo.documents import (
    Cell,
    Document,
    Row,
    cell_locations,
    cell_text,
)
from orchestration.demo.submissions import (
    EXPERT_SCORES,
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


def _value_cells(doc: Document) -> list[tuple[Row, Cell]]:
    """The clean value cells of a file."""
    return [
        (row, cell)
        for sheet in doc.sheets
        for row in sheet.rows
        for cell in row.cells
        if cell.role == "value" and is_number(cell)
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
        foreign_unit_file(ctx)


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
