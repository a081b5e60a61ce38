"""Layouts real offices use: year columns side by side, a city's workbook with one sheet per
county, sub-item rows (其中：…) and total rows (合计) — each read as what it is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from orchestration import layouts

from .builders import COUNTY_VARIABLES, DEFAULT_VALUES, CountyForm, city_summary_grid, write_xlsx
from .conftest import YEAR, read, year_dir

CLEAN = {code: float(v) for code, v in DEFAULT_VALUES.items()}
PREVIOUS = {code: float(v) * 0.9 for code, v in DEFAULT_VALUES.items()}


def values_of(result, file_name: str | None = None) -> dict[str, float | None]:
    frame = result.values
    if file_name is not None:
        frame = frame.filter(pl.col("file_name") == file_name)
    return dict(frame.select("variable_code", "value").iter_rows())


def two_year_form(previous: str, current: str) -> list[list[Any]]:
    """A county form with last year's and this year's values in two columns."""
    form = CountyForm(note_row=None)
    grid = form.grid()
    grid[form.HEADER_ROW] = ["指标代码", "指标名称", "计量单位", previous, current, "备注"]
    for row in grid[form.HEADER_ROW + 1 :]:
        row.insert(3, PREVIOUS[row[0]])
    return grid


@pytest.mark.parametrize(
    "previous,current",
    [
        (f"{YEAR - 1}年数值", f"{YEAR}年数值"),
        (f"{YEAR - 1}年", f"{YEAR}年"),
        ("上年数", "本年数"),
        (f"数值（{YEAR - 1}年）", f"数值（{YEAR}年）"),
    ],
)
def test_year_columns_side_by_side_take_the_data_year(
    inbox: Path, previous: str, current: str
) -> None:
    write_xlsx(year_dir(inbox) / "two_years.xlsx", {"填报表": two_year_form(previous, current)})
    result = read(inbox)
    assert values_of(result) == CLEAN
    assert set(result.values["column_letter"]) == {"E"}
    problems = result.problems.select("problem_code", "severity", "column_letter", "found_text")
    assert problems.rows() == [("other_year_column", "info", "D", previous)]


def test_year_sub_header_under_merged_value_header(inbox: Path) -> None:
    form = CountyForm(note_row=None)
    grid = two_year_form("数值", "")
    grid.insert(form.HEADER_ROW + 1, [None, None, None, f"{YEAR - 1}年", f"{YEAR}年", None])
    write_xlsx(
        year_dir(inbox) / "merged.xlsx",
        {"填报表": grid},
        merges={"填报表": ["D6:E6", "A6:A7", "B6:B7", "C6:C7", "F6:F7"]},
    )
    result = read(inbox)
    assert values_of(result) == CLEAN
    assert result.problems["problem_code"].to_list() == ["other_year_column"]


def test_no_column_for_the_data_year_is_an_error(inbox: Path) -> None:
    grid = two_year_form(f"{YEAR - 2}年数值", f"{YEAR - 1}年数值")
    write_xlsx(year_dir(inbox) / "old.xlsx", {"填报表": grid})
    result = read(inbox)
    assert result.values.height == 0
    problems = result.problems.select("problem_code", "severity", "row_number").rows()
    assert problems == [("no_value_column_for_year", "error", CountyForm.HEADER_ROW + 1)]


COUNTIES = [("130123", "正定县"), ("130125", "行唐县"), ("130126", "灵寿县")]


def test_city_workbook_with_one_sheet_per_county_reads_every_sheet(inbox: Path) -> None:
    sheets = {"填表说明": [["各县分别填报一个工作表"]]}
    for i, (code, name) in enumerate(COUNTIES):
        form = CountyForm(unit_name=name, unit_code=code)
        form.values["hte_count"] = 40 + i
        sheets[name] = form.grid()
    sheets["2020年"] = CountyForm(data_year=YEAR - 1).grid()  # last year's copy
    write_xlsx(year_dir(inbox) / "石家庄市.xlsx", sheets)

    result = read(inbox)

    by_sheet = result.values.group_by("sheet", "unit_code").len().sort("sheet").rows()
    assert sorted(by_sheet) == sorted((name, code, 19) for code, name in COUNTIES)
    hte = dict(
        result.values.filter(pl.col("variable_code") == "hte_count")
        .select("unit_code", "value")
        .iter_rows()
    )
    assert hte == {"130123": 40.0, "130125": 41.0, "130126": 42.0}
    file = result.files.row(0, named=True)
    assert (file["status"], file["layout"], file["unit_code"], file["value_count"]) == (
        "loaded",
        "county_form",
        None,
        57,
    )
    assert file["sheet"] == "正定县; 行唐县; 灵寿县"
    problems = result.problems.select("problem_code", "sheet").sort("sheet").rows()
    assert problems == [("other_year_sheet", "2020年"), ("extra_sheet_ignored", "填表说明")]


@pytest.mark.parametrize("same", [True, False], ids=["same_values", "different_values"])
def test_a_county_on_two_sheets_keeps_the_first(inbox: Path, same: bool) -> None:
    second = CountyForm()
    if not same:
        second.values["gdp"] = 300
    write_xlsx(year_dir(inbox) / "twice.xlsx", {"A": CountyForm().grid(), "B": second.grid()})
    result = read(inbox)
    assert values_of(result) == CLEAN and set(result.values["sheet"]) == {"A"}
    expected = ("repeated_sheet", "warning") if same else ("duplicate_sheet", "error")
    assert result.problems.select("problem_code", "severity", "sheet").rows() == [(*expected, "B")]


def _form_with_rows(after: str, rows: list[list[Any]]) -> tuple[CountyForm, list[list[Any]]]:
    form = CountyForm(note_row=None)
    grid = form.grid()
    at = form.data_row_number(after)  # 0-based index of the row after it
    grid[at:at] = rows
    return form, grid


def test_sub_item_rows_are_not_variables(inbox: Path) -> None:
    _, grid = _form_with_rows(
        "gerd",
        [
            [None, "其中：基础研究经费", "万元", 3000, None],
            [None, "  其中：试验发展经费", "万元", 90000, None],  # larger than gerd (61200)
        ],
    )
    write_xlsx(year_dir(inbox) / "sub.xlsx", {"填报表": grid})
    result = read(inbox)
    assert values_of(result) == CLEAN
    problems = result.problems.select("problem_code", "severity", "row_number").rows()
    gerd_row = CountyForm().data_row_number("gerd")
    assert problems == [
        ("sub_item_row", "info", gerd_row + 1),
        ("sub_item_row", "info", gerd_row + 2),
        ("sub_item_exceeds_parent", "warning", gerd_row + 2),
    ]


def test_a_sub_item_that_is_a_base_variable_is_read_as_it(inbox: Path) -> None:
    form = CountyForm(note_row=None)
    grid = form.grid()
    row = grid[form.data_row_number("ind_ent_rd_count") - 1]
    row[0], row[1] = None, "其中：有研发活动的规模以上工业企业数"
    write_xlsx(year_dir(inbox) / "sub.xlsx", {"填报表": grid})
    result = read(inbox)
    assert values_of(result) == CLEAN and result.problems.height == 0


def test_total_row_under_a_county_form_is_noted_not_loaded(inbox: Path) -> None:
    _, grid = _form_with_rows("new_product_sales", [[None, "合计", None, 999999, None]])
    write_xlsx(year_dir(inbox) / "total.xlsx", {"填报表": grid})
    result = read(inbox)
    assert values_of(result) == CLEAN
    problems = result.problems.select("problem_code", "severity").rows()
    assert problems == [("total_row_skipped", "info")]


@pytest.mark.parametrize(
    "label,gdp_total,codes",
    [
        ("合计", DEFAULT_VALUES["gdp"] * 2, ["total_row_skipped"]),
        ("石家庄市小计", DEFAULT_VALUES["gdp"] * 2 + 0.04, ["total_row_skipped"]),  # rounding
        ("合计", DEFAULT_VALUES["gdp"] * 3, ["total_row_skipped", "total_mismatch"]),
        ("全市", DEFAULT_VALUES["gdp"] * 3, ["total_row_skipped"]),  # may hold unlisted units
    ],
    ids=["sum", "rounded_sum", "mismatch", "city_total"],
)
def test_city_summary_total_is_checked_against_its_rows(
    inbox: Path, label: str, gdp_total: float, codes: list[str]
) -> None:
    grid = city_summary_grid([("130102", "长安区", {}), ("130104", "桥西区", {})])
    sums = [DEFAULT_VALUES[code] * 2 for code, *_ in COUNTY_VARIABLES]
    sums[5] = round(gdp_total, 1)
    grid.append([None, label, *sums])
    write_xlsx(year_dir(inbox) / "summary.xlsx", {"汇总表": grid})
    result = read(inbox)
    assert result.values.height == 38
    assert result.problems["problem_code"].to_list() == codes
    mismatch = result.problems.filter(pl.col("problem_code") == "total_mismatch")
    if mismatch.height:
        located = mismatch.select("row_number", "column_letter", "variable_code", "severity")
        assert located.row(0) == (6, "H", "gdp", "warning")


def test_city_summary_with_two_years_side_by_side(inbox: Path) -> None:
    names = [layouts.variable_column_header(name, unit) for _, name, unit, _ in COUNTY_VARIABLES]
    n = len(names)
    header = [*layouts.CITY_SUMMARY_KEY_COLUMNS, f"{YEAR - 1}年"] + [None] * (n - 1)
    header += [f"{YEAR}年"] + [None] * (n - 1)
    rows = [
        ["石家庄市" + layouts.CITY_SUMMARY_TITLE],
        [layouts.HEADER_DATA_YEAR, YEAR],
        header,
        [None, None, *names, *names],
        ["130123", "正定县", *PREVIOUS.values(), *CLEAN.values()],
    ]
    last = _column_letter(2 + 2 * n)
    middle_left, middle_right = _column_letter(2 + n), _column_letter(3 + n)
    merges = ["A3:A4", "B3:B4", f"C3:{middle_left}3", f"{middle_right}3:{last}3"]
    write_xlsx(year_dir(inbox) / "two_years.xlsx", {"汇总表": rows}, merges={"汇总表": merges})
    result = read(inbox)
    assert values_of(result) == CLEAN
    codes = result.problems.group_by("problem_code", "severity").len().rows()
    assert codes == [("other_year_column", "info", n)]


def _column_letter(one_based: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(one_based)
