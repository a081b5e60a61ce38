"""The report the plan sends each county: `leap report --pdf` prints one PDF per county evaluated
in the year and one for the province, A4, with the county's name; printed, a page shows no
navigation, starts each section on a new page and draws its charts at the page's width."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from pypdf import PdfReader

from tests.reports.conftest import leap_report, open_page

A4_POINTS = (595, 842)
COUNTY_PAGES = range(4, 11)  # the demo's county documents have 6 or 7 pages
PROVINCE_PAGES = range(6, 16)  # 9 pages: the ranking of 167 counties takes four


@pytest.fixture(scope="module")
def pdf_dir(demo_warehouse: Path, report_mart: Path, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("pdf_reports")
    leap_report(demo_warehouse, report_mart, out, "--pdf", "--pdf-out", str(out / "pdf"))
    return out / "pdf" / "2024"


def pdf_facts(path: Path) -> tuple[int, tuple[int, int], str]:
    """Pages, size of the first page in points (width, height) and the first page's text."""
    reader = PdfReader(path)
    box = reader.pages[0].mediabox
    return len(reader.pages), (round(box.width), round(box.height)), reader.pages[0].extract_text()


def test_one_pdf_per_county_and_one_for_the_province(
    pdf_dir: Path, mart: duckdb.DuckDBPyConnection
) -> None:
    counties = mart.execute(
        "select county_code, county_name from county_scores where evaluation_year = 2024"
    ).fetchall()
    result = sorted(path.name for path in pdf_dir.glob("*.pdf"))
    expected = sorted(["province.pdf", *(f"{code}_{name}.pdf" for code, name in counties)])
    assert result == expected


def test_county_pdfs_are_a4_documents_naming_the_county(
    pdf_dir: Path, mart: duckdb.DuckDBPyConnection
) -> None:
    counties = mart.execute(
        "select county_code, county_name from county_scores where evaluation_year = 2024"
    ).fetchall()
    wrong = {}
    for code, name in counties:
        pages, size, text = pdf_facts(pdf_dir / f"{code}_{name}.pdf")
        facts = (pages in COUNTY_PAGES, size, name in text, code in text, "2024" in text)
        if facts != (True, A4_POINTS, True, True, True):
            wrong[code] = (pages, size, text[:200])
    assert wrong == {}


def test_province_pdf_is_an_a4_landscape_document(pdf_dir: Path) -> None:
    pages, size, text = pdf_facts(pdf_dir / "province.pdf")
    result = (pages in PROVINCE_PAGES, size, "全省县域科技创新能力评价" in text.replace(" ", ""))
    assert result == (True, A4_POINTS[::-1], True)


PRINT_LAYOUT = """() => ({
    header: getComputedStyle(document.querySelector('.site-header')).display,
    toggle: getComputedStyle(document.querySelector('.lang-toggle')).display,
    yearSelect: getComputedStyle(document.querySelector('.year-pick label')).display,
    breaks: [...document.querySelectorAll('main > section')]
        .map(s => getComputedStyle(s).breakBefore),
})"""
CHART_WIDTHS = """() => [...document.querySelectorAll('[data-chart] canvas')]
    .map(c => Math.round(c.getBoundingClientRect().width))"""


def test_county_page_prints_as_a_clean_document(reports_dir: Path, browser) -> None:
    """Printed, the page hides navigation and controls, starts each section after the first on
    a new page, and redraws its charts at the width of an A4 page's printable area."""
    page, problems = open_page(browser, reports_dir / "site" / "county" / "130123.html")
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    layout = page.evaluate(PRINT_LAYOUT)
    widths = page.evaluate(CHART_WIDTHS)
    print_width = int(page.get_attribute("body", "data-print-width"))
    page.close()
    sections = len(layout["breaks"])
    result = (layout, set(widths), problems)
    expected = (
        {"header": "none", "toggle": "none", "yearSelect": "none",
         "breaks": ["auto"] + ["page"] * (sections - 1)},
        {print_width},
        [],
    )  # fmt: skip
    assert result == expected
    assert sections >= 5
