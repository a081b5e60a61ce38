"""Excel workbooks of the ranking and the award list, the way officials circulate them: a title
row, a header in Chinese, frozen panes, print settings, one workbook per evaluation year.

The cells hold the mart's figures unrounded; only their number format rounds them for display,
so that a reader who sums a column gets the mart's sums.
"""

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from orchestration.reports.mart import MartData
from orchestration.reports.methodology import YearMethodology

PROVINCE = "河北省"
TITLE_FONT = Font(name="SimHei", size=14, bold=True)
HEADER_FONT = Font(name="SimSun", size=11, bold=True)
BODY_FONT = Font(name="SimSun", size=11)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
POINTS_FORMAT = "0.00"
SIGNED_POINTS_FORMAT = "+0.00;-0.00;0.00"
SIGNED_INT_FORMAT = "+0;-0;0"
AMOUNT_FORMAT = "#,##0"
HEADER_ROW = 3
NUMBER_FORMATS = (POINTS_FORMAT, SIGNED_POINTS_FORMAT, SIGNED_INT_FORMAT, AMOUNT_FORMAT)


@dataclass(frozen=True)
class Column:
    """A column of a sheet: its Chinese header, the field it shows, its width and format."""

    header: str
    field: str
    width: float
    number_format: str | None = None


def ranking_columns(method: YearMethodology) -> list[Column]:
    """Columns of the ranking sheet: identity, total and class, the year's dimensions, moves."""
    return [
        Column("全省排名", "province_rank", 9),
        Column("行政区划代码", "county_code", 13),
        Column("县（市、区）", "county_name", 16),
        Column("拼音", "county_name_pinyin", 22),
        Column("所属市", "city_name", 11),
        Column("总分", "total_points", 9, POINTS_FORMAT),
        Column("类别", "class", 7),
        *[Column(d.name_zh, d.column, 10, POINTS_FORMAT) for d in method.dimensions],
        Column("市内排名", "city_rank", 9),
        Column("上年排名", "previous_rank", 9),
        Column("位次变化", "rank_change", 9, SIGNED_INT_FORMAT),
        Column("上年总分", "previous_total_points", 9, POINTS_FORMAT),
        Column("总分变化", "score_change", 9, SIGNED_POINTS_FORMAT),
        Column("上年类别", "previous_class", 9),
        Column("类别变化", "class_transition", 9),
    ]


def indicator_columns(method: YearMethodology) -> list[Column]:
    """Columns of the indicator-points sheet: identity, then the points of the year's
    indicators."""
    return [
        Column("全省排名", "province_rank", 9),
        Column("行政区划代码", "county_code", 13),
        Column("县（市、区）", "county_name", 16),
        Column("所属市", "city_name", 11),
        Column("总分", "total_points", 9, POINTS_FORMAT),
        *[
            Column(f"{i.code} {i.name_zh}（{i.max_points:g}分）", i.column, 12, POINTS_FORMAT)
            for i in method.indicators
        ],
    ]


AWARD_COLUMNS = [
    Column("序号", "row_number", 6),
    Column("行政区划代码", "county_code", 13),
    Column("县（市、区）", "county_name", 16),
    Column("所属市", "city_name", 11),
    Column("奖励项目", "award_name_zh", 26),
    Column("上年类别", "previous_class", 9),
    Column("本年类别", "class", 9),
    Column("上年排名", "previous_rank", 9),
    Column("本年排名", "province_rank", 9),
    Column("位次变化", "rank_change", 9, SIGNED_INT_FORMAT),
    Column("总分", "total_points", 9, POINTS_FORMAT),
    Column("奖励金额（万元）", "amount_wan_yuan", 14, AMOUNT_FORMAT),
]


def ranking_rows(data: MartData, year: int) -> pl.DataFrame:
    """The ranking of a year: county_scores with the pinyin and the move from the year before."""
    scores = data.scores.filter(pl.col("evaluation_year") == year)
    if "county_name_pinyin" not in scores.columns:
        scores = scores.with_columns(
            pl.struct("county_code", "county_name")
            .map_elements(
                lambda r: data.name_pinyin(r["county_code"], r["county_name"]), return_dtype=pl.Utf8
            )
            .alias("county_name_pinyin")
        )
    moves = data.transitions.filter(pl.col("evaluation_year") == year).select(
        "county_code",
        "previous_rank",
        "rank_change",
        "previous_total_points",
        "score_change",
        "previous_class",
        "class_transition",
    )
    return scores.join(moves, on="county_code", how="left").sort("province_rank", "county_code")


def indicator_rows(data: MartData, year: int) -> pl.DataFrame:
    """A year's points of every indicator, one row per county in ranking order."""
    wide = (
        data.indicator_points.filter(pl.col("evaluation_year") == year)
        .with_columns(("points_" + pl.col("indicator_code").str.to_lowercase()).alias("column"))
        .pivot(on="column", index="county_code", values="indicator_points")
    )
    scores = data.scores.filter(pl.col("evaluation_year") == year).select(
        "county_code", "county_name", "city_name", "total_points", "province_rank"
    )
    return scores.join(wide, on="county_code", how="left").sort("province_rank", "county_code")


def award_rows(data: MartData, year: int) -> pl.DataFrame:
    """A year's award list in the order it is circulated: largest amount first, then rank."""
    awards = data.table("awards")
    if awards is None:
        return pl.DataFrame()
    return (
        awards.filter(pl.col("evaluation_year") == year)
        .sort(
            ["amount_wan_yuan", "province_rank", "county_code", "rule_code"],
            descending=[True, False, False, False],
        )
        .with_row_index("row_number", offset=1)
    )


