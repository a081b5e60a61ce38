"""The gate on the marts: county_scores, county_transitions and province_summary."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from orchestration.quality import load_gate_config
from orchestration.quality.config import DEFAULT_CONFIG_PATH
from tests.quality.factory import expert_file, form_file, ranked, variable_rows


def changed(frame: pd.DataFrame, county: str, **values: object) -> pd.DataFrame:
    """A copy of a mart with some cells of one county's row changed."""
    frame = frame.copy()
    row = frame["county_code"] == county
    assert row.sum() == 1, county
    for column, value in values.items():
        if frame[column].dtype != object:
            frame[column] = frame[column].astype(object)
        frame.loc[row, column] = value
    return frame


def cell(frame: pd.DataFrame, county: str, column: str) -> object:
    return frame.loc[frame["county_code"] == county, column].iloc[0]


def county_of_class(scores: pd.DataFrame, class_code: str) -> str:
    """A county of a class, from the end of the list, away from the other defects' counties."""
    return str(scores.loc[scores["class"] == class_code, "county_code"].iloc[-1])


@dataclass(frozen=True)
class MartDefect:
    """A defect injected into a clean mart, and where the finding must point."""

    id: str
    inject: Callable[[pd.DataFrame], tuple[pd.DataFrame, str]]  # the frame, the county
    check: str
    item: str | None
    expected_text: str
    source_variable: str | None = None  # the variable whose file and row the finding names


SCORES_DEFECTS = [
    MartDefect(
        "indicator points above the indicator's points",
        lambda s: (changed(s, "130123", points_i1=6.5), "130123"),
        "points_within_range",
        "I1",
        "between 0 and 6 points",
        "fiscal_st_exp",
    ),
    MartDefect(
        "points of a ratio indicator above its points",
        lambda s: (changed(s, "130126", points_i2=7.5), "130126"),
        "points_within_range",
        "I2",
        "between 0 and 7 points",
        "fiscal_st_exp",
    ),
    MartDefect(
        "total does not add up",
        lambda s: (
            changed(s, "130127", total_points=cell(s, "130127", "total_points") + 0.5),
            "130127",
        ),
        "points_add_up",
        "TOTAL",
        "the sum of the points of INPUT, ACTORS, CONDITIONS, OUTPUT, MANAGEMENT",
    ),
    MartDefect(
        "dimension does not add up",
        lambda s: (
            changed(s, "130128", points_input=cell(s, "130128", "points_input") + 1e-3),
            "130128",
        ),
        "points_add_up",
        "INPUT",
        "the sum of the points of I1, I2, I3, I4",
    ),
    MartDefect(
        "wrong class",
        lambda s: (changed(s, county_of_class(s, "B"), **{"class": "A"}), county_of_class(s, "B")),
        "class_consistent",
        "class",
        "B (A from 80, B from 60, C below 60 points, by the total)",
    ),
    MartDefect(
        "total missing",
        lambda s: (changed(s, "130129", total_points=None), "130129"),
        "points_present",
        "TOTAL",
        "between 0 and 100 points",
    ),
    MartDefect(
        "county missing",
        lambda s: (s[s["county_code"] != "130125"], "130125"),
        "units_match_registry",
        None,
        "a row for every county-level unit of data year 2020",
    ),
    MartDefect(
        "wrong data year",
        lambda s: (changed(s, "130130", data_year=2021), "130130"),
        "data_year_matches",
        "data_year",
        "2020 (evaluation year 2021 uses the statistics",
    ),
]


def test_clean_county_scores_pass(frames, run_quiet):
    report = run_quiet("county_scores", frames.scores())

    assert [check.check for check in report.failed_checks] == []
    assert report.check("units_match_registry").rows_checked == 167


