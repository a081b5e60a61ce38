"""The `rank_uncertainty` asset on a working database dbt built from Hebei's configuration
(seeds/, with its uncertainty design) and generated values with gaps: the mart tables it
writes, and its check that the engine's nominal run is the marts' scoring."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import numpy as np
import polars as pl
import pytest

from orchestration.defs.assets.uncertainty import rank_uncertainty
from orchestration.defs.resources import warehouse_from_environment
from tests.engine.conftest import ScoredDataset, scored
from tests.engine.datagen import (
    HEBEI_VARIABLES,
    generate_values,
    units_by_data_year,
    write_values_csv,
)
from tests.engine.scenarios import copy_hebei_configuration

YEARS = (2021, 2022)


@pytest.fixture(scope="module")
def hebei_with_gaps(tmp_path_factory: pytest.TempPathFactory) -> ScoredDataset:
    work_dir = tmp_path_factory.mktemp("hebei_uncertainty")
    folder = copy_hebei_configuration(work_dir / "dataset")
    units = units_by_data_year(folder / "units.csv", range(2019, 2022))
    values = generate_values(units, HEBEI_VARIABLES, seed=5, missing_rate=0.01, zero_rate=0.0)
    write_values_csv(values, folder / "values.csv")
    return scored(folder, work_dir, "--exclude-resource-type", "unit_test")


@pytest.fixture
def work_db(hebei_with_gaps: ScoredDataset, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LEAP_WORK_DB", str(hebei_with_gaps.work_db))
    monkeypatch.setenv("LEAP_MC_REPLICATIONS", "700")
    return hebei_with_gaps.work_db


def materialize(year: int) -> dg.ExecuteInProcessResult:
    resources = {"warehouse": warehouse_from_environment()}
    return dg.materialize([rank_uncertainty], partition_key=str(year), resources=resources)


def test_asset_writes_both_mart_tables_for_the_year(work_db: Path) -> None:
    run = materialize(2021)
    with duckdb.connect(str(work_db), read_only=True) as con:
        units = con.sql(
            "select * from marts.county_rank_uncertainty where evaluation_year = 2021 "
            "order by county_code"
        ).pl()
        factors = con.sql(
            "select * from marts.rank_sensitivity where evaluation_year = 2021 order by factor"
        ).pl()
        marts = con.sql(
            "select county_code, total_points, province_rank, class from marts.county_scores "
            "where evaluation_year = 2021 order by county_code"
        ).pl()
    metadata = run.asset_materializations_for_node("rank_uncertainty")[0].metadata
    assert run.success
    assert metadata["nominal_points_max_gap"].value < 1e-9
    assert metadata["nominal_rank_mismatches"].value == 0
    assert units["county_code"].to_list() == marts["county_code"].to_list()
    np.testing.assert_allclose(units["nominal_points"].to_numpy(), marts["total_points"].to_numpy())
    assert units["nominal_rank"].to_list() == marts["province_rank"].to_list()
    assert units["nominal_class"].to_list() == marts["class"].to_list()
    assert units.filter(
        (pl.col("median_rank") < pl.col("rank_p05")) | (pl.col("median_rank") > pl.col("rank_p95"))
    ).is_empty()
    probability_sum = units.select(
        pl.sum_horizontal("prob_class_a", "prob_class_b", "prob_class_c")
    )
    np.testing.assert_allclose(probability_sum.to_series().to_numpy(), 1.0)
    assert units["replications"].min() >= 700
    assert set(units["main_uncertainty_factor"].drop_nulls()) <= set(factors["factor"])
    assert factors["factor"].to_list() == sorted(
        ["imputation", "outlier_treatment", "normalisation", "weights", "aggregation"]
    )
    assert factors.filter(pl.col("is_varied"))["factor"].len() >= 4
    assert (factors["total_effect_ci_low"] <= factors["total_effect_index"] + 1e-12).all()
    assert (factors["total_effect_index"] <= factors["total_effect_ci_high"] + 1e-12).all()


def test_rerunning_a_year_replaces_only_that_year(work_db: Path) -> None:
    for year in YEARS:
        materialize(year)
    query = "select * from marts.county_rank_uncertainty where evaluation_year = 2022 order by all"
    with duckdb.connect(str(work_db), read_only=True) as con:
        before = con.execute(query).fetchall()
    materialize(2021)
    with duckdb.connect(str(work_db), read_only=True) as con:
        after = con.execute(query).fetchall()
        counts = dict(
            con.execute(
                "select evaluation_year, count(*) from marts.county_rank_uncertainty group by 1"
            ).fetchall()
        )
        units = dict(
            con.execute(
                "select evaluation_year, count(*) from marts.county_scores "
                "where evaluation_year in (2021, 2022) group by 1"
            ).fetchall()
        )
    assert after == before
    assert counts == units
