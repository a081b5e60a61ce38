"""The submission file layouts of the spec (`县级填报表`, `市级汇总表`, `专家评审表`).

One place for the labels, headers and file-name patterns that the demo generator writes and the
ingestion reads, so that the two cannot drift apart.
"""

from __future__ import annotations

# County form (县级填报表): a header block of labelled cells, then a table with one row per
# base variable.
COUNTY_FORM_TITLE = "县域科技创新能力监测指标填报表"
COUNTY_FORM_SHEET = "填报表"
HEADER_UNIT_NAME = "填报单位"
HEADER_UNIT_CODE = "行政区划代码"
HEADER_DATA_YEAR = "统计年度"
HEADER_CONTACT_NAME = "填报人"
HEADER_CONTACT_PHONE = "联系电话"
COUNTY_FORM_COLUMNS = ("指标代码", "指标名称", "计量单位", "数值", "备注")

# City summary (市级汇总表): one row per county, one column per base variable headed
# `名称(单位)`, e.g. `地方财政科技支出(万元)`.
CITY_SUMMARY_TITLE = "县域科技创新能力监测指标市级汇总表"
CITY_SUMMARY_SHEET = "汇总表"
CITY_SUMMARY_KEY_COLUMNS = ("行政区划代码", "县(市、区)名称")

# Expert scores (专家评审表): one workbook per data year, one row per county, the three
# qualitative scores.
EXPERT_SCORES_TITLE = "县域科技创新能力监测专家评审表"
EXPERT_SCORES_SHEET = "专家评分"
EXPERT_SCORES_KEY_COLUMNS = ("行政区划代码", "县(市、区)名称")

# File names the demo generator uses; the ingestion recognises layouts by content, not by name.
COUNTY_FORM_FILE = "county_form_{unit_code}_{data_year}.{ext}"
CITY_SUMMARY_FILE = "city_summary_{group_code}_{data_year}.{ext}"
EXPERT_SCORES_FILE = "expert_scores_{data_year}.{ext}"


def variable_column_header(name_zh: str, unit: str) -> str:
    """The city-summary column header of a base variable: `名称(单位)`."""
    return f"{name_zh}({unit})"
