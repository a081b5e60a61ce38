"""The methodology published beside the scores: each evaluation year's rows hold what the seeds
say for the version in force that year, before and after a second methodology version with
other class cut-offs (hebei_v2 from 2024), in the work database and in the published mart."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration.dataset_values import build
from orchestration.warehouse.publish import publish_year
from tests.config.conftest import (
    SECOND_VERSION,
    SECOND_VERSION_CUTOFFS,
    Warehouse,
    read_rows,
    write_rows,
)

METHODOLOGY_TABLES = (
    "methodology_by_year",
    "framework_by_year",
    "indicators_by_year",
    "class_cutoffs_by_year",
    "units_by_year",
    "award_rules_by_year",
)
FIRST_CUTOFFS = [("A", 80.0, 1), ("B", 60.0, 2), ("C", 0.0, 3)]


def version_of(year: int) -> str:
    return SECOND_VERSION if year >= 2024 else "hebei_v1"


def test_each_year_names_its_methodology_version_and_data_year(two_versions: Warehouse):
    result = two_versions.query(
        "select evaluation_year, data_year, methodology_version, class_scheme "
        "from marts.methodology_by_year order by evaluation_year"
    )
    expected = [(year, year - 1, version_of(year), "absolute") for year in range(2018, 2025)]
    assert result == expected


@pytest.mark.parametrize("year", [2019, 2024])
def test_cutoffs_of_a_year_are_its_versions(two_versions: Warehouse, year: int):
    result = two_versions.query(
        "select class_code, min_score, class_rank from marts.class_cutoffs_by_year "
        "where evaluation_year = ? order by class_rank",
        [year],
    )
    expected = FIRST_CUTOFFS if year < 2024 else list(SECOND_VERSION_CUTOFFS)
    assert result == expected


@pytest.mark.parametrize("year", [2019, 2024])
def test_scores_of_a_year_are_classed_with_its_cutoffs(two_versions: Warehouse, year: int):
    rows = two_versions.query(
        "select total_points, class from marts.county_scores where evaluation_year = ?", [year]
    )
    cutoffs = FIRST_CUTOFFS if year < 2024 else list(SECOND_VERSION_CUTOFFS)

    def class_of(points: float) -> str:
        return next(code for code, min_score, _ in cutoffs if points >= min_score)

    result = [cls for _, cls in rows]
    expected = [class_of(points) for points, _ in rows]
    assert result == expected


@pytest.mark.parametrize("year", [2019, 2024])
def test_framework_of_a_year_is_its_versions_tree(two_versions: Warehouse, year: int):
    result = sorted(
        two_versions.query(
            "select methodology_version, node_code, parent_code, node_type, name_zh, weight, "
            "sort_order from marts.framework_by_year where evaluation_year = ?",
            [year],
        ),
        key=str,
    )
    expected = sorted(
        (
            row["methodology_version"],
            row["node_code"],
            row["parent_code"] or None,
            row["node_type"],
            row["name_zh"],
            float(row["weight"]),
            int(row["sort_order"]),
        )
        for row in read_rows(two_versions.folder / "framework.csv")
        if row["methodology_version"] == version_of(year)
    )
    assert result == sorted(expected, key=str)


def test_max_points_of_the_indicators_add_up_to_the_scale(two_versions: Warehouse):
    result = two_versions.query(
        "select evaluation_year, round(sum(max_points), 9) from marts.framework_by_year "
        "where node_type = 'indicator' group by all order by 1"
    )
    expected = [(year, 100.0) for year in range(2018, 2025)]
    assert result == expected


@pytest.mark.parametrize("year", [2019, 2024])
def test_indicators_of_a_year_hold_their_goalposts_and_formula(two_versions: Warehouse, year: int):
    result = sorted(
        two_versions.query(
            "select indicator_code, methodology_version, formula, unit, lower_goalpost, "
            "upper_goalpost, published from marts.indicators_by_year where evaluation_year = ?",
            [year],
        )
    )
    goalposts = {
        row["indicator_code"]: (float(row["lower_goalpost"]), float(row["upper_goalpost"]))
        for row in read_rows(two_versions.folder / "goalposts.csv")
        if row["methodology_version"] == version_of(year)
    }
    expected = sorted(
        (
            row["indicator_code"],
            version_of(year),
            row["formula"],
            row["unit"],
            *goalposts[row["indicator_code"]],
            row["published"] == "yes",
        )
        for row in read_rows(two_versions.folder / "indicators.csv")
        if row["methodology_version"] == version_of(year)
    )
    assert result == expected


def test_units_of_each_year_follow_the_division_changes(two_versions: Warehouse):
    result = two_versions.query(
        "select evaluation_year, count(*), count(unit_name_pinyin), "
        "count(*) filter (where unit_code = '130503' and unit_name = '信都区') "
        "from marts.units_by_year group by all order by 1"
    )
    expected = [(year, 168, 168, 0) for year in (2018, 2019, 2020)] + [
        (year, 167, 167, 1) for year in range(2021, 2025)
    ]
    assert result == expected


def test_award_rules_of_each_year(two_versions: Warehouse):
    result = two_versions.query(
        "select evaluation_year, list(rule_code order by rule_code) "
        "from marts.award_rules_by_year group by all order by 1"
    )
    rules = sorted(row["rule_code"] for row in read_rows(two_versions.folder / "award_rules.csv"))
    expected = [(year, rules) for year in range(2018, 2025)]
    assert result == expected


def test_publishing_takes_the_methodology_of_the_years_published(
    two_versions: Warehouse, tmp_path: Path
):
    mart_db = tmp_path / "mart.duckdb"
    for year in (2019, 2024):
        publish_year(two_versions.work_db, mart_db, year)
    with duckdb.connect(str(mart_db), read_only=True) as con:
        years = {
            table: con.execute(
                f"select list(distinct evaluation_year order by evaluation_year) from {table}"
            ).fetchone()[0]
            for table in METHODOLOGY_TABLES
        }
        cutoffs = con.execute(
            "select evaluation_year, class_code, min_score from class_cutoffs_by_year "
            "order by evaluation_year, class_rank"
        ).fetchall()
    result = (years, cutoffs)
    expected = (
        {table: [2019, 2024] for table in METHODOLOGY_TABLES},
        [(2019, code, score) for code, score, _ in FIRST_CUTOFFS]
        + [(2024, code, score) for code, score, _ in SECOND_VERSION_CUTOFFS],
    )
    assert result == expected


def test_rebuilding_a_year_after_a_new_cutoff_leaves_earlier_years_alone(
    two_versions: Warehouse, tmp_path: Path
):
    folder = shutil.copytree(two_versions.folder, tmp_path / "dataset")
    work_db = tmp_path / "work.duckdb"
    shutil.copyfile(two_versions.work_db, work_db)
    cutoffs = read_rows(folder / "class_cutoffs.csv")
    for row in cutoffs:
        if row["methodology_version"] == SECOND_VERSION and row["class_code"] == "A":
            row["min_score"] = "90"
    write_rows(folder / "class_cutoffs.csv", cutoffs)
    build(folder, work_db, [2024])
    with duckdb.connect(str(work_db), read_only=True) as con:
        result = con.execute(
            "select evaluation_year, min_score from marts.class_cutoffs_by_year "
            "where class_code = 'A' and evaluation_year in (2019, 2023, 2024) order by 1"
        ).fetchall()
    assert result == [(2019, 80.0), (2023, 80.0), (2024, 90.0)]
