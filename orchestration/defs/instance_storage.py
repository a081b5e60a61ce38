"""The Dagster instance's storage for the warehouse: Dagster's SQLite storage, without an
fsync per event.

Dagster's SQLite storage opens, commits and closes its database for every event, and SQLite
syncs the file to disk on each commit: with a hundred dbt nodes, each a materialization and
a check result, that is most of a short run's time (12 ms per sync here). The run history is
operational metadata, not the published figures, so its writes are left to the operating
system (`PRAGMA synchronous = OFF`): a killed or crashed run loses nothing that was written;
only a crash of the machine itself could lose the last events. Configured in the instance's
`dagster.yaml` (written by `leap run`) as Dagster documents for custom storage:

    storage:
      custom:
        module: orchestration.defs.instance_storage
        class: WarehouseSqliteStorage
        config:
          base_dir:
            env: DAGSTER_HOME
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from dagster._core.storage.sqlite_storage import DagsterSqliteStorage
from sqlalchemy import event
from sqlalchemy.engine import Engine

_UNSYNCED_FOLDERS: set[str] = set()


def _unsynced_writes(dbapi_connection: Any, _record: Any) -> None:
    """On each new SQLite connection to a file below a registered folder: no sync per commit."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    row = dbapi_connection.execute("pragma database_list").fetchone()
    path = row[2] if row else ""
    if path and any(path.startswith(folder) for folder in _UNSYNCED_FOLDERS):
        dbapi_connection.execute("pragma synchronous = off")


class WarehouseSqliteStorage(DagsterSqliteStorage):
    """`DagsterSqliteStorage` (runs, event log, schedules in `base_dir`) whose SQLite files are
    written without a sync per commit."""

    @classmethod
    def from_config_value(cls, inst_data: Any, config_value: Any) -> WarehouseSqliteStorage:
        folder = str(Path(config_value["base_dir"]).resolve())
        if not _UNSYNCED_FOLDERS:
            event.listen(Engine, "connect", _unsynced_writes)
        _UNSYNCED_FOLDERS.add(folder)
        return cls.from_local(inst_data=inst_data, base_dir=folder)
