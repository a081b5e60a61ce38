"""One writer per warehouse: a lock file held while a run writes it.

The operating system releases the lock when the process ends, however it ends (also on
`kill -9`), so a lock that can be taken proves that no run of this warehouse is alive.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = ".leap-run.lock"


class WarehouseBusy(RuntimeError):
    """Another process is running on the warehouse."""


@contextmanager
def warehouse_lock(warehouse_dir: Path) -> Iterator[Path]:
    """Hold the warehouse's run lock, or raise WarehouseBusy naming the process that holds it."""
    warehouse_dir.mkdir(parents=True, exist_ok=True)
    path = warehouse_dir / LOCK_FILE
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 (held for the whole block)
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise WarehouseBusy(
                f"another run is writing the warehouse {warehouse_dir} ({holder}); wait for it "
                "to finish: one run at a time per warehouse"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        yield path
    finally:
        handle.close()
