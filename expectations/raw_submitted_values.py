"""Suite of `raw.submitted_values`: the values the counties submitted for one data year.

Frames: `submitted_values` (the latest submission per unit and variable, one or several data
years) and optionally `previous_submitted_values` (the data year before, for the year-over-year
check; taken from `submitted_values` when that holds it). Every finding points at the file and
row the value came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from expectations._base import (
    CheckPlan,
    Environment,
    Location,
    Suite,
    codes,
    fmt,
    gx_column,
    gx_expectations,
    numbers,
    project,
    required_frame,
    rows_of_year,
    schema_plan,
    unique_plan,
)

TABLE = "raw_submitted_values"
COLUMNS = (
    "data_year",
    "unit_code",
    "variable_code",
    "value",
    "raw_text",
    "unit_found",
    "conversion_factor",
    "is_missing",
    "layout",
    "file_name",
    "file_sha256",
    "sheet",
    "row_number",
    "column_name",
    "column_letter",
    "received_at",
)
SUBMITTED = "submitted_values"
LAYOUT_REPORTERS = {  # who reports the variables a layout holds (seeds/base_variables.csv)
    "county_form": "county",
    "city_summary": "county",
    "expert_scores": "expert_panel",
}


@dataclass(frozen=True)
class RawInputs:
    """The submissions of the evaluation's data year and of the year before."""

    env: Environment
    current: pd.DataFrame
    previous: pd.DataFrame | None
    known_variables: list[str]
    required_variables: list[str]

    @property
    def data_year(self) -> int:
        return self.env.data_year


def _normalised(frame: pd.DataFrame) -> pd.DataFrame:
    frame = project(frame, COLUMNS)
    for column in ("unit_code", "variable_code"):
        if column in frame.columns:
            frame[column] = codes(frame[column])
    for column in ("value", "data_year"):
        if column in frame.columns:
            frame[column] = numbers(frame[column])
    if "row_number" in frame.columns:
        frame["row_number"] = numbers(frame["row_number"]).astype("Int64")
    return frame


def _prepare(frames: Mapping[str, pd.DataFrame], env: Environment) -> RawInputs:
    submitted = _normalised(required_frame(frames, SUBMITTED, TABLE))
    previous_frame = frames.get("previous_submitted_values")
    previous_source = _normalised(previous_frame) if previous_frame is not None else submitted
    previous = rows_of_year(previous_source, "data_year", env.data_year - 1)
    has_previous = "data_year" in previous_source.columns and not previous.empty
    reported_by = list(env.settings.get("required_reported_by", ["county", "expert_panel"]))
    return RawInputs(
        env=env,
        current=rows_of_year(submitted, "data_year", env.data_year),
        previous=previous if has_previous else None,
        known_variables=env.reference.variables(),
        required_variables=env.reference.variables(reported_by),
    )


suite = Suite(table=TABLE, prepare=_prepare)


def _locate_value(expected: str, found: str = "value") -> Any:
    """Locate a failing submitted row: county, variable, the cell `found`, file and row."""

    def locate(row: Mapping[str, Any]) -> Location:
        return Location(
            county_code=row.get("unit_code"),
            item=row.get("variable_code"),
            value_found=row.get(found),
            expected=expected,
            file_name=row.get("file_name"),
            row_number=row.get("row_number"),
        )

    return locate


@suite.check("schema", "the frame has every column of raw.submitted_values")
def schema(d: RawInputs) -> CheckPlan:
    return schema_plan(d.current, COLUMNS, SUBMITTED)


@suite.check("unit_known", "every unit_code is a county-level unit of the data year")
def unit_known(d: RawInputs) -> CheckPlan:
    gxe = gx_expectations()
    expected_codes = d.env.units["unit_code"].tolist()
    expected = f"one of the {len(expected_codes)} county-level units of data year {d.data_year}"

    return CheckPlan(
        frame=d.current,
        frame_name=SUBMITTED,
        expectations=[
            gxe.ExpectColumnValuesToBeInSet(column="unit_code", value_set=expected_codes)
        ],
        locate=_locate_value(expected, found="unit_code"),
    )


@suite.check("variable_known", "every variable_code is a base variable of the indicator system")
def variable_known(d: RawInputs) -> CheckPlan:
    gxe = gx_expectations()
    expected = "a base variable of seeds/base_variables.csv"

    return CheckPlan(
        frame=d.current,
        frame_name=SUBMITTED,
        expectations=[
            gxe.ExpectColumnValuesToBeInSet(column="variable_code", value_set=d.known_variables)
        ],
        locate=_locate_value(expected, found="variable_code"),
    )


@suite.check("one_value_per_unit_variable", "one value per unit and variable (latest submission)")
def one_value_per_unit_variable(d: RawInputs) -> CheckPlan:
    return unique_plan(
        d.current,
        ["unit_code", "variable_code"],
        SUBMITTED,
        "one value per unit and variable after deduplication to the latest submission",
    )


