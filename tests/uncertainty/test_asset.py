"""The `rank_uncertainty` asset on a small working database: the mart tables it writes."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import numpy as np
import polars as pl
import pytest

from orchestration.defs.assets.uncertainty import rank_uncertainty
from orchestration.defs.resources import warehouse_from_environment
from tests.uncertainty.conftest import (
    GOALPOSTS,
    HIGHER_IS_BETTER,
    INDICATORS,
    VERSION,
    config_tables,
    sample_values,
)

NOMINAL_POINTS = np.array([30.0, 10.0, 20.0, 20.0, 20.0])
YEARS = (2021, 2022)


def indicator_points_rows(evaluation_year: int, values: np.ndarray) -> pl.DataFrame:
    """`marts.county_indicator_points` rows as dbt writes them (goalposts, points, gaps)."""
    rows = []
    for unit, unit_values in enumerate(values):
        for j, code in enumerate(INDICATORS):
            value = unit_values[j]
            low, high = GOALPOSTS[j]
            missing = bool(np.isnan(value))
            share = (
                (value - low) / (high - low)
                if HIGHER_IS_BETTER[j]
                else (high - value) / (high - low)
            )
            normalised = None if missing else min(1.0, max(0.0, share))
            rows.append(
                {
                    "evaluation_year": evaluation_year,
                    "data_year": evaluation_year - 1,
                    "county_code": f"13{unit:04d}",
                    "indicator_code": code,
                    "indicator_value": None if missing else float(value),
                    "normalised_value": normalised,
                    "indicator_points": None if missing else NOMINAL_POINTS[j] * normalised,
                    "max_points": NOMINAL_POINTS[j],
                    "is_missing": missing,
                    "methodology_version": VERSION,
                }
            )
    return pl.DataFrame(rows)


@pytest.fixture
def work_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "work.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema seeds")
        con.execute("create schema marts")
        for name, table in zip(
            ("framework", "indicators", "goalposts", "class_cutoffs"), config_tables(), strict=True
        ):
            con.register("_table", table.to_arrow())
            con.execute(f"create table seeds.{name} as select * from _table")
        frames = [indicator_points_rows(year, sample_values(units=12, seed=year)) for year in YEARS]
        con.register("_points", pl.concat(frames).to_arrow())
        con.execute("create table marts.county_indicator_points as select * from _points")
    monkeypatch.setenv("LEAP_WORK_DB", str(path))
    monkeypatch.setenv("LEAP_MC_REPLICATIONS", "480")
    return path


def materialize(year: int) -> dg.ExecuteInProcessResult:
    resources = {"warehouse": warehouse_from_environment()}
    return dg.materialize([rank_uncertainty], partition_key=str(year), resources=resources)


def test_asset_writes_both_mart_tables_for_the_year(work_db: Path) -> None:
    run = materialize(2021)
    with duckdb.connect(str(work_db), read_only=True) as con:
        units = con.sql("select * from marts.county_rank_uncertainty order by county_code").pl()
        factors = con.sql("select * from marts.rank_sensitivity order by factor").pl()
    metadata = run.asset_materializations_for_node("rank_uncertainty")[0].metadata
    assert run.success
    assert metadata["nominal_points_max_gap"].value < 1e-9
    assert units.height == 12
    assert set(units["evaluation_year"]) == {2021}
    assert units.filter(
        (pl.col("median_rank") < pl.col("rank_p05")) | (pl.col("median_rank") > pl.col("rank_p95"))
    ).is_empty()
    probability_sum = units.select(
        pl.sum_horizontal("prob_class_a", "prob_class_b", "prob_class_c")
    ).to_series()
    np.testing.assert_allclose(probability_sum.to_numpy(), 1.0)
    assert units["replications"].min() >= 480
    assert factors["factor"].to_list() == ["aggregation", "imputation", "normalisation", "weights"]
    assert factors["first_order_index"].is_between(0, 1).all()


def test_rerunning_a_year_replaces_only_that_year(work_db: Path) -> None:
    for year in YEARS:
        materialize(year)
    with duckdb.connect(str(work_db), read_only=True) as con:
        before = con.execute(
            "select * from marts.county_rank_uncertainty where evaluation_year = 2022 order by all"
        ).fetchall()
    materialize(2021)
    with duckdb.connect(str(work_db), read_only=True) as con:
        after = con.execute(
            "select * from marts.county_rank_uncertainty where evaluation_year = 2022 order by all"
        ).fetchall()
        counts = dict(
            con.execute(
                "select evaluation_year, count(*) from marts.county_rank_uncertainty group by 1"
            ).fetchall()
        )
    assert after == before
    assert counts == {2021: 12, 2022: 12}
