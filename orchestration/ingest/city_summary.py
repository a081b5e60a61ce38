"""Reader of the city summary (市级汇总表): one workbook per prefecture city and data year.

Header `行政区划代码 | 县(市、区)名称 | 地方财政科技支出(万元) | …`, one row per county. The city
named in the title (or 填报单位) narrows name-only rows; without one, the city most rows resolve
to by code is used for names that are otherwise ambiguous (桥西区). Total rows (合计) are skipped.
"""

from __future__ import annotations

from orchestration.ingest.grid import Sheet
from orchestration.ingest.reading import LayoutReading, ReadContext
from orchestration.ingest.wide_header import WideHeader
from orchestration.ingest.wide_table import read_wide

LAYOUT = "city_summary"


def read_city_summary(sheet: Sheet, header: WideHeader, ctx: ReadContext) -> LayoutReading:
    """Read a city summary sheet: values of the county variables, one row per county."""
    return read_wide(sheet, header, ctx, layout=LAYOUT, reported_by="county")
