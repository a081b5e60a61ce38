"""What analysts and officials get from the published mart: a static report site (a province
page per evaluation year, a page per county, in Chinese and English, working offline) and Excel
workbooks of the ranking and award lists.

    leap report [--out DIR] [--excel-out DIR]
"""

import time
from dataclasses import dataclass
from pathlib import Path

from orchestration.reports.excel import export_excel
from orchestration.reports.mart import MartData, load_mart
from orchestration.reports.site import SiteSummary, build_site
from orchestration.config.paths import Paths, current_paths

__all__ = ["ReportSummary", "build_reports", "build_site", "export_excel", "load_mart"]


@dataclass(frozen=True)
class ReportSummary:
    """What `build_reports` wrote."""

    site: SiteSummary
    excel_files: tuple[Path, ...]
    seconds: float


def default_site_dir(paths: Paths | None = None) -> Path:
    return (paths or current_paths()).reports_dir / "site"


def default_excel_dir(paths: Paths | None = None) -> Path:
    return (paths or current_paths()).reports_dir / "excel"


def build_reports(
    *,
    mart_db: Path | None = None,
    site_dir: Path | None = None,
    excel_dir: Path | None = None,
    dataset_dir: Path | None = None,
) -> ReportSummary:
    """Regenerate the site and the Excel workbooks from the published mart (the paths in force
    by default: warehouse/mart.duckdb, warehouse/reports/site and warehouse/reports/excel)."""
    started = time.perf_counter()
    paths = current_paths()
    data: MartData = load_mart(mart_db or paths.mart_db, dataset_dir or paths.dataset_dir)
    site = build_site(data, site_dir or default_site_dir(paths))
    excel_files = export_excel(data, excel_dir or default_excel_dir(paths))
    return ReportSummary(site, tuple(excel_files), time.perf_counter() - started)
