"""The report the plan sends each county, as PDF: one document per county evaluated in a year
and one for the province, printed from the report site's pages by a headless Chromium (Debian's
`chromium`, driven by Playwright; no browser is downloaded).

Each page is loaded with the print stylesheet in force at the width of an A4 page's printable
area, so that its charts are drawn at the size they print at, then printed with the page size
the page asks for (county pages A4 portrait, the province page A4 landscape) and page numbers.

    pdf/<year>/province.pdf
    pdf/<year>/<county code>_<county name>.pdf

A selection of counties (`counties=`, `leap report --pdf --county CODE`) prints the province's
document and those counties' only, replacing those files and leaving the year's other documents
as they were (e.g. to reprint one county's document after a correction).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from orchestration.reports.figures import county_lineages
from orchestration.reports.mart import MartData
from orchestration.reports.site import PRINT_WIDTH
from orchestration.warehouse.publish import swap_in_folder

CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
)
FOOTER = (
    '<div style="width:100%;font-size:8px;color:#555;text-align:center;'
    "font-family:'WenQuanYi Micro Hei','Noto Sans CJK SC',sans-serif\">"
    '<span class="title"></span> · <span class="pageNumber"></span> / '
    '<span class="totalPages"></span></div>'
)
PAGE_LOAD_TIMEOUT_MS = 60_000


class PdfRequestError(ValueError):
    """A year or county asked for that the published mart does not have."""


@dataclass(frozen=True)
class PdfJob:
    """One document: the site page to print, the year it shows, and the file to write."""

    page: Path
    year: int
    file_name: str
    orientation: str

    @property
    def url(self) -> str:
        return f"{self.page.as_uri()}?year={self.year}&lang=zh"


@dataclass(frozen=True)
class PdfSummary:
    """What `print_pdfs` wrote."""

    out_dir: Path
    year: int
    files: tuple[Path, ...]
    seconds: float


def published_year(data: MartData, year: int | None) -> int:
    """`year`, or the latest published year when None; an error when the mart does not have
    it."""
    year = year or data.years[-1]
    if year not in data.years:
        raise PdfRequestError(
            f"evaluation year {year} is not in the published mart "
            f"(it has {data.years}); publish it first with `leap run`"
        )
    return year


def selected_counties(
    data: MartData, year: int, counties: Collection[str] | None = None
) -> list[tuple[str, str]]:
    """(code, name) of every county evaluated in `year`, or of the `counties` (codes of that
    year) only; an error naming the codes the year does not have."""
    scores = data.scores.filter(data.scores["evaluation_year"] == year).sort("county_code")
    evaluated = scores.select("county_code", "county_name").rows()
    if counties is None:
        return evaluated
    unknown = sorted(set(counties) - {code for code, _ in evaluated})
    if unknown:
        raise PdfRequestError(
            f"county code(s) {', '.join(unknown)} not evaluated in {year} (the published mart "
            f"scores {len(evaluated)} counties that year: see county_scores)"
        )
    return [(code, name) for code, name in evaluated if code in set(counties)]


def pdf_jobs(
    data: MartData, site_dir: Path, year: int, counties: Collection[str] | None = None
) -> list[PdfJob]:
    """The province page of `year`, then the page of every county evaluated in `year`, or of
    the `counties` only (a county's page is named by its latest code, so a re-coded county is
    found by its lineage)."""
    page_of = {key: code for code, lineage in county_lineages(data).items() for key in lineage}
    jobs = [PdfJob(site_dir / "year" / f"{year}.html", year, "province.pdf", "landscape")]
    for code, name in selected_counties(data, year, counties):
        page = site_dir / "county" / f"{page_of[(year, code)]}.html"
        jobs.append(PdfJob(page, year, f"{code}_{name}.pdf", "portrait"))
    return jobs


def _print_all(chromium: Path, jobs: list[PdfJob], folder: Path) -> list[Path]:
    """Print each job into `folder`, one browser page per orientation."""
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium), args=list(CHROMIUM_ARGS)
        )
        pages = {}
        try:
            for job in jobs:
                if job.orientation not in pages:
                    page = browser.new_page(
                        viewport={"width": PRINT_WIDTH[job.orientation], "height": 1000}
                    )
                    page.emulate_media(media="print")
                    pages[job.orientation] = page
                page = pages[job.orientation]
                page.goto(job.url)
                page.wait_for_selector("body[data-charts-ready='1']", timeout=PAGE_LOAD_TIMEOUT_MS)
                path = folder / job.file_name
                page.pdf(
                    path=str(path),
                    prefer_css_page_size=True,
                    print_background=True,
                    display_header_footer=True,
                    header_template="<span></span>",
                    footer_template=FOOTER,
                )
                written.append(path)
        finally:
            browser.close()
    return written


def _replace_files(fresh: Path, target: Path, written: list[Path]) -> None:
    """Move the documents printed into `fresh` over their namesakes in `target` (one rename
    each), keeping the target's other documents, then remove `fresh`."""
    target.mkdir(parents=True, exist_ok=True)
    for path in written:
        os.replace(path, target / path.name)
    shutil.rmtree(fresh)


def print_pdfs(
    data: MartData,
    site_dir: Path,
    out_dir: Path,
    chromium: Path,
    year: int | None = None,
    counties: Collection[str] | None = None,
) -> PdfSummary:
    """Print the province's and every county's document of `year` (default: the latest year)
    from the site in `site_dir` into `out_dir/<year>/`, replacing that folder in one rename;
    given `counties` (codes), print the province's and theirs only, replacing those files."""
    started = time.perf_counter()
    year = published_year(data, year)
    jobs = pdf_jobs(data, site_dir.resolve(), year, counties)
    if not chromium.exists():
        raise FileNotFoundError(
            f"no Chromium at {chromium}: the PDFs are printed by a headless Chromium "
            f"(Debian: `apt-get install chromium`)"
        )
    target = (out_dir / str(year)).resolve()
    fresh = target.with_name(target.name + ".building")
    if fresh.exists():
        shutil.rmtree(fresh)
    fresh.mkdir(parents=True)
    written = _print_all(chromium, jobs, fresh)
    if counties is None:
        swap_in_folder(fresh, target)
    else:
        _replace_files(fresh, target, written)
    files = tuple(target / path.name for path in written)
    return PdfSummary(target, year, files, time.perf_counter() - started)
