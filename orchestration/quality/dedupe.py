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


def fingerprint(*parts: Any) -> str:
    """A stable id of a failure from what identifies it (year, table, check, county, ...)."""
    text = json.dumps([None if part is None else str(part) for part in parts], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _read(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except json.JSONDecodeError as problem:
        raise ValueError(
            f"the alert state {path} is not valid JSON ({problem}); delete it to start over "
            "(every open failure will then alert once more)"
        ) from problem


@contextmanager
def delivered_alerts(path: Path, scope: str) -> Iterator[dict[str, list[str]]]:
    """The fingerprints each sink delivered in a scope, locked; changes are saved on exit."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the lock file is closed
        state = _read(path)
        delivered = state.setdefault("scopes", {}).setdefault(scope, {})
        yield delivered
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(state, stream, indent=1, sort_keys=True)
        os.replace(temporary, path)
