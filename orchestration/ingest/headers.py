"""Recognising the fixed headers and labels of the layouts (not the variable columns).

The canonical texts are in `orchestration.layouts`; the aliases here are the variants seen in
hand-made copies of the forms. Everything is compared on `text.match_key`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from orchestration import layouts
from orchestration.ingest.grid import Cell, Sheet
from orchestration.ingest.text import cell_text, is_blank, match_key, squeeze

# County-form table columns: role → header aliases.
FORM_VAR_CODE = "var_code"
FORM_VAR_NAME = "var_name"
FORM_UNIT = "unit"
FORM_VALUE = "value"
FORM_NOTE = "note"
_FORM_COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    FORM_VAR_CODE: (layouts.COUNTY_FORM_COLUMNS[0], "指标编码", "变量代码", "代码", "编码", "编号"),
    FORM_VAR_NAME: (layouts.COUNTY_FORM_COLUMNS[1], "指标", "指标项", "变量名称", "项目", "名称"),
    FORM_UNIT: (layouts.COUNTY_FORM_COLUMNS[2], "单位", "计量单位名称"),
    FORM_VALUE: (
        layouts.COUNTY_FORM_COLUMNS[3],
        "数据",
        "填报值",
        "填报数",
        "指标值",
        "本年数值",
        "本年数",
        "数值(本年)",
        "值",
    ),
    FORM_NOTE: (layouts.COUNTY_FORM_COLUMNS[4], "说明", "备注说明"),
}

# Key columns of the wide layouts (city summary, expert scores).
KEY_CODE = "code"
KEY_NAME = "name"
KEY_CITY = "city"
_KEY_COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    KEY_CODE: (
        layouts.CITY_SUMMARY_KEY_COLUMNS[0],
        "区划代码",
        "行政代码",
        "县(市、区)代码",
        "县(市,区)代码",
        "单位代码",
        "代码",
    ),
    KEY_NAME: (
        layouts.CITY_SUMMARY_KEY_COLUMNS[1],
        "县(市,区)名称",
        "县(市、区)",
        "县(市,区)",
        "县市区名称",
        "县市区",
        "县区名称",
        "县(市)区名称",
        "单位名称",
        "名称",
        "县(市、区)名",
    ),
    KEY_CITY: ("所属市", "设区市", "所属设区市", "地市", "市"),
}

# Header-block labels of the county form.
LABEL_UNIT_NAME = "unit_name"
LABEL_UNIT_CODE = "unit_code"
LABEL_DATA_YEAR = "data_year"
LABEL_CONTACT_NAME = "contact_name"
LABEL_CONTACT_PHONE = "contact_phone"
LABEL_CITY = "city"
_LABEL_ALIASES: dict[str, tuple[str, ...]] = {
    LABEL_UNIT_NAME: (
        layouts.HEADER_UNIT_NAME,
        "填报单位名称",
        "单位名称",
        "县(市、区)名称",
        "县(市、区)",
        "填报县(市、区)",
    ),
    LABEL_UNIT_CODE: (layouts.HEADER_UNIT_CODE, "区划代码", "行政区划代码(6位)"),
    LABEL_DATA_YEAR: (layouts.HEADER_DATA_YEAR, "统计年份", "数据年度", "年度"),
    LABEL_CONTACT_NAME: (layouts.HEADER_CONTACT_NAME, "填表人", "联系人"),
    LABEL_CONTACT_PHONE: (layouts.HEADER_CONTACT_PHONE, "电话", "手机", "联系方式", "电话号码"),
    LABEL_CITY: ("所属市", "设区市"),
}

# Rows that are not data: notes and sign-off lines (first non-empty cell starts with one).
_NOTE_PREFIXES = ("注", "说明", "备注:", "填表说明", "数据来源", "资料来源")
_SIGNOFF_PREFIXES = (
    "填报人",
    "填表人",
    "联系人",
    "联系电话",
    "审核人",
    "制表人",
    "负责人",
    "单位负责人",
    "填报日期",
    "报送日期",
    "统计负责人",
)
TOTAL_NAMES = frozenset(
    match_key(t) for t in ("合计", "总计", "小计", "全市", "全市合计", "汇总", "全省", "全省合计")
)


def _keyed(aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    keyed: dict[str, str] = {}
    for role, texts in aliases.items():
        for text in texts:
            keyed.setdefault(match_key(text), role)
    return keyed


_FORM_KEYS = _keyed(_FORM_COLUMN_ALIASES)
_KEY_KEYS = _keyed(_KEY_COLUMN_ALIASES)
_LABEL_KEYS = _keyed(_LABEL_ALIASES)


def form_column_role(text: Cell) -> str | None:
    """The county-form column a header cell names (var_code, var_name, unit, value, note)."""
    return _FORM_KEYS.get(match_key(cell_text(text))) if not is_blank(text) else None


def key_column_role(text: Cell) -> str | None:
    """The wide-layout key column a header cell names (code, name, city)."""
    return _KEY_KEYS.get(match_key(cell_text(text))) if not is_blank(text) else None


@dataclass(frozen=True)
class Label:
    """A labelled header-block cell: the label's role, where it is, and the value found."""

    role: str
    row: int
    col: int
    value: Cell
    value_col: int | None


