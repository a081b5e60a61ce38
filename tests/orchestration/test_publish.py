"""Write-audit-publish on real DuckDB files: years kept, atomic swap, readers never blocked."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.warehouse.publish import publish_year, published_years


def make_work_db(path: Path, scores: dict[int, float]) -> None:
    """A working database whose marts hold one row per year with the given total."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists marts")
        con.execute(
            "create or replace table marts.county_scores "
            "(evaluation_year integer, county_code varchar, total_points double)"
        )
        con.execute(
            "create or replace table marts.county_transitions "
            "(evaluation_year integer, county_code varchar, score_change double)"
        )
        con.execute("create or replace table marts.indicator_catalogue (indicator_code varchar)")
        for year, total in scores.items():
            con.execute("insert into marts.county_scores values (?, '130102', ?)", [year, total])
            con.execute(
                "insert into marts.county_transitions values (?, '130102', ?)", [year, total]
            )
        con.execute("insert into marts.indicator_catalogue values ('I1')")


def rows(mart: Path, table: str) -> list[tuple]:
    with duckdb.connect(str(mart), read_only=True) as con:
        return con.execute(f"select * from {table} order by all").fetchall()


def test_publishing_a_year_keeps_the_other_published_years(tmp_path: Path) -> None:
    work, mart = tmp_path / "work.duckdb", tmp_path / "mart.duckdb"
    make_work_db(work, {2018: 40.0, 2019: 50.0})
    publish_year(work, mart, 2018)
    make_work_db(work, {2018: 99.0, 2019: 50.0})  # an unpublished change to 2018 in the work db
    summary = publish_year(work, mart, 2019)

    assert rows(mart, "county_scores") == [(2018, "130102", 40.0), (2019, "130102", 50.0)]
    assert rows(mart, "indicator_catalogue") == [("I1",)]
    assert published_years(mart) == [2018, 2019]
    assert summary.years_republished == (2019,)


def test_correcting_a_year_republishes_the_next_years_transitions(tmp_path: Path) -> None:
    work, mart = tmp_path / "work.duckdb", tmp_path / "mart.duckdb"
    make_work_db(work, {2018: 40.0, 2019: 50.0})
    publish_year(work, mart, 2018, tables_following_year=["county_transitions"])
    publish_year(work, mart, 2019, tables_following_year=["county_transitions"])
    make_work_db(work, {2018: 45.0, 2019: 55.0})
    summary = publish_year(work, mart, 2018, tables_following_year=["county_transitions"])

    assert summary.years_republished == (2018, 2019)
    assert rows(mart, "county_transitions") == [(2018, "130102", 45.0), (2019, "130102", 55.0)]
    # scores of 2019 are not re-published by a correction of 2018
    assert rows(mart, "county_scores") == [(2018, "130102", 45.0), (2019, "130102", 50.0)]


def test_a_reader_connected_during_publish_keeps_a_complete_version(tmp_path: Path) -> None:
    work, mart = tmp_path / "work.duckdb", tmp_path / "mart.duckdb"
    make_work_db(work, {2018: 40.0})
    publish_year(work, mart, 2018)

    reader = duckdb.connect(str(mart), read_only=True)
    try:
        make_work_db(work, {2018: 40.0, 2019: 50.0})
        publish_year(work, mart, 2019)  # must not wait for, nor disturb, the open reader
        result = reader.execute("select count(*) from county_scores").fetchone()[0]
    finally:
        reader.close()
    assert result == 1
    assert rows(mart, "county_scores") == [(2018, "130102", 40.0), (2019, "130102", 50.0)]


def test_parquet_export_holds_every_published_table(tmp_path: Path) -> None:
    work, mart, parquet = tmp_path / "work.duckdb", tmp_path / "mart.duckdb", tmp_path / "pq"
    make_work_db(work, {2018: 40.0})
    publish_year(work, mart, 2018, parquet_dir=parquet)

    result = sorted(path.name for path in parquet.iterdir())
    expected = [
        "county_scores.parquet",
        "county_transitions.parquet",
        "indicator_catalogue.parquet",
        "publication_log.parquet",
    ]
    assert result == expected
    with duckdb.connect() as con:
        total = con.execute(
            f"select total_points from '{parquet}/county_scores.parquet'"
        ).fetchone()
    assert total == pytest.approx((40.0,))
