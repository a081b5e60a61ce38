"""Appending an ingest result to the raw layer of the working DuckDB database.

Tables in schema `raw` (created if missing):

- `raw.submission_files`  one row per (data_year, file_sha256): every file ever received;
- `raw.submitted_values`  the typed long-form values with their lineage;
- `raw.ingest_problems`   the problems, each tied to its file by file_sha256;
- `raw.file_events`       when a file was delivered, withdrawn (`leap withdraw`) or removed from
                          the inbox, and delivered again: staging takes the current submission
                          from the latest delivery of the files not withdrawn.

Append-only and idempotent by file content: a file whose (data_year, file_sha256) is already
stored is skipped with its values and problems, so ingesting the same inbox twice changes nothing,
and a corrected resubmission (different bytes) is added next to the earlier file, which stays —
which one supersedes (the latest received) is decided downstream in dbt. With
`replace_existing=True` the rows of files already stored are replaced by this result's (after a
reader fix). Personal data (contact_name, contact_phone) stays in raw.submission_files.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from orchestration.ingest.schemas import FILES_SCHEMA, PROBLEMS_SCHEMA, VALUES_SCHEMA, IngestResult

SCHEMA = "raw"
FILES_TABLE = f"{SCHEMA}.submission_files"
VALUES_TABLE = f"{SCHEMA}.submitted_values"
PROBLEMS_TABLE = f"{SCHEMA}.ingest_problems"
EVENTS_TABLE = f"{SCHEMA}.file_events"
REMOVED = "removed from the inbox"

_DUCKDB_TYPES = {
    pl.Int32(): "INTEGER",
    pl.Int64(): "BIGINT",
    pl.Float64(): "DOUBLE",
    pl.Utf8(): "VARCHAR",
    pl.Boolean(): "BOOLEAN",
    pl.Datetime("us"): "TIMESTAMP",
}


@dataclass(frozen=True)
class StoreSummary:
    """What a store call added (or replaced) and how many files were already there."""

    new_files: int
    new_values: int
    new_problems: int
    skipped_files: int


def _ddl(table: str, schema: dict[str, pl.DataType], extra: str = "") -> str:
    columns = ",\n    ".join(f"{name} {_DUCKDB_TYPES[dtype]}" for name, dtype in schema.items())
    return f"CREATE TABLE IF NOT EXISTS {table} (\n    {columns}{extra}\n)"


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create schema raw and its three tables if missing; add columns new to the contract to
    tables made before them (existing columns are never dropped or changed)."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    con.execute(_ddl(FILES_TABLE, FILES_SCHEMA, ",\n    ingested_at TIMESTAMP"))
    con.execute(_ddl(VALUES_TABLE, VALUES_SCHEMA))
    con.execute(_ddl(PROBLEMS_TABLE, PROBLEMS_SCHEMA))
    existing = set(
        con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_catalog = current_database() AND table_schema = ?",
            [SCHEMA],
        ).fetchall()
    )
    for table, schema in (
        (FILES_TABLE, FILES_SCHEMA),
        (VALUES_TABLE, VALUES_SCHEMA),
        (PROBLEMS_TABLE, PROBLEMS_SCHEMA),
    ):
        for name, dtype in schema.items():
            if (table.split(".")[1], name) not in existing:
                con.execute(f"ALTER TABLE {table} ADD COLUMN {name} {_DUCKDB_TYPES[dtype]}")
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {EVENTS_TABLE} (data_year INTEGER, file_name VARCHAR, "
        "file_sha256 VARCHAR, event VARCHAR, reason VARCHAR, event_at TIMESTAMP)"
    )


def store_ingest_result(
    con: duckdb.DuckDBPyConnection, result: IngestResult, replace_existing: bool = False
) -> StoreSummary:
    """Append the files not stored yet (keyed by data_year and file_sha256), in one transaction."""
    ensure_raw_schema(con)
    files = _one_row_per_file(result.files)
    con.execute("BEGIN TRANSACTION")
    try:
        con.register("_ingest_files", files.to_arrow())
        con.register("_ingest_values", result.values.to_arrow())
        con.register("_ingest_problems", result.problems.to_arrow())
        if replace_existing:
            for table in (FILES_TABLE, VALUES_TABLE, PROBLEMS_TABLE):
                con.execute(
                    f"DELETE FROM {table} t USING _ingest_files f "
                    "WHERE t.data_year = f.data_year AND t.file_sha256 = f.file_sha256"
                )
        new_keys = (
            f"SELECT f.data_year, f.file_sha256 FROM _ingest_files f "
            f"ANTI JOIN {FILES_TABLE} s USING (data_year, file_sha256)"
        )
        con.execute(f"CREATE OR REPLACE TEMP TABLE _ingest_new AS {new_keys}")
        new_files = _count(con, "SELECT count(*) FROM _ingest_new")
        skipped = files.height - new_files
        con.execute(
            f"INSERT INTO {FILES_TABLE} BY NAME "
            "SELECT f.*, current_timestamp::TIMESTAMP AS ingested_at FROM _ingest_files f "
            "SEMI JOIN _ingest_new n USING (data_year, file_sha256)"
        )
        new_values = _insert_for_new(con, VALUES_TABLE, "_ingest_values")
        new_problems = _insert_for_new(con, PROBLEMS_TABLE, "_ingest_problems")
        con.execute("DROP TABLE _ingest_new")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        for view in ("_ingest_files", "_ingest_values", "_ingest_problems"):
            con.unregister(view)
    return StoreSummary(new_files, new_values, new_problems, skipped)


def _insert_for_new(con: duckdb.DuckDBPyConnection, table: str, source: str) -> int:
    before = _count(con, f"SELECT count(*) FROM {table}")
    con.execute(
        f"INSERT INTO {table} BY NAME SELECT s.* FROM {source} s "
        "SEMI JOIN _ingest_new n USING (data_year, file_sha256)"
    )
    return _count(con, f"SELECT count(*) FROM {table}") - before


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0


def _one_row_per_file(files: pl.DataFrame) -> pl.DataFrame:
    """Byte-identical copies within a year share a key: keep the loaded copy's row."""
    return (
        files.with_columns((pl.col("status") != "loaded").alias("_rejected"))
        .sort(["_rejected", "file_name"])
        .unique(subset=["data_year", "file_sha256"], keep="first", maintain_order=True)
        .drop("_rejected")
    )


