"""Recognising a file's layout by its content and reading every sheet that has one.

Each sheet is tried in order: a county-form table header (指标代码 | 指标名称 | 计量单位 | 数值)
first, then a wide header (行政区划代码 / 县(市、区)名称 plus variable columns), which is an expert
scores sheet when all its variable columns are expert-panel scores and a city summary otherwise.
Every sheet with a header is read, so a city's workbook with one county form per sheet loads
every county. A sheet whose 统计年度 is another year (last year's copy) is skipped and noted;
when no sheet is for the data year the file is rejected (`wrong_year`). A county read on two
sheets keeps the first sheet's values (`duplicate_sheet` when they differ). Other non-empty
sheets (instructions) are noted as ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.ingest.city_summary import read_city_summary
from orchestration.ingest.county_form import read_county_form
from orchestration.ingest.expert_scores import read_expert_scores
from orchestration.ingest.form_header import find_form_header
from orchestration.ingest.grid import Sheet, Workbook
from orchestration.ingest.problems import Location, Problem, problem
from orchestration.ingest.reading import LayoutReading, ReadContext
from orchestration.ingest.text import is_blank
from orchestration.ingest.wide_header import find_wide_header


@dataclass(frozen=True)
class Detection:
    """The readings of the sheets read, notes about the others, and — when sheets had a header
    but none is for the data year — the `wrong_year` problem that rejects the file."""

    readings: list[LayoutReading]
    problems: list[Problem]
    wrong_year: Problem | None = None


def read_layout(book: Workbook, ctx: ReadContext) -> Detection:
    """Read every sheet with a known header; keep those of the data year."""
    readings: list[LayoutReading] = []
    other_years: list[tuple[LayoutReading, Problem]] = []
    notes: list[Problem] = []
    empty_or_unknown: list[Sheet] = []
    for sheet in book.sheets:
        reading = _read_sheet(sheet, ctx)
        if reading is None:
            empty_or_unknown.append(sheet)
            continue
        year_problem = check_year(reading, ctx.data_year, ctx.file_name)
        if year_problem is not None and year_problem.problem_code == "wrong_year":
            other_years.append((reading, year_problem))
            continue
        if year_problem is not None:
            reading.problems.insert(0, year_problem)
        readings.append(reading)
    if not readings:
        wrong = other_years[0][1] if other_years else None
        return Detection([], [], wrong)
    for reading, _ in other_years:
        notes.append(_other_year_sheet(ctx, reading))
    notes += [_ignored(ctx, s) for s in empty_or_unknown if not _is_empty(s)]
    notes += _one_sheet_per_unit(readings, ctx)
    return Detection(readings, notes)


def _read_sheet(sheet: Sheet, ctx: ReadContext) -> LayoutReading | None:
    form = find_form_header(sheet, ctx.ref.catalog)
    if form is not None:
        return read_county_form(sheet, form, ctx)
    wide = find_wide_header(sheet, ctx.ref.catalog, ctx.data_year)
    if wide is None:
        return None
    if wide.reporters == {"expert_panel"}:
        return read_expert_scores(sheet, wide, ctx)
    return read_city_summary(sheet, wide, ctx)


def check_year(reading: LayoutReading, data_year: int, file_name: str) -> Problem | None:
    """`wrong_year` for a sheet of another 统计年度, `missing_data_year` for none (county form)."""
    loc = reading.year_location or Location(file_name=file_name, sheet=reading.sheet)
    if reading.declared_data_year is not None and reading.declared_data_year != data_year:
        return problem(
            loc,
            "wrong_year",
            f"统计年度 is {reading.declared_data_year} but the file is in the inbox folder of data "
            f"year {data_year}; the file was not loaded — expected 统计年度 {data_year} (or the "
            f"file moved to the {reading.declared_data_year} folder)",
            reading.declared_year_text,
        )
    if reading.declared_data_year is None and (
        reading.declared_year_text or reading.layout == "county_form"
    ):
        return problem(
            loc,
            "missing_data_year",
            (
                f"统计年度 '{reading.declared_year_text}' is not a year"
                if reading.declared_year_text
                else "no 统计年度 in the header block"
            )
            + f"; data year {data_year} of the inbox folder was assumed — expected 统计年度 "
            f"{data_year}",
            reading.declared_year_text,
        )
    return None


def _one_sheet_per_unit(readings: list[LayoutReading], ctx: ReadContext) -> list[Problem]:
    """A county on a second sheet: its values there are dropped and the sheet is reported."""
    first: dict[str, tuple[str | None, dict[str, tuple[float | None, bool]]]] = {}
    problems: list[Problem] = []
    for reading in readings:
        by_unit: dict[str, dict[str, tuple[float | None, bool]]] = {}
        for unit_code, v in reading.values:
            if unit_code is not None:
                by_unit.setdefault(unit_code, {})[v.variable_code] = (v.value, v.is_missing)
        repeated = {u for u in by_unit if u in first}
        for unit_code in sorted(repeated):
            first_sheet, first_values = first[unit_code]
            same = first_values == by_unit[unit_code]
            problems.append(
                problem(
                    Location(file_name=ctx.file_name, sheet=reading.sheet, unit_code=unit_code),
                    "repeated_sheet" if same else "duplicate_sheet",
                    f"county {unit_code} is also on sheet {first_sheet}; the values of sheet "
                    f"{first_sheet} were kept"
                    + ("" if same else " and the two sheets' values differ")
                    + " — expected each county on one sheet",
                    reading.sheet,
                )
            )
        reading.values = [(u, v) for u, v in reading.values if u not in repeated]
        reading.problems = [
            p
            for p in reading.problems
            if p.location.unit_code not in repeated or p.location.variable_code is None
        ]
        for unit_code, values in by_unit.items():
            first.setdefault(unit_code, (reading.sheet, values))
    return problems


def _is_empty(sheet: Sheet) -> bool:
    return all(is_blank(c) for row in sheet.rows for c in row)


def _ignored(ctx: ReadContext, sheet: Sheet) -> Problem:
    return problem(
        Location(file_name=ctx.file_name, sheet=sheet.name),
        "extra_sheet_ignored",
        f"sheet {sheet.name} has no header of a known layout; not read",
    )


def _other_year_sheet(ctx: ReadContext, reading: LayoutReading) -> Problem:
    return problem(
        reading.year_location or Location(file_name=ctx.file_name, sheet=reading.sheet),
        "other_year_sheet",
        f"sheet {reading.sheet} is for data year {reading.declared_data_year}, not "
        f"{ctx.data_year}; it was not read (the sheets of {ctx.data_year} were)",
        reading.declared_year_text,
    )
