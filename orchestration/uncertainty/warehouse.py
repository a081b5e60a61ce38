"""The engine's inputs from the working database and its results as mart tables.

Reads a year's raw indicator values from `marts.county_indicator_points` and the framework from
the seed tables dbt scored with; writes `marts.county_rank_uncertainty` (per county and year)
and `marts.rank_sensitivity` (per factor and year), replacing the year's rows in one
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from orchestration.config.dataset import read_config_table
from orchestration.uncertainty.engine import UncertaintyResult
from orchestration.uncertainty.framework import IndexFramework, framework_from_tables

SCHEMA = "marts"
UNIT_TABLE = "county_rank_uncertainty"
FACTOR_TABLE = "rank_sensitivity"
CONFIG_TABLES = ("framework", "indicators", "goalposts", "class_cutoffs")
RANK_COLUMNS = ("nominal_rank", "median_rank", "rank_p05", "rank_p95", "rank_interval_width")


@dataclass(frozen=True)
class YearValues:
    """One evaluation year's (units x indicators) raw indicator values, NaN where missing."""

    evaluation_year: int
    data_year: int
    methodology_version: str
    county_codes: list[str]
    indicator_codes: list[str]
    values: np.ndarray
    mart_points: np.ndarray  # (n,) the mart's points summed, a missing indicator counted 0


def read_year_values(con: duckdb.DuckDBPyConnection, evaluation_year: int) -> YearValues:
    """The year's indicator values from `marts.county_indicator_points`."""
    rows = con.sql(
        f"""
        select county_code, indicator_code, indicator_value, indicator_points,
               data_year, methodology_version
        from {SCHEMA}.county_indicator_points
        where evaluation_year = $evaluation_year
        """,
        params={"evaluation_year": evaluation_year},
    ).pl()
    if rows.is_empty():
        raise ValueError(
            f"{SCHEMA}.county_indicator_points has no rows for evaluation year "
            f"{evaluation_year}: score the year with dbt first"
        )
    versions = rows["methodology_version"].unique().to_list()
    data_years = rows["data_year"].unique().to_list()
    if len(versions) != 1 or len(data_years) != 1:
        raise ValueError(
            f"{SCHEMA}.county_indicator_points, evaluation year {evaluation_year}: expected one "
            f"methodology version and data year, found {versions} and {data_years}"
        )
    counties = rows["county_code"].unique().sort()
    indicators = rows["indicator_code"].unique().sort().to_list()
    row_of = pl.DataFrame({"county_code": counties, "_row": np.arange(counties.len())})
    located = rows.join(row_of, on="county_code").with_columns(
        pl.col("indicator_code")
        .replace_strict(indicators, list(range(len(indicators))), return_dtype=pl.Int64)
        .alias("_column")
    )
    values = np.full((counties.len(), len(indicators)), np.nan)
    values[located["_row"].to_numpy(), located["_column"].to_numpy()] = (
        located["indicator_value"].cast(pl.Float64).fill_null(np.nan).to_numpy()
    )
    points = np.zeros(counties.len())
    np.add.at(
        points,
        located["_row"].to_numpy(),
        located["indicator_points"].cast(pl.Float64).fill_null(0.0).to_numpy(),
    )
    return YearValues(
        evaluation_year=evaluation_year,
        data_year=int(data_years[0]),
        methodology_version=str(versions[0]),
        county_codes=counties.to_list(),
        indicator_codes=indicators,
        values=values,
        mart_points=points,
    )


def read_framework(
    con: duckdb.DuckDBPyConnection, methodology_version: str, indicator_codes: list[str]
) -> IndexFramework:
    """The framework from the seed tables dbt loaded into the working database (`seeds.*`)."""
    tables = {name: con.sql(f"select * from seeds.{name}").pl() for name in CONFIG_TABLES}
    return framework_from_tables(
        *(tables[name] for name in CONFIG_TABLES), methodology_version, indicator_codes
    )


def framework_from_dataset(
    dataset_dir: Path, methodology_version: str, indicator_codes: list[str] | None = None
) -> IndexFramework:
    """The framework from a dataset folder's CSV files."""
    tables = (read_config_table(dataset_dir, name) for name in CONFIG_TABLES)
    return framework_from_tables(*tables, methodology_version, indicator_codes)


