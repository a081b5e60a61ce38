"""Shared fixtures: one warehouse with the whole main job run on the demo data, built once per
test session and shared by every test that only reads it (a test that changes a warehouse
works on a copy: `copy_warehouse`)."""

from __future__ import annotations

import os
import shutil
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
    """A warehouse after the README's main job: demo inbox written, 2018-2024 published in one
    run. Read it only; change a `copy_warehouse` of it."""
    warehouse = tmp_path_factory.mktemp("warehouse")
    completed = run_leap(warehouse, "run", "--demo")
    if completed.returncode != 0:
        pytest.fail(
            f"`leap run` exited {completed.returncode}\n--- stdout\n{completed.stdout[-6000:]}"
            f"\n--- stderr\n{completed.stderr[-6000:]}"
        )
    (warehouse / "leap_run.log").write_text(completed.stdout, encoding="utf-8")
    (warehouse / "leap_run.err").write_text(completed.stderr, encoding="utf-8")
    return warehouse


def copy_warehouse(source: Path, target: Path) -> Path:
    """A copy of a warehouse that a test may change (its Dagster instance included)."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.wal", ".leap-run.lock"))
    return target
