"""Shared fixtures: a temporary warehouse with the whole main job run on the demo data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LEAP = Path(sys.executable).with_name("leap")


def leap_env(warehouse: Path, **extra: str) -> dict[str, str]:
    """The environment of a `leap` process writing into `warehouse`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("LEAP_")}
    env.update(
        LEAP_WAREHOUSE_DIR=str(warehouse),
        DAGSTER_HOME=str(warehouse / "dagster_home"),
        PATH=str(LEAP.parent) + os.pathsep + env.get("PATH", ""),
    )
    env.update(extra)
    return env


def run_leap(warehouse: Path, *args: str, **extra_env: str) -> subprocess.CompletedProcess:
    """Run the `leap` command line against a warehouse; output captured as text."""
    return subprocess.run(
        [str(LEAP), *args],
        cwd=PROJECT_ROOT,
        env=leap_env(warehouse, **extra_env),
        capture_output=True,
        text=True,
        timeout=1500,
    )


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse after the README's main job: demo inbox written, 2018-2024 published."""
    warehouse = tmp_path_factory.mktemp("warehouse")
    completed = run_leap(warehouse, "run")
    if completed.returncode != 0:
        pytest.fail(
            f"`leap run` exited {completed.returncode}\n--- stdout\n{completed.stdout[-6000:]}"
            f"\n--- stderr\n{completed.stderr[-6000:]}"
        )
    (warehouse / "leap_run.log").write_text(completed.stdout, encoding="utf-8")
    return warehouse
