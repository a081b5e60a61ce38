"""File-level defects: encodings, header blocks, merged cells, blank and note rows, extra sheets,
header aliases — each a fixture file whose values must come out the same as a clean form's."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from orchestration import layouts

from .builders import (
    COUNTY_VARIABLES,
    DEFAULT_VALUES,
    CountyForm,
    city_summary_grid,
    expert_scores_grid,
    write_csv,
    write_xlsx,
)
from .conftest import read, year_dir

CLEAN = {code: float(v) for code, v in DEFAULT_VALUES.items()}


def values_of(result, file_name: str) -> dict[str, float | None]:
    frame = result.values.filter(pl.col("file_name") == file_name)
    return dict(frame.select("variable_code", "value").iter_rows())


# ------------------------------------------------------------------------------- encodings

ENCODING_CASES = [
    ("utf8", "utf-8", False, "utf-8"),
    ("utf8_bom", "utf-8", True, "utf-8-sig"),
    ("gbk", "gbk", False, "gb18030"),
    ("gb18030", "gb18030", False, "gb18030"),
]


@pytest.mark.parametrize(
    "case,encoding,bom,detected", ENCODING_CASES, ids=[c[0] for c in ENCODING_CASES]
)
def test_csv_encodings(inbox: Path, case: str, encoding: str, bom: bool, detected: str) -> None:
    form = CountyForm(contact_name="李㛃" if encoding == "gb18030" else "李四")
    if encoding == "gb18030":
        form.note_row = "注：𠀀 is only in GB18030, not in GBK"
    write_csv(year_dir(inbox) / f"{case}.csv", form.grid(), encoding=encoding, bom=bom)

    result = read(inbox)

    file = result.files.row(0, named=True)
    assert (file["status"], file["layout"], file["encoding"], file["unit_code"]) == (
        "loaded",
        "county_form",
        detected,
        "130123",
    )
    assert file["declared_unit_name"] == "正定县"
    assert file["contact_name"] == form.contact_name
    assert values_of(result, f"{case}.csv") == CLEAN
    assert result.values["sheet"].is_null().all()
    assert result.problems.height == 0


def test_gbk_bytes_are_not_mistaken_for_utf8(inbox: Path) -> None:
    text = "填报单位,正定县\n"
    assert text.encode("gbk") != text.encode("utf-8")
    form = CountyForm()
    write_csv(year_dir(inbox) / "gbk.csv", form.grid(), encoding="gbk")
    assert read(inbox).files["declared_unit_name"].to_list() == ["正定县"]


# ----------------------------------------------------------------------- layout features


def test_header_block_merged_cells_blank_rows_note_and_extra_sheet(inbox: Path) -> None:
    form = CountyForm(blank_row_after=4, note_row="注：本表数据为快报数。")
    grid = form.grid()
    # the label's value sits in a merged B:C cell, the title is merged across the table
    write_xlsx(
        year_dir(inbox) / "merged.xlsx",
        {"填表说明": [["填表说明"], ["1. 数值保留两位小数"]], "填报表": grid, "Sheet3": []},
        merges={"填报表": ["A1:E1", "B2:C2", "B3:C3", "B4:C4"]},
    )

    result = read(inbox)

    assert values_of(result, "merged.xlsx") == CLEAN
    file = result.files.row(0, named=True)
    assert (file["sheet"], file["contact_phone"], file["declared_data_year"]) == (
        "填报表",
        "0311-88886666",
        2021,
    )
    rows = dict(result.values.select("variable_code", "row_number").iter_rows())
    assert rows["fiscal_st_exp"] == 7 and rows["gdp"] == 13  # one blank row inserted after gdp
    assert result.problems.select("problem_code", "sheet").to_dicts() == [
        {"problem_code": "extra_sheet_ignored", "sheet": "填表说明"}
    ]


def test_two_row_merged_table_header(inbox: Path) -> None:
    """数值 merged over two header rows, a sub-header row holding only the year."""
    form = CountyForm()
    grid = form.grid()
    grid.insert(form.HEADER_ROW + 1, [None, None, None, "2021年", None])
    write_xlsx(
        year_dir(inbox) / "two_row.xlsx",
        {"填报表": grid},
        merges={"填报表": ["A6:A7", "B6:B7", "C6:C7", "E6:E7"]},
    )
    result = read(inbox)
    assert values_of(result, "two_row.xlsx") == CLEAN
    assert result.problems.height == 0


def test_label_and_value_in_one_cell_and_labels_at_the_bottom(inbox: Path) -> None:
    form = CountyForm(note_row=None)
    grid = form.grid()
    grid[1] = ["填报单位：正定县", None, None, "行政区划代码：", "130123"]
    grid[3] = [None] * 5  # contact moved to a sign-off line under the table
    grid.append(["填报人：", "王五", None, "联系电话：", "13800000000"])
    write_xlsx(year_dir(inbox) / "inline.xlsx", {"Sheet1": grid})
    file = read(inbox).files.row(0, named=True)
    assert (file["unit_code"], file["contact_name"], file["contact_phone"]) == (
        "130123",
        "王五",
        "13800000000",
    )


HEADER_ALIAS_CASES = [
    ("canonical", list(layouts.COUNTY_FORM_COLUMNS)),
    ("stray_spaces", [" 指标 代码 ", "指标名称 ", " 计量单位", "数 值", "备 注"]),
    ("variants", ["代码", "指标", "单位", "填报值", "说明"]),
    ("no_code_column", [None, "指标名称", "计量单位", "数值", "备注"]),
]


@pytest.mark.parametrize("case,header", HEADER_ALIAS_CASES, ids=[c[0] for c in HEADER_ALIAS_CASES])
def test_county_form_header_aliases(inbox: Path, case: str, header: list) -> None:
    form = CountyForm(header=header)
    grid = form.grid()
    if header[0] is None:
        for row in grid[form.HEADER_ROW + 1 :]:
            row[0] = None
    write_xlsx(year_dir(inbox) / f"{case}.xlsx", {"填报表": grid})
    result = read(inbox)
    assert values_of(result, f"{case}.xlsx") == CLEAN
    assert result.problems.height == 0
    assert set(result.values["column_name"]) == {header[3]}


NAME_ALIAS_CASES = [
    ("name_with_unit_ascii", "地方财政科技支出(万元)", 5230.5),
    ("name_with_unit_fullwidth", "地方财政科技支出（亿元）", 5230.5 * 10000),
    ("alias_name", "本级财政科技支出", 5230.5),
    ("stray_space_name", " 地方财政 科技支出 ", 5230.5),
]


@pytest.mark.parametrize(
    "case,name,expected", NAME_ALIAS_CASES, ids=[c[0] for c in NAME_ALIAS_CASES]
)
def test_variable_found_by_name_alias_without_code(
    inbox: Path, case: str, name: str, expected: float
) -> None:
    form = CountyForm()
    grid = form.grid()
    row = grid[form.data_row_number("fiscal_st_exp") - 1]
    row[0], row[1], row[2] = None, name, None
    write_xlsx(year_dir(inbox) / f"{case}.xlsx", {"填报表": grid})
    got = dict(read(inbox).values.select("variable_code", "value").iter_rows())
    assert got["fiscal_st_exp"] == pytest.approx(expected)


def test_unknown_and_conflicting_variable_rows(inbox: Path) -> None:
    form = CountyForm(note_row=None)
    grid = form.grid()
    grid.append(["xyz_count", "某某企业数", "家", 5, None])
    grid.append(["gdp", "常住人口", "万人", 5, None])
    grid.append([None, "一、创新投入", None, None, None])  # a section heading: skipped silently
    write_xlsx(year_dir(inbox) / "odd.xlsx", {"填报表": grid})
    result = read(inbox)
    problems = result.problems.select("row_number", "column_letter", "problem_code").to_dicts()
    assert problems == [
        {"row_number": 26, "column_letter": "A", "problem_code": "unknown_variable"},
        {"row_number": 27, "column_letter": "A", "problem_code": "conflicting_variable"},
    ]
    assert result.values.height == 19


def test_missing_variable_row_and_duplicate_row(inbox: Path) -> None:
    form = CountyForm(note_row=None)
    del form.values["tech_contract"]
    grid = form.grid()
    grid.append(["gdp", "地区生产总值", "亿元", 300, None])
    write_xlsx(year_dir(inbox) / "dup.xlsx", {"填报表": grid})
    result = read(inbox)
    codes = dict(result.problems.select("problem_code", "severity").iter_rows())
    assert codes == {"missing_variable": "warning", "duplicate_row": "error"}
    gdp = result.values.filter(pl.col("variable_code") == "gdp")
    assert gdp["value"].to_list() == [285.6]  # the first row is kept, the second reported


# ------------------------------------------------------------------------- wide layouts


def test_city_summary_with_two_row_merged_header_notes_and_totals(inbox: Path) -> None:
    grid = city_summary_grid([("130102", "长安区", {}), ("130104", "桥西区", {"gdp": "３００"})])
    header = grid[2]
    group = [None] * len(header)
    group[0], group[1], group[2], group[7] = header[0], header[1], "创新投入", "创新主体"
    variables = [None, None, *header[2:]]
    grid[2:3] = [group, variables]
    grid.insert(5, [None] * len(header))  # a blank row between counties
    sums = [DEFAULT_VALUES[code] * 2 for code, *_ in COUNTY_VARIABLES]
    sums[5] = DEFAULT_VALUES["gdp"] + 300  # 桥西区 wrote ３００
    grid.append([None, "石家庄市 合计", *sums])
    grid.append(["注：1. 本表由市科技局汇总。"])
    write_xlsx(
        year_dir(inbox) / "summary.xlsx",
        {"汇总表": grid},
        merges={"汇总表": ["A1:U1", "A3:A4", "B3:B4", "C3:F3", "H3:K3"]},
    )
    result = read(inbox)
    file = result.files.row(0, named=True)
    assert (file["layout"], file["status"], file["value_count"]) == ("city_summary", "loaded", 38)
    by_unit = result.values.group_by("unit_code").agg(pl.len()).sort("unit_code").rows()
    assert by_unit == [("130102", 19), ("130104", 19)]
    gdp = result.values.filter(
        (pl.col("unit_code") == "130104") & (pl.col("variable_code") == "gdp")
    )
    assert gdp.row(0, named=True)["value"] == 300.0 and gdp.row(0, named=True)["row_number"] == 7
    assert result.problems["problem_code"].to_list() == ["total_row_skipped"]


def test_city_summary_name_only_rows_use_the_city_of_the_title(inbox: Path) -> None:
    grid = city_summary_grid(
        [(None, "桥西区", {}), (None, "桥东区", {})],
        title="邢台市" + layouts.CITY_SUMMARY_TITLE,
        data_year=2019,
    )
    write_xlsx(year_dir(inbox, 2019) / "xt.xlsx", {"汇总表": grid})
    result = read(inbox, 2019)
    assert sorted(set(result.values["unit_code"])) == ["130502", "130503"]
    assert result.problems.height == 0


def test_city_summary_headers_by_code_and_unknown_column(inbox: Path) -> None:
    grid = city_summary_grid(
        [("130123", "正定县", {})], headers={code: code for code, *_ in COUNTY_VARIABLES}
    )
    grid[2].append("人均GDP")
    grid[3].append(12.3)
    write_xlsx(year_dir(inbox) / "codes.xlsx", {"汇总表": grid})
    result = read(inbox)
    assert values_of(result, "codes.xlsx") == CLEAN
    assert result.problems.select("problem_code", "column_letter").rows() == [
        ("unknown_column", "V")
    ]


def test_expert_scores(inbox: Path) -> None:
    grid = expert_scores_grid(
        [
            ("130102", "长安区", [85, "９０．５", "78分"]),
            ("130123", " 正 定 县 ", [None, "—", 0]),
        ]
    )
    write_xlsx(year_dir(inbox) / "experts.xlsx", {"专家评分": grid, "汇总": [["说明"]]})
    result = read(inbox)
    file = result.files.row(0, named=True)
    assert (file["layout"], file["value_count"]) == ("expert_scores", 6)
    got = {
        (r["unit_code"], r["variable_code"]): (r["value"], r["is_missing"])
        for r in result.values.to_dicts()
    }
    assert got == {
        ("130102", "mgmt_innovation"): (85.0, False),
        ("130102", "policy_implementation"): (90.5, False),
        ("130102", "st_agency"): (78.0, False),
        ("130123", "mgmt_innovation"): (None, True),
        ("130123", "policy_implementation"): (None, True),
        ("130123", "st_agency"): (0.0, False),
    }
    assert sorted(result.problems["problem_code"].to_list()) == [
        "extra_sheet_ignored",
        "missing_value",
        "missing_value",
    ]
