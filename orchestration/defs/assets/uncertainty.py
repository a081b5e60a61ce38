"""Uncertainty: how far each county's rank and class depend on the methodology (per year)."""

import time

import dagster as dg
import duckdb

from orchestration.defs.partitions import (
    evaluation_years,
    one_run_for_all_years,
    run_evaluation_years,
)
from orchestration.defs.progress import report_progress
from orchestration.defs.resources import WarehouseResource
from orchestration.uncertainty import (
    UncertaintySettings,
    factor_table,
    read_framework,
    read_year_values,
    replace_year,
    run_uncertainty,
    unit_table,
)
from orchestration.uncertainty.warehouse import FACTOR_TABLE, SCHEMA, UNIT_TABLE, nominal_gap

# The engine's nominal totals may differ from the mart's by rounding only.
NOMINAL_TOLERANCE = 1e-6
# Asset keys follow the dbt assets': schema, then table.
UPSTREAM = dg.AssetKey([SCHEMA, "county_indicator_points"])
SCORES = dg.AssetKey([SCHEMA, "county_scores"])
UNIT_KEY = dg.AssetKey([SCHEMA, UNIT_TABLE])
FACTOR_KEY = dg.AssetKey([SCHEMA, FACTOR_TABLE])


@dg.multi_asset(
    name="rank_uncertainty",
    partitions_def=evaluation_years,
    backfill_policy=one_run_for_all_years,
    group_name="uncertainty",
    specs=[
        dg.AssetSpec(
            UNIT_KEY,
            deps=[UPSTREAM, SCORES],
            description="Per county and year: nominal, median and 5-95% rank, class probabilities.",
            kinds={"numpy", "duckdb"},
        ),
        dg.AssetSpec(
            FACTOR_KEY,
            deps=[UPSTREAM, SCORES],
            description="Per year and methodological choice: its share of the ranks' variance.",
            kinds={"numpy", "duckdb"},
        ),
    ],
)
def rank_uncertainty(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Monte Carlo over each methodology version's uncertainty design (imputation, outlier
    treatment, normalisation, weights, aggregation), year by year."""
    settings = UncertaintySettings.from_environment()
    unit_metadata: dict[str, dict] = {}
    factor_metadata: dict[str, dict] = {}
    with duckdb.connect(str(warehouse.paths().work_db)) as con:
        for evaluation_year in run_evaluation_years(context):
            units, factors = _year_uncertainty(context, con, evaluation_year, settings)
            unit_metadata[str(evaluation_year)] = units
            factor_metadata[str(evaluation_year)] = factors
    last = unit_metadata[max(unit_metadata)]
    overall = {
        "evaluation_years": [int(year) for year in unit_metadata],
        "units": max(year["units"] for year in unit_metadata.values()),
        "replications": last["replications"],
        "seconds": round(sum(year["seconds"] for year in unit_metadata.values()), 3),
        "median_rank_interval_width": last["median_rank_interval_width"],
        "nominal_points_max_gap": max(
            year["nominal_points_max_gap"] for year in unit_metadata.values()
        ),
        "nominal_rank_mismatches": sum(
            year["nominal_rank_mismatches"] for year in unit_metadata.values()
        ),
        "design": last["design"],
    }
    yield dg.MaterializeResult(
        asset_key=UNIT_KEY,
        metadata={**overall, "by_year": dg.MetadataValue.json(unit_metadata)},
    )
    yield dg.MaterializeResult(
        asset_key=FACTOR_KEY,
        metadata={
            **factor_metadata[max(factor_metadata)],
            "by_year": dg.MetadataValue.json(factor_metadata),
        },
    )


def _year_uncertainty(
    context: dg.AssetExecutionContext,
    con: duckdb.DuckDBPyConnection,
    evaluation_year: int,
    settings: UncertaintySettings,
) -> tuple[dict, dict]:
    """One year's Monte Carlo, written to both tables; the metadata of each."""
    started = time.perf_counter()
    year = read_year_values(con, evaluation_year)
    framework = read_framework(con, year.methodology_version, year.indicator_codes)
    result = run_uncertainty(year.values, framework, settings, year.context)
    units, factors = unit_table(year, result), factor_table(year, result)
    replace_year(con, UNIT_TABLE, evaluation_year, units)
    replace_year(con, FACTOR_TABLE, evaluation_year, factors)
    seconds = time.perf_counter() - started

    gap, rank_mismatches = nominal_gap(year, result)
    if gap > NOMINAL_TOLERANCE or rank_mismatches:
        context.log.warning(
            f"evaluation year {evaluation_year}: the uncertainty engine's nominal totals differ "
            f"from marts.county_scores by up to {gap:.6f} ({rank_mismatches} ranks differ): the "
            "engine no longer scores the methodology as the dbt models do"
        )
    report_progress(
        context,
        f"uncertainty {evaluation_year}: {result.replications} replications of "
        f"{len(year.county_codes)} units in {seconds:.1f} s",
    )
    first, total = result.sensitivity.pooled()
    unit_metadata = {
        "units": len(year.county_codes),
        "replications": result.replications,
        "seconds": round(seconds, 3),
        "median_rank_interval_width": float(units["rank_interval_width"].median()),
        "nominal_points_max_gap": gap,
        "nominal_rank_mismatches": rank_mismatches,
        "design": result.plan.kind,
    }
    factor_metadata = {
        f"{factor}_first_order": round(float(index), 4)
        for factor, index in zip(result.sensitivity.factors, first, strict=True)
    } | {
        f"{factor}_total_effect": round(float(index), 4)
        for factor, index in zip(result.sensitivity.factors, total, strict=True)
    }
    return unit_metadata, factor_metadata
