"""A year folder as a whole: rejections, ignored names, duplicates, the frames' contract."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import polars as pl
import pytest

from orchestration.ingest import (
    FILES_SCHEMA,
    PROBLEM_CODES,
    PROBLEMS_SCHEMA,
    VALUES_SCHEMA,
    read_inbox_year,
)

from .builders import CountyForm, city_summary_grid, write_csv, write_xlsx
from .conftest import RECEIVED, SEEDS, read, year_dir

REJECT_CASES = [
    (
        "wrong_year",
        lambda d: write_xlsx(d / "f.xlsx", {"填报表": CountyForm(data_year=2020).grid()}),
        "wrong_year",
    ),
    (
        "wrong_year_text",
        lambda d: write_csv(d / "f.csv", CountyForm(data_year="２０２２年").grid()),
        "wrong_year",
    ),
    (
        "garbage_xlsx",
        lambda d: (d / "f.xlsx").write_bytes(b"\x00\x01not a workbook"),
        "unreadable_file",
    ),
    ("truncated_xlsx", lambda d: (d / "f.xlsx").write_bytes(_truncated_xlsx(d)), "unreadable_file"),
    ("empty_file", lambda d: (d / "f.csv").write_bytes(b""), "unreadable_file"),
    ("binary_csv", lambda d: (d / "f.csv").write_bytes(bytes(range(256)) * 4), "unreadable_file"),
    (
        "no_layout",
        lambda d: write_xlsx(d / "f.xlsx", {"Sheet1": [["会议纪要"], ["无数据"]]}),
        "unknown_layout",
    ),
]


def _truncated_xlsx(d: Path) -> bytes:
    full = write_xlsx(d / "_full.xlsx", {"填报表": CountyForm().grid()}).read_bytes()
    return full[: len(full) // 2]


@pytest.mark.parametrize("case,make,code", REJECT_CASES, ids=[c[0] for c in REJECT_CASES])
def test_bad_file_is_rejected_and_the_year_still_loads(inbox: Path, case, make, code) -> None:
    d = year_dir(inbox)
    make(d)
    write_xlsx(d / "good.xlsx", {"填报表": CountyForm().grid()})

    result = read(inbox)

    files = {r["file_name"]: r for r in result.files.to_dicts()}
    assert set(files) == {"good.xlsx", next(n for n in files if n.startswith("f."))}
    bad = next(r for n, r in files.items() if n != "good.xlsx")
    assert bad["status"] == "rejected" and bad["reason"].startswith(code)
    assert bad["value_count"] == 0
    assert files["good.xlsx"]["status"] == "loaded" and files["good.xlsx"]["value_count"] == 19
    assert set(result.values["file_name"]) == {"good.xlsx"}
    problem = result.problems.filter(pl.col("file_name") == bad["file_name"]).to_dicts()
    assert [p["problem_code"] for p in problem] == [code]
    assert problem[0]["severity"] == "error" and problem[0]["expected"]


def test_wrong_year_problem_is_located(inbox: Path) -> None:
    write_xlsx(year_dir(inbox) / "old.xlsx", {"填报表": CountyForm(data_year=2020).grid()})
    p = read(inbox).problems.row(0, named=True)
    assert (p["sheet"], p["row_number"], p["column_letter"], p["found_text"]) == (
        "填报表",
        3,
        "B",
        "2020",
    )
    assert "统计年度 is 2020" in p["expected"] and "data year 2021" in p["expected"]


def test_missing_data_year_is_a_warning_and_the_folder_year_is_used(inbox: Path) -> None:
    form = CountyForm(data_year=None)
    write_xlsx(year_dir(inbox) / "noyear.xlsx", {"填报表": form.grid()})
    result = read(inbox)
    assert result.files["status"].to_list() == ["loaded"]
    assert result.problems.select("problem_code", "severity").rows() == [
        ("missing_data_year", "warning")
    ]


def test_ignored_names_and_subfolders(inbox: Path) -> None:
    d = year_dir(inbox)
    for name in (".hidden.xlsx", "_draft.xlsx", "~$lock.xlsx", "sub/_skip/x.xlsx", ".git/y.xlsx"):
        write_xlsx(d / name, {"填报表": CountyForm().grid()})
    write_xlsx(d / "石家庄/正定县.xlsx", {"填报表": CountyForm().grid()})
    result = read(inbox)
    assert result.files["file_name"].to_list() == ["石家庄/正定县.xlsx"]


def test_missing_year_folder_gives_empty_frames(tmp_path: Path) -> None:
    result = read_inbox_year(tmp_path, 2030, SEEDS)
    assert result.values.height == result.files.height == result.problems.height == 0
    assert result.values.schema == pl.Schema(VALUES_SCHEMA)


def test_frames_follow_the_contract(inbox: Path) -> None:
    write_xlsx(year_dir(inbox) / "a.xlsx", {"填报表": CountyForm().grid()})
    write_xlsx(year_dir(inbox) / "b.xlsx", {"填报表": CountyForm(data_year=1999).grid()})
    result = read(inbox)
    assert result.values.schema == pl.Schema(VALUES_SCHEMA)
    assert result.files.schema == pl.Schema(FILES_SCHEMA)
    assert result.problems.schema == pl.Schema(PROBLEMS_SCHEMA)
    assert set(result.problems["problem_code"]) <= set(PROBLEM_CODES)
    assert set(result.problems["severity"]) <= {"error", "warning", "info"}
    assert result.values["received_at"].unique().to_list() == [RECEIVED]
    sha = result.files.filter(pl.col("file_name") == "a.xlsx")["file_sha256"].item()
    assert len(sha) == 64 and set(result.values["file_sha256"]) == {sha}
    assert result.values["layout"].unique().to_list() == ["county_form"]


def test_received_at_defaults_to_mtime_in_utc_and_tz_aware_is_converted(inbox: Path) -> None:
    path = write_xlsx(year_dir(inbox) / "a.xlsx", {"填报表": CountyForm().grid()})
    stamp = datetime(2022, 2, 3, 4, 5, 6, tzinfo=UTC)
    os.utime(path, (stamp.timestamp(), stamp.timestamp()))
    assert read_inbox_year(inbox, 2021, SEEDS).files["received_at"].item() == datetime(
        2022, 2, 3, 4, 5, 6
    )
    beijing = datetime(2022, 2, 3, 12, 5, 6, tzinfo=timezone(timedelta(hours=8)))
    assert read_inbox_year(inbox, 2021, SEEDS, received_at=beijing).files[
        "received_at"
    ].item() == datetime(2022, 2, 3, 4, 5, 6)


def test_duplicate_submission_names_both_files(inbox: Path) -> None:
    d = year_dir(inbox)
    first = write_xlsx(d / "zd_v1.xlsx", {"填报表": CountyForm().grid()})
    corrected = CountyForm()
    corrected.values["fiscal_st_exp"] = 5300
    second = write_xlsx(d / "zd_v2.xlsx", {"填报表": corrected.grid()})
    os.utime(first, (1_640_000_000, 1_640_000_000))
    os.utime(second, (1_650_000_000, 1_650_000_000))
    write_xlsx(d / "city.xlsx", {"汇总表": city_summary_grid([("130123", "正定县", {})])})
    os.utime(d / "city.xlsx", (1_630_000_000, 1_630_000_000))

    result = read_inbox_year(inbox, 2021, SEEDS)

    dups = result.problems.filter(
        pl.col("problem_code").is_in(["duplicate_submission", "repeated_submission"])
    )
    got = dups.select("file_name", "found_text", "problem_code", "severity", "unit_code").rows()
    assert got == [
        ("zd_v1.xlsx", "city.xlsx; zd_v1.xlsx", "repeated_submission", "info", "130123"),
        ("zd_v2.xlsx", "city.xlsx; zd_v2.xlsx", "duplicate_submission", "warning", "130123"),
        ("zd_v2.xlsx", "zd_v1.xlsx; zd_v2.xlsx", "duplicate_submission", "warning", "130123"),
    ]
    message = dups.row(2, named=True)["expected"]
    assert "fiscal_st_exp 5230.5 → 5300" in message and "1 of 19" in message
    assert result.values.height == 3 * 19  # all files are kept


def test_byte_identical_copy_is_read_once(inbox: Path) -> None:
    d = year_dir(inbox)
    write_xlsx(d / "a.xlsx", {"填报表": CountyForm().grid()})
    (d / "copy of a.xlsx").write_bytes((d / "a.xlsx").read_bytes())
    result = read(inbox)
    assert result.files.select("file_name", "status").rows() == [
        ("a.xlsx", "loaded"),
        ("copy of a.xlsx", "rejected"),
    ]
    assert result.problems.select("file_name", "problem_code", "severity").rows() == [
        ("copy of a.xlsx", "duplicate_file", "info")
    ]
    assert result.values.height == 19


def test_personal_data_only_in_files_frame(inbox: Path) -> None:
    write_xlsx(year_dir(inbox) / "a.xlsx", {"填报表": CountyForm(contact_name="赵六").grid()})
    result = read(inbox)
    assert result.files["contact_name"].to_list() == ["赵六"]
    for frame in (result.values, result.problems):
        assert "contact_name" not in frame.columns
        assert (
            not frame.select(pl.any_horizontal(pl.col(pl.Utf8).str.contains("赵六|0311-88886666")))
            .to_series()
            .any()
        )


def test_a_file_that_cannot_be_opened_is_rejected(inbox: Path, monkeypatch) -> None:
    d = year_dir(inbox)
    write_xlsx(d / "locked.xlsx", {"填报表": CountyForm().grid()})
    write_xlsx(
        d / "good.xlsx", {"填报表": CountyForm(unit_name="行唐县", unit_code="130125").grid()}
    )
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "locked.xlsx":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    result = read(inbox)
    assert result.files.select("file_name", "status").rows() == [
        ("good.xlsx", "loaded"),
        ("locked.xlsx", "rejected"),
    ]
    assert "Permission denied" in result.files["reason"][1]


def test_a_reader_bug_rejects_only_that_file(inbox: Path, monkeypatch) -> None:
    from orchestration.ingest import inbox as inbox_module

    d = year_dir(inbox)
    write_xlsx(d / "a.xlsx", {"填报表": CountyForm().grid()})
    write_xlsx(d / "b.xlsx", {"填报表": CountyForm(unit_name="行唐县", unit_code="130125").grid()})
    real = inbox_module.read_layout

    def flaky(book, ctx):
        if ctx.file_name == "a.xlsx":
            raise KeyError("boom")
        return real(book, ctx)

    monkeypatch.setattr(inbox_module, "read_layout", flaky)
    result = read(inbox)
    assert result.files.select("file_name", "status").rows() == [
        ("a.xlsx", "rejected"),
        ("b.xlsx", "loaded"),
    ]
    assert result.problems["problem_code"].to_list() == ["reader_failure"]
