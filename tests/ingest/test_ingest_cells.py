"""What a cell holds beyond digits: footnote markers, qualifiers, Chinese numerals, the workbook's
number formats, formulas and cell types. Each case is a real county form (.xlsx or .csv) whose
one cell is the case; the stored value is either the number the office meant (with its remark or
conversion) or null with a problem located at the cell — never another number."""

from __future__ import annotations

import shutil
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from orchestration.ingest import read_inbox_year

from .builders import CountyForm, write_csv, write_xlsx
from .conftest import RECEIVED, SEEDS, YEAR, read, year_dir

VALUE_COLUMN = "D"


def read_cell(
    inbox: Path,
    variable: str,
    typed: Any,
    number_format: str | None = None,
    cached: Any = None,
    csv: bool = False,
    note_row: str | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Write a county form whose `variable` cell is `typed`, read it back: (values row of the
    cell, {problem_code: severity} of the problems located at the cell)."""
    form = CountyForm(note_row=note_row)
    form.values[variable] = typed
    ref = f"{VALUE_COLUMN}{form.data_row_number(variable)}"
    if csv:
        write_csv(year_dir(inbox) / "form.csv", form.grid())
    else:
        write_xlsx(
            year_dir(inbox) / "form.xlsx",
            {"填报表": form.grid()},
            formats={"填报表": {ref: number_format}} if number_format else None,
            cached={"填报表": {ref: cached}} if cached is not None else None,
        )
    result = read(inbox)
    row = result.values.filter(pl.col("variable_code") == variable).row(0, named=True)
    at_cell = result.problems.filter(
        (pl.col("variable_code") == variable) & (pl.col("row_number") == row["row_number"])
    )
    assert set(at_cell["column_letter"]) <= {VALUE_COLUMN}
    return row, dict(at_cell.select("problem_code", "severity").iter_rows())


# (case, variable, typed, expected value, expected remark, expected problems)
TEXT_CASES = [
    ("circled_digit", "hte_count", "87①", 87.0, "①", {"value_remark": "info"}),
    ("two_circled", "hte_count", "87②③", 87.0, "②; ③", {"value_remark": "info"}),
    ("superscript", "hte_count", "87¹", 87.0, "¹", {"value_remark": "info"}),
    ("star", "fiscal_st_exp", "5321.7*", 5321.7, "*", {"value_remark": "info"}),
    ("leading_reference_mark", "fiscal_st_exp", "※5321.7", 5321.7, "※", {"value_remark": "info"}),
    (
        "note_in_brackets",
        "platform_count",
        "301（注1）",
        301.0,
        "（注1）",
        {"value_remark": "info"},
    ),
    (
        "note_in_ascii_brackets",
        "platform_count",
        "301(注1)",
        301.0,
        "(注1)",
        {"value_remark": "info"},
    ),
    (
        "remark_in_brackets",
        "fiscal_st_exp",
        "5230.5（快报）",
        5230.5,
        "(快报)",
        {"value_remark": "info"},
    ),
    (
        "approximate_prefix",
        "tsme_count",
        "约500",
        500.0,
        "约",
        {"approximate_value": "warning"},
    ),
    (
        "approximate_suffix",
        "tsme_count",
        "500左右",
        500.0,
        "左右",
        {"approximate_value": "warning"},
    ),
    (
        "estimate_remark",
        "fiscal_st_exp",
        "5230.5（估）",
        5230.5,
        "(估); 估",
        {"value_remark": "info", "approximate_value": "warning"},
    ),
    ("bound_above", "tsme_count", "500以上", None, None, {"bound_instead_of_value": "error"}),
    ("bound_more_than", "tsme_count", "500余家", None, None, {"bound_instead_of_value": "error"}),
    ("bound_under", "tsme_count", "不足500", None, None, {"bound_instead_of_value": "error"}),
    ("chinese_numerals", "hte_count", "四十八", 48.0, None, {"chinese_numerals": "warning"}),
    (
        "chinese_numerals_with_unit",
        "fiscal_st_exp",
        "五千二百万元",
        5200.0,
        None,
        {"chinese_numerals": "warning", "unit_converted": "info"},
    ),
    (
        "chinese_numerals_ambiguous",
        "fiscal_st_exp",
        "一万三",
        None,
        None,
        {"unparseable_value": "error"},
    ),
    (
        "approximate_chinese",
        "fiscal_st_exp",
        "约五千",
        5000.0,
        "约",
        {"approximate_value": "warning", "chinese_numerals": "warning"},
    ),
    ("excel_error_text", "fiscal_st_exp", "#DIV/0!", None, None, {"cell_error_value": "error"}),
    (
        "missing_with_marker",
        "tech_contract",
        "—①",
        None,
        "①",
        {"value_remark": "info", "missing_value": "warning"},
    ),
]


@pytest.mark.parametrize("csv", [False, True], ids=["xlsx", "csv"])
@pytest.mark.parametrize(
    "case,variable,typed,value,remark,codes", TEXT_CASES, ids=[c[0] for c in TEXT_CASES]
)
def test_written_around_the_number(
    inbox: Path, csv: bool, case: str, variable: str, typed: str, value, remark, codes
) -> None:
    row, problems = read_cell(inbox, variable, typed, csv=csv)
    if "unit_converted" in codes:  # the form's 计量单位 says 万元 as well: same unit, typed
        codes = {k: v for k, v in codes.items() if k != "unit_converted"}
    result = (row["value"], row["remark"], row["raw_text"], problems)
    expected = (value, remark, typed, codes)
    assert result == expected


def test_footnote_marker_keeps_the_note_that_explains_it(inbox: Path) -> None:
    row, problems = read_cell(inbox, "hte_count", "87①", note_row="注：①为快报数。")
    result = (row["value"], row["remark"], problems)
    expected = (87.0, "① ①为快报数", {"value_remark": "info"})
    assert result == expected


# (case, variable, cell value, number format, cached value of a formula, expected value, codes)
WORKBOOK_CASES = [
    ("plain_number", "hte_count", 87, "0", None, 87.0, {}),
    ("two_decimals", "fiscal_st_exp", 5230.46, "0.0", None, 5230.46, {}),
    ("thousands_format", "ind_revenue", 3820000, "#,##0", None, 3820000.0, {}),
    ("percent_count", "hte_count", 0.87, "0.00%", None, None, {"percent_format": "error"}),
    ("percent_amount", "fiscal_st_exp", 0.5, "0%", None, None, {"percent_format": "error"}),
    (
        "scaled_format",
        "ind_revenue",
        3820000,
        "#,##0,",
        None,
        None,
        {"scaled_number_format": "error"},
    ),
    ("text_format", "hte_count", "87", "@", None, 87.0, {}),
    (
        "format_states_yi",
        "fiscal_st_exp",
        0.523,
        '0.000"亿元"',
        None,
        None,
        {"conflicting_units": "error"},  # 计量单位 of the form says 万元
    ),
    ("formula_cached", "fiscal_st_exp", "=D9/100", None, 5230.5, 5230.5, {}),
    (
        "formula_without_value",
        "fiscal_st_exp",
        "=D9/100",
        None,
        None,
        None,
        {"formula_without_value": "error"},
    ),
    (
        "formula_cached_error",
        "fiscal_st_exp",
        "=D9/0",
        None,
        "#DIV/0!",
        None,
        {"cell_error_value": "error"},
    ),
    ("date_cell", "hte_count", date(2021, 3, 5), None, None, None, {"wrong_cell_type": "error"}),
    ("boolean_cell", "hte_count", True, None, None, None, {"wrong_cell_type": "error"}),
]


@pytest.mark.parametrize(
    "case,variable,cell,number_format,cached,value,codes",
    WORKBOOK_CASES,
    ids=[c[0] for c in WORKBOOK_CASES],
)
def test_workbook_formats_formulas_and_types(
    inbox: Path, case: str, variable: str, cell, number_format, cached, value, codes
) -> None:
    row, problems = read_cell(inbox, variable, cell, number_format=number_format, cached=cached)
    result = (row["value"], row["is_missing"], problems)
    expected = (value, False, codes)
    assert result == expected


def test_formula_without_value_names_the_cell_and_the_formula(inbox: Path) -> None:
    read_cell(inbox, "fiscal_st_exp", "=SUM(D9:D10)")
    problem = read(inbox).problems.filter(pl.col("problem_code") == "formula_without_value")
    result = problem.select("sheet", "row_number", "column_letter").row(0)
    expected = ("填报表", CountyForm().data_row_number("fiscal_st_exp"), "D")
    assert result == expected
    assert "=SUM(D9:D10)" in problem["expected"].item()


@pytest.fixture
def ratio_seeds(tmp_path: Path) -> Path:
    """The project's seeds plus a county variable measured in %."""
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    with (seeds / "base_variables.csv").open("a", encoding="utf-8") as handle:
        handle.write("rd_share,研发投入强度,R&D intensity,%,county\n")
    return seeds


@pytest.mark.parametrize(
    "cell,number_format,value,conversion",
    [
        (0.0235, "0.00%", 2.35, "the cell holds 0.0235, shown as 2.35%"),
        ("2.35%", None, 2.35, None),
        (2.35, "0.00", 2.35, None),
    ],
    ids=["percent_format", "percent_typed", "plain"],
)
def test_a_ratio_in_percent_format_is_converted(
    inbox: Path, ratio_seeds: Path, cell, number_format, value, conversion
) -> None:
    grid = CountyForm(note_row=None).grid()
    grid.append(["rd_share", "研发投入强度", "%", cell, None])
    ref = f"D{len(grid)}"
    write_xlsx(
        year_dir(inbox) / "ratio.xlsx",
        {"填报表": grid},
        formats={"填报表": {ref: number_format}} if number_format else None,
    )
    result = read_inbox_year(inbox, YEAR, ratio_seeds, received_at=RECEIVED)
    row = result.values.filter(pl.col("variable_code") == "rd_share").row(0, named=True)
    assert (row["value"], row["unit_found"], row["conversion"]) == (value, "%", conversion)
    assert result.problems.filter(pl.col("variable_code") == "rd_share").height == 0


def test_a_workbook_whose_formats_cannot_be_read_says_so(inbox: Path) -> None:
    """Damaged styles: the values are readable but 87% could not be told from 0.87."""
    path = write_xlsx(
        year_dir(inbox) / "damaged.xlsx",
        {"填报表": CountyForm().grid()},
        formats={"填报表": {"D13": "0.0%"}},
    )
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    parts["xl/styles.xml"] = parts["xl/styles.xml"].replace(b"<cellXfs", b"<cellXfs><x/", 1)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    result = read(inbox)
    problems = result.problems.select("problem_code", "severity", "file_name").rows()
    assert problems == [("cell_formats_unread", "error", "damaged.xlsx")]
    assert result.values.height == 19
