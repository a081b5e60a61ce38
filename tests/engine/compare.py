"""The dbt marts of a scored dataset folder beside the reference implementation's numbers."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb

from tests.engine.reference import Results, denormalised, targets, untransformed

TOLERANCE = 1e-9


def close(found: object, expected: object, tolerance: float = TOLERANCE) -> bool:
    """Equal, or both numbers within a relative tolerance, or both missing."""
    if found is None or expected is None:
        return found is None and expected is None
    if isinstance(expected, float) or isinstance(found, float):
        if math.isnan(float(found)) and math.isnan(float(expected)):
            return True
        return abs(float(found) - float(expected)) <= tolerance * max(1.0, abs(float(expected)))
    return found == expected


def value_needed(
    reference: Results, key: tuple[int, str, str], target: float | None
) -> tuple[bool, float | None]:
    """Whether the indicator alone can reach its target points, and the indicator value that
    scores them: the normalisation, the outlier treatment and the transform undone."""
    year, code, indicator_code = key
    version = reference.units[(year, code)]["version"]
    indicator = version.indicators[indicator_code]
    scale = reference.scales[(year, indicator_code)]
    if target is None:
        return False, None
    score = target / version.nodes[indicator_code].points
    if score > scale.best + 1e-12:
        return False, None
    treated = denormalised(score, indicator, scale)
    untreated = reference.treatments[(year, indicator_code)].invert(treated)
    return True, untransformed(untreated, indicator.transform)


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def differences(work_db: Path, reference: Results, limit: int = 20) -> list[str]:
    """Every number of the marts that differs from the reference, described (up to `limit`)."""
    found: list[str] = []

    def check(where: str, column: str, value: object, expected: object) -> None:
        if not close(value, expected) and len(found) < limit:
            found.append(f"{where} {column}: dbt {value!r}, reference {expected!r}")

    with duckdb.connect(str(work_db), read_only=True) as con:
        indicator_rows = _rows(con, "select * from marts.county_indicator_points")
        score_rows = _rows(con, "select * from marts.county_scores")
        transition_rows = _rows(con, "select * from marts.county_transitions")
        gap_rows = _rows(con, "select * from marts.county_class_gaps")
        treatment_rows = _rows(con, "select * from marts.indicator_methods_by_year")
    if len(indicator_rows) != len(reference.indicators):
        found.append(
            f"county_indicator_points has {len(indicator_rows)} rows, "
            f"reference {len(reference.indicators)}"
        )
    for row in indicator_rows:
        key = (row["evaluation_year"], row["county_code"], row["indicator_code"])
        expected = reference.indicators.get(key)
        if expected is None:
            found.append(f"{key} not in the reference")
            continue
        node = reference.nodes[key]
        where = f"indicator {key}"
        for column in (
            "indicator_value",
            "imputed_value",
            "imputation_method",
            "transformed_value",
            "treated_value",
            "normalised_value",
            "indicator_points",
        ):
            check(where, column, row[column], expected[column])
        check(where, "imputed_from_year", row["imputed_from_year"], expected["imputed_from_year"])
        check(where, "contribution_points", row["contribution_points"], node["contribution_points"])
    if len(score_rows) != len(reference.units):
        found.append(f"county_scores has {len(score_rows)} rows, reference {len(reference.units)}")
    for row in score_rows:
        key = (row["evaluation_year"], row["county_code"])
        expected = reference.units[key]
        where = f"score {key}"
        check(where, "total_points", row["total_points"], expected["total_points"])
        check(where, "province_rank", row["province_rank"], expected["province_rank"])
        check(where, "city_rank", row["city_rank"], expected["city_rank"])
        check(where, "class", row["class"], expected["class_code"])
        check(where, "next_class", row["next_class"], expected["next_class"])
        check(
            where, "next_class_target_points", row["next_class_target_points"], expected["target"]
        )
    for row in transition_rows:
        key = (row["evaluation_year"], row["county_code"])
        expected = reference.units[key]
        where = f"transition {key}"
        check(where, "previous_county_code", row["previous_county_code"], expected["predecessor"])
        check(where, "score_change", row["score_change"], expected["score_change"])
        check(where, "rank_change", row["rank_change"], expected["rank_change"])
        check(where, "is_class_leap", row["is_class_leap"], expected["is_class_leap"])
        check(where, "best_rank_ever", row["best_rank_ever"], expected["best_rank_ever"])
    expected_targets = targets(reference)
    for row in gap_rows:
        key = (row["evaluation_year"], row["county_code"], row["indicator_code"])
        where = f"gap {key}"
        target = expected_targets.get(key)
        points = reference.indicators[key]["indicator_points"] or 0.0
        check(
            where,
            "indicator_points_needed",
            row["indicator_points_needed"],
            None if target is None else target - points,
        )
        needed = value_needed(reference, key, target)
        check(where, "closes_gap_alone", row["closes_gap_alone"], needed[0])
        check(where, "indicator_value_needed", row["indicator_value_needed"], needed[1])
    for row in treatment_rows:
        key = (row["evaluation_year"], row["indicator_code"])
        treatment = reference.treatments[key]
        where = f"outliers {key}"
        check(
            where, "outlier_treatment_applied", row["outlier_treatment_applied"], treatment.applied
        )
        check(where, "winsorised_count", row["winsorised_count"], treatment.count)
        check(where, "winsor_cap", row["winsor_cap"], treatment.cap)
        check(where, "winsor_lower_cap", row["winsor_lower_cap"], treatment.lower_cap)
        check(where, "winsor_upper_cap", row["winsor_upper_cap"], treatment.upper_cap)
        check(where, "winsorised_low_count", row["winsorised_low_count"], treatment.low_count)
        check(where, "winsorised_high_count", row["winsorised_high_count"], treatment.high_count)
        if treatment.applied == "log":
            check(where, "log_direction", row["log_direction"], treatment.log_direction)
    return found
