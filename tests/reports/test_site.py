"""The report site: one command, a page per year and per county, loading in headless Chromium
without console errors and with their charts drawn; screenshots kept for people to look at."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb

from tests.conftest import PROJECT_ROOT
from tests.reports.conftest import open_page

SCREENSHOTS_FOR_PEOPLE = PROJECT_ROOT / "warehouse" / "reports" / "screenshots"
CHART_STATE = """els => els.map(e => {
    const canvas = e.querySelector('canvas');
    let inked = 0;
    if (canvas) {
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 3; i < pixels.length; i += 4 * 97) { if (pixels[i] > 0) { inked += 1; } }
    }
    return {name: e.dataset.chart, empty: e.dataset.empty === '1',
            width: canvas ? canvas.width : 0, height: canvas ? canvas.height : 0, inked: inked};
})"""


def sample_pages(site: Path, mart: duckdb.DuckDBPyConnection) -> list[tuple[str, Path, set[str]]]:
    """(label, page, charts allowed to be empty): the index, the first and a later year, and
    counties: the best, a re-coded one, an abolished one and one with an award."""
    best = mart.execute(
        "select county_code from county_scores where evaluation_year = 2024 "
        "order by province_rank limit 1"
    ).fetchone()[0]
    awarded = mart.execute(
        "select county_code from awards where evaluation_year = 2024 "
        "order by amount_wan_yuan desc, county_code limit 1"
    ).fetchone()[0]
    return [
        ("index", site / "index.html", set()),
        ("year_2018", site / "year" / "2018.html", {"transitionFlow"}),
        ("year_2021", site / "year" / "2021.html", set()),
        ("county_best", site / "county" / f"{best}.html", set()),
        ("county_recoded", site / "county" / "130505.html", set()),
        ("county_abolished", site / "county" / "130521.html", set()),
        ("county_awarded", site / "county" / f"{awarded}.html", set()),
    ]


def test_one_command_writes_a_page_per_year_and_county(
    reports_dir: Path, mart: duckdb.DuckDBPyConnection
) -> None:
    site = reports_dir / "site"
    years = [
        row[0]
        for row in mart.execute(
            "select distinct evaluation_year from county_scores order by 1"
        ).fetchall()
    ]
    counties = {
        row[0] for row in mart.execute("select distinct county_code from county_scores").fetchall()
    }
    result = (
        sorted(path.stem for path in (site / "year").glob("*.html")),
        {path.stem for path in (site / "county").glob("*.html")},
        (site / "index.html").exists(),
    )
    expected = ([str(year) for year in years], counties, True)
    assert result == expected
    seconds = float(re.search(r"in ([0-9.]+) s", (reports_dir / "leap_report.log").read_text())[1])
    assert seconds < 60


def test_pages_need_nothing_from_the_network(reports_dir: Path) -> None:
    site = reports_dir / "site"
    for page in [site / "index.html", *sorted((site / "county").glob("*.html"))[:5]]:
        text = page.read_text(encoding="utf-8")
        references = re.findall(r'(?:src|href)="([^"#]+)"', text)
        remote = [ref for ref in references if re.match(r"^[a-z]+://", ref) or ref.startswith("//")]
        missing = [
            ref
            for ref in references
            if not ref.startswith("data:") and not (page.parent / ref).resolve().exists()
        ]
        assert (remote, missing) == ([], []), page


def test_pages_load_without_console_errors_and_draw_their_charts(
    reports_dir: Path, mart: duckdb.DuckDBPyConnection, browser, tmp_path: Path
) -> None:
    shots = tmp_path / "screenshots"
    shots.mkdir()
    for label, path, may_be_empty in sample_pages(reports_dir / "site", mart):
        page, problems = open_page(browser, path)
        charts = page.eval_on_selector_all("[data-chart]", CHART_STATE)
        page.screenshot(path=str(shots / f"{label}.png"), full_page=True)
        page.screenshot(path=str(shots / f"{label}_top.png"))
        page.close()
        undrawn = [
            chart["name"]
            for chart in charts
            if not (chart["width"] > 0 and chart["height"] > 0 and chart["inked"] > 0)
            and not (chart["empty"] and chart["name"] in may_be_empty)
        ]
        assert (label, problems, undrawn) == (label, [], [])
        assert len(charts) >= 3, label
    SCREENSHOTS_FOR_PEOPLE.mkdir(parents=True, exist_ok=True)
    for label in ("index_top", "county_best", "county_awarded_top"):
        shutil.copy2(shots / f"{label}.png", SCREENSHOTS_FOR_PEOPLE / f"{label}.png")
    assert len(list(shots.glob("*.png"))) == 14


def test_ranking_table_sorts_and_filters(
    reports_dir: Path, mart: duckdb.DuckDBPyConnection, browser
) -> None:
    page, problems = open_page(browser, reports_dir / "site" / "index.html")
    rows = "table.ranking tbody tr"
    all_rows = page.locator(rows).count()
    page.fill(".table-search", "石家庄")
    visible_city = page.locator(f"{rows}:not([hidden])").count()
    page.fill(".table-search", "")
    page.click("table.ranking thead th:nth-child(4)")  # total points, ascending
    totals = [
        float(v)
        for v in page.eval_on_selector_all(
            f"{rows} td:nth-child(4)", "tds => tds.map(td => td.dataset.v)"
        )
    ]
    page.close()
    (units, city_units) = mart.execute("""
        select count(*), count(*) filter (where city_name = '石家庄市')
        from county_scores where evaluation_year = 2024
    """).fetchone()
    assert (all_rows, visible_city, totals == sorted(totals), problems) == (
        units,
        city_units,
        True,
        [],
    )


def test_language_toggle_shows_english(reports_dir: Path, browser) -> None:
    page, problems = open_page(browser, reports_dir / "site" / "index.html")
    before = page.locator("h1 .en").is_visible(), page.locator("h1 .zh").is_visible()
    page.click("[data-lang-toggle]")
    after = page.locator("h1 .en").is_visible(), page.locator("h1 .zh").is_visible()
    heading = page.locator("h1 .en").inner_text()
    page.close()
    assert (before, after, problems) == ((False, True), (True, False), [])
    assert heading == "Province results, evaluation year 2024"


def test_main_job_regenerates_the_reports(demo_warehouse: Path) -> None:
    result = (
        (demo_warehouse / "reports" / "site" / "index.html").exists(),
        sorted(path.name for path in (demo_warehouse / "reports" / "excel").glob("*.xlsx")),
    )
    expected = (
        True,
        sorted(
            f"{kind}_{year}.xlsx" for kind in ("awards", "ranking") for year in range(2018, 2025)
        ),
    )
    assert result == expected