@suite.check("units_complete", "every county-level unit of the data year submitted values")
def units_complete(d: RawInputs) -> CheckPlan:
    gxe = gx_expectations()
    submitted_rows = d.current["unit_code"].value_counts()
    frame = pd.DataFrame(
        {
            "county_code": d.env.units["unit_code"].astype(object),
            "rows_submitted": [
                int(submitted_rows.get(code, 0)) for code in d.env.units["unit_code"]
            ],
        }
    )

    def locate(row: Mapping[str, Any]) -> Location:
        return Location(
            county_code=row["county_code"],
            value_found="no submission",
            expected=f"the unit's submission for data year {d.data_year}",
        )

    return CheckPlan(
        frame=frame,
        frame_name="units_complete",
        expectations=[gxe.ExpectColumnValuesToBeBetween(column="rows_submitted", min_value=1)],
        locate=locate,
    )


@suite.check("variables_complete", "every unit that submitted has a row for each required variable")
def variables_complete(d: RawInputs) -> CheckPlan:
    gxe = gx_expectations()
    expected_units = set(d.env.units["unit_code"])
    present = d.current.loc[d.current["unit_code"].isin(expected_units)]
    submitted = set(zip(present["unit_code"], present["variable_code"], strict=True))
    pairs = [
        (unit, variable)
        for unit in sorted(set(present["unit_code"]))
        for variable in d.required_variables
    ]
    frame = pd.DataFrame(
        {
            "county_code": pd.Series([unit for unit, _ in pairs], dtype=object),
            "variable_code": pd.Series([variable for _, variable in pairs], dtype=object),
            "is_submitted": [pair in submitted for pair in pairs],
        }
    )
    variables = d.env.reference.base_variables
    reporter_of = dict(zip(variables["variable_code"], variables["reported_by"], strict=True))
    reporters = present["layout"].map(LAYOUT_REPORTERS) if "layout" in present else None
    files = present.groupby(["unit_code", reporters])["file_name"].agg(
        lambda names: "; ".join(sorted(set(names)))
    )
    only_file = {  # a reporter sending one file for all units (the expert panel)
        reporter: names.pop()
        for reporter, names in present.groupby(reporters)["file_name"].agg(set).items()
        if len(names) == 1
    }

    def locate(row: Mapping[str, Any]) -> Location:
        """The missing row, in the file(s) that should have held it."""
        reporter = reporter_of.get(row["variable_code"])
        return Location(
            county_code=row["county_code"],
            item=row["variable_code"],
            value_found="no row",
            expected=f"a row for {row['variable_code']} in the unit's submission",
            file_name=files.get((row["county_code"], reporter), only_file.get(reporter)),
        )

    return CheckPlan(
        frame=frame,
        frame_name="variables_complete",
        expectations=[gxe.ExpectColumnValuesToBeInSet(column="is_submitted", value_set=[True])],
        locate=locate,
    )


@suite.check(
    "values_reported",
    "every submitted row has a value (a missing one scores zero)",
    severity="warning",
)
def values_reported(d: RawInputs) -> CheckPlan:
    gxe = gx_expectations()

    def locate(row: Mapping[str, Any]) -> Location:
        text = row.get("raw_text")
        return Location(
            county_code=row.get("unit_code"),
            item=row.get("variable_code"),
            value_found="blank"
            if text is None or pd.isna(text) or not str(text).strip()
            else f"no number in the cell ({str(text).strip()[:40]})",
            expected="a number (a missing value scores zero points)",
            file_name=row.get("file_name"),
            row_number=row.get("row_number"),
        )

    return CheckPlan(
        frame=d.current,
        frame_name=SUBMITTED,
        expectations=[gxe.ExpectColumnValuesToNotBeNull(column="value")],
        locate=locate,
    )


@suite.check("no_negative_values", "no submitted value is negative")
def no_negative_values(d: RawInputs) -> CheckPlan:
    gxe = gx_expectations()
    return CheckPlan(
        frame=d.current,
        frame_name=SUBMITTED,
        expectations=[gxe.ExpectColumnValuesToBeBetween(column="value", min_value=0)],
        locate=_locate_value("0 or more"),
    )


def _range_text(bounds: Mapping[str, Any], unit: str) -> str:
    low, high = bounds.get("min"), bounds.get("max")
    strict = bounds.get("strict_min", False)
    parts = []
    if low is not None:
        parts.append(f"{'more than' if strict else 'at least'} {fmt(low)}")
    if high is not None:
        parts.append(f"at most {fmt(high)}")
    return " and ".join(parts) + (f" {unit}" if unit else "")


