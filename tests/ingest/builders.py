"""Builders of submission files for the ingestion tests.

A layout is first built as a grid (list of rows of cells), so that a test can change exactly the
cell it is about, then written as .xlsx (openpyxl, with merges and extra sheets) or as CSV in a
chosen encoding.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl

from orchestration import layouts

Grid = list[list[Any]]

# (variable_code, name_zh, unit, a plausible value) for a mid-sized county, in seed order.
COUNTY_VARIABLES: list[tuple[str, str, str, float]] = [
    ("fiscal_st_exp", "地方财政科技支出", "万元", 5230.5),
    ("general_budget_exp", "一般公共预算支出", "万元", 312000.0),
    ("ind_rd_exp", "规模以上工业企业R&D经费支出", "万元", 45210.0),
    ("ind_revenue", "规模以上工业企业营业收入", "万元", 3820000.0),
    ("gerd", "全社会R&D经费支出", "万元", 61200.0),
    ("gdp", "地区生产总值", "亿元", 285.6),
    ("hte_count", "高新技术企业数", "家", 48.0),
    ("tsme_count", "科技型中小企业数", "家", 160.0),
    ("ind_ent_count", "规模以上工业企业数", "家", 210.0),
    ("ind_ent_rd_count", "有研发活动的规模以上工业企业数", "家", 75.0),
    ("platform_count", "省级以上研发平台数", "个", 12.0),
    ("incubator_count", "省级以上孵化载体数", "个", 4.0),
    ("rd_fte", "R&D人员全时当量", "人年", 1350.0),
    ("population", "常住人口", "万人", 52.3),
    ("invention_patents", "有效发明专利数", "件", 260.0),
    ("tech_contract", "技术合同成交额", "万元", 8800.0),
    ("hti_value_added", "高新技术产业增加值", "万元", 152000.0),
    ("ind_value_added", "规模以上工业增加值", "万元", 690000.0),
    ("new_product_sales", "规模以上工业企业新产品销售收入", "万元", 402000.0),
]
EXPERT_VARIABLES = [
    ("mgmt_innovation", "科技管理创新"),
    ("policy_implementation", "科技政策落实"),
    ("st_agency", "科技管理机构与队伍建设"),
]
DEFAULT_VALUES = {code: value for code, _, _, value in COUNTY_VARIABLES}


@dataclass
class CountyForm:
    """A county form as a grid; change fields or the grid before writing."""

    unit_name: str | None = "正定县"
    unit_code: str | None = "130123"
    data_year: Any = 2021
    contact_name: str = "张三"
    contact_phone: str = "0311-88886666"
    values: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_VALUES))
    units: dict[str, str | None] = field(default_factory=dict)  # variable_code → 计量单位
    header: Sequence[str] = layouts.COUNTY_FORM_COLUMNS
    note_row: str | None = "注：数据来源于统计年鉴。"
    blank_row_after: int | None = None  # insert a blank row after this table row (0-based)

    # Grid positions (0-based rows): title 0, labels 1-3, blank 4, header 5, data from 6.
    HEADER_ROW = 5

    def grid(self) -> Grid:
        rows: Grid = [[layouts.COUNTY_FORM_TITLE, None, None, None, None]]
        rows.append(
            [
                layouts.HEADER_UNIT_NAME,
                self.unit_name,
                None,
                layouts.HEADER_UNIT_CODE,
                self.unit_code,
            ]
        )
        rows.append([layouts.HEADER_DATA_YEAR, self.data_year, None, None, None])
        rows.append(
            [
                layouts.HEADER_CONTACT_NAME,
                self.contact_name,
                None,
                layouts.HEADER_CONTACT_PHONE,
                self.contact_phone,
            ]
        )
        rows.append([None] * 5)
        rows.append(list(self.header))
        for i, (code, name, unit, _) in enumerate(COUNTY_VARIABLES):
            if code not in self.values:
                continue
            rows.append([code, name, self.units.get(code, unit), self.values[code], None])
            if self.blank_row_after == i:
                rows.append([None] * 5)
        if self.note_row:
            rows.append([self.note_row, None, None, None, None])
        return rows

    def data_row_number(self, variable_code: str) -> int:
        """The 1-based Excel row of a variable's row in the default grid."""
        codes = [c for c, *_ in COUNTY_VARIABLES if c in self.values]
        index = codes.index(variable_code)
        extra = 1 if self.blank_row_after is not None and index > self.blank_row_after else 0
        return self.HEADER_ROW + 2 + index + extra


