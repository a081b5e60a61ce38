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
from great_expectations.expectations.row_conditions import Column

from expectations import GATED_TABLES

# The columns naming a failing row in the results (and so in the alerts and Data Docs).
COUNTY = "evaluation_year county_code county_name variable_code file_name".split()
ROW_IDS: dict[str, list[str]] = {
    "ingest_problems": [*COUNTY, *"sheet row_number column_name found_text expected".split()],
    "raw_submitted_values": [
        *COUNTY,
        *"row_number column_name raw_text missing_because previous_value".split(),
    ],
    "county_scores": ["evaluation_year", "county_code", "county_name", "file_name"],
    "county_transitions": ["evaluation_year", "county_code", "county_name", "file_name"],
    "province_summary": ["evaluation_year", "figure", "source", "found", "expected"],
}
assert tuple(ROW_IDS) == GATED_TABLES
GX_SEVERITY = {"error": "critical", "warning": "warning"}


def _rule(rule: str, text: str, expectation: Any) -> Any:
    """Tag an expectation with its rule and say, for people, what it expects."""
    expectation.meta = {"rule": rule, "expected": text}
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


def _is_true(rule: str, text: str, column: str, **options: Any) -> Any:
    return _rule(
        rule, text, gxe.ExpectColumnValuesToBeInSet(column=column, value_set=[True], **options)
    )


def _per_county(expectation: Any) -> Any:
    """Alert a failure once per county, not once per row (a missing county's variables)."""
    expectation.meta["per_county"] = True
    return expectation


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


def _bounds_text(bounds: Mapping[str, Any]) -> str:
    low, high = bounds.get("min"), bounds.get("max")
    parts = [] if low is None else [f"{'大于' if bounds.get('strict_min') else '不小于'} {low}"]
    return "，".join(parts + ([] if high is None else [f"不大于 {high}"]))


def _ranges(rule: str, ranges: Mapping[str, Mapping[str, Any]], why: str) -> list[Any]:
    return [
        _rule(
            rule,
            f"{variable} {_bounds_text(bounds)}（{why}）",
            gxe.ExpectColumnValuesToBeBetween(
                column="value",
                min_value=bounds.get("min"),
                max_value=bounds.get("max"),
                strict_min=bool(bounds.get("strict_min", False)),
                row_condition=Column("variable_code") == variable,
            ),
        )
        for variable, bounds in ranges.items()
    ]


def raw_submitted_values(settings: Mapping[str, Any]) -> list[Any]:
    factor = float(settings.get("yoy_jump_factor", 10))
    submitted = Column("is_submitted") == True  # noqa: E712 (a GX row condition)
    from_a_submission = Column("unit_has_submission") == True  # noqa: E712
    return [
        _is_true("unit_known", "县代码是该数据年度的县级单位", "is_known_unit"),
        _per_county(_is_true("units_complete", "该县本年度的报送", "unit_has_submission")),
        _is_true("variables_complete", "报送中每个基础指标都有一行", "is_submitted",
                 row_condition=from_a_submission),
        _rule("values_reported", "一个数值（缺失按零分计）",
              gxe.ExpectColumnValuesToNotBeNull(column="value", row_condition=submitted)),
        _rule("no_negative_values", "不小于 0",
              gxe.ExpectColumnValuesToBeBetween(column="value", min_value=0)),
        *_ranges("value_bounds", settings.get("value_bounds") or {}, "超出即不可能正确"),
        *_ranges("value_plausible_range", settings.get("plausible_ranges") or {},
                 "超出通常是单位填错"),
        *[_rule("related_variables_consistent", f"{part} 不大于同一县的 {whole}",
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A=f"value_{whole}", column_B=f"value_{part}", or_equal=True,
                    ignore_row_if="either_value_is_missing",
                    row_condition=Column("variable_code") == part))
          for part, whole in settings.get("related_variables") or []],
        _rule("year_over_year_jump", f"与上一年度（previous_value）相差不超过 {factor:g} 倍",
              gxe.ExpectColumnValuesToBeBetween(column="year_over_year_ratio",
                                                min_value=1 / factor, max_value=factor)),
    ]  # fmt: skip


SCORED = Column("is_scored") == True  # noqa: E712 (a GX row condition, not a comparison)
PREVIOUS = "of the predecessor in county_scores the year before"
# rule, what is expected, column found, column expected (computed in the dbt model)
SCORE_PAIRS = [
    ("names_match_registry", "the registry's name", "county_name", "registry_county_name"),
    ("names_match_registry", "the registry's city", "city_code", "registry_city_code"),
    ("data_year_matches", "the evaluation year's data year", "data_year", "expected_data_year"),
    (
        "methodology_version_known",
        "the methodology version in force",
        "methodology_version",
        "expected_methodology_version",
    ),
    (
        "ranks_consistent",
        "1 + the units with a strictly higher total",
        "province_rank",
        "expected_province_rank",
    ),
    (
        "ranks_consistent",
        "1 + the units of the city with a strictly higher total",
        "city_rank",
        "expected_city_rank",
    ),
    ("class_consistent", "the class of the total under the cut-offs", "class", "expected_class"),
]
TRANSITION_PAIRS = [
    (
        "predecessor_follows_division_changes",
        "the same code, else the code it was re-coded from (seeds/unit_changes.csv)",
        "previous_county_code",
        "expected_previous_county_code",
    ),
    (
        "matches_previous_year_scores",
        f"province_rank {PREVIOUS}",
        "previous_rank",
        "expected_previous_rank",
    ),
    (
        "matches_previous_year_scores",
        f"class {PREVIOUS}",
        "previous_class",
        "expected_previous_class",
    ),
    (
        "matches_current_scores",
        "province_rank in county_scores",
        "province_rank",
        "expected_province_rank",
    ),
    ("matches_current_scores", "class in county_scores", "class", "expected_class"),
    ("changes_consistent", "previous_rank - province_rank", "rank_change", "expected_rank_change"),
    (
        "changes_consistent",
        "a better class than the year before",
        "is_class_leap",
        "expected_is_class_leap",
    ),
    (
        "changes_consistent",
        "a worse class than the year before",
        "is_demotion",
        "expected_is_demotion",
    ),
]
TRANSITION_DIFFERENCES = [  # rule, what is expected, |found - expected| within the tolerance
    (
        "matches_previous_year_scores",
        f"total_points {PREVIOUS}",
        "previous_total_points_difference",
    ),
    ("matches_current_scores", "total_points in county_scores", "total_points_difference"),
    ("changes_consistent", "total_points - previous_total_points", "score_change_difference"),
]


def county_scores(settings: Mapping[str, Any]) -> list[Any]:
    scored = {"names_match_registry": SCORED}
    return [
        _is_true("units_match_registry", "every unit of the data year scored", "is_scored"),
        _is_true("units_match_registry", "only units of the data year scored", "is_registered"),
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
                 "has_transition"),
        _is_true("counties_match_scores", "transitions only for counties scored", "is_scored"),
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
