"""The Dagster instance's storage for the warehouse: Dagster's SQLite storage, without an
fsync per event, and with one engine per event-log database instead of one per event.

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
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.runs.sqlite.sqlite_run_storage import SqliteRunStorage
from dagster._core.storage.schedules.sqlite.sqlite_schedule_storage import SqliteScheduleStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._core.storage.sqlite_storage import (
    DagsterSqliteStorage,
    _event_logs_directory,
    _runs_directory,
    _schedule_directory,
)
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool

_UNSYNCED_FOLDERS: set[str] = set()


def _unsynced_writes(dbapi_connection: Any, _record: Any) -> None:
    """On each new SQLite connection to a file below a registered folder: no sync per commit."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    row = dbapi_connection.execute("pragma database_list").fetchone()
    path = row[2] if row else ""
    if path and any(path.startswith(folder) for folder in _UNSYNCED_FOLDERS):
        dbapi_connection.execute("pragma synchronous = off")


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """Dagster's event log (one SQLite file per run and an index file), each file read and
    written through one engine kept open, instead of an engine created, connected and disposed
    for every event (half of the cost of storing one: a run of a hundred dbt nodes stores
    hundreds of events). Access stays serialised by the storage's own lock, as in Dagster's
    `_connect`; the most recently used files' engines are kept."""

    MAX_OPEN_FILES = 8

    def __init__(self, base_dir: str, inst_data: Any = None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        super().__init__(base_dir, inst_data)

    def _engine(self, shard: str) -> Engine:
        engine = self._engines.pop(shard, None)
        if engine is None:
            engine = create_engine(
                self.conn_string_for_shard(shard),
                poolclass=StaticPool,
                connect_args={
                    "timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
                    "check_same_thread": False,
                },
            )
        self._engines[shard] = engine
        while len(self._engines) > self.MAX_OPEN_FILES:
            _, oldest = self._engines.popitem(last=False)
            oldest.dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn:
                with conn.begin():
                    yield conn

    def dispose(self) -> None:
        super().dispose()
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()


class WarehouseSqliteStorage(DagsterSqliteStorage):
    """`DagsterSqliteStorage` (runs, event log, schedules in `base_dir`) whose SQLite files are
    written without a sync per commit, its event log through kept engines."""

    def __init__(self, base_dir: str, inst_data: Any = None):
        # DagsterSqliteStorage.__init__ with the pooled event log
        self.base_dir = base_dir
        self._run_storage = SqliteRunStorage.from_local(_runs_directory(base_dir))
        self._event_log_storage = PooledSqliteEventLogStorage(_event_logs_directory(base_dir))
        self._schedule_storage = SqliteScheduleStorage.from_local(_schedule_directory(base_dir))
        self._inst_data = inst_data
        super(DagsterSqliteStorage, self).__init__()

    @classmethod
    def from_config_value(cls, inst_data: Any, config_value: Any) -> WarehouseSqliteStorage:
        folder = str(Path(config_value["base_dir"]).resolve())
        if not _UNSYNCED_FOLDERS:
            event.listen(Engine, "connect", _unsynced_writes)
        _UNSYNCED_FOLDERS.add(folder)
        return cls.from_local(inst_data=inst_data, base_dir=folder)
