"""The mechanism that shares one built folder (the demo warehouse) between the test workers:
built once under a file lock, a failed build reported alike to every worker without building
again, and any file written into it afterwards named."""

from __future__ import annotations

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
