"""The gate on raw.submitted_values: each kind of defect is found, located and graded."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import pytest

from expectations._base import fmt

RAW = "raw.submitted_values"


def with_value(
    frame: pd.DataFrame, unit: str, variable: str, value: object, **cells: object
) -> pd.DataFrame:
    """A copy of the submissions with one unit's variable set to `value`."""
    frame = frame.copy()
    row = (frame["unit_code"] == unit) & (frame["variable_code"] == variable)
    assert row.sum() == 1, f"no single row for {unit} {variable}"
    frame["value"] = frame["value"].astype(object)
    frame.loc[row, "value"] = value
    for column, cell in cells.items():
        frame.loc[row, column] = cell
    return frame


def value_of(frame: pd.DataFrame, unit: str, variable: str) -> float:
    row = (frame["unit_code"] == unit) & (frame["variable_code"] == variable)
    return float(frame.loc[row, "value"].iloc[0])


def source_of(frame: pd.DataFrame, unit: str, variable: str) -> tuple[str, int]:
    """The file and row a unit's variable came from, in the clean submissions."""
    row = frame.loc[(frame["unit_code"] == unit) & (frame["variable_code"] == variable)]
    return str(row["file_name"].iloc[0]), int(row["row_number"].iloc[0])


@dataclass(frozen=True)
class Defect:
    """A defect injected into the 2020 submissions and the finding it must produce."""

    id: str
    inject: Callable[[pd.DataFrame], pd.DataFrame]
    check: str
    severity: str
    county: str
    county_name: str | None
    variable: str | None
    expected_text: str
    value_found: Callable[[pd.DataFrame], object] | None = None
    file_unit: str | None = None  # the unit whose submission the row came from, if not `county`
    located: str = "row"  # the finding names the file and row, only the "file", or "nothing"


ERROR_DEFECTS = [
    Defect(
        "negative value",
        lambda f: with_value(f, "130123", "tech_contract", -5.0),
        "no_negative_values",
        "error",
        "130123",
        "正定县",
        "tech_contract",
        "0 or more",
        value_found=lambda f: -5.0,
    ),
    Defect(
        "R&D enterprises above enterprises",
        lambda f: with_value(
            f, "130126", "ind_ent_rd_count", value_of(f, "130126", "ind_ent_count") + 5
        ),
        "related_variables_consistent",
        "error",
        "130126",
        "灵寿县",
        "ind_ent_rd_count",
        "at most ind_ent_count of the same unit",
        value_found=lambda f: value_of(f, "130126", "ind_ent_count") + 5,
    ),
    Defect(
        "population of zero",
        lambda f: with_value(f, "130128", "population", 0.0),
        "value_bounds",
        "error",
        "130128",
        "深泽县",
        "population",
        "more than 0 万人",
        value_found=lambda f: 0.0,
    ),
    Defect(
        "the same value submitted twice",
        lambda f: pd.concat(
            [f, f[(f["unit_code"] == "130131") & (f["variable_code"] == "gdp")]],
            ignore_index=True,
        ),
        "one_value_per_unit_variable",
        "error",
        "130131",
        "平山县",
        "gdp",
        "one value per unit",
    ),
    Defect(
        "a unit that is not a county of Hebei",
        lambda f: f.assign(unit_code=f["unit_code"].replace({"130132": "110101"})),
        "unit_known",
        "error",
        "110101",
        None,
        "fiscal_st_exp",
        "one of the 167 county-level units",
        value_found=lambda f: "110101",
        file_unit="130132",
    ),
    Defect(
        "missing county",
        lambda f: f[f["unit_code"] != "130125"],
        "units_complete",
        "error",
        "130125",
        "行唐县",
        None,
        "the unit's submission for data year 2020",
        value_found=lambda f: "no submission",
        located="nothing",
    ),
    Defect(
        "missing variable",
        lambda f: f[~((f["unit_code"] == "130133") & (f["variable_code"] == "tech_contract"))],
        "variables_complete",
        "error",
        "130133",
        "赵县",
        "tech_contract",
        "a row for tech_contract",
        value_found=lambda f: "no row",
        located="file",
    ),
]
ERROR_DEFECTS += [
    Defect(
        "expert score above 100",
        lambda f: with_value(f, "130181", "policy_implementation", 105.0),
        "value_bounds",
        "error",
        "130181",
        "辛集市",
        "policy_implementation",
        "at most 100 分",
        value_found=lambda f: 105.0,
    ),
    Defect(
        "expert scores missing for a county",
        lambda f: f[~((f["unit_code"] == "130183") & (f["layout"] == "expert_scores"))],
        "variables_complete",
        "error",
        "130183",
        "晋州市",
        "mgmt_innovation",
        "a row for mgmt_innovation",
        value_found=lambda f: "no row",
        located="file",
    ),
]
WARNING_DEFECTS = [
    Defect(
        "tenfold jump",
        lambda f: with_value(
            f, "130127", "tech_contract", value_of(f, "130127", "tech_contract") * 12
        ),
        "year_over_year_jump",
        "warning",
        "130127",
        "高邑县",
        "tech_contract",
        "within a factor of 10 of data year 2019",
        value_found=lambda f: value_of(f, "130127", "tech_contract") * 12,
    ),
    Defect(
        "jump against the predecessor of a re-coded unit",
        lambda f: with_value(f, "130505", "hte_count", 5000.0),
        "year_over_year_jump",
        "warning",
        "130505",
        "任泽区",
        "hte_count",
        "within a factor of 10 of data year 2019",
    ),
    Defect(
        "GDP in 万元 instead of 亿元",
        lambda f: with_value(f, "130129", "gdp", value_of(f, "130129", "gdp") * 10_000),
        "value_plausible_range",
        "warning",
        "130129",
        "赞皇县",
        "gdp",
        "at most 5000 亿元",
    ),
    Defect(
        "blank value",
        lambda f: with_value(f, "130130", "rd_fte", None, raw_text="—"),
        "values_reported",
        "warning",
        "130130",
        "无极县",
        "rd_fte",
        "a number",
        value_found=lambda f: "no number in the cell (—)",
    ),
]


