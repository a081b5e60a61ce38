"""The engine's inputs from the working database and its results as mart tables.

Reads a year's raw indicator values from `marts.county_indicator_points` (with what the
methodology reads beyond them: the units' groups, the values carry-forward would take, the
other years' bounds for `minmax_pooled`), the mart's totals, ranks and classes to check the
engine's nominal run against, and the framework from the configuration dbt scored with (the
staging configuration tables, through `orchestration.config.configuration`); writes
`marts.county_rank_uncertainty` (per county and year) and `marts.rank_sensitivity` (per factor
and year), replacing the year's rows in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from orchestration.config.configuration import Configuration
from orchestration.uncertainty.design import EVERY_LEVEL
from orchestration.uncertainty.engine import UncertaintyResult
from orchestration.uncertainty.framework import IndexFramework, framework_from_tables
from orchestration.uncertainty.indicators import YearContext

SCHEMA = "marts"
UNIT_TABLE = "county_rank_uncertainty"
FACTOR_TABLE = "rank_sensitivity"
CONFIG_TABLES = ("framework", "indicators", "goalposts", "class_cutoffs", "methodology")
DESIGN_TABLES = ("uncertainty", "uncertainty_alternatives")  # empty where a dataset lacks them
RANK_COLUMNS = ("nominal_rank", "median_rank", "rank_p05", "rank_p95", "rank_interval_width")


@dataclass(frozen=True)
class YearValues:
    """One evaluation year's (units x indicators) raw indicator values, NaN where missing, what
    its methodology reads beyond them, and the mart's results to compare the engine with."""

    evaluation_year: int
    data_year: int
    methodology_version: str
    county_codes: list[str]
    indicator_codes: list[str]
    values: np.ndarray
    context: YearContext
    mart_points: np.ndarray  # (n,) marts.county_scores.total_points, NaN without a total
    mart_ranks: np.ndarray  # (n,) province_rank, NaN without one
    mart_classes: list[str | None]


def _matrix(
    rows: pl.DataFrame, counties: list[str], indicators: list[str], column: str
) -> np.ndarray:
    """A (counties x indicators) matrix of one column of long rows, NaN where absent."""
    matrix = np.full((len(counties), len(indicators)), np.nan)
    if rows.is_empty():
        return matrix
    row_of = {code: i for i, code in enumerate(counties)}
    column_of = {code: j for j, code in enumerate(indicators)}
    located = rows.filter(
        pl.col("county_code").is_in(counties) & pl.col("indicator_code").is_in(indicators)
    )
    i = np.array([row_of[code] for code in located["county_code"].to_list()], dtype=np.int64)
    j = np.array([column_of[code] for code in located["indicator_code"].to_list()], dtype=np.int64)
    matrix[i, j] = located[column].cast(pl.Float64).fill_null(np.nan).to_numpy()
    return matrix


