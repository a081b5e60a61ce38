"""Suite of the mart `county_transitions`: each county's move from the previous evaluation year.

Frames: `county_transitions`, `county_scores` (the evaluation year, and the year before unless
passed separately as `previous_county_scores`). Every transition must agree with both years'
scores, and its predecessor must follow the division changes (`seeds/unit_changes.csv`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from expectations._base import (
    CheckPlan,
    Environment,
    NotEvaluable,
    Suite,
    codes,
    compare,
    comparison_plan,
    is_missing,
    numbers,
    plain,
    presence_plan,
    project,
    required_frame,
    rows_of_year,
    schema_plan,
    unique_plan,
)
from expectations.county_scores import normalised_scores
from expectations.reference import Reference

TABLE = "county_transitions"
COLUMNS = (
    "evaluation_year",
    "county_code",
    "previous_county_code",
    "previous_total_points",
    "total_points",
    "score_change",
    "previous_rank",
    "province_rank",
    "rank_change",
    "previous_class",
    "class",
    "is_class_leap",
    "is_demotion",
)
NUMERIC_COLUMNS = (
    "evaluation_year",
    "previous_total_points",
    "total_points",
    "score_change",
    "previous_rank",
    "province_rank",
    "rank_change",
)


def normalised_transitions(frame: pd.DataFrame) -> pd.DataFrame:
    """The mart's known columns with codes as text, numbers as floats, flags as booleans."""
    frame = project(frame, COLUMNS)
    for column in ("county_code", "previous_county_code"):
        if column in frame.columns:
            frame[column] = codes(frame[column])
    for column in NUMERIC_COLUMNS:
        if column in frame.columns:
            frame[column] = numbers(frame[column])
    for column in ("is_class_leap", "is_demotion"):
        if column in frame.columns:
            frame[column] = pd.Series(
                [None if is_missing(flag) else bool(plain(flag)) for flag in frame[column]],
                dtype=object,
            )
    return frame


def scores_of_years(frames: Mapping[str, pd.DataFrame], reference: Reference) -> pd.DataFrame:
    """`county_scores` together with `previous_county_scores` when passed separately."""
    parts = [required_frame(frames, "county_scores", TABLE)]
    if "previous_county_scores" in frames:
        parts.append(frames["previous_county_scores"])
    return pd.concat([normalised_scores(part, reference) for part in parts], ignore_index=True)


@dataclass(frozen=True)
class TransitionsInputs:
    """The transitions of the evaluation year and the scores of that year and the year before."""

    env: Environment
    transitions: pd.DataFrame
    current: pd.DataFrame
    previous: pd.DataFrame | None

    @property
    def tolerance(self) -> float:
        return float(self.env.settings["tolerances"]["points"])

    @property
    def previous_year(self) -> int:
        return self.env.evaluation_year - 1

    def require_previous(self) -> pd.DataFrame:
        """The previous year's scores; the transitions may name no predecessor without them."""
        if self.previous is not None:
            return self.previous
        named = self.transitions["previous_county_code"].notna()
        if named.any():
            raise NotEvaluable(
                f"county_scores of evaluation year {self.previous_year} were not passed in, "
                f"but {int(named.sum())} transitions of {self.env.evaluation_year} name a "
                "predecessor; pass frames['previous_county_scores'] or both years in "
                "frames['county_scores']"
            )
        return pd.DataFrame(columns=["county_code", "total_points", "province_rank", "class"])


def _prepare(frames: Mapping[str, pd.DataFrame], env: Environment) -> TransitionsInputs:
    transitions = normalised_transitions(required_frame(frames, TABLE, TABLE))
    scores = scores_of_years(frames, env.reference)
    previous = rows_of_year(scores, "evaluation_year", env.evaluation_year - 1)
    return TransitionsInputs(
        env=env,
        transitions=rows_of_year(transitions, "evaluation_year", env.evaluation_year),
        current=rows_of_year(scores, "evaluation_year", env.evaluation_year),
        previous=None if previous.empty else previous,
    )


suite = Suite(table=TABLE, prepare=_prepare)


@suite.check("schema", "the mart has the columns of county_transitions")
def schema(d: TransitionsInputs) -> CheckPlan:
    return schema_plan(d.transitions, COLUMNS, TABLE)


@suite.check("one_row_per_county", "one transition per county and evaluation year")
def one_row_per_county(d: TransitionsInputs) -> CheckPlan:
    return unique_plan(d.transitions, ["county_code"], TABLE, "one row per county")