def city_summary_grid(
    counties: Sequence[tuple[Any, Any, dict[str, Any]]],
    title: str = "石家庄市" + layouts.CITY_SUMMARY_TITLE,
    headers: dict[str, str] | None = None,
    data_year: Any = 2021,
) -> Grid:
    """A city summary: title, 统计年度 line, header, one row per (code, name, values)."""
    headers = headers or {}
    variable_headers = [
        headers.get(code, layouts.variable_column_header(name, unit))
        for code, name, unit, _ in COUNTY_VARIABLES
    ]
    rows: Grid = [[title], [layouts.HEADER_DATA_YEAR, data_year]]
    rows.append([*layouts.CITY_SUMMARY_KEY_COLUMNS, *variable_headers])
    for code, name, values in counties:
        merged = {**DEFAULT_VALUES, **values}
        rows.append([code, name, *[merged[c] for c, *_ in COUNTY_VARIABLES]])
    return rows


def expert_scores_grid(scores: Sequence[tuple[Any, Any, Sequence[Any]]]) -> Grid:
    """Expert scores: title, header, one row per (code, name, [three scores])."""
    rows: Grid = [[layouts.EXPERT_SCORES_TITLE]]
    rows.append([*layouts.EXPERT_SCORES_KEY_COLUMNS, *[n for _, n in EXPERT_VARIABLES]])
    for code, name, values in scores:
        rows.append([code, name, *values])
    return rows


def write_xlsx(
    path: Path,
    sheets: dict[str, Grid],
    merges: dict[str, list[str]] | None = None,
    formats: dict[str, dict[str, str]] | None = None,
    cached: dict[str, dict[str, Any]] | None = None,
) -> Path:
    """Write sheets (in order) to an .xlsx workbook.

    `merges` maps sheet → ranges like 'A1:E1'; `formats` sheet → {cell: number format};
    `cached` sheet → {cell: value} stores a calculated value with a formula cell (openpyxl
    saves formulas without one, as a program that does not calculate does).
    """
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, grid in sheets.items():
        sheet = book.create_sheet(name)
        for row in grid:
            sheet.append(list(row))
        for cell_range in (merges or {}).get(name, []):
            sheet.merge_cells(cell_range)
        for ref, number_format in (formats or {}).get(name, {}).items():
            sheet[ref].number_format = number_format
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    if cached:
        _store_cached_values(path, list(sheets), cached)
    return path


def _store_cached_values(path: Path, names: list[str], cached: dict[str, dict[str, Any]]) -> None:
    """Write `<v>` calculated values into formula cells, as Excel does when it saves."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    for name, cells in cached.items():
        part = f"xl/worksheets/sheet{names.index(name) + 1}.xml"
        xml = parts[part].decode("utf-8")
        for ref, value in cells.items():
            pattern = re.compile(rf'(<c r="{ref}"[^>]*)>(<f>.*?</f>)<v\s*/>')
            kind = ' t="str"' if isinstance(value, str) else ""
            xml, count = pattern.subn(rf"\1{kind}>\2<v>{value}</v>", xml)
            assert count == 1, f"no formula cell {ref} in sheet {name}"
        parts[part] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for filename, data in parts.items():
            archive.writestr(filename, data)


def write_csv(path: Path, grid: Grid, encoding: str = "utf-8", bom: bool = False) -> Path:
    """Write a grid as CSV text in an encoding, optionally with a UTF-8 byte-order mark."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in grid:
        writer.writerow(["" if c is None else c for c in row])
    data = buffer.getvalue().encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
