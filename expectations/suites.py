"""The quality gate's Expectation Suites, built from Great Expectations' own expectation classes.

One suite per gated table; each validates the table's frame, the dbt model `quality.gate_<table>`
(models/quality/), which carries the values to check beside what they must be (the registry's
units, the ranks, the class of the cut-offs, the recounts). Every expectation belongs to a rule
(`meta.rule`); the rules' severities and the thresholds are in expectations/gate.yaml.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd
from great_expectations.expectations.row_conditions import Column

from expectations import GATED_TABLES

# The columns naming a failing row in the results (and so in the alerts and Data Docs).
COUNTY = "evaluation_year county_code county_name variable_code file_name".split()
ROW_IDS: dict[str, list[str]] = {
    "ingest_problems": [*COUNTY, *"sheet row_number column_name found_text expected".split()],
    "raw_submitted_values": [
        *COUNTY,
        *"row_number column_name value raw_text missing_because previous_value".split(),
    ],
    "county_scores": ["evaluation_year", "county_code", "county_name", "file_name"],
    "county_transitions": ["evaluation_year", "county_code", "county_name", "file_name"],
    "province_summary": ["evaluation_year", "figure", "source", "found", "expected"],
}
assert tuple(ROW_IDS) == GATED_TABLES
GX_SEVERITY = {"error": "critical", "warning": "warning"}


def _rule(rule: str, text: str, expectation: Any, **meta: Any) -> Any:
    """Tag an expectation with its rule and say, for people, what it expects; `meta` may say
    what a failing row shows as found (`found`: a text, `found_column`) and, for a comparison,
    the column of the reference it failed against (`reference`, with its `relation`)."""
    expectation.meta = {"rule": rule, "expected": text, **meta}
    expectation.description = f"{rule}: {text}"
    return expectation


def _pair(rule: str, text: str, found: str, expected: str, **options: Any) -> Any:
    return _rule(
        rule,
        text,
        gxe.ExpectColumnPairValuesToBeEqual(
            column_A=found, column_B=expected, ignore_row_if="both_values_are_missing", **options
        ),
    )


def _is_true(rule: str, text: str, column: str, found: str, **options: Any) -> Any:
    """`column` is true; a failing row shows `found`. `per_county=True`: one finding per county
    (a county without a submission fails on every variable)."""
    per_county = options.pop("per_county", False)
    return _rule(
        rule,
        text,
        gxe.ExpectColumnValuesToBeInSet(column=column, value_set=[True], **options),
        found=found,
        per_county=per_county,
    )


def ingest_problems(settings: Mapping[str, Any]) -> list[Any]:
    severity_of = settings["ingest_severities"]
    codes = {
        level: sorted(c for c, s in severity_of.items() if s == level)
        for level in ("error", "warning")
    }
    return [
        _rule(
            f"ingest_{level}s",
            f"没有{word}级的读取问题（{', '.join(codes[level])}）",
            gxe.ExpectColumnValuesToNotBeInSet(column="problem_code", value_set=codes[level]),
        )
        for level, word in (("error", "错误"), ("warning", "警告"))
    ]


# The thresholds of gate.yaml as columns of the raw frame (`with_thresholds`): the range rules
# compare each value with its variable's bounds, one expectation per bound instead of one per
# variable. column -> (section of gate.yaml, bound, only the strict ones or not, in words)
THRESHOLDS = {
    "lowest": ("value_bounds", "min", False, "下限"),
    "lowest_exclusive": ("value_bounds", "min", True, "下限（不含）"),
    "highest": ("value_bounds", "max", None, "上限"),
    "plausible_min": ("plausible_ranges", "min", None, "合理范围下限"),
    "plausible_max": ("plausible_ranges", "max", None, "合理范围上限"),
}


def gate_frame(table: str, frame: pd.DataFrame, settings: Mapping[str, Any]) -> pd.DataFrame:
    """The frame the table's suite validates: the raw values with their thresholds."""
    return with_thresholds(frame, settings) if table == "raw_submitted_values" else frame


