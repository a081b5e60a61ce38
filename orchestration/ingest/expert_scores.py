"""Reader of the expert scores (专家评审表): one workbook per data year, all counties.

Header `行政区划代码 | 县(市、区)名称 | 科技管理创新 | 科技政策落实 | 科技管理机构与队伍建设`, one
row per county, scores 0-100 (range checks belong to the quality gate). The file covers the whole
province, so a name without a code (or a 所属市 column) must be unique to resolve.
"""

from __future__ import annotations

from orchestration.ingest.grid import Sheet
from orchestration.ingest.reading import LayoutReading, ReadContext
from orchestration.ingest.wide_header import WideHeader
from orchestration.ingest.wide_table import read_wide

LAYOUT = "expert_scores"


def read_expert_scores(sheet: Sheet, header: WideHeader, ctx: ReadContext) -> LayoutReading:
    """Read an expert-scores sheet: the three qualitative scores, one row per county."""
    return read_wide(sheet, header, ctx, layout=LAYOUT, reported_by="expert_panel")
