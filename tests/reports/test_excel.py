"""The Excel ranking and award lists open with openpyxl and hold the mart's figures."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from orchestration.reports.excel import HEADER_ROW

YEARS = list(range(2018, 2025))


def sheet_rows(path: Path, sheet_name: str) -> tuple[list[str], list[tuple]]:
    """Header and data rows of a sheet (rows below the header until the first empty one)."""
    workbook = load_workbook(path, read_only=True)
    rows = list(workbook[sheet_name].iter_rows(min_row=HEADER_ROW, values_only=True))
    workbook.close()  # read-only workbooks keep the file open until closed
    header, data = list(rows[0]), []
    for row in rows[1:]:
        if row[1] is None:  # the award list's total row has no county code
            break
        data.append(row)
    return header, data


def differences(result: list[tuple], expected: list[tuple]) -> list[tuple]:
    """(row, result, expected) where a workbook row differs from the mart's; numbers agree
    when equal to 12 significant digits (Excel keeps 15, openpyxl writes at most 17)."""
    def same(a, b) -> bool:
        if isinstance(a, int | float) and isinstance(b, int | float):
            return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
        return a == b

    found = [
        (index, got, want)
        for index, (got, want) in enumerate(zip(result, expected, strict=False))
        if len(got) != len(want) or not all(map(same, got, want))
    ]
    if len(result) != len(expected):
        found.append((min(len(result), len(expected)), len(result), len(expected)))
    return found


def columns(header: list[str], rows: list[tuple], names: list[str]) -> list[tuple]:
    index = [header.index(name) for name in names]
    return [tuple(row[i] for i in index) for row in rows]


@pytest.mark.parametrize("year", YEARS)
def test_ranking_list_holds_the_mart_figures(
    reports_dir: Path, mart: duckdb.DuckDBPyConnection, year: int
) -> None:
    header, rows = sheet_rows(reports_dir / "excel" / f"ranking_{year}.xlsx", "评价排名")
    result = columns(header, rows, [
        "全省排名", "行政区划代码", "县（市、区）", "所属市", "总分", "类别",
        "创新投入", "创新主体", "创新条件", "创新产出", "创新管理",
        "市内排名", "上年排名", "位次变化", "总分变化"])
    expected = mart.execute("""
        select s.province_rank, s.county_code, s.county_name, s.city_name, s.total_points,
               s.class, s.points_input, s.points_actors, s.points_conditions, s.points_output,
               s.points_management, s.city_rank, t.previous_rank, t.rank_change, t.score_change
        from county_scores as s
        left join county_transitions as t using (evaluation_year, county_code)
        where s.evaluation_year = ?
        order by s.province_rank, s.county_code
    """, [year]).fetchall()
    assert differences(result, expected) == []


@pytest.mark.parametrize("year", [2018, 2024])
def test_indicator_sheet_holds_the_mart_points(
    reports_dir: Path, mart: duckdb.DuckDBPyConnection, year: int
) -> None:
    header, rows = sheet_rows(reports_dir / "excel" / f"ranking_{year}.xlsx", "指标得分")
    indicator_headers = [name for name in header if name and name[:2] in {
        "I1", "I2", "I3", "I4", "E1", "E2", "E3", "C1", "C2", "C3", "O1", "O2", "O3", "O4",
        "M1", "M2", "M3"}]
    codes = [name.split()[0] for name in indicator_headers]
    result = {
        (row[header.index("行政区划代码")], code): row[header.index(name)]
        for row in rows for code, name in zip(codes, indicator_headers, strict=True)
    }
    expected = dict(((code, indicator), points) for code, indicator, points in mart.execute(
        "select county_code, indicator_code, indicator_points from county_indicator_points "
        "where evaluation_year = ?", [year]).fetchall())
    assert len(codes) == 17
    assert differences(
        [(*key, value) for key, value in sorted(result.items())],
        [(*key, value) for key, value in sorted(expected.items())],
    ) == []


@pytest.mark.parametrize("year", YEARS)
def test_award_list_holds_the_mart_awards_and_total(
    reports_dir: Path, mart: duckdb.DuckDBPyConnection, year: int
) -> None:
    path = reports_dir / "excel" / f"awards_{year}.xlsx"
    header, rows = sheet_rows(path, "奖励名单")
    names = ["行政区划代码", "县（市、区）", "奖励项目", "奖励金额（万元）"]
    result = sorted(columns(header, rows, names))
    expected = sorted(mart.execute(
        "select county_code, county_name, award_name_zh, amount_wan_yuan from awards "
        "where evaluation_year = ?", [year]).fetchall())
    assert result == expected
    workbook = load_workbook(path, read_only=True)
    values = [row for row in workbook["奖励名单"].iter_rows(values_only=True) if row[0] == "合计"]
    workbook.close()
    (total,) = mart.execute(
        "select total_amount_wan_yuan from award_totals where evaluation_year = ?", [year]
    ).fetchone()
    assert values[0][-1] == total


def test_lists_have_a_title_and_frozen_header(reports_dir: Path) -> None:
    workbook = load_workbook(reports_dir / "excel" / "ranking_2024.xlsx")
    sheet = workbook["评价排名"]
    assert sheet["A1"].value == "2024年度河北省县域科技创新能力评价结果"
    assert sheet.freeze_panes == f"D{HEADER_ROW + 1}"
    assert sheet.cell(row=HEADER_ROW, column=1).value == "全省排名"
