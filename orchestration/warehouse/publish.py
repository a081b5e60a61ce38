"""Write-audit-publish: copy a year that passed the gate from the working database into the
published mart, atomically.

The published mart is never opened for writing. A new file is built beside it from the previous
mart and the working database, then renamed over it: analysts who hold the old file open keep
reading a complete old version, new connections see the complete new one, and a run that never
reaches this step leaves the published file byte for byte as it was. The Parquet export is
written beside the new mart before either replaces the old: a journal file marks the commit
point, so that a crash or a kill leaves the mart and the Parquet one version (the next run, or
`recover_publication`, finishes or undoes what was interrupted).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

PUBLICATION_LOG = "publication_log"
# The keys published tables are sorted by, the ones they have, in this order.
SORT_KEYS = ("county_code", "evaluation_year", "indicator_code", "gated_table", "rule", "factor")


@dataclass(frozen=True)
class PublishSummary:
    """What a publish wrote."""

    evaluation_years: tuple[int, ...]
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


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str) -> list[str]:
    rows = con.execute(
        "select column_name from duckdb_columns() "
        "where database_name = ? and schema_name = ? and table_name = ? order by column_index",
        [catalog, schema, table],
    ).fetchall()
    return [row[0] for row in rows]


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


def _sort_order(columns: list[str], keys: Sequence[str] = ()) -> str:
    """Rows laid out for the questions analysts ask: by default one county's rows over the
    years sit together (DuckDB skips the row groups of other counties), then by year; a table
    asked about one year at a time (`keys`, e.g. evaluation_year first) is laid out by those."""
    leading = [key for key in keys if key in columns]
    ordered = leading + [key for key in SORT_KEYS if key in columns and key not in leading]
    return ", ".join(ordered) if ordered else "all"


def publish_year(work_db: Path, mart_db: Path, evaluation_year: int, **options) -> PublishSummary:
    """Publish one evaluation year (see `publish_years`)."""
    return publish_years(work_db, mart_db, [evaluation_year], **options)


def publish_years(
    work_db: Path,
    mart_db: Path,
    evaluation_years: Iterable[int],
    *,
    source_schema: str = "marts",
    tables_following_year: Iterable[str] = (),
    sort_keys: Mapping[str, Sequence[str]] | None = None,
    run_id: str | None = None,
    gate_status: str | Mapping[int, str] = "passed",
    parquet_dir: Path | None = None,
) -> PublishSummary:
    """Publish evaluation years of the working marts into the published mart, atomically
    together with its Parquet export.

    Rows of other years are kept from the previous mart. Tables that compare a year with the one
    before (`tables_following_year`) also take the next year's rows when that year is already
    published, because they changed with this year's figures. Each table is sorted by its
    `sort_keys` (table name to leading columns), then by county and year. Tables without an
    `evaluation_year` column are replaced whole. `gate_status` is the quality gate's verdict,
    one for all years or per year, recorded in the publication log.
    """
    years = sorted(set(evaluation_years))
    mart_db.parent.mkdir(parents=True, exist_ok=True)
    recover_publication(mart_db, parquet_dir)
    staging_file = _staging(mart_db)
    staging_file.unlink(missing_ok=True)
    already_published = set(published_years(mart_db))
    statuses = (
        gate_status if isinstance(gate_status, Mapping) else dict.fromkeys(years, gate_status)
    )

    con = duckdb.connect(str(staging_file))
    try:
        con.execute(f"attach '{work_db}' as work (read_only)")
        if mart_db.exists():
            con.execute(f"attach '{mart_db}' as previous (read_only)")
        written, republished = _copy_tables(
            con,
            source_schema,
            years,
            set(tables_following_year),
            already_published,
            sort_keys or {},
        )
        _write_publication_log(con, years, run_id, statuses)
        written[PUBLICATION_LOG] = con.execute(
            f"select count(*) from main.{PUBLICATION_LOG}"
        ).fetchone()[0]
        con.execute("detach work")
        if mart_db.exists():
            con.execute("detach previous")
        con.execute("checkpoint")
    finally:
        con.close()
    _fsync(staging_file)
    fresh_parquet = None
    if parquet_dir is not None:
        fresh_parquet = _export_parquet_folder(staging_file, _staging(parquet_dir))
    _commit(mart_db, parquet_dir, fresh_parquet is not None)
    return PublishSummary(tuple(years), mart_db, written, tuple(sorted(republished)))


def _copy_tables(
    con: duckdb.DuckDBPyConnection,
    source_schema: str,
    years: list[int],
    following: set[str],
    already_published: set[int],
    sort_keys: Mapping[str, Sequence[str]],
) -> tuple[dict[str, int], set[int]]:
    """Every table of the working marts into the new mart: the years published now from the
    working database, the other years from the previous mart."""
    previous_tables = set(_tables(con, "previous", "main")) if _attached(con, "previous") else set()
    written: dict[str, int] = {}
    republished: set[int] = set(years)
    for table in _tables(con, "work", source_schema):
        source = f'work.{source_schema}."{table}"'
        columns = _columns(con, "work", source_schema, table)
        order = _sort_order(columns, sort_keys.get(table, ()))
        if "evaluation_year" not in columns:
            con.execute(f'create table main."{table}" as select * from {source} order by {order}')
        else:
            table_years = set(years)
            if table in following:
                next_years = {year + 1 for year in years} & already_published
                table_years |= next_years
                republished |= next_years
            year_list = ", ".join(str(year) for year in sorted(table_years))
            fresh = f"select * from {source} where evaluation_year in ({year_list})"
            if table in previous_tables:
                kept = (
                    f'select * from previous.main."{table}" '
                    f"where evaluation_year not in ({year_list})"
                )
                fresh = f"{kept} union all by name {fresh}"
            con.execute(f'create table main."{table}" as {fresh} order by {order}')
        written[table] = con.execute(f'select count(*) from main."{table}"').fetchone()[0]
    return written, republished


def _attached(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    rows = con.execute("select database_name from duckdb_databases()").fetchall()
    return any(row[0] == name for row in rows)


def _write_publication_log(
    con: duckdb.DuckDBPyConnection,
    years: list[int],
    run_id: str | None,
    statuses: Mapping[int, str],
) -> None:
    con.execute(
        f"create table main.{PUBLICATION_LOG} ("
        "evaluation_year integer, published_at timestamp, run_id varchar, gate_status varchar)"
    )
    if _attached(con, "previous") and PUBLICATION_LOG in _tables(con, "previous", "main"):
        year_list = ", ".join(str(year) for year in years)
        con.execute(
            f"insert into main.{PUBLICATION_LOG} select * from previous.main.{PUBLICATION_LOG} "
            f"where evaluation_year not in ({year_list})"
        )
    published_at = datetime.now(UTC).replace(tzinfo=None)
    for year in years:
        con.execute(
            f"insert into main.{PUBLICATION_LOG} values (?, ?, ?, ?)",
            [year, published_at, run_id, statuses.get(year, "passed")],
        )


# --- one version of mart and Parquet, or the other --------------------------------------------


def _staging(path: Path) -> Path:
    return path.with_name(path.name + ".publishing")


def _journal(mart_db: Path) -> Path:
    return mart_db.with_name(mart_db.name + ".commit")


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _commit(mart_db: Path, parquet_dir: Path | None, with_parquet: bool) -> None:
    """The commit point: once the journal exists, the new mart and Parquet replace the old ones
    (now, or by `recover_publication` after a crash); before it, nothing has changed."""
    journal = _journal(mart_db)
    pending = journal.with_name(journal.name + ".tmp")
    pending.write_text(
        json.dumps({"parquet_dir": str(parquet_dir) if with_parquet else None}), encoding="utf-8"
    )
    _fsync(pending)
    os.replace(pending, journal)
    _apply(mart_db, parquet_dir if with_parquet else None)


def _apply(mart_db: Path, parquet_dir: Path | None) -> None:
    staging_file = _staging(mart_db)
    if staging_file.exists():
        os.replace(staging_file, mart_db)
    if parquet_dir is not None and _staging(parquet_dir).exists():
        swap_in_folder(_staging(parquet_dir), parquet_dir)
    _journal(mart_db).unlink(missing_ok=True)


def recover_publication(mart_db: Path, parquet_dir: Path | None = None) -> str | None:
    """Finish or undo a publication that a crash or kill interrupted, so that the mart and its
    Parquet export are again one version: after the commit point it is completed, before it
    the half-written files are removed. Returns what was done, or None."""
    journal = _journal(mart_db)
    if journal.exists():
        recorded = json.loads(journal.read_text(encoding="utf-8") or "{}")
        folder = recorded.get("parquet_dir")
        _apply(mart_db, Path(folder) if folder else None)
        return "completed an interrupted publication"
    journal.with_name(journal.name + ".tmp").unlink(missing_ok=True)
    leftovers = [_staging(mart_db)] + ([_staging(parquet_dir)] if parquet_dir else [])
    removed = False
    for path in leftovers:
        if path.is_dir():
            shutil.rmtree(path)
            removed = True
        elif path.exists():
            path.unlink()
            removed = True
    if parquet_dir is not None:
        retired = parquet_dir.with_name(parquet_dir.name + ".retired")
        if retired.exists() and not parquet_dir.exists():
            os.replace(retired, parquet_dir)
            removed = True
    return "removed the files of an interrupted publication" if removed else None


def export_parquet(mart_db: Path, parquet_dir: Path) -> list[Path]:
    """One Parquet file per published table, for tools that do not speak DuckDB; written into
    a fresh folder that is then swapped in, so a reader never sees half the files."""
    fresh = _export_parquet_folder(mart_db, _staging(parquet_dir))
    swap_in_folder(fresh, parquet_dir)
    return sorted(parquet_dir / path.name for path in parquet_dir.iterdir())


def _export_parquet_folder(mart_db: Path, fresh: Path) -> Path:
    """Every table of `mart_db` as Parquet into the new folder `fresh`, synced to disk."""
    if fresh.exists():
        shutil.rmtree(fresh)
    fresh.mkdir(parents=True)
    with duckdb.connect(str(mart_db), read_only=True) as con:
        catalog = con.execute("select current_database()").fetchone()[0]
        for table in _tables(con, catalog, "main"):
            target = fresh / f"{table}.parquet"
            con.execute(f"copy main.\"{table}\" to '{target}' (format parquet)")
    for path in fresh.iterdir():
        _fsync(path)
    return fresh


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
