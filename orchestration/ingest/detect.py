"""Recognising a file's layout by its content and reading the sheet that has it.

Each sheet is tried in order: a county-form table header (指标代码 | 指标名称 | 计量单位 | 数值)
first, then a wide header (行政区划代码 / 县(市、区)名称 plus variable columns), which is an expert
scores sheet when all its variable columns are expert-panel scores and a city summary otherwise.
The first sheet with a header is read; other non-empty sheets (instructions, last year's copy) are
reported as ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.ingest.city_summary import read_city_summary
from orchestration.ingest.county_form import find_form_header, read_county_form
from orchestration.ingest.expert_scores import read_expert_scores
from orchestration.ingest.grid import Sheet, Workbook
from orchestration.ingest.problems import WARNING, Location, Problem, problem
from orchestration.ingest.reading import LayoutReading, ReadContext
from orchestration.ingest.text import is_blank
from orchestration.ingest.wide_table import find_wide_header


@dataclass(frozen=True)
class Detection:
    """The reading of the chosen sheet (None if no sheet has a known header) and notes."""

    reading: LayoutReading | None
    problems: list[Problem]


def read_layout(book: Workbook, ctx: ReadContext) -> Detection:
    """Find the sheet with a known header, read it with its layout's reader."""
    reading: LayoutReading | None = None
    notes: list[Problem] = []
    for sheet in book.sheets:
        found = _read_sheet(sheet, ctx) if reading is None else None
        if found is not None:
            reading = found
            continue
        if reading is not None and _has_header(sheet, ctx):
            notes.append(
                _ignored(
                    ctx,
                    sheet,
                    f"has a header too; only the first such sheet is read ({reading.sheet})",
                    WARNING,
                )
            )
        elif not _is_empty(sheet):
            notes.append(_ignored(ctx, sheet, "has no header of a known layout; not read"))
    if reading is None:
        notes = []
    return Detection(reading, notes)


def _read_sheet(sheet: Sheet, ctx: ReadContext) -> LayoutReading | None:
    form = find_form_header(sheet)
    if form is not None:
        return read_county_form(sheet, form, ctx)
    wide = find_wide_header(sheet, ctx.ref.catalog)
    if wide is None:
        return None
    if wide.reporters == {"expert_panel"}:
        return read_expert_scores(sheet, wide, ctx)
    return read_city_summary(sheet, wide, ctx)


def _has_header(sheet: Sheet, ctx: ReadContext) -> bool:
    return (
        find_form_header(sheet) is not None or find_wide_header(sheet, ctx.ref.catalog) is not None
    )


def _is_empty(sheet: Sheet) -> bool:
    return all(is_blank(c) for row in sheet.rows for c in row)


def _ignored(ctx: ReadContext, sheet: Sheet, why: str, severity: str | None = None) -> Problem:
    return problem(
        Location(file_name=ctx.file_name, sheet=sheet.name),
        "extra_sheet_ignored",
        f"sheet {sheet.name} {why}",
        severity=severity,
    )
