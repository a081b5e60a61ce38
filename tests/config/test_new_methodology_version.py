"""Issue 13's "done when", end to end: a new methodology version with other class cut-offs from
evaluation year 2024 on, put into the dataset folder, then one `leap run` of 2019 and 2024.

Afterwards 2019, scored again under the new configuration, still uses 2019's methodology
(hebei_v1: A >= 80, B >= 60) and 2024 the new one (hebei_v2: A >= 85, B >= 65), in the published
mart, on the rendered report site (the province pages' HTML) and in the rank uncertainty
(nominal classes and class probabilities). The run is against a copy of the shared demo
warehouse (`copy_warehouse`), so only the two years are run.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.config.conftest import SECOND_VERSION, add_second_version
from tests.conftest import PROJECT_ROOT, copy_warehouse, run_leap

OLD = ("hebei_v1", {"A": 80.0, "B": 60.0, "C": 0.0})
NEW = (SECOND_VERSION, {"A": 85.0, "B": 65.0, "C": 0.0})
VERSION_OF_YEAR = {2019: OLD, 2024: NEW}
BAND = (80.0, 85.0)  # totals classed A by hebei_v1 and B by hebei_v2


# Session-scoped: built once (a minute of `leap run`) in whatever order the folder's tests run
# (tests/config runs on one worker: tests/conftest.py).
@pytest.fixture(scope="session")
def rerun(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo warehouse after `leap run --years 2019,2024` with hebei_v2 from 2024."""
    root = tmp_path_factory.mktemp("new_version")
    warehouse = copy_warehouse(demo_warehouse, root / "warehouse")
    dataset = root / "dataset"
    shutil.copytree(PROJECT_ROOT / "seeds", dataset)
    add_second_version(dataset)
    completed = run_leap(warehouse, "run", "--years", "2019,2024", LEAP_DATASET_DIR=str(dataset))
    (root / "leap_run.log").write_text(completed.stdout + completed.stderr, encoding="utf-8")
    if completed.returncode != 0:
        pytest.fail(
            f"`leap run` exited {completed.returncode}\n{completed.stdout[-6000:]}"
            f"\n{completed.stderr[-6000:]}"
        )
    return warehouse


def query(database: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def class_of(total: float, cutoffs: dict[str, float]) -> str:
    """The best class whose minimum the total reaches."""
    return max((code for code, low in cutoffs.items() if total >= low), key=cutoffs.get)


def test_the_run_published_both_years(rerun: Path) -> None:
    """The log keeps each year's latest publication: 2019 and 2024 by this run, the other
    years still by the demo run."""
    rows = query(
        rerun / "mart.duckdb", "select evaluation_year, run_id from publication_log order by 1"
    )
    run_of_year = dict(rows)
    result = {year: run_of_year[year] != run_of_year[2018] for year in sorted(VERSION_OF_YEAR)}
    expected = {2019: True, 2024: True}
    assert result == expected


@pytest.mark.parametrize("year", sorted(VERSION_OF_YEAR))
def test_the_mart_holds_each_years_methodology_and_classes(rerun: Path, year: int) -> None:
    version, cutoffs = VERSION_OF_YEAR[year]
    mart = rerun / "mart.duckdb"
    scores = query(
        mart, "select total_points, class from county_scores where evaluation_year = ?", [year]
    )
    result = (
        query(
            mart,
            "select methodology_version from methodology_by_year where evaluation_year = ?",
            [year],
        ),
        dict(
            query(
                mart,
                "select class_code, min_score from class_cutoffs_by_year where evaluation_year = ?",
                [year],
            )
        ),
        [klass for _, klass in scores],
    )
    expected = ([(version,)], cutoffs, [class_of(total, cutoffs) for total, _ in scores])
    assert result == expected


def test_the_band_between_the_cutoffs_is_classed_by_each_years_version(rerun: Path) -> None:
    """The check above can tell the versions apart: both years have totals in [80, 85), A in
    2019 and B in 2024."""
    result = {
        year: sorted(
            set(
                query(
                    rerun / "mart.duckdb",
                    "select class from county_scores where evaluation_year = ? "
                    "and total_points >= ? and total_points < ?",
                    [year, *BAND],
                )
            )
        )
        for year in VERSION_OF_YEAR
    }
    expected = {2019: [("A",)], 2024: [("B",)]}
    assert result == expected


def test_2019_is_scored_as_before_and_2024_keeps_its_totals(
    demo_warehouse: Path, rerun: Path
) -> None:
    sql = (
        "select county_code, total_points, province_rank, class from county_scores "
        "where evaluation_year = ? order by county_code"
    )
    before = {year: query(demo_warehouse / "mart.duckdb", sql, [year]) for year in (2019, 2024)}
    after = {year: query(rerun / "mart.duckdb", sql, [year]) for year in (2019, 2024)}
    result = (after[2019], [row[:3] for row in after[2024]])
    expected = (before[2019], [row[:3] for row in before[2024]])
    assert result == expected
    assert [row[3] for row in after[2024]] != [row[3] for row in before[2024]]


def page(rerun: Path, year: int) -> tuple[dict, str]:
    """The province page of a year on the rendered site: its page data and its first
    paragraph's text (year, classes, methodology version)."""
    text = (rerun / "reports" / "site" / "year" / f"{year}.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="page-data">(.*?)</script>', text, re.S)[1])
    lede = re.search(r'<p class="lede">(.*?)</p>', text, re.S)[1]
    return data, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", lede))


@pytest.mark.parametrize("year", sorted(VERSION_OF_YEAR))
def test_the_report_page_draws_the_year_with_its_cutoffs(rerun: Path, year: int) -> None:
    version, cutoffs = VERSION_OF_YEAR[year]
    data, lede = page(rerun, year)
    result = (
        {c["class"]: c["min"] for c in data["labels"]["cutoffs"]},
        data["labels"]["version"],
        version in lede,
        [f"{code} ≥ {low:g} 分" in lede for code, low in cutoffs.items() if low > 0],
    )
    expected = (cutoffs, version, True, [True, True])
    assert result == expected


@pytest.mark.parametrize("year", sorted(VERSION_OF_YEAR))
def test_the_uncertainty_classes_with_the_years_cutoffs(rerun: Path, year: int) -> None:
    version, cutoffs = VERSION_OF_YEAR[year]
    rows = query(
        rerun / "mart.duckdb",
        "select uncertainty.methodology_version, uncertainty.nominal_class, scores.total_points "
        "from county_rank_uncertainty as uncertainty inner join county_scores as scores "
        "using (evaluation_year, county_code) where evaluation_year = ?",
        [year],
    )
    result = (sorted({row[0] for row in rows}), [row[1] for row in rows])
    expected = ([version], [class_of(total, cutoffs) for _, _, total in rows])
    assert result == expected


def test_the_class_probabilities_follow_each_years_cutoffs(rerun: Path) -> None:
    """In the band [80, 85) the nominal class is A in 2019 and B in 2024: the probabilities of
    the Monte Carlo lean the same way (mean over the band's counties)."""
    result = {}
    for year in VERSION_OF_YEAR:
        ((prob_a, prob_b, units),) = query(
            rerun / "mart.duckdb",
            "select avg(prob_class_a), avg(prob_class_b), count(*) "
            "from county_rank_uncertainty where evaluation_year = ? "
            "and nominal_points >= ? and nominal_points < ?",
            [year, *BAND],
        )
        result[year] = ("A" if prob_a > prob_b else "B", units > 0)
    expected = {2019: ("A", True), 2024: ("B", True)}
    assert result == expected
