"""Write-audit-publish on real DuckDB files: years kept, atomic swap, readers never blocked."""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import pytest

from orchestration.warehouse.publish import (
    publish_year,
    publish_years,
    published_years,
    recover_publication,
)


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


def stored_keys(mart: Path, table: str) -> list[tuple]:
    """(evaluation_year, county_code) of a table's rows in the order they are stored."""
    with duckdb.connect(str(mart), read_only=True) as con:
        return con.execute(
            f"select evaluation_year, county_code from {table} order by rowid"
        ).fetchall()


def test_published_tables_are_laid_out_for_the_questions_asked(tmp_path: Path) -> None:
    """By county then year (one county's history), unless a table is asked about one year at
    a time (`sort_keys`: county_transitions, "who leapt a class in 2024")."""
    work, mart = tmp_path / "work.duckdb", tmp_path / "mart.duckdb"
    make_work_db(work, {})
    with duckdb.connect(str(work)) as con:
        for table in ("county_scores", "county_transitions"):
            con.execute(
                f"insert into marts.{table} values (2019, '130104', 1), (2018, '130104', 2), "
                "(2019, '130102', 3), (2018, '130102', 4)"
            )
    publish_years(work, mart, [2018, 2019], sort_keys={"county_transitions": ["evaluation_year"]})

    result = {table: stored_keys(mart, table) for table in ("county_scores", "county_transitions")}
    expected = {
        "county_scores": [(2018, "130102"), (2019, "130102"), (2018, "130104"), (2019, "130104")],
        "county_transitions": [
            (2018, "130102"), (2018, "130104"), (2019, "130102"), (2019, "130104"),
        ],
    }  # fmt: skip
    assert result == expected


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


def test_publishing_several_years_writes_each_once_in_one_version(tmp_path: Path) -> None:
    work, mart, parquet = tmp_path / "work.duckdb", tmp_path / "mart.duckdb", tmp_path / "pq"
    make_work_db(work, {2018: 40.0, 2019: 50.0, 2020: 60.0})
    summary = publish_years(
        work, mart, [2018, 2019], gate_status={2018: "passed", 2019: "passed with warnings"},
        parquet_dir=parquet, run_id="r1",
    )  # fmt: skip

    with duckdb.connect(str(mart), read_only=True) as con:
        log = con.execute(
            "select evaluation_year, run_id, gate_status from publication_log order by 1"
        ).fetchall()
    assert summary.years_republished == (2018, 2019)
    assert rows(mart, "county_scores") == [(2018, "130102", 40.0), (2019, "130102", 50.0)]
    assert log == [(2018, "r1", "passed"), (2019, "r1", "passed with warnings")]
    assert sorted(path.name for path in tmp_path.iterdir() if "publishing" in path.name) == []


@pytest.mark.parametrize(
    ("committed", "expected_total"),
    [(False, 40.0), (True, 45.0)],
    ids=["killed before the commit point", "killed after the commit point"],
)
def test_an_interrupted_publication_is_undone_or_finished(
    tmp_path: Path, committed: bool, expected_total: float
) -> None:
    work, mart, parquet = tmp_path / "work.duckdb", tmp_path / "mart.duckdb", tmp_path / "pq"
    make_work_db(work, {2018: 40.0})
    publish_years(work, mart, [2018], parquet_dir=parquet)
    # what a run killed during its next publication leaves: the new mart and Parquet written
    # beside the old ones, and, after the commit point, the journal
    make_work_db(work, {2018: 45.0})
    publish_years(work, tmp_path / "next.duckdb", [2018], parquet_dir=tmp_path / "next_pq")
    os.replace(tmp_path / "next.duckdb", tmp_path / "mart.duckdb.publishing")
    os.replace(tmp_path / "next_pq", tmp_path / "pq.publishing")
    if committed:
        (tmp_path / "mart.duckdb.commit").write_text(json.dumps({"parquet_dir": str(parquet)}))

    recover_publication(mart, parquet)

    with duckdb.connect() as con:
        from_parquet = con.execute(
            f"select total_points from '{parquet}/county_scores.parquet'"
        ).fetchall()
    assert rows(mart, "county_scores") == [(2018, "130102", expected_total)]
    assert from_parquet == [(expected_total,)]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["mart.duckdb", "pq", "work.duckdb"]
