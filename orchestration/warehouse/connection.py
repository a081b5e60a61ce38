"""Connections to the working database."""

from __future__ import annotations

import time
from pathlib import Path

import duckdb

LOCK_WAIT_SECONDS = 60.0


def connect_work_db(
    path: Path, *, read_only: bool = False, wait_seconds: float = LOCK_WAIT_SECONDS
) -> duckdb.DuckDBPyConnection:
    """Open the working database, waiting a while for another writer (e.g. a dbt process that
    is finishing) to release its lock instead of failing at once."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as error:
            if "lock" not in str(error).lower() or time.monotonic() >= deadline:
                raise RuntimeError(
                    f"the working database {path} is locked by another process "
                    f"(waited {wait_seconds:.0f} s): {error}. Only one run may write at a time; "
                    "analysts should query the published mart, not the working database."
                ) from error
            time.sleep(0.5)
