"""Properties of the ingestion, on real files read through `read_inbox_year`:

1. a value written in any supported way (a number cell in any plain format, text with
   separators, full-width digits, a unit or magnitude word, a footnote marker, Chinese numerals,
   a formula's calculated value, a unit stated by the 计量单位 column or a line above the table,
   in .xlsx or CSV) reads back as exactly that value in the canonical unit;
2. no cell is ever read as a number other than the one it shows: whatever is written around a
   number, the stored value is that number times the recorded conversion factor, or there is
   no value and a problem located at the cell.
"""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from .builders import CountyForm, write_csv, write_xlsx
from .conftest import read

VARIABLE = "fiscal_st_exp"  # canonical unit 万元
FULL_WIDTH = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")
CN_DIGITS = "零一二三四五六七八九"

amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False)


def read_back(
    typed: Any,
    unit_column: str | None = "万元",
    line: str | None = None,
    fmt: str = "xlsx",
    number_format: str | None = None,
    cached: Any = None,
    variable: str = VARIABLE,
) -> tuple[dict[str, Any], set[str]]:
    """Write a county form with `typed` in the cell of `variable` and read it back: (its values
    row, the problem codes located at it)."""
    form = CountyForm(note_row=None)
    form.values[variable] = typed
    form.units[variable] = unit_column
    cell = f"D{form.data_row_number(variable)}"
    grid = form.grid()
    if line is not None:
        grid[4] = [line]
    with tempfile.TemporaryDirectory() as tmp:
        inbox = Path(tmp)
        path = inbox / "2021" / f"form.{fmt}"
        if fmt == "csv":
            write_csv(path, grid)
        else:
            write_xlsx(
                path,
                {"填报表": grid},
                formats={"填报表": {cell: number_format}} if number_format else None,
                cached={"填报表": {cell: cached}} if cached is not None else None,
            )
        result = read(inbox)
    row = result.values.filter(pl.col("variable_code") == variable).row(0, named=True)
    at_cell = result.problems.filter(
        (pl.col("row_number") == row["row_number"]) & (pl.col("variable_code") == variable)
    )
    return row, set(at_cell["problem_code"])


def plain(number: Decimal) -> str:
    return format(number, "f")


def grouped(number: Decimal) -> str:
    return f"{number:,f}"


def chinese(number: int) -> str:
    """An integer below 10^8 in standard Chinese numerals (一万零三, 三千五百二十)."""
    if number == 0:
        return "零"

    def below_10000(n: int, lead: bool) -> str:
        out, zero = "", False
        for size, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            digit, n = divmod(n, size)
            if digit:
                if zero:
                    out += "零"
                out += (
                    "" if (unit == "十" and digit == 1 and not out and lead) else CN_DIGITS[digit]
                )
                out += unit
                zero = False
            elif out:
                zero = True
        return out

    high, low = divmod(number, 10000)
    if not high:
        return below_10000(low, True)
    text = below_10000(high, True) + "万"
    if low:
        text += ("零" if low < 1000 else "") + below_10000(low, False)
    return text


# Ways of writing a value in 万元 with the 计量单位 column saying 万元: (writer, format)
WRITINGS = [
    (lambda n: float(n), "xlsx"),
    (lambda n: plain(n), "xlsx"),
    (lambda n: grouped(n), "csv"),
    (lambda n: grouped(n).translate(FULL_WIDTH), "xlsx"),
    (lambda n: grouped(n).replace(",", "，"), "csv"),
    (lambda n: f" {plain(n)}万元 ", "xlsx"),
    (lambda n: f"{plain(n)}万", "csv"),
    (lambda n: f"{grouped(n)}①", "xlsx"),
    (lambda n: f"{plain(n)}（注1）", "csv"),
    (lambda n: f"{plain(n)}*", "xlsx"),
]


@given(number=amounts, way=st.sampled_from(range(len(WRITINGS))))
def test_a_value_written_any_supported_way_reads_back_unchanged(number: Decimal, way: int) -> None:
    writer, fmt = WRITINGS[way]
    row, codes = read_back(writer(number), fmt=fmt)
    assert row["value"] == float(number), (writer(number), codes)
    assert codes <= {"value_remark"}