def with_thresholds(frame: pd.DataFrame, settings: Mapping[str, Any]) -> pd.DataFrame:
    """The raw frame with each row's thresholds from gate.yaml (blank where there is none)."""
    columns = {}
    for column, (section, bound, strict, _) in THRESHOLDS.items():
        ranges = settings.get(section) or {}
        by_variable = {
            variable: limits.get(bound)
            for variable, limits in ranges.items()
            if strict is None or bool(limits.get("strict_min")) == strict
        }
        columns[column] = frame["variable_code"].map(by_variable).astype("float64")
    return frame.assign(**columns)


def _within(rule: str, why: str, bound: str, relation: str, **options: Any) -> Any:
    value_first = relation != "不大于"  # value >= bound, else bound >= value
    column_a, column_b = ("value", bound) if value_first else (bound, "value")
    return _rule(
        rule,
        f"{relation}该指标的{THRESHOLDS[bound][3]}（gate.yaml {THRESHOLDS[bound][0]}；{why}）",
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A=column_a,
            column_B=column_b,
            ignore_row_if="either_value_is_missing",
            **options,
        ),
        found_column="value",
        reference=bound,
        relation=relation,
    )


def raw_submitted_values(settings: Mapping[str, Any]) -> list[Any]:
    factor = float(settings.get("yoy_jump_factor", 10))
    submitted = Column("is_submitted") == True  # noqa: E712 (a GX row condition)
    from_a_submission = Column("unit_has_submission") == True  # noqa: E712
    impossible, implausible = "超出即不可能正确", "超出通常是单位填错"
    return [
        _is_true("unit_known", "县代码是该数据年度的县级单位", "is_known_unit",
                 found="登记册中没有的单位"),
        _is_true("units_complete", "该县本年度的报送", "unit_has_submission", found="无报送",
                 per_county=True),
        _is_true("variables_complete", "报送中每个基础指标都有一行", "is_submitted",
                 found="没有这一行", row_condition=from_a_submission),
        _rule("values_reported", "一个数值（缺失按零分计）",
              gxe.ExpectColumnValuesToNotBeNull(column="value", row_condition=submitted),
              found_column="raw_text"),
        _rule("no_negative_values", "不小于 0",
              gxe.ExpectColumnValuesToBeBetween(column="value", min_value=0)),
        _within("value_bounds", impossible, "lowest", "不小于", or_equal=True),
        _within("value_bounds", impossible, "lowest_exclusive", "大于", or_equal=False),
        _within("value_bounds", impossible, "highest", "不大于", or_equal=True),
        _within("value_plausible_range", implausible, "plausible_min", "不小于", or_equal=True),
        _within("value_plausible_range", implausible, "plausible_max", "不大于", or_equal=True),
        *[_rule("related_variables_consistent", f"{part} 不大于同一县的 {whole}",
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A=f"value_{whole}", column_B=f"value_{part}", or_equal=True,
                    ignore_row_if="either_value_is_missing",
                    row_condition=Column("variable_code") == part),
                found_column=f"value_{part}", reference=f"value_{whole}",
                relation=f"不大于 {whole} ")
          for part, whole in settings.get("related_variables") or []],
        _rule("year_over_year_jump", f"与上一年度相差不超过 {factor:g} 倍",
              gxe.ExpectColumnValuesToBeBetween(column="year_over_year_ratio",
                                                min_value=1 / factor, max_value=factor),
              found_column="value", reference="previous_value", relation="上一年度为 "),
    ]  # fmt: skip


