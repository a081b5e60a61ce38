"""Deliveries and withdrawals of files in a real DuckDB raw layer (raw.file_events)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from orchestration.ingest.raw_store import record_inbox_state, store_ingest_result, withdraw_file
from orchestration.ingest.schemas import IngestResult

DAY = datetime(2024, 3, 1)


def _inbox(*files: tuple[str, datetime]) -> IngestResult:
    rows = [
        {"data_year": 2023, "file_name": name, "file_sha256": f"sha-{name}", "size_bytes": 1,
         "layout": "county_form", "status": "loaded", "received_at": at, "value_count": 0}
        for name, at in files
    ]  # fmt: skip
    return IngestResult.from_rows([], rows, [])


def _events(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "select file_name, event, reason from raw.file_events order by event_at, file_name"
    ).fetchall()


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    with duckdb.connect(str(tmp_path / "work.duckdb")) as connection:
        yield connection


def test_removing_withdrawing_and_delivering_again(con: duckdb.DuckDBPyConnection) -> None:
    first = _inbox(("a.csv", DAY), ("b.csv", DAY.replace(day=2)))
    store_ingest_result(con, first)
    record_inbox_state(con, first)
    record_inbox_state(con, first)  # nothing changed: no event
    withdrawn = withdraw_file(con, "b.csv")
    record_inbox_state(con, first)  # b is still in the inbox but withdrawn: it stays so
    record_inbox_state(con, _inbox(("b.csv", DAY.replace(day=2))))  # a removed from the inbox
    copied_again = datetime.now(UTC).replace(tzinfo=None) + timedelta(minutes=1)
    record_inbox_state(con, _inbox(("a.csv", DAY), ("b.csv", copied_again)))  # both back

    result = _events(con)

    expected = [
        ("a.csv", "delivered", "received"),
        ("b.csv", "delivered", "received"),
        ("b.csv", "withdrawn", "withdrawn by command"),
        ("a.csv", "withdrawn", "removed from the inbox"),
        ("b.csv", "delivered", "delivered again"),
        ("a.csv", "delivered", "delivered again"),
    ]
    assert (withdrawn, sorted(result[:2]), sorted(result[2:4], reverse=True)) == (
        [(2023, "b.csv")],
        expected[:2],
        expected[2:4],
    )
    assert sorted(result[4:]) == sorted(expected[4:])
    assert withdraw_file(con, "c.csv") == []
