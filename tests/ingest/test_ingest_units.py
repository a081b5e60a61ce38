"""Units stated anywhere the office states them: the 计量单位 column, a line above or
inside the table (`金额单位：千元`, `（单位：万元）`), the value column header
(`数值（万元）`), a city summary's unit row, magnitude words in the value (`312.04亿`).
Every value comes back in its canonical unit with the conversion recorded, or — when two
statements of the same level disagree — null with a located `conflicting_units` error; a row's
own unit overrides the table's unit line, with a note (`unit_line_overridden`)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from orchestration import layouts

from .builders import (
    COUNTY_VARIABLES,
    DEFAULT_VALUES,
    CountyForm,
    city_summary_grid,
    write_csv,
    write_xlsx,
)
from .conftest import read, year_dir

MONEY = {code for code, _, unit, _ in COUNTY_VARIABLES if unit in ("万元", "亿元")}
# the factor from 千元 to each money variable's canonical unit (万元 or 亿元)
FROM_QIANYUAN = {"万元": Decimal("0.1"), "亿元": Decimal("0.00001")}
UNIT_OF = {code: unit for code, _, unit, _ in COUNTY_VARIABLES}


def without_unit_column(grid: list[list[Any]], header_row: int) -> list[list[Any]]:
    """The form with its 计量单位 column (C) removed from the table."""
    return [row[:2] + row[3:] if r >= header_row else row for r, row in enumerate(grid)]


def in_qianyuan(code: str) -> float:
    """The default value of a money variable written in 千元."""
    return float(Decimal(str(DEFAULT_VALUES[code])) / FROM_QIANYUAN[UNIT_OF[code]])


@pytest.mark.parametrize(
    "line", ["金额单位：千元", "（金额单位：千元）", "单位:千元", "计量单位：千元"]
)
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_unit_line_above_a_table_without_unit_column(inbox: Path, line: str, fmt: str) -> None:
    form = CountyForm()
    form.values.update({code: in_qianyuan(code) for code in MONEY})
    grid = without_unit_column(form.grid(), form.HEADER_ROW)
    grid[4] = [line]  # the blank line between the header block and the table
    path = year_dir(inbox) / f"form.{fmt}"
    write_xlsx(path, {"填报表": grid}) if fmt == "xlsx" else write_csv(path, grid)

    result = read(inbox)

    values = dict(result.values.select("variable_code", "value").iter_rows())
    assert values == pytest.approx({code: float(v) for code, v in DEFAULT_VALUES.items()})
    stated = result.values.filter(pl.col("variable_code") == "gdp").row(0, named=True)
    assert (stated["unit_found"], stated["unit_stated_in"]) == ("千元", f"'{line}' (row 5)")
    assert stated["conversion"] == "28560000 千元 × 0.00001 = 285.6 亿元"
    codes = result.problems.group_by("problem_code").len().sort("problem_code").rows()
    assert codes == [("unit_converted", len(MONEY))]
    counts = result.values.filter(~pl.col("variable_code").is_in(sorted(MONEY)))
    assert counts["unit_stated_in"].null_count() == counts.height  # 家, 个, 人年 untouched


def test_unit_in_the_value_column_header(inbox: Path) -> None:
    form = CountyForm()
    form.values["gdp"] = 2856000  # in 万元, as the header says
    grid = without_unit_column(form.grid(), form.HEADER_ROW)
    grid[form.HEADER_ROW][2] = "数值（万元）"
    write_xlsx(year_dir(inbox) / "form.xlsx", {"填报表": grid})

    result = read(inbox)

    gdp = result.values.filter(pl.col("variable_code") == "gdp").row(0, named=True)
    expected = (285.6, "万元", "the value column header '数值（万元）'", "数值（万元）")
    assert (gdp["value"], gdp["unit_found"], gdp["unit_stated_in"], gdp["column_name"]) == expected
    fiscal = result.values.filter(pl.col("variable_code") == "fiscal_st_exp").row(0, named=True)
    assert (fiscal["value"], fiscal["conversion"]) == (5230.5, None)
    assert result.problems["problem_code"].to_list() == ["unit_converted"]


def test_the_row_unit_overrides_the_table_line_with_a_note(inbox: Path) -> None:
    form = CountyForm()
    grid = form.grid()
    grid[0][0] = layouts.COUNTY_FORM_TITLE + "（单位：万元）"  # but gdp's 计量单位 says 亿元
    write_xlsx(year_dir(inbox) / "form.xlsx", {"填报表": grid})

    result = read(inbox)

    gdp = result.values.filter(pl.col("variable_code") == "gdp").row(0, named=True)
    problems = [
        (p["problem_code"], p["severity"], p["row_number"], p["variable_code"])
        for p in result.problems.iter_rows(named=True)
    ]
    expected = [("unit_line_overridden", "info", form.data_row_number("gdp"), "gdp")]
    assert (gdp["value"], gdp["unit_found"], problems) == (285.6, "亿元", expected)
    note = result.problems.row(0, named=True)["expected"]
    assert "（单位：万元）" in note and "says 亿元" in note  # both statements named


# (case, change to the form, variable, value read, problem codes)
def _title_line_and_typed_yiyuan(form: CountyForm, grid: list[list[Any]]) -> None:
    grid[0][0] = layouts.COUNTY_FORM_TITLE + "（单位：万元）"
    row = form.HEADER_ROW + 1 + [c for c, *_ in COUNTY_VARIABLES].index("gdp")
    grid[row][2:4] = [None, "285.6亿元"]  # no 计量单位: the value's own unit


def _column_wanyuan_typed_yiyuan(form: CountyForm, grid: list[list[Any]]) -> None:
    row = form.HEADER_ROW + 1 + [c for c, *_ in COUNTY_VARIABLES].index("fiscal_st_exp")
    grid[row][3] = "0.52305亿元"  # the 计量单位 column says 万元: same level, a conflict


def _header_qianyuan_column_wanyuan(form: CountyForm, grid: list[list[Any]]) -> None:
    grid[form.HEADER_ROW][3] = "数值（千元）"  # the 计量单位 column says 万元: a conflict


STATEMENT_CASES = [
    ("value_overrides_line", _title_line_and_typed_yiyuan, "gdp", 285.6, {"unit_line_overridden"}),
    ("column_against_value", _column_wanyuan_typed_yiyuan, "fiscal_st_exp", None,
     {"conflicting_units"}),
    ("header_against_column", _header_qianyuan_column_wanyuan, "fiscal_st_exp", None,
     {"conflicting_units"}),
]  # fmt: skip


@pytest.mark.parametrize(
    "case,change,variable,value,codes", STATEMENT_CASES, ids=[c[0] for c in STATEMENT_CASES]
)
def test_which_unit_statement_holds(
    inbox: Path, case: str, change, variable: str, value, codes: set[str]
) -> None:
    form = CountyForm()
    grid = form.grid()
    change(form, grid)
    write_xlsx(year_dir(inbox) / f"{case}.xlsx", {"填报表": grid})

    result = read(inbox)

    got = result.values.filter(pl.col("variable_code") == variable).row(0, named=True)
    mine = result.problems.filter(pl.col("variable_code") == variable)
    result_ = (got["value"], set(mine["problem_code"]))
    expected = (pytest.approx(value) if value is not None else None, codes)
    assert result_ == expected


# (case, variable, typed, 计量单位 (None: the canonical unit, "": blank), value, codes)
MAGNITUDE_CASES = [
    ("yi_for_yi", "gdp", "312.04亿", None, 312.04, set()),
    ("wan_for_wanyuan", "fiscal_st_exp", "5321.7万", None, 5321.7, set()),
    ("wan_for_wanren", "population", "52.81万", None, 52.81, set()),
    ("yi_no_column", "fiscal_st_exp", "312.04亿", "", 3120400.0, {"unit_converted"}),
    ("wan_for_count", "tsme_count", "1.2万", None, 12000.0, {"unit_converted"}),
    ("wan_for_count_no_column", "tsme_count", "1.2万", "", 12000.0, {"unit_converted"}),
    # 千家 is in no conversion of seeds/unit_conversions.csv: refused, not guessed
    ("qian_for_count", "tsme_count", "1.2千", "", None, {"unknown_unit_of_measure"}),
    ("yi_against_wanyuan", "fiscal_st_exp", "312.04亿", None, None, {"conflicting_units"}),
    ("wan_against_yiyuan", "gdp", "5321.7万", None, None, {"conflicting_units"}),
]


@pytest.mark.parametrize(
    "case,variable,typed,unit_column,value,codes",
    MAGNITUDE_CASES,
    ids=[c[0] for c in MAGNITUDE_CASES],
)
def test_magnitude_words_in_values(
    inbox: Path, case: str, variable: str, typed: str, unit_column, value, codes
) -> None:
    form = CountyForm()
    form.values[variable] = typed
    if unit_column is not None:
        form.units[variable] = unit_column or None
    write_xlsx(year_dir(inbox) / f"{case}.xlsx", {"填报表": form.grid()})
    result = read(inbox)
    got = result.values.filter(pl.col("variable_code") == variable).row(0, named=True)
    assert got["value"] == (pytest.approx(value) if value is not None else None)
    assert set(result.problems["problem_code"]) == codes


def test_unit_line_with_a_unit_without_conversion_is_an_error_at_the_line(inbox: Path) -> None:
    form = CountyForm()
    grid = form.grid()
    grid[4] = [None, None, None, "单位：万美元"]
    write_xlsx(year_dir(inbox) / "form.xlsx", {"填报表": grid})
    problems = read(inbox).problems.select(
        "problem_code", "severity", "row_number", "column_letter"
    )
    assert problems.rows() == [("unknown_unit_of_measure", "error", 5, "D")]


def _summary_without_header_units(counties: list[tuple[str, str, dict]]) -> list[list[Any]]:
    grid = city_summary_grid(counties, headers={code: name for code, name, *_ in COUNTY_VARIABLES})
    return grid


def test_city_summary_unit_line_and_unit_row(inbox: Path) -> None:
    qianyuan = {code: in_qianyuan(code) for code in MONEY}
    line = _summary_without_header_units([("130123", "正定县", qianyuan)])
    line.insert(1, ["金额单位：千元"])
    write_xlsx(year_dir(inbox) / "line.xlsx", {"汇总表": line})
    row = _summary_without_header_units([("130125", "行唐县", qianyuan)])
    units = [None, None] + [
        "千元" if code in MONEY else unit for code, _, unit, _ in COUNTY_VARIABLES
    ]
    row.insert(3, units)  # a unit row under the header
    write_xlsx(year_dir(inbox) / "unit_row.xlsx", {"汇总表": row})

    result = read(inbox)

    for name in ("line.xlsx", "unit_row.xlsx"):
        frame = result.values.filter(pl.col("file_name") == name)
        values = dict(frame.select("variable_code", "value").iter_rows())
        assert values == pytest.approx({c: float(v) for c, v in DEFAULT_VALUES.items()}), name
    assert set(result.problems["problem_code"]) == {"unit_converted"}
    stated = result.values.filter(
        (pl.col("file_name") == "unit_row.xlsx") & (pl.col("variable_code") == "gdp")
    )
    assert stated["unit_stated_in"].item() == "the unit row of the header"
