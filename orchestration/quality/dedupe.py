"""What was alerted already, so that an unchanged failure does not alert again on a re-run.

A small JSON file (by default `warehouse/alerts/alert_state.json`) keeps, per scope (a table
and evaluation year, or the run failures) and per sink, the fingerprints that sink delivered.
A gate run replaces its scope's set with the fingerprints still failing: a fixed failure is
forgotten, so that it alerts again should it come back. A file lock serialises concurrent runs
(Dagster runs partitions in parallel processes).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

STATE_VERSION = 1


def fingerprint(*parts: Any) -> str:
    """A stable id of a failure from what identifies it (year, table, check, county, ...)."""
    text = json.dumps([None if part is None else str(part) for part in parts], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class AlertState:
    """The delivered fingerprints per scope and sink, in a JSON file guarded by a lock file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def _read(self) -> dict[str, Any]:
        try:
            state = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"version": STATE_VERSION, "scopes": {}}
        except json.JSONDecodeError as problem:
            raise ValueError(
                f"the alert state {self.path} is not valid JSON ({problem}); delete it to start "
                "over (every open failure will then alert once more)"
            ) from problem
        state.setdefault("scopes", {})
        return state

    def _write(self, state: dict[str, Any]) -> None:
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(state, stream, indent=1, sort_keys=True)
        os.replace(temporary, self.path)

    @contextmanager
    def scope(self, name: str) -> Iterator[dict[str, list[str]]]:
        """The fingerprints per sink of one scope, locked; changes are saved on exit."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                state = self._read()
                delivered = state["scopes"].setdefault(name, {})
                yield delivered
                self._write(state)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
