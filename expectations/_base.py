"""Building blocks of the suites: checks, their plans and the frames they compare.

A check is a named rule with a severity. Its plan is a frame (the table itself, or a frame
derived from several tables in pandas) and the Great Expectations expectations to validate on
it, plus a function that turns a failing row of that frame into a located finding (county,
variable or indicator, value found, what was expected, file and row).

Great Expectations is imported only when a plan is built: importing it takes seconds, and the
Dagster code location imports this package at start-up.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd

from expectations.reference import Reference

SEVERITIES = ("error", "warning")
FRAME_ROW = "frame_row"  # the positional row id the runner adds to every validated frame


def gx_expectations() -> ModuleType:
    """`great_expectations.expectations`, imported on first use."""
    import great_expectations.expectations as gxe

    return gxe


def gx_column(name: str) -> Any:
    """A Great Expectations row-condition column (`Column(name) == value`)."""
    from great_expectations.expectations.row_conditions import Column

    return Column(name)


@dataclass(frozen=True)
class Location:
    """Where a failing row points: the county, the variable or indicator, and the evidence."""

    county_code: str | None = None
    item: str | None = None
    value_found: Any = None
    expected: str = ""
    file_name: str | None = None
    row_number: int | None = None


class NotEvaluable(Exception):
    """A check cannot be evaluated on the frames passed in; the message says why, for people."""


@dataclass
class CheckPlan:
    """What one check validates: a frame, its expectations, and how to locate a failing row."""

    frame: pd.DataFrame
    expectations: list[Any]
    locate: Callable[[Mapping[str, Any]], Location] | None = None
    frame_name: str | None = None
    not_applicable: str | None = None
    table_location: Location | None = None  # the finding when a table-level expectation fails

    @classmethod
    def skipped(cls, reason: str) -> CheckPlan:
        """A check that does not apply to these frames (e.g. no previous year yet)."""
        return cls(frame=pd.DataFrame(), expectations=[], not_applicable=reason)


@dataclass(frozen=True)
class Environment:
    """What every suite is given besides the frames."""

    evaluation_year: int
    reference: Reference
    units: pd.DataFrame  # the county-level units of the data year: unit_code, unit_name, ...
    settings: Mapping[str, Any]  # the table's section of gate.yaml, with the tolerances

    @property
    def data_year(self) -> int:
        """The statistics year the evaluation year uses."""
        return self.evaluation_year - self.reference.data_year_lag(self.evaluation_year)

    @property
    def methodology_version(self) -> str | None:
        """The methodology version in force for the evaluation year."""
        row = self.reference.methodology_row(self.evaluation_year)
        return None if row is None else str(row["methodology_version"])


@dataclass(frozen=True)
class Check:
    """A registered check: name, what it expects (for people), default severity, plan."""

    name: str
    description: str
    severity: str
    plan: Callable[[Any], CheckPlan]


@dataclass
class Suite:
    """The checks of one validated table, in the order they run."""

    table: str
    prepare: Callable[[Mapping[str, pd.DataFrame], Environment], Any]
    checks: dict[str, Check] = field(default_factory=dict)

    def check(
        self, name: str, description: str, severity: str = "error"
    ) -> Callable[[Callable[[Any], CheckPlan]], Callable[[Any], CheckPlan]]:
        """Register the decorated plan function as the check `name`."""
        if severity not in SEVERITIES:
            raise ValueError(
                f"check {self.table}.{name}: severity {severity!r} not in {SEVERITIES}"
            )

        def register(plan: Callable[[Any], CheckPlan]) -> Callable[[Any], CheckPlan]:
            self.checks[name] = Check(name, description, severity, plan)
            return plan

        return register


# -- frames -----------------------------------------------------------------------------------


def required_frame(frames: Mapping[str, pd.DataFrame], key: str, table: str) -> pd.DataFrame:
    """The frame `key`, or a clear error naming what the gate of `table` needs."""
    frame = frames.get(key)
    if frame is None:
        raise ValueError(
            f"run_gate({table!r}) needs frames[{key!r}], which was not passed in "
            f"(got {sorted(frames)})"
        )
    return frame


def project(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """Only the known columns of a frame, as a copy: anything else (contact details) is dropped
    unread, so that it can reach neither an alert nor the Data Docs."""
    keep = [column for column in columns if column in frame.columns]
    return frame.loc[:, keep].reset_index(drop=True).copy()


def codes(column: pd.Series) -> pd.Series:
    """Division or variable codes as strings (`130102`, never `130102.0`); missing stays None."""

    def as_code(value: Any) -> str | None:
        if is_missing(value):
            return None
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()

    return pd.Series([as_code(value) for value in column], index=column.index, dtype=object)


def numbers(column: pd.Series) -> pd.Series:
    """A column as floats; what is not a number becomes NaN."""
    return pd.to_numeric(column, errors="coerce").astype(float)


def rows_of_year(frame: pd.DataFrame, column: str, year: int) -> pd.DataFrame:
    """The rows of one year, when the frame says its year; else the frame unchanged."""
    if column not in frame.columns:
        return frame
    years = numbers(frame[column])
    return frame.loc[years == year].reset_index(drop=True)


def is_missing(value: Any) -> bool:
    """None, NaN, NaT or pandas' NA."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def plain(value: Any) -> Any:
    """A cell as a plain Python value (for metadata and JSON): numpy scalars unwrapped,
    missing as None, timestamps as ISO text."""
    if is_missing(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, float) and math.isinf(value):
        return str(value)
    return value


