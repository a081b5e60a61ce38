"""Suite of the mart `county_scores`: one row per evaluation year and county-level unit.

Frames: `county_scores` (one or several evaluation years; the gate takes the rows of its year).
Points, sums, ranks and classes are recomputed here from the row's own points, the indicator
tree (`seeds/framework.csv`) and the cut-offs (`seeds/class_cutoffs.csv`), independently of the
dbt models that produced them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from expectations._base import (
    CheckPlan,
    Environment,
    Location,
    Suite,
    codes,
    compare,
    comparison_plan,
    fmt,
    gx_expectations,
    numbers,
    presence_plan,
    project,
    required_frame,
    rows_of_year,
    schema_plan,
    unique_plan,
)
from expectations.reference import Reference

TABLE = "county_scores"
KEY_COLUMNS = (
    "evaluation_year",
    "data_year",
    "county_code",
    "county_name",
    "city_code",
    "city_name",
    "unit_kind",
)
RESULT_COLUMNS = ("total_points", "province_rank", "city_rank", "class", "methodology_version")
NUMERIC_COLUMNS = ("evaluation_year", "data_year", "province_rank", "city_rank")


def points_column(reference: Reference, node_code: str) -> str:
    """The column holding a node's points: `points_<code>`, the composite `total_points`."""
    return "total_points" if node_code == reference.total_code else f"points_{node_code.lower()}"


def columns(reference: Reference) -> list[str]:
    """Every column the mart must have: keys, the points of every node, results."""
    points = [points_column(reference, node) for node in reference.nodes]
    return [*KEY_COLUMNS, *points, *RESULT_COLUMNS]


def normalised_scores(frame: pd.DataFrame, reference: Reference) -> pd.DataFrame:
    """The mart's known columns with codes as text and points and ranks as numbers."""
    frame = project(frame, columns(reference))
    for column in ("county_code", "city_code"):
        if column in frame.columns:
            frame[column] = codes(frame[column])
    points = [points_column(reference, node) for node in reference.max_points]
    for column in (*NUMERIC_COLUMNS, *points):
        if column in frame.columns:
            frame[column] = numbers(frame[column])
    return frame


def expected_classes(
    totals: pd.Series, versions: pd.Series, reference: Reference, default_version: str | None
) -> list[str | None]:
    """The class each total earns under its methodology version's cut-offs."""
    found = []
    for total, version in zip(totals, versions, strict=True):
        cutoffs = reference.cutoffs(str(version)) or reference.cutoffs(str(default_version))
        if pd.isna(total) or not cutoffs:
            found.append(None)
            continue
        found.append(next((code for code, low, _ in cutoffs if total >= low), None))
    return found


def cutoffs_text(reference: Reference, version: str | None) -> str:
    """The cut-offs as people read them: `A from 80, B from 60, C below 60 points`."""
    cutoffs = reference.cutoffs(str(version))
    if not cutoffs:
        return f"no cut-offs for methodology version {version}"
    parts = [f"{code} from {fmt(low)}" for code, low, _ in cutoffs[:-1]]
    lowest = cutoffs[-1][0]
    parts.append(
        f"{lowest} below {fmt(cutoffs[-2][1])}" if len(cutoffs) > 1 else f"{lowest} always"
    )
    return ", ".join(parts) + " points"


@dataclass(frozen=True)
class ScoresInputs:
    """The mart's rows of the evaluation year."""

    env: Environment
    scores: pd.DataFrame

    @property
    def reference(self) -> Reference:
        return self.env.reference

    @property
    def tolerance(self) -> float:
        return float(self.env.settings["tolerances"]["points"])

    @property
    def methodology_version(self) -> str | None:
        return self.env.methodology_version


def _prepare(frames: Mapping[str, pd.DataFrame], env: Environment) -> ScoresInputs:
    scores = normalised_scores(required_frame(frames, TABLE, TABLE), env.reference)
    return ScoresInputs(
        env=env, scores=rows_of_year(scores, "evaluation_year", env.evaluation_year)
    )


suite = Suite(table=TABLE, prepare=_prepare)


@suite.check("schema", "the mart has its key columns, one points column per node, ranks, class")
def schema(d: ScoresInputs) -> CheckPlan:
    return schema_plan(d.scores, columns(d.reference), TABLE)


@suite.check("one_row_per_county", "one row per county and evaluation year")
def one_row_per_county(d: ScoresInputs) -> CheckPlan:
    return unique_plan(d.scores, ["county_code"], TABLE, "one row per county and evaluation year")