def _year_rows(con: duckdb.DuckDBPyConnection, evaluation_year: int) -> pl.DataFrame:
    rows = con.sql(
        f"""
        select county_code, indicator_code, indicator_value, data_year, methodology_version
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
    return rows


def _carried(con: duckdb.DuckDBPyConnection, evaluation_year: int, years_back: int) -> pl.DataFrame:
    """The latest reported value of each unit's lineage in the `years_back` years before, per
    indicator (int_indicator_imputed's carry-forward)."""
    return con.sql(
        f"""
        select current_lineage.unit_code as county_code, earlier.indicator_code,
               arg_max(earlier.indicator_value, earlier.evaluation_year) as carried_value
        from intermediate.int_unit_lineage as current_lineage
        inner join intermediate.int_unit_lineage as earlier_lineage
            on current_lineage.lineage_id = earlier_lineage.lineage_id
            and earlier_lineage.evaluation_year
                between $evaluation_year - $years_back and $evaluation_year - 1
        inner join {SCHEMA}.county_indicator_points as earlier
            on earlier.evaluation_year = earlier_lineage.evaluation_year
            and earlier.county_code = earlier_lineage.unit_code
        where current_lineage.evaluation_year = $evaluation_year
            and earlier.indicator_value is not null
        group by all
        """,
        params={"evaluation_year": evaluation_year, "years_back": years_back},
    ).pl()


def _context(
    con: duckdb.DuckDBPyConnection,
    year: int,
    version: str,
    counties: list[str],
    indicators: list[str],
    carry_years: int | None,
) -> YearContext:
    groups = con.sql(
        f"select county_code, city_code, unit_kind from {SCHEMA}.county_scores "
        "where evaluation_year = $year",
        params={"year": year},
    ).pl()
    by_code = {row["county_code"]: row for row in groups.iter_rows(named=True)}
    bounds = con.sql(
        f"""
        select indicator_code, min(value_min) as other_min, max(value_max) as other_max
        from {SCHEMA}.indicator_methods_by_year
        where methodology_version = $version and evaluation_year != $year
        group by indicator_code
        """,
        params={"version": version, "year": year},
    ).pl()
    other = {row["indicator_code"]: row for row in bounds.iter_rows(named=True)}
    carried = (
        _matrix(_carried(con, year, carry_years), counties, indicators, "carried_value")
        if carry_years
        else None
    )
    return YearContext(
        groups={
            "group_code": np.array(
                [by_code.get(c, {}).get("city_code") for c in counties], dtype=object
            ),
            "unit_kind": np.array(
                [by_code.get(c, {}).get("unit_kind") for c in counties], dtype=object
            ),
        },
        carried=carried,
        other_years_min=np.array([_number(other.get(c, {}).get("other_min")) for c in indicators]),
        other_years_max=np.array([_number(other.get(c, {}).get("other_max")) for c in indicators]),
    )


def _number(value: object) -> float:
    return np.nan if value is None else float(value)


def _carry_forward_years(con: duckdb.DuckDBPyConnection, version: str) -> int:
    """How many years back carry-forward imputation reaches under the version."""
    config = Configuration.from_connection(con)
    return config.methodology_version(version).carry_forward_years


def read_year_values(con: duckdb.DuckDBPyConnection, evaluation_year: int) -> YearValues:
    """The year's raw indicator values and context from the marts (the values carry-forward
    would take are read when some value is missing, as far back as the version allows)."""
    rows = _year_rows(con, evaluation_year)
    version = str(rows["methodology_version"][0])
    counties = rows["county_code"].unique().sort().to_list()
    indicators = rows["indicator_code"].unique().sort().to_list()
    values = _matrix(rows, counties, indicators, "indicator_value")
    scores = con.sql(
        f"select county_code, total_points, province_rank, class from {SCHEMA}.county_scores "
        "where evaluation_year = $year",
        params={"year": evaluation_year},
    ).pl()
    by_code = {row["county_code"]: row for row in scores.iter_rows(named=True)}
    return YearValues(
        evaluation_year=evaluation_year,
        data_year=int(rows["data_year"][0]),
        methodology_version=version,
        county_codes=counties,
        indicator_codes=indicators,
        values=values,
        context=_context(
            con,
            evaluation_year,
            version,
            counties,
            indicators,
            _carry_forward_years(con, version) if np.isnan(values).any() else None,
        ),
        mart_points=np.array([_number(by_code.get(c, {}).get("total_points")) for c in counties]),
        mart_ranks=np.array([_number(by_code.get(c, {}).get("province_rank")) for c in counties]),
        mart_classes=[by_code.get(c, {}).get("class") for c in counties],
    )


def framework_from_configuration(
    config: Configuration, methodology_version: str, indicator_codes: list[str] | None = None
) -> IndexFramework:
    """The engine's framework of a methodology version of the configuration (its framework,
    indicators, goalposts, class cut-offs, methodology row and uncertainty design)."""
    tables = {name: getattr(config, name) for name in CONFIG_TABLES}
    tables |= {name: getattr(config, name) for name in DESIGN_TABLES}
    return framework_from_tables(tables, methodology_version, indicator_codes)


def read_framework(
    con: duckdb.DuckDBPyConnection, methodology_version: str, indicator_codes: list[str]
) -> IndexFramework:
    """The framework from the configuration of the working database: the staging tables dbt
    scored with."""
    return framework_from_configuration(
        Configuration.from_connection(con), methodology_version, indicator_codes
    )


def framework_from_dataset(
    dataset_dir: Path, methodology_version: str, indicator_codes: list[str] | None = None
) -> IndexFramework:
    """The framework from a dataset folder's configuration (before dbt has run)."""
    return framework_from_configuration(
        Configuration.from_dataset_dir(dataset_dir), methodology_version, indicator_codes
    )


def unit_table(year: YearValues, result: UncertaintyResult) -> pl.DataFrame:
    """`county_rank_uncertainty` rows of one year."""
    p05, median, p95 = result.rank_quantiles
    classes, probabilities = result.class_codes, result.class_probabilities
    nominal_class = result.nominal.classes
    _, total_effect = result.sensitivity.indices()
    main = result.main_factor()
    factor_index = {factor: k for k, factor in enumerate(result.sensitivity.factors)}
    per_unit = pl.DataFrame(
        {
            "county_code": year.county_codes,
            "nominal_points": result.nominal.totals,
            "nominal_rank": result.nominal.ranks,
            "nominal_class": pl.Series(result.nominal.class_codes(), dtype=pl.Utf8),
            "median_rank": median,
            "rank_p05": p05,
            "rank_p95": p95,
            "rank_interval_width": p95.astype(np.int64) - p05.astype(np.int64),
            **{f"prob_class_{code.lower()}": probabilities[:, k] for k, code in enumerate(classes)},
            "prob_nominal_class": np.where(
                nominal_class >= 0,
                probabilities[np.arange(len(nominal_class)), np.maximum(nominal_class, 0)],
                np.nan,
            ),
            "main_uncertainty_factor": pl.Series(main, dtype=pl.Utf8),
            "main_factor_total_effect": [
                None if factor is None else float(total_effect[factor_index[factor], i])
                for i, factor in enumerate(main)
            ],
            "has_missing_values": np.isnan(year.values).any(axis=1),
        },
        strict=False,
    )
    return per_unit.select(
        pl.lit(year.evaluation_year, pl.Int32).alias("evaluation_year"),
        pl.lit(year.data_year, pl.Int32).alias("data_year"),
        pl.all(),
        pl.lit(result.replications, pl.Int32).alias("replications"),
        pl.lit(year.methodology_version).alias("methodology_version"),
    ).with_columns(
        pl.col(RANK_COLUMNS).cast(pl.Float64).fill_nan(None).cast(pl.Int32),
        pl.col("nominal_points", "prob_nominal_class").fill_nan(None),
    )


def nominal_gap(year: YearValues, result: UncertaintyResult) -> tuple[float, int]:
    """How far the engine's nominal run is from the marts: the largest difference of a total
    (0 when both lack one) and how many ranks differ."""
    totals, marts = result.nominal.totals, year.mart_points
    if (np.isnan(totals) != np.isnan(marts)).any():
        gap = float("inf")  # a total on one side only
    else:
        gap = float(np.max(np.nan_to_num(np.abs(totals - marts), nan=0.0), initial=0.0))
    ranks = np.nan_to_num(result.nominal.ranks, nan=-1) != np.nan_to_num(year.mart_ranks, nan=-1)
    return gap, int(ranks.sum())


def _levels_text(result: UncertaintyResult, factor: str) -> str:
    if factor == "weights":
        noise = result.design.weight_noise
        return (
            "; ".join(
                f"{'every level' if level == EVERY_LEVEL else level} x U({1 - f:g}, {1 + f:g})"
                for level, f in noise.items()
                if f > 0
            )
            or "nominal"
        )
    return ", ".join(result.level_names(factor))


def factor_table(year: YearValues, result: UncertaintyResult) -> pl.DataFrame:
    """`rank_sensitivity` rows of one year: one per factor of the design."""
    sensitivity = result.sensitivity
    factors = list(sensitivity.factors)
    return pl.DataFrame(
        {
            "factor": factors,
            "factor_levels": [_levels_text(result, factor) for factor in factors],
            "is_varied": list(sensitivity.varied),
            "first_order_index": sensitivity.pooled_first,
            "first_order_ci_low": sensitivity.first_interval[:, 0],
            "first_order_ci_high": sensitivity.first_interval[:, 1],
            "total_effect_index": sensitivity.pooled_total,
            "total_effect_ci_low": sensitivity.total_interval[:, 0],
            "total_effect_ci_high": sensitivity.total_interval[:, 1],
        }
    ).select(
        pl.lit(year.evaluation_year, pl.Int32).alias("evaluation_year"),
        pl.all(),
        pl.lit(result.plan.kind).alias("design"),
        pl.lit(result.replications, pl.Int32).alias("replications"),
        pl.lit(result.plan.base_samples, pl.Int32).alias("base_samples"),
        pl.lit(result.plan.weight_sets.shape[0], pl.Int32).alias("weight_draws"),
        pl.lit(result.design.confidence_level).alias("confidence_level"),
        pl.lit(result.seed, pl.Int64).alias("seed"),
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


__all__ = [
    "YearValues",
    "factor_table",
    "framework_from_configuration",
    "framework_from_dataset",
    "nominal_gap",
    "read_framework",
    "read_year_values",
    "replace_year",
    "unit_table",
]