@given(number=st.integers(min_value=0, max_value=99_999_999), fmt=st.sampled_from(["xlsx", "csv"]))
def test_chinese_numerals_read_back_exactly(number: int, fmt: str) -> None:
    """A count in 家: a trailing 万 (一百二十五万) is a magnitude word, 125 万家 = 1250000 家."""
    typed = chinese(number)
    row, codes = read_back(typed, unit_column=None, fmt=fmt, variable="tsme_count")
    magnitude = {"unit_converted"} if typed.endswith("万") else set()
    assert (row["value"], codes) == (float(number), {"chinese_numerals"} | magnitude)


# (unit written, factor to 万元) stated by the 计量单位 column, a line above, or in the value
UNITS = [("元", Decimal("0.0001")), ("千元", Decimal("0.1")), ("万元", 1), ("亿元", 10000)]


@given(
    number=amounts,
    unit=st.sampled_from(UNITS),
    where=st.sampled_from(["column", "line", "value", "formula"]),
)
def test_a_value_in_any_unit_reads_back_converted_exactly(
    number: Decimal, unit: tuple[str, Decimal], where: str
) -> None:
    name, factor = unit
    if where == "column":
        row, codes = read_back(float(number), unit_column=name)
    elif where == "line":
        row, codes = read_back(plain(number), unit_column=None, line=f"金额单位：{name}")
    elif where == "value":
        row, codes = read_back(f"{grouped(number)}{name}", unit_column=None, fmt="csv")
    else:
        row, codes = read_back("=D9*1", unit_column=name, cached=float(number))
    expected = number * factor
    assert row["value"] == float(expected)
    assert codes == (set() if factor == 1 else {"unit_converted"})
    if factor != 1:
        assert row["conversion"].endswith(f"= {format(expected.normalize(), 'f')} 万元")


DECORATIONS = [
    "", " ", "①", "¹", "*", "※", "（注2）", "[3]", "约", "左右", "以上", "余", "多", "万", "亿",
    "千", "%", "元", "家", "万元", "abc", "、", "；", "—", "/", "(快报)", "+", "e", ".", "..",
    "，", "号", "年", "#", "零", "五",
]  # fmt: skip


@given(
    number=amounts,
    before=st.lists(st.sampled_from(DECORATIONS), max_size=2),
    after=st.lists(st.sampled_from(DECORATIONS), max_size=3),
    fmt=st.sampled_from(["xlsx", "csv"]),
)
def test_no_cell_is_read_as_another_number(
    number: Decimal, before: list[str], after: list[str], fmt: str
) -> None:
    typed = "".join(before) + grouped(number) + "".join(after)
    row, codes = read_back(typed, unit_column=None, fmt=fmt)
    if row["value"] is None:
        assert codes, f"{typed!r}: no value and no problem"
        return
    factor = Decimal(repr(row["conversion_factor"]))
    assert abs(Decimal(repr(row["value"])) - number * factor) <= abs(number * factor) * Decimal(
        "1e-12"
    ), typed
    if factor != 1:
        assert "unit_converted" in codes, typed


NUMBER_FORMATS = [
    ("General", True),
    ("0", True),
    ("0.00", True),
    ("#,##0.00", True),
    ("@", True),
    ('0.00"万元"', True),
    ("0.0%", False),
    ("#,##0,", False),
    ("yyyy-mm-dd", False),
]


@given(
    number=st.decimals(min_value=1, max_value=10**6, places=3, allow_nan=False),
    number_format=st.sampled_from(NUMBER_FORMATS),
)
def test_a_number_cell_is_read_as_shown_or_not_at_all(
    number: Decimal, number_format: tuple[str, bool]
) -> None:
    code, shows_the_value = number_format
    row, codes = read_back(float(number), number_format=code)
    if shows_the_value:
        assert (row["value"], codes) == (float(number), set())
    else:
        assert row["value"] is None and codes & {
            "percent_format",
            "scaled_number_format",
            "wrong_cell_type",
        }