def label_role(text: Cell) -> tuple[str, str] | None:
    """(role, inline value) for `填报单位`, `填报单位：`, or `填报单位：正定县` in one cell."""
    if is_blank(text) or not isinstance(text, str):
        return None
    key = match_key(text)
    if key in _LABEL_KEYS:
        return _LABEL_KEYS[key], ""
    raw = text.strip()
    for separator in (":", "："):
        if separator in raw:
            head, _, tail = raw.partition(separator)
            role = _LABEL_KEYS.get(match_key(head))
            if role is not None:
                return role, tail.strip()
    return None


def find_labels(sheet: Sheet, rows: Iterable[int]) -> dict[str, Label]:
    """Header-block labels in the given rows; a label's value is the next non-empty cell to its
    right (or the text after its colon). The first occurrence of a role wins."""
    found: dict[str, Label] = {}
    for r in rows:
        cells = sheet.rows[r] if r < len(sheet.rows) else []
        for c, cell in enumerate(cells):
            hit = label_role(cell)
            if hit is None or hit[0] in found:
                continue
            role, inline = hit
            if inline:
                found[role] = Label(role, r, c, inline, c)
                continue
            value, value_col = None, None
            for c2 in range(c + 1, len(cells)):
                if is_blank(cells[c2]):
                    continue
                if label_role(cells[c2]) is None:
                    value, value_col = cells[c2], c2
                break
            found[role] = Label(role, r, c, value, value_col)
    return found


def first_text(cells: list[Cell]) -> str:
    """The first non-empty cell of a row as text ('' for a blank row)."""
    for cell in cells:
        if not is_blank(cell):
            return cell_text(cell).strip()
    return ""


def is_total(text: str) -> bool:
    """A totals row label: 合计, 总计, 全市, 石家庄市合计, 小 计 …"""
    key = match_key(text)
    return key in TOTAL_NAMES or key.endswith(("合计", "总计", "小计"))


_NON_DATA_KEYS = tuple(match_key(p) for p in (*_NOTE_PREFIXES, *_SIGNOFF_PREFIXES))


def is_note_row(cells: list[Cell]) -> bool:
    """A trailing note (`注：…`, `说明：…`) or sign-off line (`填报人：…`)."""
    first = match_key(first_text(cells))
    return bool(first) and first.startswith(_NON_DATA_KEYS)