def fmt(value: Any) -> str:
    """A value as people read it: `6`, `6.5`, `0.000001`, `no value`."""
    value = plain(value)
    if value is None:
        return "no value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.6f}".rstrip("0").rstrip(".") if abs(value) >= 1e-6 else f"{value:.3g}"
    return str(value)


# -- comparisons ------------------------------------------------------------------------------

COMPARISON_COLUMNS = (
    "county_code",
    "item",
    "value_found",
    "expected_value",
    "difference",
    "tolerance",
    "explanation",
)


def difference(found: Any, expected: Any) -> float:
    """How far a found value is from the expected one: |found - expected| for numbers, 0 or
    infinity for anything else (flags, classes, codes, a value where none was expected)."""
    found, expected = plain(found), plain(expected)
    if found is None and expected is None:
        return 0.0
    if found is None or expected is None:
        return math.inf
    if isinstance(found, bool) or isinstance(expected, bool):
        return 0.0 if bool(found) == bool(expected) else math.inf
    if isinstance(found, int | float) and isinstance(expected, int | float):
        return abs(float(found) - float(expected))
    return 0.0 if str(found) == str(expected) else math.inf


def compare(
    county_codes: Sequence[Any] | pd.Series,
    item: str | Sequence[str],
    found: Sequence[Any] | pd.Series,
    expected: Sequence[Any] | pd.Series,
    explanation: str,
    tolerance: float = 0.0,
) -> pd.DataFrame:
    """A comparison frame: per row the county, the item, the value found, the value expected
    and their difference, which the comparison expectation wants within the tolerance."""
    found_values = [plain(value) for value in found]
    expected_values = [plain(value) for value in expected]
    frame = pd.DataFrame(
        {
            "county_code": pd.Series(list(county_codes), dtype=object),
            "item": pd.Series(
                [item] * len(found_values) if isinstance(item, str) else list(item), dtype=object
            ),
            "value_found": pd.Series(found_values, dtype=object),
            "expected_value": pd.Series(expected_values, dtype=object),
            "difference": [
                difference(f, e) for f, e in zip(found_values, expected_values, strict=True)
            ],
            "tolerance": float(tolerance),
            "explanation": explanation,
        }
    )
    return frame.loc[:, list(COMPARISON_COLUMNS)]


def locate_comparison(row: Mapping[str, Any]) -> Location:
    """A failing comparison row as a finding: found vs expected, with the rule."""
    expected = f"{fmt(row['expected_value'])} ({row['explanation']})"
    return Location(
        county_code=row["county_code"],
        item=row["item"],
        value_found=row["value_found"],
        expected=expected,
    )


def comparison_plan(comparisons: Iterable[pd.DataFrame]) -> CheckPlan:
    """Validate comparison frames: every difference within its tolerance (a frame of its own,
    validated under the check's name)."""
    gxe = gx_expectations()
    parts = [part for part in comparisons if not part.empty]
    frame = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame({column: [] for column in COMPARISON_COLUMNS})
    )
    return CheckPlan(
        frame=frame,
        expectations=[
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="tolerance", column_B="difference", or_equal=True
            )
        ],
        locate=locate_comparison,
    )


def schema_plan(frame: pd.DataFrame, columns: Iterable[str], frame_name: str) -> CheckPlan:
    """The table has (at least) the expected columns."""
    gxe = gx_expectations()
    return CheckPlan(
        frame=frame,
        frame_name=frame_name,
        expectations=[
            gxe.ExpectTableColumnsToMatchSet(column_set=list(columns), exact_match=False)
        ],
    )


def presence_plan(
    found_codes: Iterable[Any],
    expected_codes: Iterable[Any],
    found_in: str,
    expected_from: str,
    frame_name: str,
) -> CheckPlan:
    """Every expected county has a row, and every row is an expected county."""
    gxe = gx_expectations()
    found, expected = set(found_codes) - {None}, set(expected_codes) - {None}
    everyone = sorted(found | expected)
    frame = pd.DataFrame(
        {
            "county_code": pd.Series(everyone, dtype=object),
            "is_present": [code in found for code in everyone],
            "is_expected": [code in expected for code in everyone],
        }
    )

    def locate(row: Mapping[str, Any]) -> Location:
        if not row["is_present"]:
            return Location(
                county_code=row["county_code"],
                value_found=f"no row in {found_in}",
                expected=f"a row for every county-level unit of {expected_from}",
            )
        return Location(
            county_code=row["county_code"],
            value_found=f"a row in {found_in}",
            expected=f"only the county-level units of {expected_from}",
        )

    return CheckPlan(
        frame=frame,
        frame_name=frame_name,
        expectations=[
            gxe.ExpectColumnValuesToBeInSet(column="is_present", value_set=[True]),
            gxe.ExpectColumnValuesToBeInSet(column="is_expected", value_set=[True]),
        ],
        locate=locate,
    )


def unique_plan(frame: pd.DataFrame, columns: list[str], frame_name: str, what: str) -> CheckPlan:
    """No two rows share the key `columns`."""
    gxe = gx_expectations()
    expectation = (
        gxe.ExpectColumnValuesToBeUnique(column=columns[0])
        if len(columns) == 1
        else gxe.ExpectCompoundColumnsToBeUnique(column_list=columns)
    )

    def locate(row: Mapping[str, Any]) -> Location:
        return Location(
            county_code=row.get("county_code") or row.get("unit_code"),
            item=row.get("variable_code"),
            value_found="a second row for the same " + " and ".join(columns),
            expected=what,
            file_name=row.get("file_name"),
            row_number=row.get("row_number"),
        )

    return CheckPlan(frame=frame, frame_name=frame_name, expectations=[expectation], locate=locate)
