"""The raw store: a real DuckDB file; idempotent by file content, resubmissions kept."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import polars as pl
import pytest

from orchestration.ingest import IngestResult, read_inbox_year, store_ingest_result
from orchestration.ingest.raw_store import StoreSummary

from .builders import CountyForm, write_xlsx
from .conftest import RECEIVED, SEEDS, read, year_dir


def counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int, int]:
    return tuple(  # type: ignore[return-value]
        con.execute(f"SELECT count(*) FROM raw.{t}").fetchone()[0]
        for t in ("submission_files", "submitted_values", "ingest_problems")
    )


def test_store_creates_tables_and_is_idempotent(inbox: Path, tmp_path: Path) -> None:
    form = CountyForm()
    form.values["tech_contract"] = "暂无"
    write_xlsx(year_dir(inbox) / "a.xlsx", {"填报表": form.grid()})
    write_xlsx(year_dir(inbox) / "b.xlsx", {"填报表": CountyForm(data_year=2020).grid()})
    db = tmp_path / "work.duckdb"

    with duckdb.connect(str(db)) as con:
        first = store_ingest_result(con, read(inbox))
    with duckdb.connect(str(db)) as con:
        second = store_ingest_result(con, read(inbox))
        assert counts(con) == (2, 19, 2)

    assert first == StoreSummary(new_files=2, new_values=19, new_problems=2, skipped_files=0)
    assert second == StoreSummary(new_files=0, new_values=0, new_problems=0, skipped_files=2)


def test_stored_rows_keep_types_and_lineage(inbox: Path, tmp_path: Path) -> None:
    form = CountyForm()
    form.values["gdp"] = "2,856,000万元"
    form.units["gdp"] = None  # the unit is stated in the value only
    write_xlsx(year_dir(inbox) / "a.xlsx", {"填报表": form.grid()})
    result = read(inbox)
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        store_ingest_result(con, result)
        stored = con.sql("SELECT * FROM raw.submitted_values ORDER BY row_number").pl()
        types = dict(
            con.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = 'raw' AND table_name = 'submitted_values'"
            ).fetchall()
        )
        files = con.sql("SELECT * FROM raw.submission_files").pl()
    assert stored.drop("received_at").equals(result.values.sort("row_number").drop("received_at"))
    assert stored["received_at"].to_list() == [RECEIVED] * 19
    assert types["value"] == "DOUBLE" and types["row_number"] == "INTEGER"
    assert types["is_missing"] == "BOOLEAN" and types["received_at"] == "TIMESTAMP"
    gdp = stored.filter(pl.col("variable_code") == "gdp").row(0, named=True)
    assert (gdp["value"], gdp["raw_text"], gdp["unit_found"], gdp["conversion_factor"]) == (
        285.6,
        "2,856,000万元",
        "万元",
        0.0001,
    )
    assert (gdp["unit_stated_in"], gdp["conversion"]) == (
        "typed in the value",
        "2856000 万元 × 0.0001 = 285.6 亿元",
    )
    assert files["contact_name"].to_list() == ["张三"] and files["ingested_at"].null_count() == 0


def test_corrected_resubmission_is_added_and_the_earlier_file_stays(
    inbox: Path, tmp_path: Path
) -> None:
    d = year_dir(inbox)
    first = write_xlsx(d / "zd.xlsx", {"填报表": CountyForm().grid()})
    os.utime(first, (1_640_000_000, 1_640_000_000))
    db = str(tmp_path / "w.duckdb")
    with duckdb.connect(db) as con:
        store_ingest_result(con, read_inbox_year(inbox, 2021, SEEDS))

    corrected = CountyForm()
    corrected.values["fiscal_st_exp"] = 5300
    second = write_xlsx(d / "zd_corrected.xlsx", {"填报表": corrected.grid()})
    os.utime(second, (1_650_000_000, 1_650_000_000))
    with duckdb.connect(db) as con:
        summary = store_ingest_result(con, read_inbox_year(inbox, 2021, SEEDS))
        files = con.execute(
            "SELECT file_name, status, unit_code FROM raw.submission_files ORDER BY received_at"
        ).fetchall()
        fiscal = con.execute(
            "SELECT file_name, value FROM raw.submitted_values "
            "WHERE variable_code = 'fiscal_st_exp' ORDER BY received_at"
        ).fetchall()
        dup = con.execute(
            "SELECT file_name, found_text FROM raw.ingest_problems "
            "WHERE problem_code = 'duplicate_submission'"
        ).fetchall()

    assert summary == StoreSummary(new_files=1, new_values=19, new_problems=1, skipped_files=1)
    assert files == [("zd.xlsx", "loaded", "130123"), ("zd_corrected.xlsx", "loaded", "130123")]
    assert fiscal == [("zd.xlsx", 5230.5), ("zd_corrected.xlsx", 5300.0)]
    assert dup == [("zd_corrected.xlsx", "zd.xlsx; zd_corrected.xlsx")]


def test_replace_existing_rewrites_a_files_rows(inbox: Path, tmp_path: Path) -> None:
    write_xlsx(year_dir(inbox) / "a.xlsx", {"填报表": CountyForm().grid()})
    result = read(inbox)
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        store_ingest_result(con, result)
        # as if an older reader had produced a different problem list for the same bytes
        con.execute(
            "INSERT INTO raw.ingest_problems (data_year, file_sha256, problem_code) "
            "SELECT data_year, file_sha256, 'stale' FROM raw.submission_files"
        )
        summary = store_ingest_result(con, result, replace_existing=True)
        assert counts(con) == (1, 19, 0)
    assert summary.new_files == 1 and summary.skipped_files == 0


def test_byte_identical_copies_store_one_file_row(inbox: Path, tmp_path: Path) -> None:
    d = year_dir(inbox)
    write_xlsx(d / "a.xlsx", {"填报表": CountyForm().grid()})
    (d / "b.xlsx").write_bytes((d / "a.xlsx").read_bytes())
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        summary = store_ingest_result(con, read(inbox))
        rows = con.execute("SELECT file_name, status FROM raw.submission_files").fetchall()
        assert counts(con) == (1, 19, 1)
    assert rows == [("a.xlsx", "loaded")]
    assert summary.new_files == 1


def test_failed_store_leaves_nothing_behind(inbox: Path, tmp_path: Path) -> None:
    write_xlsx(year_dir(inbox) / "a.xlsx", {"填报表": CountyForm().grid()})
    result = read(inbox)
    broken = IngestResult(
        values=result.values.with_columns(pl.lit("x").alias("not_a_column")),
        files=result.files,
        problems=result.problems,
    )
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        with pytest.raises(duckdb.Error):
            store_ingest_result(con, broken)  # the values insert fails after the files insert
        assert counts(con) == (0, 0, 0)


def test_a_raw_layer_of_the_earlier_contract_gets_the_new_columns(
    inbox: Path, tmp_path: Path
) -> None:
    """A work database made before remark / unit_stated_in / conversion existed: the columns
    are added, the stored rows keep theirs, the new rows carry the new ones."""
    form = CountyForm()
    form.values["hte_count"] = "48①"
    write_xlsx(year_dir(inbox) / "a.xlsx", {"填报表": form.grid()})
    new_columns = ("remark", "unit_stated_in", "conversion")
    with duckdb.connect(str(tmp_path / "old.duckdb")) as con:
        con.execute("CREATE SCHEMA raw")
        old = ", ".join(f"{name} VARCHAR" for name in ("data_year", "unit_code", "file_sha256"))
        con.execute(f"CREATE TABLE raw.submitted_values ({old})")
        con.execute("INSERT INTO raw.submitted_values VALUES ('2020', '130123', 'old')")
        store_ingest_result(con, read(inbox))
        columns = [r[0] for r in con.execute("DESCRIBE raw.submitted_values").fetchall()]
        remarks = con.execute(
            "SELECT file_sha256 = 'old', remark FROM raw.submitted_values "
            "WHERE remark IS NOT NULL OR file_sha256 = 'old' ORDER BY 1"
        ).fetchall()
    assert set(new_columns) <= set(columns)
    assert remarks == [(False, "①"), (True, None)]
