"""The data-quality box of a year's page: every gated table of the year, in words (Chinese and
English), with the checks that failed, and no file-system path of the machine that built it."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from tests.conftest import PROJECT_ROOT
from tests.reports.conftest import copy_mart, leap_report


def as_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def quality_box(page: Path) -> tuple[str, list[list[str]]]:
    """The box's verdict line and its table's rows (cells as text, both languages)."""
    text = page.read_text(encoding="utf-8")
    box = re.search(r'id="data-quality">(.*?)</table>', text, re.S)[1]
    verdict = re.search(r"<p>(.*?)</p>", box, re.S)[1]
    rows = re.findall(r'<tr class="quality-[a-z]+">(.*?)</tr>', box, re.S)
    return as_text(verdict), [[as_text(c) for c in re.findall(r"<td>(.*?)</td>", r, re.S)]
                              for r in rows]  # fmt: skip


def test_box_shows_every_gated_table_of_the_year(
    reports_dir: Path, mart: duckdb.DuckDBPyConnection
) -> None:
    tables = mart.execute(
        "select evaluation_year, count(*), count(*) filter (where status = 'passed') "
        "from data_quality_status group by 1 order by 1"
    ).fetchall()
    result = {}
    for year, _, _ in tables:
        _, rows = quality_box(reports_dir / "site" / "year" / f"{year}.html")
        result[year] = (len(rows), sum(row[1] == "全部通过 passed" for row in rows))
    expected = {year: (count, passed) for year, count, passed in tables}
    assert result == expected
    assert len(expected) == 7


def test_no_page_names_a_path_of_the_build_machine(
    reports_dir: Path, demo_warehouse: Path, mart: duckdb.DuckDBPyConnection
) -> None:
    """The gate records where its Data Docs are; the pages must not show it (nor the run id)."""
    (docs, run_id) = mart.execute(
        "select data_docs, run_id from data_quality_status order by evaluation_year limit 1"
    ).fetchone()
    leaks = {}
    for page in sorted((reports_dir / "site").rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        found = [
            needle
            for needle in (str(demo_warehouse), str(PROJECT_ROOT), docs, run_id, "data_docs")
            if needle and needle in text
        ]
        if found:
            leaks[page.name] = found
    assert leaks == {}


WARNING_STATUS = """
    update data_quality_status
    set status = 'warnings', warnings_failed = 1, findings_total = 3,
        checks_failed = 'names_match_registry'
    where evaluation_year = 2023 and gated_table = 'county_scores'
"""
NO_CHECKS_TABLE = "drop table if exists data_quality_checks"
CHECKS_TABLE = """
    create or replace table data_quality_checks as
    select 2023 as evaluation_year, 'county_scores' as gated_table,
           'names_match_registry' as rule, 'warning' as severity, false as passed,
           3 as failed_count, 'every county name as in the unit registry' as description
    union all
    select 2023, 'county_scores', 'ranks_consistent', 'error', true, 0,
           'ranks follow the totals'
"""


@pytest.mark.parametrize(
    ("statements", "expected_failed"),
    [
        ([WARNING_STATUS, NO_CHECKS_TABLE], "names_match_registry"),
        (
            [WARNING_STATUS, CHECKS_TABLE],
            "names_match_registry ( 警告 warning ): 3 处 findings — every county name as in "
            "the unit registry",
        ),
    ],
    ids=["status_only", "with_checks_table"],
)
def test_box_says_which_checks_failed(
    demo_warehouse: Path,
    report_mart: Path,
    tmp_path: Path,
    statements: list[str],
    expected_failed: str,
) -> None:
    mart_db = copy_mart(report_mart, tmp_path / "mart")
    with duckdb.connect(str(mart_db)) as con:
        for statement in statements:
            con.execute(statement)
    page = leap_report(demo_warehouse, mart_db, tmp_path) / "site" / "year" / "2023.html"
    verdict, rows = quality_box(page)
    by_table = {row[0]: row for row in rows}
    result = (verdict, by_table["县域得分 county scores"][1], by_table["县域得分 county scores"][5])
    expected = (
        "数据质量状态 Data-quality status : 通过（有警告） passed with warnings",
        "通过（有警告） passed with warnings",
        expected_failed,
    )
    assert result == expected


def test_box_falls_back_to_the_publication_log(
    demo_warehouse: Path, report_mart: Path, tmp_path: Path
) -> None:
    """A mart published before the gate recorded its verdicts shows the status the publication
    log kept, and when the year was published."""
    mart_db = copy_mart(report_mart, tmp_path / "mart")
    with duckdb.connect(str(mart_db)) as con:
        con.execute("drop table data_quality_status")
        con.execute("drop table if exists data_quality_checks")
        (published_at,) = con.execute(
            "select max(published_at) from publication_log where evaluation_year = 2023"
        ).fetchone()
    page = leap_report(demo_warehouse, mart_db, tmp_path) / "site" / "year" / "2023.html"
    box = re.search(r'id="data-quality">(.*?)</div>', page.read_text(encoding="utf-8"), re.S)[1]
    result = as_text(box)
    expected = (
        "数据质量状态 Data-quality status : 全部通过 passed · 发布时间 Published at "
        f"{str(published_at)[:16]} UTC"
    )
    assert result == expected
