"""A full year: one form per county (xlsx and CSV), a summary per city, the expert scores.

Checks completeness and the time to read ~180 files (the brief: a couple of seconds).
"""

from __future__ import annotations

import time
from pathlib import Path

import polars as pl
import pytest

from orchestration import layouts
from orchestration.ingest import read_inbox_year
from orchestration.ingest.reading import Reference

from .builders import (
    CountyForm,
    city_summary_grid,
    expert_scores_grid,
    write_csv,
    write_xlsx,
)
from .conftest import RECEIVED, SEEDS

YEAR = 2021


@pytest.fixture(scope="module")
def full_year(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    inbox = tmp_path_factory.mktemp("inbox")
    folder = inbox / str(YEAR)
    units = Reference.from_dataset_dir(SEEDS).registry.valid_units(YEAR)
    for i, unit in enumerate(units):
        form = CountyForm(unit_name=unit.name, unit_code=unit.code, data_year=YEAR)
        name = layouts.COUNTY_FORM_FILE.format(
            unit_code=unit.code, data_year=YEAR, ext="csv" if i % 5 == 0 else "xlsx"
        )
        if i % 5 == 0:
            gbk = i % 2 == 1
            write_csv(
                folder / name,
                form.grid(),
                encoding="gbk" if gbk else "utf-8",
                bom=not gbk and i % 3 == 0,
            )
        else:
            write_xlsx(folder / name, {layouts.COUNTY_FORM_SHEET: form.grid()})
    cities: dict[tuple[str, str], list] = {}
    for unit in units:
        cities.setdefault((unit.group_code, unit.group_name), []).append((unit.code, unit.name, {}))
    for (group, city), rows in cities.items():
        grid = city_summary_grid(rows, title=f"{city}{layouts.CITY_SUMMARY_TITLE}")
        name = layouts.CITY_SUMMARY_FILE.format(group_code=group, data_year=YEAR, ext="xlsx")
        write_xlsx(folder / name, {layouts.CITY_SUMMARY_SHEET: grid})
    scores = expert_scores_grid([(u.code, u.name, [80, 75, 70]) for u in units])
    write_xlsx(
        folder / layouts.EXPERT_SCORES_FILE.format(data_year=YEAR, ext="xlsx"),
        {layouts.EXPERT_SCORES_SHEET: scores},
    )
    return inbox, len(units)


def test_full_year_reads_fast_and_completely(full_year: tuple[Path, int]) -> None:
    inbox, n_units = full_year
    started = time.perf_counter()
    result = read_inbox_year(inbox, YEAR, SEEDS, received_at=RECEIVED)
    elapsed = time.perf_counter() - started
    print(f"\nread {result.files.height} files, {result.values.height} values in {elapsed:.2f}s")

    assert result.files.height == n_units + 11 + 1
    assert (
        result.files.filter(pl.col("status") != "loaded").select("file_name", "reason").rows() == []
    )
    forms = result.values.filter(pl.col("layout") == "county_form")
    assert forms.height == n_units * 19 and forms["unit_code"].n_unique() == n_units
    experts = result.values.filter(pl.col("layout") == "expert_scores")
    assert experts.height == n_units * 3
    assert result.values["unit_code"].null_count() == 0
    # each county is in its form and its city summary: one repeated_submission (info) each
    codes = result.problems.group_by("problem_code", "severity").len().sort("problem_code").rows()
    assert codes == [("repeated_submission", "info", n_units)]
    assert elapsed < 10, f"reading a year took {elapsed:.1f}s"