def unit_table(year: YearValues, result: UncertaintyResult) -> pl.DataFrame:
    """`county_rank_uncertainty` rows of one year."""
    p05, median, p95 = result.rank_quantiles
    classes, probabilities = result.class_codes, result.class_probabilities
    nominal_class = result.nominal_classes
    per_unit = pl.DataFrame(
        {
            "county_code": year.county_codes,
            "nominal_points": result.nominal_scores,
            "nominal_rank": result.nominal_ranks,
            "nominal_class": [classes[k] for k in nominal_class],
            "median_rank": median,
            "rank_p05": p05,
            "rank_p95": p95,
            "rank_interval_width": p95 - p05,
            **{f"prob_class_{code.lower()}": probabilities[:, k] for k, code in enumerate(classes)},
            "prob_nominal_class": probabilities[np.arange(len(nominal_class)), nominal_class],
            "main_uncertainty_factor": pl.Series(result.main_factor(), dtype=pl.Utf8),
            "has_missing_values": np.isnan(year.values).any(axis=1),
        }
    )
    return per_unit.select(
        pl.lit(year.evaluation_year, pl.Int32).alias("evaluation_year"),
        pl.lit(year.data_year, pl.Int32).alias("data_year"),
        pl.all(),
        pl.lit(result.replications, pl.Int32).alias("replications"),
        pl.lit(year.methodology_version).alias("methodology_version"),
    ).with_columns(pl.col(RANK_COLUMNS).cast(pl.Int32))


def factor_table(year: YearValues, result: UncertaintyResult) -> pl.DataFrame:
    """`rank_sensitivity` rows of one year: one per methodological choice."""
    first, total = result.variance.pooled()
    spread = result.settings.weight_perturbation
    levels = {
        "weights": f"each weight times U({1 - spread:g}, {1 + spread:g}), renormalised "
        "within its parent"
    } | {name: ", ".join(chosen) for name, chosen in result.design.levels.items()}
    nominal = {"weights": "framework weights"} | {
        name: chosen[0] for name, chosen in result.design.levels.items()
    }
    factors = list(result.variance.factors)
    return pl.DataFrame(
        {
            "factor": factors,
            "factor_levels": [levels[name] for name in factors],
            "nominal_level": [nominal[name] for name in factors],
            "first_order_index": first,
            "total_effect_index": total,
        }
    ).select(
        pl.lit(year.evaluation_year, pl.Int32).alias("evaluation_year"),
        pl.all(),
        pl.lit(result.replications, pl.Int32).alias("replications"),
        pl.lit(result.design.weight_draws, pl.Int32).alias("weight_draws"),
        pl.lit(result.settings.seed, pl.Int64).alias("seed"),
    )


def replace_year(
    con: duckdb.DuckDBPyConnection, table: str, evaluation_year: int, rows: pl.DataFrame
) -> None:
    """Replace the year's rows of `marts.<table>` by `rows` (delete + insert, one transaction);
    the table is created on first use and gains any new column."""
    qualified = f"{SCHEMA}.{table}"
    con.execute(f"create schema if not exists {SCHEMA}")
    con.register("_uncertainty_rows", rows.to_arrow())
    try:
        con.execute("begin transaction")
        con.execute(
            f"create table if not exists {qualified} as select * from _uncertainty_rows limit 0"
        )
        existing = {
            row[0]
            for row in con.execute(
                "select column_name from duckdb_columns() "
                "where schema_name = ? and table_name = ? and database_name = current_database()",
                [SCHEMA, table],
            ).fetchall()
        }
        described = con.execute("describe select * from _uncertainty_rows").fetchall()
        for name, column_type, *_ in described:
            if name not in existing:
                con.execute(f'alter table {qualified} add column "{name}" {column_type}')
        con.execute(f"delete from {qualified} where evaluation_year = ?", [evaluation_year])
        con.execute(f"insert into {qualified} by name select * from _uncertainty_rows")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        con.unregister("_uncertainty_rows")