@suite.check("units_match_registry", "exactly the county-level units of the data year are scored")
def units_match_registry(d: ScoresInputs) -> CheckPlan:
    return presence_plan(
        d.scores["county_code"],
        d.env.units["unit_code"],
        found_in=f"county_scores {d.env.evaluation_year}",
        expected_from=f"data year {d.env.data_year} (seeds/units.csv)",
        frame_name="units",
    )


@suite.check(
    "names_match_registry", "county name and city code as in the registry", severity="warning"
)
def names_match_registry(d: ScoresInputs) -> CheckPlan:
    registry = d.env.units.set_index("unit_code")
    known = d.scores.loc[d.scores["county_code"].isin(registry.index)]
    return comparison_plan(
        [
            compare(
                known["county_code"],
                "county_name",
                known["county_name"],
                known["county_code"].map(registry["unit_name"]),
                f"the unit's name in data year {d.env.data_year}",
            ),
            compare(
                known["county_code"],
                "city_code",
                known["city_code"],
                known["county_code"].map(registry["group_code"]),
                "the unit's prefecture-level city",
            ),
        ],
    )


@suite.check("data_year_matches", "data_year is the evaluation year's statistics year")
def data_year_matches(d: ScoresInputs) -> CheckPlan:
    gxe = gx_expectations()

    def locate(row: Mapping[str, Any]) -> Location:
        return Location(
            county_code=row["county_code"],
            item="data_year",
            value_found=row["data_year"],
            expected=f"{d.env.data_year} (evaluation year {d.env.evaluation_year} uses the "
            "statistics of the year before)",
        )

    return CheckPlan(
        frame=d.scores,
        frame_name=TABLE,
        expectations=[
            gxe.ExpectColumnValuesToBeInSet(column="data_year", value_set=[d.env.data_year])
        ],
        locate=locate,
    )


@suite.check("methodology_version_known", "the methodology version in force for the year")
def methodology_version_known(d: ScoresInputs) -> CheckPlan:
    gxe = gx_expectations()
    version = d.methodology_version

    def locate(row: Mapping[str, Any]) -> Location:
        return Location(
            county_code=row["county_code"],
            item="methodology_version",
            value_found=row["methodology_version"],
            expected=f"{version} (seeds/methodology.csv for {d.env.evaluation_year})",
        )

    return CheckPlan(
        frame=d.scores,
        frame_name=TABLE,
        expectations=[
            gxe.ExpectColumnValuesToBeInSet(column="methodology_version", value_set=[version])
        ],
        locate=locate,
    )


def _points_long(d: ScoresInputs) -> pd.DataFrame:
    """One row per county and node (indicators, inner nodes, total) with points and maximum."""
    reference = d.reference
    parts = []
    for node in [*reference.nodes, reference.total_code]:
        column = points_column(reference, node)
        parts.append(
            pd.DataFrame(
                {
                    "county_code": d.scores["county_code"].astype(object),
                    "item": node,
                    "points": d.scores[column],
                    "max_points": reference.max_points[node],
                }
            )
        )
    frame = pd.concat(parts, ignore_index=True)
    frame["points_above_max"] = frame["points"] - frame["max_points"]
    return frame


def expected_node_points(reference: Reference, scores: pd.DataFrame, node: str) -> pd.Series:
    """A node's points from its children's, by the node's aggregation and the methodology's
    treatment of missing children (as the scoring engine aggregates them)."""
    children = reference.children[node]
    points = scores[[points_column(reference, child) for child in children]].astype(float)
    maxima = pd.Series([reference.max_points[child] for child in children], index=points.columns)
    node_points, missing = reference.max_points[node], reference.missing_values
    available = points.notna()
    if missing == "zero":
        points, available = points.fillna(0.0), available | True
    if reference.aggregation(node) == "weighted_geometric":
        child_scores = points / maxima
        weights = available * maxima
        logs = np.log(child_scores.where(child_scores > 0)).fillna(0.0)
        expected = node_points * np.exp((weights * logs).sum(axis=1) / weights.sum(axis=1))
        expected = expected.mask(((child_scores <= 0) & available).any(axis=1), 0.0)
    else:
        weight_available = (available * maxima).sum(axis=1)
        reweighted = points.sum(axis=1) * node_points / weight_available
        expected = reweighted if missing == "reweight" else points.sum(axis=1)
    if missing == "propagate":
        return expected.where(available.all(axis=1))
    return expected.where(available.any(axis=1))


def aggregation_text(reference: Reference, node: str) -> str:
    """How a node's points follow from its children's, for people."""
    children = ", ".join(reference.children[node])
    if reference.aggregation(node) == "weighted_geometric":
        text = (
            f"{fmt(reference.max_points[node])} times the weighted geometric mean of the "
            f"scores of {children}"
        )
    else:
        text = f"the sum of the points of {children}"
    if reference.missing_values == "reweight":
        text += ", missing ones reweighted"
    return text


