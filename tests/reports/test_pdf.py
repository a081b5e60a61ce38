"""The report the plan sends each county: `leap report --pdf` prints one PDF per county evaluated
in the year and one for the province, A4, with the county's name; printed, a page shows no
navigation, starts each section on a new page and draws its charts at the page's width.

Printing all 167 documents takes minutes: the tests print the province's and a few counties'
(`--county`, the same code path as the whole set) and check the whole set by listing the
documents `leap report --pdf` prints (`pdf_jobs`) and the pages they are printed from."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from pypdf import PdfReader

from orchestration.reports import load_mart, pdf_jobs
from tests.conftest import run_leap
from tests.reports.conftest import leap_report, open_page

A4_POINTS = (595, 842)
COUNTY_PAGES = range(4, 11)  # the demo's county documents have 6 or 7 pages
PROVINCE_PAGES = range(6, 16)  # 9 pages: the ranking of 167 counties takes four
YEAR = 2024


def evaluated_counties(mart: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return mart.execute(
        "select county_code, county_name from county_scores where evaluation_year = ? "
        "order by county_code",
        [YEAR],
    ).fetchall()


def printed_counties(mart: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """The first and the last county by code and the best-ranked one."""
    counties = evaluated_counties(mart)
    (best,) = mart.execute(
        "select county_code from county_scores where evaluation_year = ? "
        "order by province_rank, county_code limit 1",
        [YEAR],
    ).fetchone()
    return sorted({counties[0], counties[-1], *(c for c in counties if c[0] == best)})


@pytest.fixture(scope="module")
def pdf_dir(
    demo_warehouse: Path,
    report_mart: Path,
    mart: duckdb.DuckDBPyConnection,
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    out = tmp_path_factory.mktemp("pdf_reports")
    counties = [option for code, _ in printed_counties(mart) for option in ("--county", code)]
    leap_report(demo_warehouse, report_mart, out, "--pdf", "--pdf-out", str(out / "pdf"), *counties)
    return out / "pdf" / str(YEAR)


def pdf_facts(path: Path) -> tuple[int, tuple[int, int], str]:
    """Pages, size of the first page in points (width, height) and the first page's text."""
    reader = PdfReader(path)
    box = reader.pages[0].mediabox
    return len(reader.pages), (round(box.width), round(box.height)), reader.pages[0].extract_text()


def test_one_pdf_per_county_and_one_for_the_province(
    reports_dir: Path, report_mart: Path, mart: duckdb.DuckDBPyConnection
) -> None:
    """The whole set `leap report --pdf` prints, listed without printing: each document and the
    site page it is printed from."""
    site = reports_dir / "site"
    jobs = pdf_jobs(load_mart(report_mart), site, YEAR)
    result = sorted((job.file_name, job.page.exists()) for job in jobs)
    expected = sorted(
        [("province.pdf", True), *((f"{code}_{name}.pdf", True) for code, name in
                                   evaluated_counties(mart))]
    )  # fmt: skip
    assert result == expected


def test_the_selected_counties_and_the_province_are_printed(
    pdf_dir: Path, mart: duckdb.DuckDBPyConnection
) -> None:
    result = sorted(path.name for path in pdf_dir.iterdir())
    expected = sorted(["province.pdf", *(f"{c}_{n}.pdf" for c, n in printed_counties(mart))])
    assert result == expected


def test_county_pdfs_are_a4_documents_naming_the_county(
    pdf_dir: Path, mart: duckdb.DuckDBPyConnection
) -> None:
    wrong = {}
    for code, name in printed_counties(mart):
        pages, size, text = pdf_facts(pdf_dir / f"{code}_{name}.pdf")
        facts = (pages in COUNTY_PAGES, size, name in text, code in text, str(YEAR) in text)
        if facts != (True, A4_POINTS, True, True, True):
            wrong[code] = (pages, size, text[:200])
    assert wrong == {}


def test_province_pdf_is_an_a4_landscape_document(pdf_dir: Path) -> None:
    pages, size, text = pdf_facts(pdf_dir / "province.pdf")
    result = (pages in PROVINCE_PAGES, size, "全省县域科技创新能力评价" in text.replace(" ", ""))
    assert result == (True, A4_POINTS[::-1], True)


def documents(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Each document of `folder` by name: its file (inode) and its bytes."""
    return {path.name: (path.stat().st_ino, path.read_bytes()) for path in folder.iterdir()}


def test_reprinting_one_county_keeps_the_other_documents(
    pdf_dir: Path, demo_warehouse: Path, report_mart: Path, mart: duckdb.DuckDBPyConnection,
    tmp_path: Path,
) -> None:  # fmt: skip
    out = tmp_path / "pdf"
    shutil.copytree(pdf_dir, out / str(YEAR))
    before = documents(out / str(YEAR))
    (code, name), *_ = [c for c in evaluated_counties(mart) if c not in printed_counties(mart)]
    leap_report(demo_warehouse, report_mart, tmp_path, "--pdf", "--pdf-out", str(out),
                "--county", code)  # fmt: skip
    after = documents(out / str(YEAR))
    result = (sorted(after), sorted(file for file in after if after[file] != before.get(file)))
    expected = (
        sorted([*before, f"{code}_{name}.pdf"]),
        sorted(["province.pdf", f"{code}_{name}.pdf"]),
    )
    assert result == expected


def test_a_county_not_evaluated_in_the_year_is_a_one_line_error(
    demo_warehouse: Path, report_mart: Path, tmp_path: Path
) -> None:
    completed = run_leap(
        demo_warehouse,
        "report", "--out", str(tmp_path / "site"), "--excel-out", str(tmp_path / "excel"),
        "--pdf", "--pdf-out", str(tmp_path / "pdf"), "--county", "999999",
        LEAP_MART_DB=str(report_mart),
    )  # fmt: skip
    result = (
        completed.returncode,
        completed.stderr.strip().splitlines(),
        sorted(tmp_path.iterdir()),
    )
    expected = (
        2,
        [
            "leap report: county code(s) 999999 not evaluated in 2024 (the published mart "
            "scores 167 counties that year: see county_scores)"
        ],
        [],
    )
    assert result == expected


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
