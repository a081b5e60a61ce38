"""The mechanism that shares one built folder (the demo warehouse) between the test workers:
built once under a file lock, a failed build reported alike to every worker without building
again, and any file written into it afterwards named."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import build_once, changed_files


def counting_build(calls: list[Path], problem: str | None = None):
    def build(folder: Path) -> str | None:
        calls.append(folder)
        (folder / "mart.duckdb").write_bytes(b"built")
        return problem

    return build


def test_a_folder_is_built_once_and_then_reused(tmp_path: Path) -> None:
    calls: list[Path] = []
    first = build_once(tmp_path, "shared", counting_build(calls))
    second = build_once(tmp_path, "shared", counting_build(calls))
    result = (first, second, calls, changed_files(tmp_path, "shared"))
    expected = (tmp_path / "shared", tmp_path / "shared", [tmp_path / "shared"], [])
    assert result == expected


def test_a_failed_build_fails_every_caller_without_building_again(tmp_path: Path) -> None:
    calls: list[Path] = []
    messages = []
    for _ in range(2):
        with pytest.raises(pytest.fail.Exception) as failure:
            build_once(tmp_path, "shared", counting_build(calls, "`leap run --demo` exited 1"))
        messages.append(str(failure.value))
    assert (messages, len(calls)) == (["`leap run --demo` exited 1"] * 2, 1)


def test_files_written_into_the_shared_folder_are_named(tmp_path: Path) -> None:
    folder = build_once(tmp_path, "shared", counting_build([]))
    (folder / "mart.duckdb").write_bytes(b"changed by a test")
    (folder / "logs").mkdir()
    (folder / "logs" / "run.log").write_text("a run wrote here", encoding="utf-8")
    result = changed_files(tmp_path, "shared")
    expected = ["logs/run.log", "mart.duckdb"]
    assert result == expected


GROUPED_TEST = """
import pytest

@pytest.mark.xdist_group("together")
@pytest.mark.parametrize("case", range(6))
def test_case(case):
    pass
"""


def test_grouped_tests_run_on_one_worker(tmp_path: Path) -> None:
    """`--dist loadgroup` (scripts/test.sh) keeps an xdist_group on one worker with the pytest
    and pytest-xdist this environment installs (pytest 9.2 broke it: pytest-xdist#1386)."""
    for name in ("test_a.py", "test_b.py"):
        (tmp_path / name).write_text(GROUPED_TEST, encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")  # not the project's
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-v",
         "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    workers = set(re.findall(r"\[(gw\d+)\] \[ *\d+%\] PASSED", completed.stdout))
    passed = len(re.findall(r"PASSED", completed.stdout))
    assert (completed.returncode, passed, len(workers)) == (0, 12, 1), completed.stdout[-3000:]