def _range_text(row: Mapping[str, Any]) -> str:
    return f"between 0 and {fmt(row['max_points'])} points (seeds/framework.csv)"


@suite.check(
    "points_present",
    "every unit has a total; other nodes too where missing values propagate (methodology)",
)
def points_present(d: ScoresInputs) -> CheckPlan:
    gxe = gx_expectations()
    frame = _points_long(d)
    if d.reference.missing_values != "propagate":  # a missing indicator is scored or reweighted
        frame = frame.loc[frame["item"] == d.reference.total_code]

    def locate(row: Mapping[str, Any]) -> Location:
        return Location(row["county_code"], row["item"], None, _range_text(row))

    return CheckPlan(
        frame=frame,
        frame_name="points_present",
        expectations=[gxe.ExpectColumnValuesToNotBeNull(column="points")],
        locate=locate,
    )


@suite.check(
    "points_within_range",
    "points within [0, the node's points]: indicators, dimensions, total within [0, 100]",
)
def points_within_range(d: ScoresInputs) -> CheckPlan:
    gxe = gx_expectations()

    def locate(row: Mapping[str, Any]) -> Location:
        return Location(row["county_code"], row["item"], row["points"], _range_text(row))

    return CheckPlan(
        frame=_points_long(d),
        frame_name="points",
        expectations=[
            gxe.ExpectColumnValuesToBeBetween(column="points", min_value=-d.tolerance),
            gxe.ExpectColumnValuesToBeBetween(column="points_above_max", max_value=d.tolerance),
        ],
        locate=locate,
    )


@suite.check(
    "points_add_up",
    "each node's points follow from its children's: their sum (dimensions, total), or a "
    "weighted geometric mean where the framework says so",
)
def points_add_up(d: ScoresInputs) -> CheckPlan:
    reference, scores = d.reference, d.scores
    return comparison_plan(
        compare(
            scores["county_code"],
            node,
            scores[points_column(reference, node)],
            expected_node_points(reference, scores, node),
            aggregation_text(reference, node),
            d.tolerance,
        )
        for node in reference.inner_nodes
    )


@suite.check(
    "ranks_consistent",
    "rank = 1 + the number of units with a strictly higher total (province and city)",
)
def ranks_consistent(d: ScoresInputs) -> CheckPlan:
    scores = d.scores.loc[d.scores["total_points"].notna()]
    totals = scores["total_points"]
    city_ranks = totals.groupby(scores["city_code"]).rank(method="min", ascending=False)
    return comparison_plan(
        [
            compare(
                scores["county_code"],
                "province_rank",
                scores["province_rank"],
                totals.rank(method="min", ascending=False),
                "1 + the number of units with a strictly higher total",
            ),
            compare(
                scores["county_code"],
                "city_rank",
                scores["city_rank"],
                city_ranks,
                "1 + the number of units of the same city with a strictly higher total",
            ),
        ],
    )


@suite.check("class_consistent", "the class follows from the total and the cut-offs")
def class_consistent(d: ScoresInputs) -> CheckPlan:
    scores = d.scores.loc[d.scores["total_points"].notna()]
    expected = expected_classes(
        scores["total_points"], scores["methodology_version"], d.reference, d.methodology_version
    )
    explanation = f"{cutoffs_text(d.reference, d.methodology_version)}, by the total"
    return comparison_plan(
        [compare(scores["county_code"], "class", scores["class"], expected, explanation)],
    )


@suite.check("class_counts_add_up", "the class counts add up to the county-level units")
def class_counts_add_up(d: ScoresInputs) -> CheckPlan:
    gxe = gx_expectations()
    classes = [code for code, _, _ in d.reference.cutoffs(str(d.methodology_version))]
    counts = d.scores["class"].value_counts()
    frame = pd.DataFrame(
        {"class": classes, "units": [int(counts.get(code, 0)) for code in classes]}
    )
    units = len(d.env.units)
    breakdown = " + ".join(
        f"{code} {count}" for code, count in zip(frame["class"], frame["units"], strict=True)
    )
    return CheckPlan(
        frame=frame,
        frame_name="class_counts",
        expectations=[
            gxe.ExpectColumnSumToBeBetween(column="units", min_value=units, max_value=units)
        ],
        table_location=Location(
            item="class",
            value_found=f"{breakdown} = {int(frame['units'].sum())}",
            expected=f"{units}, the county-level units of data year {d.env.data_year}",
        ),
    )
