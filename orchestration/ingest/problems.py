"""Problems found while ingesting, located so that a person can find and fix them.

A problem names the file, sheet, row and column (with its letter), the county and the variable,
what was found there and — in `expected` — a sentence saying what was wrong and what was
expected. The located sentence repeats the location so that it reads on its own in an e-mail.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITIES = (ERROR, WARNING, INFO)

# problem_code → what it means. The codes are short snake_case and stable: the quality gate and
# the reports select on them. Whether a code blocks the year (error), only warns, or is a note
# (info) is configuration: `ingest_problems:` in expectations/gate.yaml, read by
# `orchestration.ingest.severity.problem_severities`.
PROBLEM_CODES: dict[str, str] = {
    # the file
    "unreadable_file": "the file cannot be read as a workbook or as CSV text",
    "unsupported_file": "not a submission file type (pdf, docx, ...)",
    "unknown_layout": "no sheet has the header of a known layout",
    "reader_failure": "an unexpected failure while reading the file (a bug to report)",
    "wrong_year": "the 统计年度 in the file differs from the inbox year folder",
    "missing_data_year": "no readable 统计年度; the folder's year was assumed",
    "duplicate_file": "a byte-identical copy of another file of the year",
    "extra_sheet_ignored": "a non-empty sheet without the layout's header was skipped",
    "cell_formats_unread": "an .xlsx whose number formats and formulas could not be read",
    "other_year_sheet": "a sheet of a workbook is for another data year; that sheet was skipped",
    "duplicate_sheet": "two sheets of one workbook are for the same county, with different values",
    "repeated_sheet": "two sheets of one workbook are for the same county, with the same values",
    # the county
    "unknown_unit": "the county cannot be found (code and/or name unknown)",
    "ambiguous_unit": "the name matches several counties and nothing tells them apart",
    "abolished_unit": "the unit was abolished and merged into another before this year",
    "unit_not_valid_in_year": "the code exists but not in this data year",
    "code_name_mismatch": "the code and the name are of different units",
    "invalid_unit_code": "the code is not a 6-digit number; the name was used",
    "unknown_unit_code": "the code is unknown but the name resolved the unit",
    "old_unit_code": "a code from before a division change; the successor was used",
    "old_unit_name": "a name from before a division change; the successor was used",
    "new_unit_code": "a code from after a division change; the predecessor was used",
    "new_unit_name": "a name from after a division change; the predecessor was used",
    "short_unit_name": "a unit name without its 县/市/区 suffix was matched",
    "unit_outside_city": "a city summary row is for a county of another city",
    # rows and columns
    "unknown_variable": "a row or column names no known base variable",
    "conflicting_variable": "指标代码 and 指标名称 name different variables",
    "unknown_column": "a column header names no known variable; column skipped",
    "duplicate_column": "a variable has two columns; the first one was used",
    "duplicate_row": "the same county/variable appears twice in one file, with different values",
    "repeated_row": "the same county/variable appears twice in one file, with the same value",
    "missing_variable": "a base variable has no row/column in the file",
    "other_year_column": "a value column of another year (上年数, 2022年数值) was not read",
    "no_value_column_for_year": "no value column is for the data year (only other years')",
    "sub_item_row": "a sub-item (其中：…) that is not a base variable; not loaded",
    "sub_item_exceeds_parent": "a sub-item (其中：…) is larger than the variable it is part of",
    "total_row_skipped": "a total row (合计, 总计) was recognised and not loaded as data",
    "total_mismatch": "a total row differs from the sum of the rows it totals",
    # the value
    "missing_value": "the value is blank or a spelling of 'none' (—, -, /, 无, 暂无)",
    "unparseable_value": "the value is not a number",
    "wrong_cell_type": "a date, time or TRUE/FALSE cell where a number belongs",
    "cell_error_value": "an Excel error (#DIV/0!, #REF!, #N/A ...) instead of a number",
    "formula_without_value": "a formula saved without its calculated value",
    "percent_format": "a cell formatted as a percentage for a variable that is not one",
    "scaled_number_format": "a number format that shows the number scaled (#,##0,)",
    "percent_sign": "a percent sign on a value that is not a percentage; number kept",
    "approximate_value": "an approximate value (约500, 500左右); the number kept",
    "bound_instead_of_value": "a bound instead of a value (500以上, 500余, 不足500)",
    "chinese_numerals": "a value written in Chinese numerals (五千二百); read exactly",
    "value_remark": "a footnote marker or remark (①, *, （注1）) was separated from the number",
    "unknown_unit_of_measure": "the value's unit is unknown or has no conversion",
    "conflicting_units": "two statements of the unit of one value disagree",
    "unit_line_overridden": "the row's own unit overrides the table's unit line",
    "unit_converted": "the value was converted to the canonical unit",
    "duplicate_submission": "two files of the year carry different values of the same county",
    "repeated_submission": "two files of the year carry the same values of the same county",
}


@dataclass(frozen=True)
class Location:
    """Where in a file: file (relative to the year folder), sheet, 1-based row, column."""

    file_name: str
    sheet: str | None = None
    row_number: int | None = None
    column_name: str | None = None
    column_letter: str | None = None
    unit_code: str | None = None
    unit_label: str | None = None  # e.g. '正定县 (130123)', for the sentence
    variable_code: str | None = None
    variable_label: str | None = None  # e.g. '地方财政科技支出 [fiscal_st_exp]'

    def at(self, **changes: object) -> Location:
        """A copy with some fields changed."""
        return Location(**(vars(self) | changes))  # type: ignore[arg-type]  # (faster than replace)

    def describe(self) -> str:
        """`file.xlsx, sheet 填报表, row 7, column D (数值), 正定县 (130123), 地方财政科技支出`."""
        parts = [self.file_name]
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row_number is not None:
            parts.append(f"row {self.row_number}")
        if self.column_letter or self.column_name:
            words = ["column"]
            if self.column_letter:
                words.append(self.column_letter)
            if self.column_name:
                words.append(f"({' '.join(self.column_name.split())})")
            parts.append(" ".join(words))
        if self.unit_label or self.unit_code:
            parts.append(self.unit_label or str(self.unit_code))
        if self.variable_label or self.variable_code:
            parts.append(self.variable_label or str(self.variable_code))
        return ", ".join(parts)


@dataclass(frozen=True)
class Problem:
    """One row of the problems table."""

    location: Location
    problem_code: str
    found_text: str | None
    expected: str

    def as_row(
        self, data_year: int, file_sha256: str | None, severities: Mapping[str, str]
    ) -> dict[str, object]:
        """The row of `raw.ingest_problems`; the severity is the configured one of the code."""
        loc = self.location
        return {
            "data_year": data_year,
            "file_name": loc.file_name,
            "file_sha256": file_sha256,
            "sheet": loc.sheet,
            "row_number": loc.row_number,
            "column_name": loc.column_name,
            "column_letter": loc.column_letter,
            "unit_code": loc.unit_code,
            "variable_code": loc.variable_code,
            "found_text": self.found_text,
            "expected": self.expected,
            "severity": severities[self.problem_code],
            "problem_code": self.problem_code,
        }


def problem(
    location: Location,
    problem_code: str,
    message: str,
    found_text: str | None = None,
) -> Problem:
    """A problem whose `expected` is the location followed by the message."""
    if problem_code not in PROBLEM_CODES:
        raise ValueError(f"unregistered problem code {problem_code!r}")
    return Problem(
        location=location,
        problem_code=problem_code,
        found_text=found_text,
        expected=f"{location.describe()}: {message}",
    )
