"""The configuration module: the same typed tables from a warehouse built by dbt and from the
bootstrap of the dataset folder, and the lookups the packages use."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from orchestration.config import seed_files
from orchestration.config.configuration import Configuration, ConfigurationError
from orchestration.config.seed_files import SeedFileError, optional_seeds_environment
from orchestration.demo.seeds import load_seeds, seeds_from_configuration
from tests.config.conftest import (
    PROJECT_ROOT,
    SECOND_VERSION,
    Warehouse,
    read_rows,
    write_rows,
)

TABLES = [
    "units",
    "unit_changes",
    "base_variables",
    "variable_aliases",
    "unit_conversions",
    "methodology",
    "framework",
    "indicators",
    "goalposts",
    "class_cutoffs",
    "award_rules",
    "published_results",
]


@pytest.fixture(params=["two_versions", "regional_config"])
def warehouse(request: pytest.FixtureRequest) -> Warehouse:
    return request.getfixturevalue(request.param)


@pytest.mark.parametrize("table", TABLES)
def test_warehouse_and_bootstrap_give_the_same_typed_table(warehouse: Warehouse, table: str):
    result = getattr(Configuration.from_dataset_dir(warehouse.folder), table)
    expected = getattr(Configuration.from_warehouse(warehouse.work_db), table)
    assert_frame_equal(result, expected, check_exact=True)


def test_every_table_of_a_dataset_folder_is_read(two_versions: Warehouse):
    config = Configuration.from_dataset_dir(two_versions.folder)
    result = {table: getattr(config, table).height for table in TABLES}
    expected = {table: len(read_rows(two_versions.folder / f"{table}.csv")) for table in TABLES}
    assert result == expected


def test_rows_keep_the_order_of_the_files(two_versions: Warehouse):
    rows = read_rows(two_versions.folder / "units.csv")
    expected = [(row["unit_code"], row["unit_name"]) for row in rows]
    for config in (
        Configuration.from_dataset_dir(two_versions.folder),
        Configuration.from_warehouse(two_versions.work_db),
    ):
        assert list(config.units.select("unit_code", "unit_name").iter_rows()) == expected


def test_columns_are_typed_as_the_seed_config_declares():
    config = Configuration.from_dataset_dir(PROJECT_ROOT / "seeds")
    result = {
        "units": {k: config.units.schema[k] for k in ("valid_from_data_year", "first_seen")},
        "indicators": {k: config.indicators.schema[k] for k in ("multiplier", "is_published")},
        "methodology": {k: config.methodology.schema[k] for k in ("data_year_lag", "description")},
    }
    expected = {
        "units": {"valid_from_data_year": pl.Int32, "first_seen": pl.Date},
        "indicators": {"multiplier": pl.Float64, "is_published": pl.Boolean},
        "methodology": {"data_year_lag": pl.Int32, "description": pl.String},
    }
    assert result == expected


def test_optional_tables_and_columns_a_dataset_lacks_are_empty_or_null():
    config = Configuration.from_dataset_dir(PROJECT_ROOT / "datasets/regional_scoreboard_example")
    hebei = Configuration.from_dataset_dir(PROJECT_ROOT / "seeds")
    result = {
        "award_rules": (config.award_rules.height, config.award_rules.schema),
        "pinyin": config.units["unit_name_pinyin"].null_count() == config.units.height,
    }
    expected = {
        "award_rules": (0, hebei.award_rules.schema),
        "pinyin": True,
    }
    assert result == expected


def test_defaults_of_empty_methodology_settings_are_filled_in(tmp_path: Path):
    folder = shutil.copytree(PROJECT_ROOT / "seeds", tmp_path / "dataset")
    rows = read_rows(folder / "methodology.csv")
    for column in ("normalisation", "missing_values", "carry_forward_years", "rank_ties"):
        rows[0][column] = ""
    write_rows(folder / "methodology.csv", rows)
    version = Configuration.from_dataset_dir(folder).methodology_versions()[0]
    result = (
        version.normalisation,
        version.missing_values,
        version.carry_forward_years,
        version.rank_ties,
    )
    assert result == ("goalposts", "zero", 1, "min")


def test_years_follow_the_methodology_versions(two_versions: Warehouse):
    config = Configuration.from_warehouse(two_versions.work_db)
    result = {
        "versions": [(y, config.methodology_in_force(y).methodology_version) for y in (2019, 2024)],
        "data_years": [config.data_year_of(y) for y in (2018, 2024)],
        "evaluation_years": [config.evaluation_year_of(y) for y in (2017, 2023)],
        "years": config.evaluation_years(through=2025),
        "years_to_2020": config.evaluation_years(through=2020),
    }
    expected = {
        "versions": [(2019, "hebei_v1"), (2024, SECOND_VERSION)],
        "data_years": [2017, 2023],
        "evaluation_years": [2018, 2024],
        "years": list(range(2018, 2026)),
        "years_to_2020": [2018, 2019, 2020],
    }
    assert result == expected


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.methodology_in_force(2017), "no methodology version"),
        (lambda c: c.evaluation_year_of(2016), "scores data year 2016"),
        (lambda c: c.evaluation_years(), "open-ended"),
        (lambda c: c.class_cutoffs_of("hebei_v9"), "no rows of methodology_version 'hebei_v9'"),
    ],
)
def test_questions_the_configuration_cannot_answer_say_why(call, message: str):
    config = Configuration.from_dataset_dir(PROJECT_ROOT / "seeds")
    with pytest.raises(ConfigurationError, match=message):
        call(config)


def test_version_tables_and_units_of_a_year(two_versions: Warehouse):
    config = Configuration.from_dataset_dir(two_versions.folder)

    def cutoffs(version: str) -> list[tuple]:
        return list(config.class_cutoffs_of(version).select("class_code", "min_score").iter_rows())

    result = {
        "cutoffs_v1": cutoffs("hebei_v1"),
        "cutoffs_v2": cutoffs(SECOND_VERSION),
        "indicators_v2": config.indicators_of(SECOND_VERSION).height,
        "units": {year: config.units_in(year).height for year in (2017, 2019, 2020, 2023)},
        "awards": config.award_rules_in_force(2021).height,
    }
    expected = {
        "cutoffs_v1": [("A", 80.0), ("B", 60.0), ("C", 0.0)],
        "cutoffs_v2": [("A", 85.0), ("B", 65.0), ("C", 0.0)],
        "indicators_v2": 17,
        "units": {2017: 168, 2019: 168, 2020: 167, 2023: 167},
        "awards": 6,
    }
    assert result == expected


def test_an_edited_file_is_read_again(tmp_path: Path):
    folder = shutil.copytree(PROJECT_ROOT / "seeds", tmp_path / "dataset")
    before = Configuration.from_dataset_dir(folder)
    rows = read_rows(folder / "class_cutoffs.csv")
    rows[0]["min_score"] = "90"
    write_rows(folder / "class_cutoffs.csv", rows)
    stat = (folder / "class_cutoffs.csv").stat()
    os.utime(folder / "class_cutoffs.csv", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    after = Configuration.from_dataset_dir(folder)
    result = (before.class_cutoffs["min_score"][0], after.class_cutoffs["min_score"][0])
    assert result == (80.0, 90.0)


def test_a_missing_required_file_is_named(tmp_path: Path):
    folder = shutil.copytree(PROJECT_ROOT / "seeds", tmp_path / "dataset")
    (folder / "framework.csv").unlink()
    with pytest.raises(ConfigurationError, match="needs framework.csv"):
        Configuration.from_dataset_dir(folder)


def test_a_value_of_the_wrong_type_names_the_file_and_the_types(tmp_path: Path):
    folder = shutil.copytree(PROJECT_ROOT / "seeds", tmp_path / "dataset")
    rows = read_rows(folder / "class_cutoffs.csv")
    rows[1]["min_score"] = "sixty"
    write_rows(folder / "class_cutoffs.csv", rows)
    with pytest.raises(SeedFileError, match=r"class_cutoffs\.csv: .*'min_score': 'double'"):
        Configuration.from_dataset_dir(folder)


def test_a_staging_model_with_another_macro_is_refused(tmp_path: Path, monkeypatch):
    models = tmp_path / "models"
    models.mkdir()
    (models / "stg_config__units.sql").write_text(
        "select * from {{ ref('units') }} where {{ evaluation_year_filter() }}", encoding="utf-8"
    )
    monkeypatch.setattr(seed_files, "STAGING_CONFIG_DIR", models)
    with duckdb.connect() as con, pytest.raises(SeedFileError, match="ref\\(\\) only"):
        seed_files.bootstrap(con, PROJECT_ROOT / "seeds")


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        (
            "seeds",
            "award_rules,published_results,uncertainty,uncertainty_alternatives,"
            "unit_conversions,variable_aliases",
        ),
        ("datasets/regional_scoreboard_example", "uncertainty,uncertainty_alternatives"),
    ],
)
def test_dbt_is_told_which_optional_files_the_folder_holds(folder: str, expected: str):
    result = optional_seeds_environment(PROJECT_ROOT / folder)
    assert result == {"LEAP_OPTIONAL_SEEDS": expected}


def test_the_demo_sees_the_same_configuration_in_the_warehouse(two_versions: Warehouse):
    result = seeds_from_configuration(Configuration.from_warehouse(two_versions.work_db))
    expected = load_seeds(two_versions.folder)
    assert result == expected
