"""Each year is drawn with the methodology it was scored with: a new methodology version with
other class cut-offs from evaluation year 2024 on changes the 2024 pages and lists, not 2019's.

The mart's methodology tables are changed directly (a version `hebei_v2` from 2024 whose only
change is the cut-offs): what is checked is that the reports take each year's rows of them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.reports.conftest import copy_mart, leap_report, open_page
from tests.reports.mart_methodology import set_new_cutoffs

NEW_CUTOFFS = {"A": 85.0, "B": 65.0}
OLD_CUTOFFS = {"A": 80.0, "B": 60.0}


@pytest.fixture(scope="module")
def two_versions(
    demo_warehouse: Path, report_mart: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """Reports of a mart whose evaluation year 2024 was scored with hebei_v2 (A ≥ 85, B ≥ 65)."""
    out = tmp_path_factory.mktemp("two_versions")
    mart_db = copy_mart(report_mart, out / "mart")
    set_new_cutoffs(mart_db, 2024, "hebei_v2", NEW_CUTOFFS)
    return leap_report(demo_warehouse, mart_db, out)


def page_data(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return json.loads(re.search(r'id="page-data">(.*?)</script>', text, re.S)[1])


def lede(path: Path) -> str:
    """The text of a province page's first paragraph (year, classes, methodology version)."""
    paragraph = re.search(r'<p class="lede">(.*?)</p>', path.read_text(encoding="utf-8"), re.S)[1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", paragraph))


def cutoffs_of(labels: dict) -> dict[str, float]:
    return {c["class"]: c["min"] for c in labels["cutoffs"] if c["min"] > 0}


@pytest.mark.parametrize(
    ("year", "version", "cutoffs"),
    [(2019, "hebei_v1", OLD_CUTOFFS), (2023, "hebei_v1", OLD_CUTOFFS),
     (2024, "hebei_v2", NEW_CUTOFFS)],
)  # fmt: skip
def test_province_page_shows_the_years_cutoffs(
    two_versions: Path, year: int, version: str, cutoffs: dict[str, float]
) -> None:
    page = two_versions / "site" / "year" / f"{year}.html"
    text = lede(page)
    result = (
        cutoffs_of(page_data(page)["labels"]),
        version in text,
        [f"{code} ≥ {score:g} 分" in text for code, score in cutoffs.items()],
    )
    expected = (cutoffs, True, [True, True])
    assert result == expected


def test_county_page_labels_each_year_with_its_methodology(two_versions: Path) -> None:
    data = page_data(two_versions / "site" / "county" / "130123.html")
    result = {
        "labels": {year: cutoffs_of(data["labels"][str(year)]) for year in (2019, 2024)},
        "versions": {year: data["labels"][str(year)]["version"] for year in (2019, 2024)},
        "history": {
            entry["year"]: {k: v for k, v in entry["cutoffs"].items() if v > 0}
            for entry in data["history"]
            if entry["year"] in (2019, 2024)
        },
    }
    expected = {
        "labels": {2019: OLD_CUTOFFS, 2024: NEW_CUTOFFS},
        "versions": {2019: "hebei_v1", 2024: "hebei_v2"},
        "history": {2019: OLD_CUTOFFS, 2024: NEW_CUTOFFS},
    }
    assert result == expected


@pytest.mark.parametrize(("year", "expected"), [(2019, "A类 ≥ 80 分，B类 ≥ 60 分"),
                                                (2024, "A类 ≥ 85 分，B类 ≥ 65 分")])  # fmt: skip
def test_ranking_list_states_the_years_cutoffs(two_versions: Path, year: int, expected: str):
    workbook = load_workbook(two_versions / "excel" / f"ranking_{year}.xlsx", read_only=True)
    subtitle = workbook["评价排名"]["A2"].value
    workbook.close()
    assert expected in subtitle


HISTORY_CUTOFFS = """() => {
    const chart = echarts.getInstanceByDom(document.querySelector('[data-chart="scoreHistory"]'));
    const series = chart.getOption().series.filter(s => s.name.endsWith('≥'));
    return Object.fromEntries(series.map(s => [s.name, s.data]));
}"""


def test_score_history_draws_each_years_cutoff(two_versions: Path, browser) -> None:
    """The county's score history draws every year's cut-offs; the year switch shows which
    methodology version scored the year picked."""
    path = two_versions / "site" / "county" / "130123.html"
    shown = {}
    for year in (2019, 2024):
        page, problems = open_page(browser, path, f"?year={year}")
        shown[year] = (page.inner_text("[data-methodology-version]"), problems)
        lines = page.evaluate(HISTORY_CUTOFFS)
        page.close()
    years = [entry["year"] for entry in page_data(path)["history"]]
    expected_lines = {
        f"{code} ≥": [NEW_CUTOFFS[code] if year >= 2024 else OLD_CUTOFFS[code] for year in years]
        for code in ("A", "B")
    }
    assert (shown, lines) == ({2019: ("hebei_v1", []), 2024: ("hebei_v2", [])}, expected_lines)
