"""The inbox sensor: new or changed files launch the run of their evaluation year, once."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
import pytest

from orchestration.defs.sensors import inbox_sensor


@pytest.fixture()
def inbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LEAP_WAREHOUSE_DIR", str(tmp_path))
    folder = tmp_path / "inbox"
    (folder / "2020").mkdir(parents=True)
    (folder / "2021").mkdir(parents=True)
    (folder / "2020" / "county_form_130102_2020.csv").write_text("a", encoding="utf-8")
    (folder / "2021" / "county_form_130102_2021.csv").write_text("b", encoding="utf-8")
    return folder


def evaluate(cursor: str | None) -> tuple[list[dg.RunRequest], str | None]:
    context = dg.build_sensor_context(cursor=cursor)
    requests = list(inbox_sensor(context))
    return requests, context.cursor


def test_each_year_with_files_is_launched_once(inbox: Path) -> None:
    first, cursor = evaluate(None)
    again, _ = evaluate(cursor)

    result = sorted(request.partition_key for request in first)
    assert result == ["2021", "2022"]  # data year N is scored in evaluation year N+1
    assert again == []


def test_a_corrected_file_relaunches_only_its_year(inbox: Path) -> None:
    _, cursor = evaluate(None)
    corrected = inbox / "2020" / "county_form_130102_2020.csv"
    corrected.write_text("corrected", encoding="utf-8")
    os.utime(corrected, ns=(1, 2_000_000_000_000_000_000))
    (inbox / "2021" / "_notes.txt").write_text("ignored: names starting with _ are not submissions")

    requests, _ = evaluate(cursor)

    assert [request.partition_key for request in requests] == ["2021"]
    assert requests[0].tags["leap/data_year"] == "2020"