# Year qualifiers of value columns: `2022年数值`, `2023年`, `数值（2023年）`, `本年数`, `上年数`.
_RELATIVE_YEARS = {
    "本年": 0,
    "今年": 0,
    "当年": 0,
    "本期": 0,
    "上年同期": -1,
    "上年": -1,
    "去年": -1,
}
_YEAR = re.compile(r"((?:19|20)\d{2})(?:年度|年)?")
_VALUE_RESTS = frozenset({"", "数", "值", "数值", "数据", "填报值", "填报数", "指标值", "实际值"})
_BRACKETED = re.compile(r"^(?P<head>.*?)[(\[【](?P<inner>[^()\[\]【】]*)[)\]】](?P<tail>.*)$")


@dataclass(frozen=True)
class ValueHeader:
    """A value column header: the year it is for (absolute or relative to the data year) and a
    unit stated in it (`数值（万元）`)."""

    year: int | None = None
    relative_year: int | None = None
    unit: str | None = None

    def for_year(self, data_year: int) -> int | None:
        """The data year the column holds, None when it does not say."""
        if self.year is not None:
            return self.year
        return data_year + self.relative_year if self.relative_year is not None else None


def value_header(text: Cell) -> ValueHeader | None:
    """`数值`, `2022年数值`, `2023年`, `本年数`, `数值（万元）`, `数值(2023年)` → ValueHeader."""
    if is_blank(text) or isinstance(text, bool) or not isinstance(text, str | int | float):
        return None
    return _value_header(cell_text(text))


@lru_cache(maxsize=8192)  # header texts repeat across the files of a year
def _value_header(text: str) -> ValueHeader | None:
    rest = squeeze(text)
    year = relative = unit = None
    bracket = _BRACKETED.match(rest)
    if bracket:
        inner = bracket.group("inner")
        rest = bracket.group("head") + bracket.group("tail")
        found = _YEAR.fullmatch(inner)
        if found:
            year = int(found.group(1))
        elif inner in _RELATIVE_YEARS:
            relative = _RELATIVE_YEARS[inner]
        else:
            unit = inner
    found = _YEAR.match(rest) or _YEAR.search(rest)
    if found and year is None and (found.start() == 0 or found.end() == len(rest)):
        year, rest = int(found.group(1)), rest[: found.start()] + rest[found.end() :]
    for word, offset in _RELATIVE_YEARS.items():
        if relative is None and year is None and rest.startswith(word):
            relative, rest = offset, rest[len(word) :]
    qualified = year is not None or relative is not None
    if _FORM_KEYS.get(match_key(rest)) == FORM_VALUE or (qualified and rest in _VALUE_RESTS):
        if bracket and unit is None and not qualified and rest not in _VALUE_RESTS:
            return None
        return ValueHeader(year, relative, unit)
    if _FORM_KEYS.get(match_key(text)) == FORM_VALUE:
        return ValueHeader()  # an alias with brackets of its own: 数值(本年)
    return None


def year_label(text: Cell) -> int | None:
    """A cell that only names a year, as over a group of columns: `2022年`, `2022年度`, `2022`."""
    if is_blank(text):
        return None
    found = _YEAR.fullmatch(squeeze(cell_text(text)).removesuffix("数值").removesuffix("数"))
    return int(found.group(1)) if found else None


SUB_ITEM_PREFIX = re.compile(r"^(?:其中|内含|含|包括)[:：]?\s*")
_ENUMERATION = re.compile(
    r"^(?:[(（]?[0-9一二三四五六七八九十]{1,3}[)）]|[0-9一二三四五六七八九十]{1,3}[.．、])\s*"
)


def sub_item_name(text: str) -> str | None:
    """The name of a sub-item row `其中：基础研究经费` → `基础研究经费`; None for other rows."""
    found = SUB_ITEM_PREFIX.match(text.strip())
    return text.strip()[found.end() :] if found and text.strip()[found.end() :] else None


def without_enumeration(text: str) -> str:
    """`1.地方财政科技支出`, `（2）常住人口`, `三、…` without the numbering."""
    return _ENUMERATION.sub("", text.strip(), count=1)
