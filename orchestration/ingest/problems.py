"""Problems found while ingesting, located so that a person can find and fix them.

A problem names the file, sheet, row and column (with its letter), the county and the variable,
what was found there and — in `expected` — a sentence saying what was wrong and what was
expected. The located sentence repeats the location so that it reads on its own in an e-mail.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITIES = (ERROR, WARNING, INFO)

# problem_code → (default severity, what it means). The codes are short snake_case and stable:
# the quality gate and the reports select on them.
PROBLEM_CODES: dict[str, tuple[str, str]] = {
    "unreadable_file": (ERROR, "the file cannot be read as a workbook or as CSV text"),
    "unsupported_file": (ERROR, "not a submission file type (pdf, docx, ...)"),
    "unknown_layout": (ERROR, "no sheet has the header of a known layout"),
    "reader_failure": (ERROR, "an unexpected failure while reading the file (a bug to report)"),
    "wrong_year": (ERROR, "the 统计年度 in the file differs from the inbox year folder"),
    "missing_data_year": (WARNING, "no readable 统计年度; the folder's year was assumed"),
    "duplicate_file": (INFO, "a byte-identical copy of another file of the year"),
    "extra_sheet_ignored": (INFO, "a non-empty sheet without the layout's header was skipped"),
    "unknown_unit": (ERROR, "the county cannot be found (code and/or name unknown)"),
    "ambiguous_unit": (ERROR, "the name matches several counties and nothing tells them apart"),
    "abolished_unit": (ERROR, "the unit was abolished and merged into another before this year"),
    "unit_not_valid_in_year": (ERROR, "the code exists but not in this data year"),
    "code_name_mismatch": (ERROR, "the code and the name are of different units"),
    "invalid_unit_code": (WARNING, "the code is not a 6-digit number; the name was used"),
    "unknown_unit_code": (WARNING, "the code is unknown but the name resolved the unit"),
    "old_unit_code": (WARNING, "a code from before a division change; the successor was used"),
    "old_unit_name": (WARNING, "a name from before a division change; the successor was used"),
    "new_unit_code": (WARNING, "a code from after a division change; the predecessor was used"),
    "new_unit_name": (WARNING, "a name from after a division change; the predecessor was used"),
    "short_unit_name": (INFO, "a unit name without its 县/市/区 suffix was matched"),
    "unit_outside_city": (WARNING, "a city summary row is for a county of another city"),
    "unknown_variable": (ERROR, "a row or column names no known base variable"),
    "conflicting_variable": (ERROR, "指标代码 and 指标名称 name different variables"),
    "unknown_column": (WARNING, "a column header names no known variable; column skipped"),
    "duplicate_column": (WARNING, "a variable has two columns; the first one was used"),
    "duplicate_row": (WARNING, "the same county/variable appears twice in one file"),
    "missing_variable": (WARNING, "a base variable has no row/column in the file"),
    "missing_value": (WARNING, "the value is blank or a spelling of 'none' (—, -, /, 无, 暂无)"),
    "unparseable_value": (ERROR, "the value is not a number"),
    "unknown_unit_of_measure": (ERROR, "the value's unit is unknown or has no conversion"),
    "unit_converted": (INFO, "the value was converted to the canonical unit"),
    "percent_sign": (WARNING, "a percent sign on a value that is not a percentage; number kept"),
    "total_row_skipped": (INFO, "a 合计/总计 row of a city summary was skipped"),
    "duplicate_submission": (WARNING, "two files of the year carry values of the same county"),
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
        return replace(self, **changes)  # type: ignore[arg-type]

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
    severity: str
    found_text: str | None
    expected: str

    def as_row(self, data_year: int, file_sha256: str | None) -> dict[str, object]:
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
            "severity": self.severity,
            "problem_code": self.problem_code,
        }


def problem(
    location: Location,
    problem_code: str,
    message: str,
    found_text: str | None = None,
    severity: str | None = None,
) -> Problem:
    """A problem whose `expected` is the location followed by the message."""
    if problem_code not in PROBLEM_CODES:
        raise ValueError(f"unregistered problem code {problem_code!r}")
    return Problem(
        location=location,
        problem_code=problem_code,
        severity=severity or PROBLEM_CODES[problem_code][0],
        found_text=found_text,
        expected=f"{location.describe()}: {message}",
    )