SCORED = Column("is_scored") == True  # noqa: E712 (a GX row condition, not a comparison)
PREVIOUS = "of the predecessor in county_scores the year before"
# rule, what is expected, column found, column expected (computed in the dbt model)
SCORE_PAIRS = [
    ("names_match_registry", "the registry's name", "county_name", "registry_county_name"),
    ("names_match_registry", "the registry's city", "city_code", "registry_city_code"),
    ("data_year_matches", "the evaluation year's data year", "data_year", "expected_data_year"),
    ("methodology_version_known", "the methodology version in force", "methodology_version",
     "expected_methodology_version"),
    ("ranks_consistent", "1 + the units with a strictly higher total", "province_rank",
     "expected_province_rank"),
    ("ranks_consistent", "1 + the units of the city with a strictly higher total", "city_rank",
     "expected_city_rank"),
    ("class_consistent", "the class of the total under the cut-offs", "class", "expected_class"),
]  # fmt: skip
TRANSITION_PAIRS = [
    ("predecessor_follows_division_changes", "the same code, else the code it was re-coded "
     "from (seeds/unit_changes.csv)", "previous_county_code", "expected_previous_county_code"),
    ("matches_previous_year_scores", f"province_rank {PREVIOUS}", "previous_rank",
     "expected_previous_rank"),
    ("matches_previous_year_scores", f"class {PREVIOUS}", "previous_class",
     "expected_previous_class"),
    ("matches_current_scores", "province_rank in county_scores", "province_rank",
     "expected_province_rank"),
    ("matches_current_scores", "class in county_scores", "class", "expected_class"),
    ("changes_consistent", "previous_rank - province_rank", "rank_change", "expected_rank_change"),
    ("changes_consistent", "a better class than the year before", "is_class_leap",
     "expected_is_class_leap"),
    ("changes_consistent", "a worse class than the year before", "is_demotion",
     "expected_is_demotion"),
]  # fmt: skip
TRANSITION_DIFFERENCES = [  # rule, what is expected, |found - expected| within the tolerance
    ("matches_previous_year_scores", f"total_points {PREVIOUS}",
     "previous_total_points_difference"),
    ("matches_current_scores", "total_points in county_scores", "total_points_difference"),
    ("changes_consistent", "total_points - previous_total_points", "score_change_difference"),
]  # fmt: skip


def county_scores(settings: Mapping[str, Any]) -> list[Any]:
    scored = {"names_match_registry": SCORED}
    return [
        _is_true("units_match_registry", "every unit of the data year scored", "is_scored",
                 found="no score"),
        _is_true("units_match_registry", "only units of the data year scored", "is_registered",
                 found="a unit not in the registry of the data year"),
        _rule("points_present", "a total for every scored unit",
              gxe.ExpectColumnValuesToNotBeNull(column="total_points", row_condition=SCORED)),
        *[_pair(rule, text, found, expected, **({"row_condition": scored[rule]}
                                                if rule in scored else {}))
          for rule, text, found, expected in SCORE_PAIRS],
    ]  # fmt: skip


def county_transitions(settings: Mapping[str, Any]) -> list[Any]:
    tolerance = float(settings["tolerances"]["points"])
    return [
        _is_true("counties_match_scores", "a transition for every county scored",
                 "has_transition", found="no transition"),
        _is_true("counties_match_scores", "transitions only for counties scored", "is_scored",
                 found="a county not in county_scores"),
        *[_pair(*pair) for pair in TRANSITION_PAIRS],
        *[_rule(rule, text, gxe.ExpectColumnValuesToBeBetween(column=column,
                                                              max_value=tolerance))
          for rule, text, column in TRANSITION_DIFFERENCES],
    ]  # fmt: skip


def province_summary(settings: Mapping[str, Any]) -> list[Any]:
    tolerance = float(settings["tolerances"]["mean_score"])
    counts = (Column("source") == "county_scores") & (Column("figure") != "mean_score")
    return [
        _pair("matches_county_scores", "the units and class counts recounted from "
              "county_scores", "found", "expected", row_condition=counts),
        _rule("matches_county_scores", f"the mean total of county_scores (to {tolerance:g})",
              gxe.ExpectColumnValuesToBeBetween(column="difference", max_value=tolerance,
                                                row_condition=Column("figure") == "mean_score")),
        _pair("matches_county_transitions", "the leaps, demotions and rises recounted from "
              "county_transitions", "found", "expected",
              row_condition=Column("source") == "county_transitions"),
    ]  # fmt: skip


BUILDERS = {table: globals()[table] for table in GATED_TABLES}  # the builders above


def build_suite(table: str, settings: Mapping[str, Any], severities: Mapping[str, str]) -> Any:
    """The table's ExpectationSuite, each expectation with its rule's severity."""
    expectations = BUILDERS[table](settings)
    for expectation in expectations:
        rule = expectation.meta["rule"]
        expectation.meta["severity"] = severities[rule]
        expectation.severity = GX_SEVERITY[severities[rule]]
    return gx.ExpectationSuite(name=f"gate_{table}", expectations=expectations)


def rules_of(table: str, settings: Mapping[str, Any]) -> dict[str, str]:
    """Each rule of a table and what it expects (the first expectation's words)."""
    rules: dict[str, str] = {}
    for expectation in BUILDERS[table](settings):
        rules.setdefault(expectation.meta["rule"], expectation.meta["expected"])
    return rules