def _range_plan(d: RawInputs, ranges: Mapping[str, Mapping[str, Any]], why: str) -> CheckPlan:
    gxe = gx_expectations()
    units = dict(
        zip(
            d.env.reference.base_variables["variable_code"],
            d.env.reference.base_variables["unit"],
            strict=True,
        )
    )
    ranges = {variable: bounds for variable, bounds in ranges.items() if variable in units}
    if not ranges:
        return CheckPlan.skipped("no ranges configured in gate.yaml")
    expectations = [
        gxe.ExpectColumnValuesToBeBetween(
            column="value",
            min_value=bounds.get("min"),
            max_value=bounds.get("max"),
            strict_min=bool(bounds.get("strict_min", False)),
            row_condition=gx_column("variable_code") == variable,
        )
        for variable, bounds in ranges.items()
    ]

    def locate(row: Mapping[str, Any]) -> Location:
        variable = row.get("variable_code")
        text = _range_text(ranges.get(variable, {}), units.get(variable, ""))
        return _locate_value(f"{text} ({why})")(row)

    return CheckPlan(
        frame=d.current, frame_name=SUBMITTED, expectations=expectations, locate=locate
    )


@suite.check("value_bounds", "values within the bounds they cannot leave (gate.yaml value_bounds)")
def value_bounds(d: RawInputs) -> CheckPlan:
    return _range_plan(
        d, d.env.settings.get("value_bounds") or {}, "a value outside cannot be right"
    )


@suite.check(
    "value_plausible_range",
    "values within a plausible range (gate.yaml plausible_ranges)",
    severity="warning",
)
def value_plausible_range(d: RawInputs) -> CheckPlan:
    return _range_plan(
        d, d.env.settings.get("plausible_ranges") or {}, "plausible range; check the unit"
    )


@suite.check(
    "related_variables_consistent",
    "a part never exceeds its whole (gate.yaml related_variables: [part, whole])",
)
def related_variables_consistent(d: RawInputs) -> CheckPlan:
    gxe = gx_expectations()
    pairs = [tuple(pair) for pair in d.env.settings.get("related_variables") or []]
    if not pairs:
        return CheckPlan.skipped("no related variables configured in gate.yaml")
    columns = ["unit_code", "variable_code", "value", "file_name", "row_number"]
    rows = d.current.loc[:, [c for c in columns if c in d.current.columns]]
    parts = []
    for part, whole in pairs:
        part_rows = rows.loc[rows["variable_code"] == part]
        whole_rows = rows.loc[rows["variable_code"] == whole, ["unit_code", "value"]]
        joined = part_rows.merge(
            whole_rows.rename(columns={"value": "whole_value"}), on="unit_code", how="inner"
        )
        parts.append(joined.assign(whole_variable=whole))
    frame = pd.concat(parts, ignore_index=True)

    def locate(row: Mapping[str, Any]) -> Location:
        expected = f"at most {row['whole_variable']} of the same unit ({fmt(row['whole_value'])})"
        return _locate_value(expected)(row)

    return CheckPlan(
        frame=frame,
        frame_name="related_variables",
        expectations=[
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="whole_value",
                column_B="value",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            )
        ],
        locate=locate,
    )


@suite.check(
    "year_over_year_jump",
    "no value changes by more than the factor yoy_jump_factor from the year before",
    severity="warning",
)
def year_over_year_jump(d: RawInputs) -> CheckPlan:
    gxe = gx_expectations()
    if d.previous is None:
        return CheckPlan.skipped(f"no submissions of data year {d.data_year - 1} passed in")
    factor = float(d.env.settings.get("yoy_jump_factor", 10))
    reference = d.env.reference
    current = d.current
    predecessor = reference.predecessor_codes(
        sorted(set(current["unit_code"].dropna())), sorted(set(d.previous["unit_code"].dropna()))
    )
    current = current.assign(previous_unit_code=current["unit_code"].map(predecessor))
    previous = d.previous.loc[:, ["unit_code", "variable_code", "value"]].rename(
        columns={"unit_code": "previous_unit_code", "value": "previous_value"}
    )
    frame = current.merge(previous, on=["previous_unit_code", "variable_code"], how="left")
    both_positive = (frame["value"] > 0) & (frame["previous_value"] > 0)
    frame["yoy_ratio"] = (frame["value"] / frame["previous_value"]).where(both_positive)

    def locate(row: Mapping[str, Any]) -> Location:
        expected = (
            f"within a factor of {fmt(factor)} of data year {d.data_year - 1} "
            f"({fmt(row['previous_value'])}); found {row['yoy_ratio']:.3g} times that"
        )
        return _locate_value(expected)(row)

    return CheckPlan(
        frame=frame,
        frame_name="year_over_year",
        expectations=[
            gxe.ExpectColumnValuesToBeBetween(
                column="yoy_ratio", min_value=1 / factor, max_value=factor
            )
        ],
        locate=locate,
    )
