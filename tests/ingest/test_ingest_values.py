"""Value spellings and units of measure: each case is a county-form file whose one cell is the
defect; the clean value (or the located problem) is compared with the expectation."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from orchestration.ingest.values import parse_value

from .builders import CountyForm, city_summary_grid, write_csv, write_xlsx
from .conftest import read, year_dir

# (case id, variable, cell as typed, 计量单位 override, expected value, is_missing, unit_found,
#  factor, expected problem codes on the cell)
VALUE_CASES = [
    ("plain_number", "fiscal_st_exp", 5230.5, None, 5230.5, False, "万元", 1.0, set()),
    ("full_width", "fiscal_st_exp", "１２３．４", None, 123.4, False, "万元", 1.0, set()),
    (
        "full_width_comma",
        "fiscal_st_exp",
        "１，２３４．５",
        None,
        1234.5,
        False,
        "万元",
        1.0,
        set(),
    ),
    ("thousands", "general_budget_exp", "312,000", None, 312000.0, False, "万元", 1.0, set()),
    ("unit_typed", "fiscal_st_exp", "1,234.5万元", None, 1234.5, False, "万元", 1.0, set()),
    ("spaces", "fiscal_st_exp", "  5230.5 ", None, 5230.5, False, "万元", 1.0, set()),
    (
        "ideographic_space",
        "fiscal_st_exp",
        "\u30005230.5\u3000",
        None,
        5230.5,
        False,
        "万元",
        1.0,
        set(),
    ),
    ("zero_stays_zero", "platform_count", "0", None, 0.0, False, "个", 1.0, set()),
    ("numeric_zero", "platform_count", 0, None, 0.0, False, "个", 1.0, set()),
    ("blank", "tech_contract", None, None, None, True, "万元", 1.0, {"missing_value"}),
    ("em_dash", "tech_contract", "—", None, None, True, "万元", 1.0, {"missing_value"}),
    ("hyphen", "tech_contract", "-", None, None, True, "万元", 1.0, {"missing_value"}),
    ("slash", "tech_contract", "/", None, None, True, "万元", 1.0, {"missing_value"}),
    ("wu", "tech_contract", "无", None, None, True, "万元", 1.0, {"missing_value"}),
    ("zanwu", "tech_contract", "暂无", None, None, True, "万元", 1.0, {"missing_value"}),
    ("spaced_zanwu", "tech_contract", " 暂 无 ", None, None, True, "万元", 1.0, {"missing_value"}),
    ("percent", "hte_count", "48%", None, 48.0, False, "%", 1.0, {"percent_sign"}),
    ("negative_kept", "fiscal_st_exp", "-12.5", None, -12.5, False, "万元", 1.0, set()),
    ("text", "fiscal_st_exp", "见附表", None, None, False, "万元", 1.0, {"unparseable_value"}),
    ("bad_commas", "fiscal_st_exp", "1,23", None, None, False, "万元", 1.0, {"unparseable_value"}),
    (
        "two_numbers",
        "fiscal_st_exp",
        "12.3.4",
        None,
        None,
        False,
        "万元",
        1.0,
        {"unparseable_value"},
    ),
    # a value in another unit: announced in 计量单位, typed in the value
    (
        "yi_in_unit_column",
        "fiscal_st_exp",
        0.523,
        "亿元",
        5230.0,
        False,
        "亿元",
        10000.0,
        {"unit_converted"},
    ),
    (
        "yuan_in_unit_column",
        "fiscal_st_exp",
        52305000,
        "元",
        5230.5,
        False,
        "元",
        0.0001,
        {"unit_converted"},
    ),
    (
        "fullwidth_unit_column",
        "fiscal_st_exp",
        0.523,
        "（亿元）",
        5230.0,
        False,
        "亿元",
        10000.0,
        {"unit_converted"},
    ),
    (
        "unit_with_remark",
        "fiscal_st_exp",
        0.523,
        "亿元（现价）",
        5230.0,
        False,
        "亿元(现价)",
        10000.0,
        {"unit_converted"},
    ),
    (
        "wan_for_yi_typed",
        "gdp",
        "2,856,000万元",
        None,  # 计量单位 left blank: the unit is stated in the value only
        285.6,
        False,
        "万元",
        0.0001,
        {"unit_converted"},
    ),
    (
        "yi_typed",
        "fiscal_st_exp",
        "1.2亿元",
        None,
        12000.0,
        False,
        "亿元",
        10000.0,
        {"unit_converted"},
    ),
    (
        "typed_conflicts_with_column",
        "fiscal_st_exp",
        "5230.5万元",
        "亿元",
        None,
        False,
        "万元",
        1.0,
        {"conflicting_units"},
    ),
    (
        "people_for_wanren",
        "population",
        "523,000人",
        None,
        52.3,
        False,
        "人",
        0.0001,
        {"unit_converted"},
    ),
    ("people_column", "population", 523000, "人", 52.3, False, "人", 0.0001, {"unit_converted"}),
    ("ge_for_jia", "hte_count", 48, "个", 48.0, False, "个", 1.0, set()),
    (
        "unknown_unit",
        "fiscal_st_exp",
        "800万美元",
        None,
        None,
        False,
        "万美元",
        1.0,
        {"unknown_unit_of_measure"},
    ),
    (
        "unknown_unit_column",
        "fiscal_st_exp",
        800,
        "万美元",
        None,
        False,
        "万美元",
        1.0,
        {"unknown_unit_of_measure"},
    ),
]


# cases whose unit is typed in the value, with the 计量单位 cell left blank (a unit typed in the
# value next to a different 计量单位 is a conflict: typed_conflicts_with_column)
TYPED_UNIT_ONLY = {"wan_for_yi_typed", "yi_typed", "people_for_wanren", "unknown_unit"}


@pytest.mark.parametrize(
    "case,variable,typed,unit_column,value,is_missing,unit_found,factor,codes",
    VALUE_CASES,
    ids=[c[0] for c in VALUE_CASES],
)
def test_value_cell_in_county_form(
    inbox: Path, case, variable, typed, unit_column, value, is_missing, unit_found, factor, codes
) -> None:
    form = CountyForm()
    form.values[variable] = typed
    if unit_column is not None:
        form.units[variable] = unit_column
    elif case in TYPED_UNIT_ONLY:
        form.units[variable] = None
    write_xlsx(year_dir(inbox) / f"{case}.xlsx", {"填报表": form.grid()})

    result = read(inbox)

    row = result.values.filter(pl.col("variable_code") == variable).to_dicts()
    assert len(row) == 1
    got = row[0]
    assert (got["value"], got["is_missing"], got["unit_found"], got["conversion_factor"]) == (
        pytest.approx(value) if value is not None else None,
        is_missing,
        unit_found,
        pytest.approx(factor),
    )
    assert got["unit_code"] == "130123"
    assert got["row_number"] == form.data_row_number(variable)
    assert (got["column_letter"], got["column_name"]) == ("D", "数值")
    expected_raw = "" if typed is None else (typed if isinstance(typed, str) else None)
    if expected_raw is not None:
        assert got["raw_text"] == expected_raw
    cell_problems = result.problems.filter(pl.col("variable_code") == variable)
    assert set(cell_problems["problem_code"]) == codes
    for p in cell_problems.to_dicts():
        assert (p["row_number"], p["column_letter"], p["unit_code"]) == (
            form.data_row_number(variable),
            "D",
            "130123",
        )
        assert f"{case}.xlsx" in p["expected"] and f"row {p['row_number']}" in p["expected"]
    # every other variable is clean
    others = result.values.filter(pl.col("variable_code") != variable)
    assert others.height == 18 and others["is_missing"].sum() == 0


def test_conversion_is_exact(inbox: Path) -> None:
    """0.3 亿元 is exactly 3000 万元 (Decimal arithmetic, not 2999.9999999999995)."""
    form = CountyForm()
    form.values["fiscal_st_exp"] = "0.3亿元"
    form.values["tech_contract"] = "0.1亿元"
    form.units.update(fiscal_st_exp=None, tech_contract=None)
    write_xlsx(year_dir(inbox) / "exact.xlsx", {"填报表": form.grid()})
    values = dict(read(inbox).values.select("variable_code", "value").iter_rows())
    assert values["fiscal_st_exp"] == 3000.0
    assert values["tech_contract"] == 1000.0


@pytest.mark.parametrize(
    "header,expected_value,expected_factor",
    [
        ("地区生产总值(亿元)", 285.6, 1.0),
        ("地区生产总值（亿元）", 285.6, 1.0),
        ("地区生产总值(万元)", 285.6 / 10000, 0.0001),
        ("地区生产总值（单位：万元）", 285.6 / 10000, 0.0001),
        ("  地区 生产总值 ( 万元 ) ", 285.6 / 10000, 0.0001),
        ("gdp", 285.6, 1.0),
        ("地区生产总值", 285.6, 1.0),
    ],
)
def test_unit_announced_in_city_summary_header(
    inbox: Path, header: str, expected_value: float, expected_factor: float
) -> None:
    grid = city_summary_grid([("130123", "正定县", {})], headers={"gdp": header})
    write_xlsx(year_dir(inbox) / "city.xlsx", {"汇总表": grid})
    got = read(inbox).values.filter(pl.col("variable_code") == "gdp").row(0, named=True)
    assert got["value"] == pytest.approx(expected_value)
    assert got["conversion_factor"] == pytest.approx(expected_factor)
    assert got["column_name"] == header and got["column_letter"] == "H"


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_csv_values_match_xlsx_values(inbox: Path, encoding: str) -> None:
    """The same form as .xlsx and as CSV text yields the same numbers."""
    write_xlsx(year_dir(inbox) / "a.xlsx", {"填报表": CountyForm().grid()})
    other = CountyForm(unit_name="行唐县", unit_code="130125")
    write_csv(year_dir(inbox) / "b.csv", other.grid(), encoding=encoding)
    values = read(inbox).values
    a = values.filter(pl.col("file_name") == "a.xlsx").select("variable_code", "value")
    b = values.filter(pl.col("file_name") == "b.csv").select("variable_code", "value")
    assert a.equals(b)


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=4, allow_nan=False))
def test_parse_value_round_trips_formatted_numbers(number: Decimal) -> None:
    """Any number written with thousands separators, full-width or with a unit parses back."""
    plain = f"{number:,f}"
    for text in (
        plain,
        plain.replace(",", "，"),
        plain + "万元",
        plain.translate(str.maketrans("0123456789.", "０１２３４５６７８９．")),
    ):
        parsed = parse_value(text)
        assert parsed.number == number, text
