"""Shared fixtures: one warehouse with the whole main job run on the demo data, built once per
test session and shared by every test that only reads it (a test that changes a warehouse
works on a copy: `copy_warehouse`).

With parallel workers (pytest-xdist: `scripts/test.sh` runs `-n auto`), the first worker that
needs the warehouse builds it under a file lock in the session's temporary root while the
others wait for it (pytest-xdist's documented pattern for session fixtures that must run only
once), and every worker reads that one folder. Since they read it at the same time, nothing may
write into it: the fixture's teardown fails the session when a file of it changed.

Hypothesis runs the `ci` profile (when the environment variable CI is set) or `dev` (local
runs); `HYPOTHESIS_PROFILE=thorough` runs ten times as many examples."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from filelock import FileLock
from hypothesis import HealthCheck, settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LEAP = Path(sys.executable).with_name("leap")

# Examples per property (the tests set none of their own): `ci` is what CI runs, the same
# examples every run (derandomised: a failure is reproduced by running again), `dev` as many,
# random, locally, `thorough` ten times more for a change to the methodology's maths or the
# readers. No deadline: a busy 2-core machine must not fail a property on time.
_NO_DEADLINE = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("ci", max_examples=100, derandomize=True, **_NO_DEADLINE)
settings.register_profile("dev", max_examples=100, **_NO_DEADLINE)
settings.register_profile("thorough", max_examples=1000, **_NO_DEADLINE)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


# Folders whose session datasets (dbt builds of 10-60 s) some of their tests change: their tests
# run on one worker, so that each dataset is built once and never changed under a reader.
ONE_WORKER_FOLDERS = ("tests/config", "tests/engine")


def xdist_group(item: pytest.Item) -> str | None:
    """The group of workers' tests `item` belongs to (`--dist loadgroup`): its folder's when
    listed in ONE_WORKER_FOLDERS, its module's when it uses a module-scoped fixture (built once
    per worker otherwise), else none (any worker)."""
    folder = item.nodeid.split("::")[0].rsplit("/", 1)[0]
    if folder in ONE_WORKER_FOLDERS:
        return folder
    definitions = item._fixtureinfo.name2fixturedefs  # pytest has no public accessor
    if any(defs[-1].scope == "module" for defs in definitions.values() if defs):
        return item.nodeid.split("::")[0]
    return None


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        group = xdist_group(item)
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))


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


def copy_warehouse(source: Path, target: Path) -> Path:
    """A copy of a warehouse that a test may change (its Dagster instance included)."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.wal", ".leap-run.lock"))
    return target


def shared_root(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The temporary folder every worker of this session sees (the session's own one when the
    tests run in one process)."""
    base = tmp_path_factory.getbasetemp()
    return base if worker_id == "master" else base.parent


def fingerprint(folder: Path) -> dict[str, list[int]]:
    """Every file below `folder` with its size and modification time (ns)."""
    return {
        str(path.relative_to(folder)): [path.stat().st_size, path.stat().st_mtime_ns]
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def build_once(root: Path, name: str, build: Callable[[Path], str | None]) -> Path:
    """`root/name`, built in place by `build(folder)` by the first process that asks for it
    while the others wait on its lock (a folder's files may name their own path, so it is not
    moved). `build` returns None, or why it failed: the failure is kept so that every worker
    fails the same way without building again. The files' fingerprint, taken once built, is
    kept in `root/<name>.json` (see `changed_files`)."""
    folder, failure, built = root / name, root / f"{name}.failed", root / f"{name}.json"
    with FileLock(str(root / f"{name}.lock")):
        if not built.exists() and not failure.exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a killed worker left half-built
            folder.mkdir()
            problem = build(folder)
            if problem is None:
                built.write_text(json.dumps(fingerprint(folder)), encoding="utf-8")
            else:
                failure.write_text(problem, encoding="utf-8")
    if failure.exists():
        pytest.fail(failure.read_text(encoding="utf-8"), pytrace=False)
    return folder


def changed_files(root: Path, name: str) -> list[str]:
    """The files of `root/name` added, removed or changed since `build_once` built it."""
    before = json.loads((root / f"{name}.json").read_text(encoding="utf-8"))
    after = fingerprint(root / name)
    return sorted(
        path for path in before.keys() | after.keys() if before.get(path) != after.get(path)
    )


def _run_main_job(warehouse: Path) -> str | None:
    """The README's main job on the demo data into `warehouse`; None, or why it failed."""
    completed = run_leap(warehouse, "run", "--demo")
    (warehouse / "leap_run.log").write_text(completed.stdout, encoding="utf-8")
    (warehouse / "leap_run.err").write_text(completed.stderr, encoding="utf-8")
    if completed.returncode == 0:
        return None
    return (
        f"`leap run --demo` exited {completed.returncode}\n--- stdout\n{completed.stdout[-6000:]}"
        f"\n--- stderr\n{completed.stderr[-6000:]}"
    )


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[Path]:
    """A warehouse after the README's main job: demo inbox written, 2018-2024 published in one
    run (its console output in leap_run.log and leap_run.err). Built once per session and
    shared by every worker: read it only (DuckDB files `read_only=True`) and change a
    `copy_warehouse` of it; a test that writes into it fails the session's teardown."""
    root = shared_root(tmp_path_factory, worker_id)
    yield build_once(root, "demo_warehouse", _run_main_job)
    changed = changed_files(root, "demo_warehouse")
    if changed:
        pytest.fail(
            f"a test wrote into the shared demo_warehouse ({root / 'demo_warehouse'}): "
            f"{changed[:10]}; tests must change a copy_warehouse of it",
            pytrace=False,
        )