_LATEST_EVENTS = f"""
    select data_year, file_name, file_sha256, event, reason, event_at
    from {EVENTS_TABLE}
    qualify row_number() over (
        partition by data_year, file_sha256 order by event_at desc, event desc
    ) = 1
"""


def record_inbox_state(con: duckdb.DuckDBPyConnection, result: IngestResult) -> None:
    """Record which files of the years read are in the inbox now: a file seen for the first time
    is delivered when received; a file copied in again (newer than its last event) is delivered
    again then, and one put back after it was removed is delivered again now, so either
    supersedes; a stored file no longer in the inbox is withdrawn."""
    ensure_raw_schema(con)
    con.register("_present", _one_row_per_file(result.files).to_arrow())
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _latest AS {_LATEST_EVENTS}")
        con.execute(
            f"INSERT INTO {EVENTS_TABLE} SELECT p.data_year, p.file_name, p.file_sha256, "
            "'delivered', CASE WHEN l.event IS NULL THEN 'received' ELSE 'delivered again' END, "
            "CASE WHEN l.event = 'withdrawn' THEN current_timestamp::TIMESTAMP "
            "ELSE p.received_at END "
            "FROM _present p LEFT JOIN _latest l USING (data_year, file_sha256) "
            "WHERE l.event IS NULL OR p.received_at > l.event_at "
            f"OR (l.event = 'withdrawn' AND l.reason = '{REMOVED}')"
        )
        con.execute(
            f"INSERT INTO {EVENTS_TABLE} SELECT l.data_year, l.file_name, l.file_sha256, "
            f"'withdrawn', '{REMOVED}', current_timestamp::TIMESTAMP FROM _latest l "
            "WHERE l.event = 'delivered' AND l.data_year IN (SELECT data_year FROM _present) "
            "AND l.file_sha256 NOT IN (SELECT file_sha256 FROM _present)"
        )
    finally:
        con.unregister("_present")


def withdraw_file(
    con: duckdb.DuckDBPyConnection, file_name: str, reason: str = "withdrawn by command"
) -> list[tuple[int, str]]:
    """Withdraw the current delivery of a file (its name in the year folder, or its SHA-256):
    its values and problems stay in raw but are no longer current. Returns (data_year,
    file_name) of what was withdrawn; nothing when no delivered file has that name."""
    ensure_raw_schema(con)
    rows = con.execute(
        f"SELECT data_year, file_name, file_sha256 FROM ({_LATEST_EVENTS}) "
        "WHERE event = 'delivered' AND (file_name = ? OR file_sha256 = ?)",
        [file_name, file_name],
    ).fetchall()
    for data_year, name, sha in rows:
        con.execute(
            f"INSERT INTO {EVENTS_TABLE} VALUES (?, ?, ?, 'withdrawn', ?, "
            "current_timestamp::TIMESTAMP)",
            [data_year, name, sha, reason],
        )
    return [(int(year), str(name)) for year, name, _ in rows]
