"""What analysts and officials get from the published mart: a static report site (a province
page per evaluation year, a page per county, in Chinese and English, working offline and
printing as A4 documents), the PDF the plan sends each county, Excel workbooks of the ranking
and award lists, and dbt's documentation site of the project.

    leap report [--out DIR] [--excel-out DIR] [--pdf [--pdf-out DIR] [--year YEAR] [--county CODE]]
    leap docs [--out DIR]

Every function here takes its paths as arguments (the command line passes the warehouse's).
"""

import shutil
import time
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from orchestration.config.paths import DBT_PROJECT_DIR, Paths, dbt_environment
from orchestration.reports.dbt_docs import DocsSummary, build_dbt_docs
from orchestration.reports.excel import export_excel
from orchestration.reports.mart import MartData, load_mart
from orchestration.reports.pdf import (
    PdfRequestError,
    PdfSummary,
    pdf_jobs,
    print_pdfs,
    published_year,
    selected_counties,
)
from orchestration.reports.site import SiteSummary, build_site

__all__ = [
    "DocsSummary",
    "PdfRequestError",
    "PdfSummary",
    "ReportSummary",
    "build_docs",
    "build_reports",
    "build_site",
    "default_excel_dir",
    "default_pdf_dir",
    "default_site_dir",
    "export_excel",
    "find_chromium",
    "load_mart",
    "pdf_jobs",
    "print_pdfs",
]
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "/usr/bin/chromium")


@dataclass(frozen=True)
class ReportSummary:
    """What `build_reports` wrote."""

    site: SiteSummary
    excel_files: tuple[Path, ...]
    pdf: PdfSummary | None
    seconds: float


def default_site_dir(paths: Paths) -> Path:
    return paths.reports_dir / "site"


def default_excel_dir(paths: Paths) -> Path:
    return paths.reports_dir / "excel"


def default_pdf_dir(paths: Paths) -> Path:
    return paths.reports_dir / "pdf"


def find_chromium() -> Path | None:
    """The headless browser that prints the PDFs: Debian's `chromium` where it is installed."""
    for candidate in CHROMIUM_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return Path(found)
    return None


def build_reports(
    *,
    mart_db: Path,
    site_dir: Path,
    excel_dir: Path,
    pdf_dir: Path | None = None,
    pdf_year: int | None = None,
    pdf_counties: Collection[str] | None = None,
    chromium: Path | None = None,
) -> ReportSummary:
    """Regenerate the site and the Excel workbooks from the published mart and, given
    `pdf_dir`, print the PDFs of `pdf_year` (default: the latest) from the new site: every
    county's, or the `pdf_counties`' (codes) only."""
    started = time.perf_counter()
    data: MartData = load_mart(mart_db)
    browser = None
    if pdf_dir is not None:  # a wrong year or county, or no browser: say so before writing
        selected_counties(data, published_year(data, pdf_year), pdf_counties)
        browser = chromium or find_chromium()
        if browser is None:
            raise FileNotFoundError(
                "no Chromium found (looked for chromium, chromium-browser): the PDFs are "
                "printed by a headless Chromium; install Debian's `chromium`"
            )
    site = build_site(data, site_dir)
    excel_files = export_excel(data, excel_dir)
    pdf = None
    if pdf_dir is not None and browser is not None:
        pdf = print_pdfs(data, site.out_dir, pdf_dir, browser, pdf_year, pdf_counties)
    return ReportSummary(site, tuple(excel_files), pdf, time.perf_counter() - started)


def build_docs(paths: Paths, out_dir: Path | None = None) -> DocsSummary:
    """dbt's documentation site of the project and the warehouse's working database, into
    `out_dir` (default: the warehouse's `dbt_docs/`)."""
    with dbt_environment(paths):
        return build_dbt_docs(
            DBT_PROJECT_DIR,
            DBT_PROJECT_DIR,
            paths.work_db,
            out_dir or paths.warehouse_dir / "dbt_docs",
        )
