"""The demo generator's defect switch against the ingestion: every injected defect ends as the
clean value, a located problem, or (for plausibility defects) the value as written, left for
the quality gate. Nothing is silently changed."""

from __future__ import annotations

import polars as pl
import pytest

from orchestration.demo import write_demo_inbox
from orchestration.ingest import read_inbox_year
from tests.conftest import PROJECT_ROOT

DATA_YEAR = 2019

# What the ingestion must make of each kind of defect.
CLEAN_VALUE_AT_CELL = {  # the cell reads back as the clean value (units converted)
    "fullwidth_comma",
    "fullwidth_digits",
    "surrounding_spaces",
    "thousands_separator",
    "unit_announced_wanyuan",
    "unit_announced_yiyuan",
    "unit_announced_yuan",
    "unit_in_value",
    "percent_sign",
}
CLEAN_FILE = {  # the whole file loads with clean values
    "blank_rows",
    "encoding_gb18030",
    "encoding_gb18030_bom",
    "encoding_utf8_no_bom",
    "encoding_gbk",
    "encoding_gbk_bom",
    "encoding_utf8_bom",
    "extra_sheet",
    "merged_header",
    "note_row",
    "header_unit_yiyuan",
    "header_unit_yuan",
    "missing_code",
    "name_whitespace",
}
PROBLEM_IN_FILE = {  # a located problem with one of these codes names the file
    "missing_value": {"missing_value"},
    "old_code": {"old_unit_code", "old_unit_name"},
    "old_name": {"old_unit_code", "old_unit_name"},
    "shared_name_no_code": {"ambiguous_unit"},
    "foreign_unit_file": {
        "unknown_unit",
        "unit_not_valid_in_year",
        "invalid_unit_code",
        "unknown_unit_code",
    },
    "wrong_year_file": {"wrong_year"},
    "corrected_resubmission": {"duplicate_submission"},
    "superseded_submission": {"duplicate_submission"},
}
KEPT_AS_WRITTEN = {  # plausibility defects: read exactly as written, judged by the gate
    "negative_value",
    "rd_exceeds_enterprises",
    "tenfold_jump",
    "superseded_value",
}


@pytest.fixture(scope="module")
def defective_year(tmp_path_factory: pytest.TempPathFactory):
    inbox = tmp_path_factory.mktemp("inbox")
    manifest = write_demo_inbox(inbox, defect_rate=0.05, data_years=range(DATA_YEAR, DATA_YEAR + 1))
    result = read_inbox_year(inbox, DATA_YEAR, PROJECT_ROOT / "seeds")
    defects = pl.DataFrame(manifest.defects).with_columns(pl.col("row").cast(pl.Int64))
    return defects, result


def as_number(text: str) -> float:
    return float(text)


def test_every_defect_kind_is_accounted_for(defective_year) -> None:
    defects, _ = defective_year
    known = CLEAN_VALUE_AT_CELL | CLEAN_FILE | set(PROBLEM_IN_FILE) | KEPT_AS_WRITTEN
    result = sorted(set(defects["defect_kind"]) - known)
    assert result == [], f"defect kinds with no expectation: {result}"


def test_formatting_defects_read_back_as_the_clean_value(defective_year) -> None:
    defects, result = defective_year
    cells = defects.filter(pl.col("defect_kind").is_in(sorted(CLEAN_VALUE_AT_CELL)))
    assert cells.height > 0
    values = result.values
    for defect in cells.iter_rows(named=True):
        read = values.filter(
            (pl.col("file_name") == defect["file_name"])
            & (pl.col("row_number") == defect["row"])
            & (pl.col("column_letter") == defect["column"])
        )
        where = f"{defect['defect_kind']} at {defect['file_name']} row {defect['row']}"
        assert read.height == 1, where
        assert read["value"][0] == pytest.approx(as_number(defect["clean_value"]), rel=1e-9), where


def test_files_with_reading_defects_load_clean(defective_year) -> None:
    defects, result = defective_year
    files = defects.filter(pl.col("defect_kind").is_in(sorted(CLEAN_FILE)))["file_name"].unique()
    assert files.len() > 0
    statuses = result.files.filter(pl.col("file_name").is_in(files.to_list()))
    assert statuses.height == files.len()
    assert set(statuses["status"]) == {"loaded"}
    forms = statuses.filter(pl.col("layout") == "county_form")
    assert forms["unit_code"].null_count() == 0
    unresolved = result.values.filter(
        pl.col("file_name").is_in(files.to_list()) & pl.col("unit_code").is_null()
    )
    assert unresolved.height == 0


def test_identity_and_file_defects_are_located_problems(defective_year) -> None:
    defects, result = defective_year
    problems = result.problems
    for defect in defects.filter(pl.col("defect_kind").is_in(list(PROBLEM_IN_FILE))).iter_rows(
        named=True
    ):
        codes = PROBLEM_IN_FILE[defect["defect_kind"]]
        # a problem about a pair of files (a resubmission) is reported on the later file and
        # names the earlier one in its text
        found = problems.filter(
            pl.col("problem_code").is_in(sorted(codes))
            & (
                (pl.col("file_name") == defect["file_name"])
                | pl.col("expected").str.contains(defect["file_name"], literal=True)
            )
        )
        if defect["row"] is not None and defect["defect_kind"] == "missing_value":
            found = found.filter(pl.col("row_number") == defect["row"])
        assert found.height >= 1, (
            f"{defect['defect_kind']} in {defect['file_name']} row {defect['row']}: "
            f"no problem among {sorted(codes)}"
        )


def test_plausibility_defects_are_kept_exactly_as_written(defective_year) -> None:
    defects, result = defective_year
    kept = defects.filter(pl.col("defect_kind").is_in(sorted(KEPT_AS_WRITTEN)))
    assert kept.height > 0
    for defect in kept.iter_rows(named=True):
        read = result.values.filter(
            (pl.col("file_name") == defect["file_name"])
            & (pl.col("row_number") == defect["row"])
            & (pl.col("column_letter") == defect["column"])
        )
        assert read.height == 1
        assert read["value"][0] == pytest.approx(as_number(defect["text_written"]), rel=1e-9)


def test_wrong_year_file_is_rejected_and_the_rest_loads(defective_year) -> None:
    defects, result = defective_year
    wrong = defects.filter(pl.col("defect_kind") == "wrong_year_file")["file_name"].to_list()
    files = result.files
    rejected = files.filter(pl.col("status") == "rejected")["file_name"].to_list()
    assert set(wrong) <= set(rejected)
    assert files.filter(pl.col("status") == "loaded").height >= files.height - len(rejected)
    assert result.values["unit_code"].drop_nulls().n_unique() == 168