@suite.check("counties_match_scores", "a transition for every county scored in the year, no other")
def counties_match_scores(d: TransitionsInputs) -> CheckPlan:
    year = d.env.evaluation_year
    return presence_plan(
        d.transitions["county_code"],
        d.current["county_code"],
        found_in=f"county_transitions {year}",
        expected_from=f"county_scores {year}",
        frame_name="counties",
    )


@suite.check(
    "predecessor_follows_division_changes",
    "the predecessor is the same code, else the code it was re-coded from",
)
def predecessor_follows_division_changes(d: TransitionsInputs) -> CheckPlan:
    previous = d.require_previous()
    rows = d.transitions
    expected = d.env.reference.predecessor_codes(
        rows["county_code"].dropna().tolist(), previous["county_code"].dropna().tolist()
    )
    return comparison_plan(
        [
            compare(
                rows["county_code"],
                "previous_county_code",
                rows["previous_county_code"],
                rows["county_code"].map(expected),
                f"the unit's code in county_scores {d.previous_year}, or the code it was "
                "re-coded from (seeds/unit_changes.csv); none for a new unit",
            )
        ],
    )


@suite.check(
    "matches_previous_year_scores",
    "previous total, rank and class are the predecessor's in the previous year",
)
def matches_previous_year_scores(d: TransitionsInputs) -> CheckPlan:
    previous = d.require_previous().drop_duplicates("county_code").set_index("county_code")
    rows = d.transitions
    key = rows["previous_county_code"]
    where = f"of the predecessor in county_scores {d.previous_year}"
    return comparison_plan(
        [
            compare(
                rows["county_code"],
                "previous_total_points",
                rows["previous_total_points"],
                key.map(previous["total_points"]),
                f"total_points {where}",
                d.tolerance,
            ),
            compare(
                rows["county_code"],
                "previous_rank",
                rows["previous_rank"],
                key.map(previous["province_rank"]),
                f"province_rank {where}",
            ),
            compare(
                rows["county_code"],
                "previous_class",
                rows["previous_class"],
                key.map(previous["class"]),
                f"class {where}",
            ),
        ],
    )


@suite.check("matches_current_scores", "total, rank and class are the county's in county_scores")
def matches_current_scores(d: TransitionsInputs) -> CheckPlan:
    current = d.current.drop_duplicates("county_code").set_index("county_code")
    rows = d.transitions
    key = rows["county_code"]
    where = f"in county_scores {d.env.evaluation_year}"
    return comparison_plan(
        [
            compare(
                key,
                "total_points",
                rows["total_points"],
                key.map(current["total_points"]),
                f"total_points {where}",
                d.tolerance,
            ),
            compare(
                key,
                "province_rank",
                rows["province_rank"],
                key.map(current["province_rank"]),
                f"province_rank {where}",
            ),
            compare(key, "class", rows["class"], key.map(current["class"]), f"class {where}"),
        ],
    )


def _class_moves(rows: pd.DataFrame, reference: Reference) -> tuple[list[bool], list[bool]]:
    """(is_class_leap, is_demotion) per row: a better or worse class than the year before."""
    ranks = reference.class_ranks
    leaps, demotions = [], []
    for now, before in zip(rows["class"], rows["previous_class"], strict=True):
        now_rank, before_rank = ranks.get(plain(now)), ranks.get(plain(before))
        known = now_rank is not None and before_rank is not None
        leaps.append(known and now_rank < before_rank)
        demotions.append(known and now_rank > before_rank)
    return leaps, demotions


@suite.check(
    "changes_consistent",
    "score change, rank change (positive = rose), leap and demotion "
    "flags follow from the two years' values",
)
def changes_consistent(d: TransitionsInputs) -> CheckPlan:
    rows = d.transitions
    key = rows["county_code"]
    leaps, demotions = _class_moves(rows, d.env.reference)
    return comparison_plan(
        [
            compare(
                key,
                "score_change",
                rows["score_change"],
                rows["total_points"] - rows["previous_total_points"],
                "total_points - previous_total_points",
                d.tolerance,
            ),
            compare(
                key,
                "rank_change",
                rows["rank_change"],
                rows["previous_rank"] - rows["province_rank"],
                "previous_rank - province_rank (positive = rose)",
            ),
            compare(
                key,
                "is_class_leap",
                rows["is_class_leap"],
                leaps,
                "true when the class is better than the previous year's",
            ),
            compare(
                key,
                "is_demotion",
                rows["is_demotion"],
                demotions,
                "true when the class is worse than the previous year's",
            ),
        ],
    )