def inject_all(defects: list[MartDefect], frame: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Every defect injected into one frame, each in its own county; the county of each."""
    counties = {}
    for defect in defects:
        frame, counties[defect.id] = defect.inject(frame)
    assert len(set(counties.values())) == len(defects), counties
    return frame, counties


@pytest.fixture(scope="module")
def defective_scores(frames, run_quiet):
    """One gate run on county_scores carrying every defect; the county of each defect."""
    scores, counties = inject_all(SCORES_DEFECTS, frames.scores_2021)
    return run_quiet("county_scores", frames.scores(scores)), counties


@pytest.mark.parametrize("defect", SCORES_DEFECTS, ids=lambda d: d.id)
def test_county_scores_defect_is_located(defect, defective_scores, frames, reference):
    report, counties = defective_scores
    county = counties[defect.id]

    check = report.check(defect.check)
    found = [
        f
        for f in check.findings
        if f.county_code == county and f.variable_or_indicator == defect.item
    ]

    assert report.blocking
    assert len(found) == 1, [f.describe() for f in check.findings]
    finding = found[0]
    assert (finding.severity, finding.evaluation_year) == ("error", 2021)
    assert finding.county_name == cell(frames.scores_2021, county, "county_name")
    assert defect.expected_text in finding.expected
    if defect.source_variable:
        expected_source = (
            form_file(county, 2020),
            variable_rows(reference)[defect.source_variable],
        )
        assert (finding.file_name, finding.row_number) == expected_source


def test_ratio_indicator_names_all_its_sources(defective_scores):
    report, counties = defective_scores

    finding = next(
        f for f in report.check("points_within_range").findings if f.county_code == "130126"
    )

    assert "fiscal_st_exp" in finding.sources and "general_budget_exp" in finding.sources


def test_class_counts_must_add_up_to_the_units(defective_scores):
    report, _ = defective_scores

    finding = report.check("class_counts_add_up").findings[0]

    assert finding.value_found.endswith("= 166")  # the county missing
    assert finding.expected == "167, the county-level units of data year 2020"


def test_swapped_ranks_are_both_found(frames, run_quiet):
    scores = frames.scores_2021.sort_values("province_rank")
    first, second = scores["county_code"].iloc[0], scores["county_code"].iloc[1]
    swapped = changed(changed(frames.scores_2021, first, province_rank=2), second, province_rank=1)

    report = run_quiet("county_scores", frames.scores(swapped))

    findings = report.check("ranks_consistent").findings
    result = sorted((f.county_code, f.variable_or_indicator, f.value_found) for f in findings)
    assert result == sorted([(first, "province_rank", 2), (second, "province_rank", 1)])
    assert "1 + the number of units with a strictly higher total" in findings[0].expected


def test_ties_share_a_rank(frames, run_quiet):
    """Two equal totals share the better rank; the next rank is skipped (rank = 1 + higher)."""
    scores = frames.scores_2021.sort_values("province_rank").reset_index(drop=True)
    scores.loc[1, [c for c in scores.columns if c.startswith("points_")] + ["total_points"]] = (
        scores.loc[0, [c for c in scores.columns if c.startswith("points_")] + ["total_points"]]
    )
    scores.loc[1, "province_rank"] = 1
    tied_cities = scores.loc[[0, 1], "city_code"]
    if tied_cities.iloc[0] == tied_cities.iloc[1]:
        scores.loc[1, "city_rank"] = scores.loc[0, "city_rank"]

    report = run_quiet("county_scores", frames.scores(scores))

    assert report.check("ranks_consistent").passed, report.summary()


# -- county_transitions -------------------------------------------------------------------


def county_with_leap(transitions: pd.DataFrame) -> str:
    return str(transitions.loc[transitions["is_class_leap"], "county_code"].iloc[-1])


TRANSITION_DEFECTS = [
    MartDefect(
        "score change off",
        lambda t: (
            changed(t, "130123", score_change=cell(t, "130123", "score_change") + 1),
            "130123",
        ),
        "changes_consistent",
        "score_change",
        "total_points - previous_total_points",
    ),
    MartDefect(
        "rank change with the wrong sign",
        lambda t: (
            changed(t, "130181", rank_change=-cell(t, "130181", "rank_change") - 1),
            "130181",
        ),
        "changes_consistent",
        "rank_change",
        "previous_rank - province_rank (positive = rose)",
    ),
    MartDefect(
        "leap not flagged",
        lambda t: (changed(t, county_with_leap(t), is_class_leap=False), county_with_leap(t)),
        "changes_consistent",
        "is_class_leap",
        "true (true when the class is better",
    ),
    MartDefect(
        "predecessor of a re-coded unit lost",
        lambda t: (changed(t, "130505", previous_county_code=None), "130505"),
        "predecessor_follows_division_changes",
        "previous_county_code",
        "130526 (",
    ),
    MartDefect(
        "previous class not the previous year's",
        lambda t: (changed(t, "130126", previous_class="X"), "130126"),
        "matches_previous_year_scores",
        "previous_class",
        "of the predecessor in county_scores 2020",
    ),
    MartDefect(
        "total not the county's score",
        lambda t: (
            changed(t, "130127", total_points=cell(t, "130127", "total_points") + 2),
            "130127",
        ),
        "matches_current_scores",
        "total_points",
        "total_points in county_scores 2021",
    ),
]


def test_clean_transitions_pass(frames, run_quiet):
    report = run_quiet("county_transitions", frames.transitions())

    assert [check.check for check in report.failed_checks] == []


@pytest.fixture(scope="module")
def defective_transitions(frames, run_quiet):
    """One gate run on county_transitions carrying every defect; the county of each."""
    transitions, counties = inject_all(TRANSITION_DEFECTS, frames.transitions_2021)
    return run_quiet("county_transitions", frames.transitions(transitions)), counties


@pytest.mark.parametrize("defect", TRANSITION_DEFECTS, ids=lambda d: d.id)
def test_transition_defect_is_located(defect, defective_transitions):
    report, counties = defective_transitions
    county = counties[defect.id]

    found = [
        f
        for f in report.check(defect.check).findings
        if f.county_code == county and f.variable_or_indicator == defect.item
    ]

    assert report.blocking
    assert len(found) == 1
    assert defect.expected_text in found[0].expected
    assert found[0].file_name == f"{form_file(county, 2020)}; {expert_file(2020)}"  # lineage


def test_transitions_need_the_previous_year(frames, run_quiet):
    report = run_quiet(
        "county_transitions",
        {"county_transitions": frames.transitions_2021, "county_scores": frames.scores_2021},
    )

    check = report.check("predecessor_follows_division_changes")
    assert report.blocking and not check.passed
    assert "county_scores of evaluation year 2020 were not passed in" in check.error
    assert "previous_county_scores" in check.findings[0].expected


def test_first_year_has_no_predecessors(frames, run_quiet):
    """Without a year before, every transition names no predecessor and that is right."""
    scores = frames.scores_2020
    first_year = pd.DataFrame(
        {
            "evaluation_year": 2020,
            "county_code": scores["county_code"],
            "previous_county_code": None,
            "previous_total_points": None,
            "total_points": scores["total_points"],
            "score_change": None,
            "previous_rank": None,
            "province_rank": scores["province_rank"],
            "rank_change": None,
            "previous_class": None,
            "class": scores["class"],
            "is_class_leap": False,
            "is_demotion": False,
        }
    )

    report = run_quiet(
        "county_transitions", {"county_transitions": first_year, "county_scores": scores}, 2020
    )

    assert [check.check for check in report.failed_checks] == []


# -- province_summary ---------------------------------------------------------------------


def summary_with(frames, **changes: object) -> pd.DataFrame:
    summary = frames.summary_2021.copy()
    for column, change in changes.items():
        summary[column] = summary[column] + change
    return summary


def test_clean_summary_passes(frames, run_quiet):
    report = run_quiet("province_summary", frames.summary())

    assert [check.check for check in report.failed_checks] == []


SUMMARY_CHANGES = {
    "class_a": (1, "matches_county_scores"),
    "units": (-1, "matches_county_scores"),
    "mean_score": (0.01, "matches_county_scores"),
    "rank_up": (3, "matches_county_transitions"),
    "class_leaps": (-1, "matches_county_transitions"),
}


@pytest.fixture(scope="module")
def defective_summary(frames, run_quiet):
    """One gate run on a summary row with every figure of SUMMARY_CHANGES off."""
    changes = {column: delta for column, (delta, _) in SUMMARY_CHANGES.items()}
    return run_quiet("province_summary", frames.summary(summary_with(frames, **changes)))


@pytest.mark.parametrize("column", SUMMARY_CHANGES)
def test_summary_mismatch_is_found(column, defective_summary, frames):
    delta, check = SUMMARY_CHANGES[column]

    findings = [
        f for f in defective_summary.check(check).findings if f.variable_or_indicator == column
    ]

    expected = pytest.approx(float(frames.summary_2021[column].iloc[0]) + delta)
    assert [f.value_found for f in findings] == [expected]
    assert findings[0].county_code is None
    assert defective_summary.blocking


def test_summary_mean_may_be_rounded(frames, run_quiet):
    report = run_quiet("province_summary", frames.summary(summary_with(frames, mean_score=0.004)))

    assert report.check("matches_county_scores").passed


def test_summary_needs_one_row(frames, run_quiet):
    twice = pd.concat([frames.summary_2021, frames.summary_2021], ignore_index=True)

    report = run_quiet("province_summary", frames.summary(twice))

    finding = report.check("one_row_for_year").findings[0]
    assert (finding.value_found, finding.expected) == ("2 rows", "one row for evaluation year 2021")


def test_summary_without_transitions_checks_what_it_can(frames, run_quiet):
    report = run_quiet(
        "province_summary",
        {"province_summary": frames.summary_2021, "county_scores": frames.scores_2021},
    )

    assert report.passed
    assert report.check("matches_county_transitions").not_applicable == (
        "county_transitions not passed in"
    )


# -- severity from gate.yaml ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("severity", "blocking", "dagster"), [("error", True, "ERROR"), ("warning", False, "WARN")]
)
def test_severity_is_configured(severity, blocking, dagster, frames, run_quiet, tmp_path: Path):
    raw = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    raw["severities"]["province_summary"]["matches_county_scores"] = severity
    path = tmp_path / "gate.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")

    report = run_quiet(
        "province_summary",
        frames.summary(summary_with(frames, class_a=1)),
        config=load_gate_config(path, environ={}),
    )

    result = (report.blocking, report.dagster_severity, report.findings[0].severity)
    assert result == (blocking, dagster, severity)


def test_lineage_may_be_the_indicator_points_mart(frames, run_quiet, reference):
    """frames['lineage'] may be county_indicator_points as dbt writes it (numerator and
    denominator file and row per county and indicator, all years)."""
    lineage = frames.lineage_2021
    sides = {}
    for position, side in enumerate(("numerator", "denominator")):
        variables = {
            code: names[position]
            for code, names in reference.indicator_variables.items()
            if len(names) > position
        }
        rows = lineage[lineage["variable_code"] == lineage["indicator_code"].map(variables)]
        sides[side] = rows.set_index(["county_code", "indicator_code"])[
            ["file_name", "row_number"]
        ].add_prefix(f"{side}_")
    points_mart = sides["numerator"].join(sides["denominator"], how="left").reset_index()
    points_mart = pd.concat(
        [
            points_mart.assign(evaluation_year=2021),
            points_mart.assign(evaluation_year=2020, numerator_file_name="x"),
        ]
    )
    scores = changed(frames.scores_2021, "130126", points_i2=7.5)

    report = run_quiet("county_scores", {"county_scores": scores, "lineage": points_mart})

    finding = report.check("points_within_range").findings[0]
    rows = variable_rows(reference)
    assert (finding.file_name, finding.row_number) == (
        form_file("130126", 2020),
        rows["fiscal_st_exp"],
    )
    assert f"general_budget_exp: {form_file('130126', 2020)} row {rows['general_budget_exp']}" in (
        finding.sources
    )


def test_polars_frames_are_accepted(frames, run_quiet):
    import polars as pl

    summary = frames.summary_2021.assign(class_a=frames.summary_2021["class_a"] + 1)
    polars_frames = {key: pl.from_pandas(frame) for key, frame in frames.summary(summary).items()}

    report = run_quiet("province_summary", polars_frames)

    assert [f.variable_or_indicator for f in report.findings] == ["class_a"]


def test_missing_indicator_scored_zero_passes(frames, run_quiet, reference):
    """hebei_v1 scores a missing indicator as zero: no points for it, and its parents add up."""
    scores = frames.scores_2021.copy()
    county = scores["county_code"] == "130129"
    lost = float(scores.loc[county, "points_m1"].iloc[0])
    scores.loc[county, "points_m1"] = None
    scores.loc[county, ["points_management", "total_points"]] -= lost

    report = run_quiet("county_scores", frames.scores(ranked(reference, scores)))

    assert report.passed, report.summary()


def test_geometric_aggregation_is_followed(frames, run_quiet, reference):
    """A framework may combine a node's children by a weighted geometric mean."""
    framework = reference.framework.copy()
    framework.loc[framework["node_code"] == "MANAGEMENT", "aggregation"] = "weighted_geometric"
    geometric = replace(reference, framework=framework)
    scores = frames.scores_2021.copy()
    children = ["points_m1", "points_m2", "points_m3"]
    mean_score = (np.log(scores[children] / 5.0).sum(axis=1) / 3).map(np.exp)
    scores["total_points"] += 15 * mean_score - scores["points_management"]
    scores["points_management"] = 15 * mean_score
    scores = ranked(reference, scores)

    passed = run_quiet("county_scores", frames.scores(scores), reference=geometric)
    summed = run_quiet("county_scores", frames.scores(scores))

    assert passed.passed, passed.summary()
    findings = summed.check("points_add_up").findings
    assert {f.variable_or_indicator for f in findings} == {"MANAGEMENT"}
    assert "the sum of the points of M1, M2, M3" in findings[0].expected


def test_reweighted_missing_indicator_is_followed(frames, run_quiet, reference):
    """Under missing_values = reweight, the available children's points are scaled up."""
    methodology = reference.methodology.assign(missing_values="reweight")
    reweighting = replace(reference, methodology=methodology)
    scores = frames.scores_2021.copy()
    county = scores["county_code"] == "130129"
    row = scores.loc[county].iloc[0]
    management = (row["points_m2"] + row["points_m3"]) * 15 / 10
    scores.loc[county, "total_points"] += management - row["points_management"]
    scores.loc[county, ["points_m1", "points_management"]] = [None, management]

    report = run_quiet(
        "county_scores", frames.scores(ranked(reference, scores)), reference=reweighting
    )

    assert report.passed, report.summary()