def inject(defects: list[Defect], frame: pd.DataFrame) -> pd.DataFrame:
    for defect in defects:
        frame = defect.inject(frame)
    return frame


@pytest.fixture(scope="module")
def defective_report(frames, run_quiet):
    """One gate run on submissions carrying every defect, each in another county."""
    return run_quiet(RAW, frames.raw(inject(ERROR_DEFECTS + WARNING_DEFECTS, frames.raw_2020)))


@pytest.fixture(scope="module")
def warnings_report(frames, run_quiet):
    """One gate run on submissions carrying only defects of severity warning."""
    return run_quiet(RAW, frames.raw(inject(WARNING_DEFECTS, frames.raw_2020)))


def test_clean_submissions_pass_every_check(frames, run_quiet):
    report = run_quiet(RAW, frames.raw())

    assert report.table == "raw_submitted_values"
    assert [check.check for check in report.failed_checks] == []
    assert report.passed and not report.blocking
    assert report.check("year_over_year_jump").not_applicable is None
    assert report.check("units_complete").rows_checked == 167  # data year 2020: 167 units


@pytest.mark.parametrize("defect", ERROR_DEFECTS + WARNING_DEFECTS, ids=lambda d: d.id)
def test_defect_is_found_located_and_graded(defect, defective_report, frames):
    check = defective_report.check(defect.check)
    found = [f for f in check.findings if f.county_code == defect.county]

    assert not check.passed
    assert found, [f.describe() for f in check.findings]
    finding = found[0]
    result = (
        finding.evaluation_year,
        finding.severity,
        finding.county_name,
        finding.variable_or_indicator,
        finding.file_name,
        finding.row_number,
    )
    file_name, row_number = source_of(
        frames.raw_2020, defect.file_unit or defect.county, defect.variable or "gdp"
    )
    expected = (
        2021,
        defect.severity,
        defect.county_name,
        defect.variable,
        None if defect.located == "nothing" else file_name,
        row_number if defect.located == "row" else None,
    )
    assert result == expected
    assert defect.expected_text in finding.expected
    if defect.value_found is not None:
        assert finding.value_found == pytest.approx(defect.value_found(frames.raw_2020))


def test_errors_block_publishing(defective_report):
    failed = {(check.check, check.severity) for check in defective_report.failed_checks}

    assert defective_report.blocking
    assert defective_report.dagster_severity == "ERROR"
    assert failed == {(d.check, d.severity) for d in ERROR_DEFECTS + WARNING_DEFECTS}


def test_warnings_alone_publish(warnings_report):
    failed = {(check.check, check.severity) for check in warnings_report.failed_checks}

    assert not warnings_report.blocking and not warnings_report.passed
    assert warnings_report.dagster_severity == "WARN"
    assert failed == {(d.check, d.severity) for d in WARNING_DEFECTS}


def test_year_over_year_follows_a_recoded_unit(frames, defective_report):
    """任泽区 (130505, data year 2020) continues 任县 (130526, 2019): compared with its value."""
    findings = defective_report.check("year_over_year_jump").findings
    before = value_of(frames.raw_2019, "130526", "hte_count")

    result = [f.expected for f in findings if f.county_code == "130505"]

    assert len(result) == 1
    assert f"data year 2019 ({fmt(before)})" in result[0]


def test_year_over_year_needs_the_previous_year(frames, run_quiet):
    report = run_quiet(RAW, {"submitted_values": frames.raw_2020})

    check = report.check("year_over_year_jump")
    assert check.passed
    assert check.not_applicable == "no submissions of data year 2019 passed in"


def test_several_years_in_one_frame(frames, run_quiet):
    """The whole raw table may be passed: the gate takes the data year and the year before."""
    submitted = with_value(frames.raw_2020, "130127", "tech_contract", 1e9)
    both_years = pd.concat([frames.raw_2019, submitted], ignore_index=True)

    report = run_quiet(RAW, {"submitted_values": both_years})

    assert report.check("units_complete").passed
    assert [f.county_code for f in report.check("year_over_year_jump").findings] == ["130127"]


def test_missing_column_is_reported_not_raised(frames, run_quiet):
    report = run_quiet(RAW, frames.raw(frames.raw_2020.drop(columns=["value"])))

    schema = report.check("schema")
    assert [(f.variable_or_indicator, f.value_found) for f in schema.findings] == [
        ("value", "column missing")
    ]
    assert report.check("no_negative_values").error is not None
    assert report.blocking
