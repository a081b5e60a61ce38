"""One scoring engine: on the demo data, the demo generator (what it calibrated on), the
uncertainty engine's nominal run (from what the pipeline ingested) and dbt (the published
`county_scores`) give every county of every year the same total, rank and class.

The warehouse is the README's main job on the demo inbox (`leap run --demo`, the shared
`demo_warehouse`); the demo's scores are those of the simulation it wrote (the default seed).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.demo.simulation import DEFAULT_SEED, simulate
from orchestration.uncertainty import read_framework, read_year_values, score_year

YEARS = list(range(2018, 2025))
# Totals agree to the last digits only: the three add the same points in other orders.
TOTAL_TOLERANCE = 1e-9

Scores = dict[str, tuple[float, int, str]]  # county code -> (total, rank, class)


def demo_scores(evaluation_year: int) -> Scores:
    simulation = simulate(DEFAULT_SEED)
    year = next(y for y in simulation.years.values() if y.evaluation_year == evaluation_year)
    scores = year.scores
    return {
        code: (float(scores.totals[i]), int(scores.ranks[i]), scores.classes[i])
        for i, code in enumerate(scores.unit_codes)
    }


def engine_scores(work_db: Path, evaluation_year: int) -> Scores:
    with duckdb.connect(str(work_db), read_only=True) as con:
        year = read_year_values(con, evaluation_year)
        framework = read_framework(con, year.methodology_version, year.indicator_codes)
    scores = score_year(year.values, framework, year.context)
    classes = scores.class_codes()
    return {
        code: (float(scores.totals[i]), int(scores.ranks[i]), classes[i])
        for i, code in enumerate(year.county_codes)
    }


def dbt_scores(mart_db: Path, evaluation_year: int) -> Scores:
    with duckdb.connect(str(mart_db), read_only=True) as con:
        rows = con.execute(
            "select county_code, total_points, province_rank, class from county_scores "
            "where evaluation_year = ?",
            [evaluation_year],
        ).fetchall()
    return {code: (float(total), int(rank), klass) for code, total, rank, klass in rows}


def differences(name: str, found: Scores, reference: Scores) -> list[str]:
    """Every county whose total, rank or class differs from the reference's, described."""
    if set(found) != set(reference):
        return [f"{name}: counties {sorted(set(found) ^ set(reference))} on one side only"]
    described = []
    for code, (total, rank, klass) in sorted(reference.items()):
        other_total, other_rank, other_class = found[code]
        if abs(other_total - total) > TOTAL_TOLERANCE or (other_rank, other_class) != (rank, klass):
            described.append(f"{name} {code}: {found[code]}, dbt {reference[code]}")
    return described


@pytest.mark.parametrize("evaluation_year", YEARS)
def test_demo_engine_and_dbt_give_the_same_nominal_scores(
    demo_warehouse: Path, evaluation_year: int
) -> None:
    reference = dbt_scores(demo_warehouse / "mart.duckdb", evaluation_year)
    result = differences("demo", demo_scores(evaluation_year), reference) + differences(
        "engine", engine_scores(demo_warehouse / "work.duckdb", evaluation_year), reference
    )
    expected: list[str] = []
    assert result == expected


def test_the_years_compared_have_every_class(demo_warehouse: Path) -> None:
    """The comparison means something: every year has the province's counties in A, B and C
    (so ranks and classes are not trivially equal)."""
    scores = {year: dbt_scores(demo_warehouse / "mart.duckdb", year) for year in YEARS}
    result = {
        year: (len(found), sorted({klass for _, _, klass in found.values()}))
        for year, found in scores.items()
    }
    expected = {year: (168 if year <= 2020 else 167, ["A", "B", "C"]) for year in YEARS}
    assert result == expected