def add_styles(workbook: Workbook) -> None:
    """Named cell styles, set per cell by name (much faster than setting fonts and borders
    cell by cell): `header`, `body`, `body_center` and one `body_<format>` per number format."""
    header = NamedStyle(
        "header", font=HEADER_FONT, fill=HEADER_FILL, alignment=CENTER, border=BORDER
    )
    workbook.add_named_style(header)
    workbook.add_named_style(NamedStyle("body", font=BODY_FONT, border=BORDER))
    workbook.add_named_style(
        NamedStyle(
            "body_center", font=BODY_FONT, border=BORDER, alignment=Alignment(horizontal="center")
        )
    )
    for number_format in NUMBER_FORMATS:
        workbook.add_named_style(
            NamedStyle(
                _style_name(number_format),
                font=BODY_FONT,
                border=BORDER,
                number_format=number_format,
            )
        )


def _style_name(number_format: str) -> str:
    return f"body_{NUMBER_FORMATS.index(number_format)}"


def _cell_value(value: Any) -> Any:
    return None if value is None or (isinstance(value, float) and value != value) else value


def write_sheet(
    sheet: Worksheet,
    title: str,
    subtitle: str,
    columns: list[Column],
    rows: list[dict],
    *,
    freeze_column: int = 4,
) -> int:
    """Title, subtitle, header and rows into a sheet; returns the last row written."""
    last_column = get_column_letter(len(columns))
    sheet.merge_cells(f"A1:{last_column}1")
    sheet["A1"] = title
    sheet["A1"].font = TITLE_FONT
    sheet["A1"].alignment = CENTER
    sheet.row_dimensions[1].height = 28
    sheet.merge_cells(f"A2:{last_column}2")
    sheet["A2"] = subtitle
    sheet["A2"].font = BODY_FONT
    sheet["A2"].alignment = Alignment(horizontal="center")
    for index, column in enumerate(columns, start=1):
        sheet.cell(row=HEADER_ROW, column=index, value=column.header).style = "header"
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.row_dimensions[HEADER_ROW].height = 32
    row_index = HEADER_ROW
    for row in rows:
        row_index += 1
        for index, column in enumerate(columns, start=1):
            value = _cell_value(row.get(column.field))
            cell = sheet.cell(row=row_index, column=index, value=value)
            if column.number_format:
                cell.style = _style_name(column.number_format)
            elif isinstance(value, str) and len(value) <= 4:
                cell.style = "body_center"
            else:
                cell.style = "body"
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=freeze_column)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{max(row_index, HEADER_ROW)}"
    return row_index


def _save(workbook: Workbook, path: Path) -> None:
    """Save beside the target and rename over it, so a reader never opens half a file."""
    partial = path.with_name(path.name + ".partial")
    workbook.save(partial)
    os.replace(partial, path)


def ranking_workbook(data: MartData, year: int, path: Path) -> Path:
    """The year's ranking list (and, on a second sheet, the points of every indicator)."""
    rows = ranking_rows(data, year)
    method = data.methodology(year)
    classes = "，".join(
        f"{c.class_code}类 ≥ {method.score_text(c.min_score, 'zh')}"
        for c in method.cutoffs
        if c.min_score > 0
    )
    lowest = method.cutoffs[-1].class_code if method.cutoffs else ""
    workbook = Workbook()
    add_styles(workbook)
    sheet = workbook.active
    sheet.title = "评价排名"
    write_sheet(
        sheet,
        f"{year}年度{PROVINCE}县域科技创新能力评价结果",
        f"（{method.data_year}年统计数据；共{rows.height}个县（市、区）；{classes}，"
        f"其余为{lowest}类）",
        ranking_columns(method),
        rows.to_dicts(),
    )
    indicators = workbook.create_sheet("指标得分")
    write_sheet(
        indicators,
        f"{year}年度{PROVINCE}县域科技创新能力评价指标得分",
        f"（{method.data_year}年统计数据；单位：分）",
        indicator_columns(method),
        indicator_rows(data, year).to_dicts(),
    )
    _save(workbook, path)
    return path


def awards_workbook(data: MartData, year: int, path: Path) -> Path:
    """The year's award list with its total."""
    rows = award_rows(data, year)
    workbook = Workbook()
    add_styles(workbook)
    sheet = workbook.active
    sheet.title = "奖励名单"
    total = float(rows["amount_wan_yuan"].sum()) if rows.height else 0.0
    counties = rows["county_code"].n_unique() if rows.height else 0
    last = write_sheet(
        sheet,
        f"{year}年度{PROVINCE}县域科技创新跃升奖励名单",
        f"（共{rows.height}项，{counties}个县（市、区），合计{total:,.0f}万元）",
        AWARD_COLUMNS,
        rows.to_dicts(),
        freeze_column=4,
    )
    total_row = last + 1
    sheet.cell(row=total_row, column=1, value="合计").style = "header"
    sheet.merge_cells(
        start_row=total_row, start_column=1, end_row=total_row, end_column=len(AWARD_COLUMNS) - 1
    )
    amount = sheet.cell(row=total_row, column=len(AWARD_COLUMNS), value=total)
    amount.style = "header"
    amount.number_format = AMOUNT_FORMAT
    _save(workbook, path)
    return path


def export_excel(data: MartData, out_dir: Path, years: list[int] | None = None) -> list[Path]:
    """Ranking and award workbooks for each evaluation year (all years of the mart by default):
    `ranking_<year>.xlsx` and `awards_<year>.xlsx` in `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for year in years or data.years:
        written.append(ranking_workbook(data, year, out_dir / f"ranking_{year}.xlsx"))
        if data.table("awards") is not None:
            written.append(awards_workbook(data, year, out_dir / f"awards_{year}.xlsx"))
    return written
