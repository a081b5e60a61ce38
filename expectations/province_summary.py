"""Suite of the mart `province_summary`: one row per evaluation year.

Frames: `province_summary`, `county_scores` and, for the leap, demotion and rise counts,
`county_transitions` (without it those four counts are not checked). Every figure is recounted
from the county rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from expectations._base import (
    CheckPlan,
    Environment,
    Location,
    Suite,
    compare,
    comparison_plan,
    gx_expectations,
    numbers,
    project,
    required_frame,
    rows_of_year,
    schema_plan,
)
from expectations.county_scores import normalised_scores
from expectations.county_transitions import normalised_transitions
from expectations.reference import Reference

TABLE = "province_summary"
TRANSITION_COUNTS = ("class_leaps", "demotions", "score_up", "rank_up")


def class_columns(reference: Reference, version: str | None) -> dict[str, str]:
    """The summary column counting each class: `class_a`, `class_b`, `class_c`."""
    return {code: f"class_{code.lower()}" for code, _, _ in reference.cutoffs(str(version))}


@dataclass(frozen=True)
class SummaryInputs:
    """The summary row(s) of the evaluation year, with the county rows it summarises."""

    env: Environment
    summary: pd.DataFrame
    scores: pd.DataFrame
    transitions: pd.DataFrame | None
    classes: dict[str, str]


def _prepare(frames: Mapping[str, pd.DataFrame], env: Environment) -> SummaryInputs:
    year = env.evaluation_year
    classes = class_columns(env.reference, env.methodology_version)
    columns = ("evaluation_year", "units", *classes.values(), "mean_score", *TRANSITION_COUNTS)
    summary = project(required_frame(frames, TABLE, TABLE), columns)
    for column in summary.columns:
        summary[column] = numbers(summary[column])
    scores = normalised_scores(required_frame(frames, "county_scores", TABLE), env.reference)
    transitions = frames.get("county_transitions")
    return SummaryInputs(
        env=env,
        summary=rows_of_year(summary, "evaluation_year", year),
        scores=rows_of_year(scores, "evaluation_year", year),
        transitions=None
        if transitions is None
        else rows_of_year(normalised_transitions(transitions), "evaluation_year", year),
        classes=classes,
    )


suite = Suite(table=TABLE, prepare=_prepare)


def _columns(d: SummaryInputs) -> list[str]:
    return ["evaluation_year", "units", *d.classes.values(), "mean_score", *TRANSITION_COUNTS]


@suite.check("schema", "the mart has the columns of province_summary")
def schema(d: SummaryInputs) -> CheckPlan:
    return schema_plan(d.summary, _columns(d), TABLE)


@suite.check("one_row_for_year", "exactly one summary row for the evaluation year")
def one_row_for_year(d: SummaryInputs) -> CheckPlan:
    gxe = gx_expectations()
    return CheckPlan(
        frame=d.summary,
        frame_name=TABLE,
        expectations=[gxe.ExpectTableRowCountToEqual(value=1)],
        table_location=Location(
            item="evaluation_year",
            value_found=f"{len(d.summary)} rows",
            expected=f"one row for evaluation year {d.env.evaluation_year}",
        ),
    )


def _per_summary_row(
    d: SummaryInputs, item: str, expected: object, explanation: str, tolerance: float = 0.0
) -> pd.DataFrame:
    rows = len(d.summary)
    return compare([None] * rows, item, d.summary[item], [expected] * rows, explanation, tolerance)


@suite.check("matches_county_scores", "units, class counts and mean score recount county_scores")
def matches_county_scores(d: SummaryInputs) -> CheckPlan:
    scores = d.scores
    source = f"county_scores {d.env.evaluation_year}"
    counts = scores["class"].value_counts()
    tolerance = float(d.env.settings["tolerances"]["mean_score"])
    mean = scores["total_points"].mean() if len(scores) else None
    return comparison_plan(
        [
            _per_summary_row(d, "units", len(scores), f"the number of rows of {source}"),
            *(
                _per_summary_row(
                    d, column, int(counts.get(code, 0)), f"the units of class {code} in {source}"
                )
                for code, column in d.classes.items()
            ),
            _per_summary_row(
                d, "mean_score", mean, f"the mean total_points of {source}", tolerance
            ),
        ],
    )


@suite.check(
    "matches_county_transitions",
    "class leaps, demotions, units up in score and in rank recount county_transitions",
)
def matches_county_transitions(d: SummaryInputs) -> CheckPlan:
    if d.transitions is None:
        return CheckPlan.skipped("county_transitions not passed in")
    rows = d.transitions
    source = f"county_transitions {d.env.evaluation_year}"
    return comparison_plan(
        [
            _per_summary_row(
                d,
                "class_leaps",
                int(rows["is_class_leap"].eq(True).sum()),
                f"the transitions of {source} with is_class_leap",
            ),
            _per_summary_row(
                d,
                "demotions",
                int(rows["is_demotion"].eq(True).sum()),
                f"the transitions of {source} with is_demotion",
            ),
            _per_summary_row(
                d,
                "score_up",
                int((rows["score_change"] > 0).sum()),
                f"the transitions of {source} with score_change > 0",
            ),
            _per_summary_row(
                d,
                "rank_up",
                int((rows["rank_change"] > 0).sum()),
                f"the transitions of {source} with rank_change > 0",
            ),
        ],
    )
