"""Write-audit-publish: copy a year that passed the gate from the working database into the
published mart, atomically.

The published mart is never opened for writing. A new file is built beside it from the previous
mart and the working database, then renamed over it: analysts who hold the old file open keep
reading a complete old version, new connections see the complete new one, and a run that never
reaches this step leaves the published file byte for byte as it was.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

PUBLICATION_LOG = "publication_log"


@dataclass(frozen=True)
class PublishSummary:
    """What a publish wrote."""

    evaluation_year: int
    mart_db: Path
    tables: dict[str, int]
    years_republished: tuple[int, ...]


def _tables(con: duckdb.DuckDBPyConnection, catalog: str, schema: str) -> list[str]:
    rows = con.execute(
        "select table_name from duckdb_tables() where database_name = ? and schema_name = ? "
        "order by table_name",
        [catalog, schema],
    ).fetchall()
    return [row[0] for row in rows]


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str) -> set[str]:
    rows = con.execute(
        "select column_name from duckdb_columns() "
        "where database_name = ? and schema_name = ? and table_name = ?",
        [catalog, schema, table],
    ).fetchall()
    return {row[0] for row in rows}


def published_years(mart_db: Path) -> list[int]:
    """Evaluation years present in the publication log of a published mart."""
    if not mart_db.exists():
        return []
    with duckdb.connect(str(mart_db), read_only=True) as con:
        catalog = con.execute("select current_database()").fetchone()[0]
        if PUBLICATION_LOG not in _tables(con, catalog, "main"):
            return []
        rows = con.execute(f"select distinct evaluation_year from {PUBLICATION_LOG} order by 1")
        return [row[0] for row in rows.fetchall()]


def publish_year(
    work_db: Path,
    mart_db: Path,
    evaluation_year: int,
    *,
    source_schema: str = "marts",
    tables_following_year: Iterable[str] = (),
    run_id: str | None = None,
    gate_status: str = "passed",
    parquet_dir: Path | None = None,
) -> PublishSummary:
    """Publish one evaluation year of the working marts into the published mart.

    Rows of other years are kept from the previous mart. Tables that compare a year with the one
    before (`tables_following_year`) also take the next year's rows when that year is already
    published, because they changed with this year's figures. Tables without an
    `evaluation_year` column are replaced whole.
    """
    mart_db.parent.mkdir(parents=True, exist_ok=True)
    staging_file = mart_db.with_name(mart_db.name + ".publishing")
    staging_file.unlink(missing_ok=True)
    already_published = set(published_years(mart_db))
    following = set(tables_following_year)
    written: dict[str, int] = {}
    republished: set[int] = {evaluation_year}

    con = duckdb.connect(str(staging_file))
    try:
        con.execute(f"attach '{work_db}' as work (read_only)")
        has_previous = mart_db.exists()
        if has_previous:
            con.execute(f"attach '{mart_db}' as previous (read_only)")
        previous_tables = set(_tables(con, "previous", "main")) if has_previous else set()

        for table in _tables(con, "work", source_schema):
            source = f'work.{source_schema}."{table}"'
            if "evaluation_year" not in _columns(con, "work", source_schema, table):
                con.execute(f'create table main."{table}" as select * from {source}')
            else:
                years = {evaluation_year}
                if table in following and evaluation_year + 1 in already_published:
                    years.add(evaluation_year + 1)
                    republished.add(evaluation_year + 1)
                year_list = ", ".join(str(year) for year in sorted(years))
                fresh = f"select * from {source} where evaluation_year in ({year_list})"
                if table in previous_tables:
                    kept = (
                        f'select * from previous.main."{table}" '
                        f"where evaluation_year not in ({year_list})"
                    )
                    con.execute(
                        f'create table main."{table}" as '
                        f"{kept} union all by name {fresh} order by evaluation_year"
                    )
                else:
                    con.execute(f'create table main."{table}" as {fresh}')
            written[table] = con.execute(f'select count(*) from main."{table}"').fetchone()[0]

        log_rows = (
            f"select * from previous.main.{PUBLICATION_LOG} "
            f"where evaluation_year != {evaluation_year}"
            if PUBLICATION_LOG in previous_tables
            else None
        )
        con.execute(
            f"create table main.{PUBLICATION_LOG} ("
            "evaluation_year integer, published_at timestamp, run_id varchar, gate_status varchar)"
        )
        if log_rows:
            con.execute(f"insert into main.{PUBLICATION_LOG} {log_rows}")
        con.execute(
            f"insert into main.{PUBLICATION_LOG} values (?, ?, ?, ?)",
            [evaluation_year, datetime.now(UTC).replace(tzinfo=None), run_id, gate_status],
        )
        con.execute("detach work")
        if has_previous:
            con.execute("detach previous")
        con.execute("checkpoint")
    finally:
        con.close()

    with open(staging_file, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(staging_file, mart_db)
    if parquet_dir is not None:
        export_parquet(mart_db, parquet_dir)
    return PublishSummary(evaluation_year, mart_db, written, tuple(sorted(republished)))


def export_parquet(mart_db: Path, parquet_dir: Path) -> list[Path]:
    """One Parquet file per published table, for tools that do not speak DuckDB.

    Written into a fresh folder that is then swapped in, so a reader never sees half the files.
    """
    parquet_dir.parent.mkdir(parents=True, exist_ok=True)
    fresh = parquet_dir.with_name(parquet_dir.name + ".publishing")
    if fresh.exists():
        shutil.rmtree(fresh)
    fresh.mkdir()
    written = []
    with duckdb.connect(str(mart_db), read_only=True) as con:
        catalog = con.execute("select current_database()").fetchone()[0]
        for table in _tables(con, catalog, "main"):
            target = fresh / f"{table}.parquet"
            con.execute(f"copy main.\"{table}\" to '{target}' (format parquet)")
            written.append(parquet_dir / target.name)
    swap_in_folder(fresh, parquet_dir)
    return written


def swap_in_folder(fresh: Path, target: Path) -> None:
    """Put a fully written folder in place of `target` with two renames, so that a reader
    finds either the old folder or the new one, never half of one."""
    retired = target.with_name(target.name + ".retired")
    if retired.exists():
        shutil.rmtree(retired)
    if target.exists():
        os.replace(target, retired)
    os.replace(fresh, target)
    if retired.exists():
        shutil.rmtree(retired)
