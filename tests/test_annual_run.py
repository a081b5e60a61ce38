"""The README's main job, end to end on the demo data, against the published provincial results."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from tests.conftest import PROJECT_ROOT, copy_warehouse, run_leap

YEARS = list(range(2018, 2025))
# Tolerances of the calibration target (issue 2): counts within 2, means within 1.0 point,
# leaps within 3, score_up and rank_up within 5.
TOLERANCES = {
    "units": 0,
    "class_a": 2,
    "class_b": 2,
    "class_c": 2,
    "mean_score": 1.0,
    "class_leaps": 3,
    "demotions": 2,
    "score_up": 5,
    "rank_up": 5,
}


def published_figures() -> list[tuple[int, str, float]]:
    """(evaluation_year, figure, value) for every figure the province published."""
    rows = csv.DictReader(open(PROJECT_ROOT / "seeds" / "published_results.csv", encoding="utf-8"))
    return [
        (int(row["evaluation_year"]), figure, float(row[figure]))
        for row in rows
        for figure in TOLERANCES
        if row[figure].strip()
    ]


def mart(warehouse: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(warehouse / "mart.duckdb"), read_only=True)


def test_main_job_publishes_every_year_and_prints_the_summary(demo_warehouse: Path) -> None:
    log = (demo_warehouse / "leap_run.log").read_text(encoding="utf-8")
    with mart(demo_warehouse) as con:
        result = [
            row[0]
            for row in con.execute(
                "select evaluation_year from province_summary order by 1"
            ).fetchall()
        ]
        logged = [
            row[0]
            for row in con.execute(
                "select evaluation_year from publication_log order by 1"
            ).fetchall()
        ]
    assert result == YEARS
    assert logged == YEARS
    assert "Province summary" in log
    assert "evaluation years 2018-2024: published" in log


def test_the_console_is_readable_and_the_full_log_is_a_file(demo_warehouse: Path) -> None:
    console = (demo_warehouse / "leap_run.log").read_text(encoding="utf-8")
    errors = (demo_warehouse / "leap_run.err").read_text(encoding="utf-8")
    lines = console.splitlines()
    log_files = sorted((demo_warehouse / "logs").glob("run-*.log"))
    per_year = [line for line in lines if line.strip().startswith(("ingest 20", "uncertainty 20"))]

    assert len(lines) < 80
    assert errors == ""
    assert "Warning" not in console and "DEBUG" not in console
    assert len(per_year) == 2 * len(YEARS)
    assert len(log_files) == 1 and f"full log: {log_files[0]}" in console
    assert "dbt: Finished running node" in log_files[0].read_text(encoding="utf-8")


@pytest.mark.parametrize(("year", "figure", "expected"), published_figures())
def test_province_summary_reproduces_published_results(
    demo_warehouse: Path, year: int, figure: str, expected: float
) -> None:
    with mart(demo_warehouse) as con:
        (result,) = con.execute(
            f"select {figure} from province_summary where evaluation_year = ?", [year]
        ).fetchone()
    assert result == pytest.approx(expected, abs=TOLERANCES[figure])


YEAR_OVER_YEAR_FIGURES = [
    "class_leaps",
    "leaps_c_to_b",
    "leaps_b_to_a",
    "leaps_c_to_a",
    "demotions",
    "score_up",
    "rank_up",
    "rank_up_10_plus",
    "rank_up_5_9",
    "rank_up_1_4",
    "rank_down",
    "units_at_best_rank_ever",
]


def test_the_first_year_has_no_year_over_year_figures(demo_warehouse: Path) -> None:
    """2018 has no previous year: its movements are NULL (not applicable), not 0 (a claim that
    nobody leapt); from 2019 on they are counted."""
    with mart(demo_warehouse) as con:
        rows = con.execute(
            f"select evaluation_year, {', '.join(YEAR_OVER_YEAR_FIGURES)}, "
            "units_with_previous_year from province_summary order by 1"
        ).fetchall()
    result = {
        year: ([value is None for value in figures], previous) for year, *figures, previous in rows
    }
    expected = {
        year: (
            [year == 2018] * len(YEAR_OVER_YEAR_FIGURES),
            0 if year == 2018 else 168 if year <= 2020 else 167,
        )
        for year in YEARS
    }
    assert result == expected


def test_county_scores_contract(demo_warehouse: Path) -> None:
    with mart(demo_warehouse) as con:
        columns = {
            row[0]
            for row in con.execute(
                "select column_name from duckdb_columns() where table_name = 'county_scores'"
            ).fetchall()
        }
        per_year = dict(
            con.execute("select evaluation_year, count(*) from county_scores group by 1").fetchall()
        )
        bad_class = con.execute("""
            select count(*) from county_scores
            where class != case when total_points >= 80 then 'A'
                                when total_points >= 60 then 'B' else 'C' end
        """).fetchone()[0]
        dimension_gap = con.execute("""
            select max(abs(points_input + points_actors + points_conditions + points_output
                           + points_management - total_points))
            from county_scores
        """).fetchone()[0]
    expected_columns = {
        "evaluation_year",
        "county_code",
        "county_name",
        "city_name",
        "total_points",
        "province_rank",
        "class",
        "points_i1",
        "points_m3",
        "points_input",
        "points_management",
    }
    assert expected_columns <= columns
    assert per_year == {year: 168 if year <= 2020 else 167 for year in YEARS}
    assert bad_class == 0
    assert dimension_gap < 1e-9


def test_transitions_follow_division_changes(demo_warehouse: Path) -> None:
    with mart(demo_warehouse) as con:
        rows = con.execute("""
            select county_code, previous_county_code, succession
            from county_transitions
            where evaluation_year = 2021 and county_code in ('130502', '130503', '130505', '130506')
            order by county_code
        """).fetchall()
        abolished = con.execute(
            "select count(*) from county_scores "
            "where county_code = '130521' and evaluation_year >= 2021"
        ).fetchone()[0]
    assert rows == [
        ("130502", "130502", "renamed"),
        ("130503", "130503", "renamed"),
        ("130505", "130526", "county_to_district"),
        ("130506", "130527", "county_to_district"),
    ]
    assert abolished == 0


def test_rerunning_one_year_changes_only_that_year(demo_warehouse: Path, tmp_path: Path) -> None:
    warehouse = copy_warehouse(demo_warehouse, tmp_path / "warehouse")  # the shared one: read only
    with mart(warehouse) as con:
        before = con.execute(
            "select * from county_scores where evaluation_year != 2021 order by all"
        ).fetchall()
    completed = run_leap(warehouse, "run", "--years", "2021")
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    with mart(warehouse) as con:
        after = con.execute(
            "select * from county_scores where evaluation_year != 2021 order by all"
        ).fetchall()
        logged = con.execute(
            "select count(*) from publication_log where evaluation_year = 2021"
        ).fetchone()[0]
    assert after == before
    assert logged == 1
