"""Publishing: a year that passed the quality gate goes into the published mart, atomically."""


import json

import dagster as dg

from expectations import GATED_TABLES

from orchestration.defs.partitions import evaluation_years
from orchestration.warehouse.publish import publish_year
from orchestration.defs.resources import dbt_project
from orchestration.config.paths import current_paths
from orchestration.warehouse.connection import connect_work_db

PUBLISHED_MART_TABLES = (
    "county_scores",
    "county_indicator_points",
    "county_transitions",
    "province_summary",
    "awards",
    "award_totals",
    "county_rank_uncertainty",
    "rank_sensitivity",
)


def tables_comparing_with_previous_year() -> list[str]:
    """Mart models flagged in dbt (`meta.publish.compares_with_previous_year`) whose rows of
    the next year change when a year is corrected."""
    manifest = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))
    flagged = []
    for node in manifest["nodes"].values():
        publish = node.get("config", {}).get("meta", {}).get("publish", {})
        if node["resource_type"] == "model" and publish.get("compares_with_previous_year"):
            flagged.append(node["alias"] or node["name"])
    return sorted(flagged)


def gate_status_of(evaluation_year: int) -> str:
    """'passed', or 'passed with warnings', from the year's rows of marts.data_quality_status."""
    with connect_work_db(current_paths().work_db, read_only=True) as con:
        exists = con.execute(
            "select count(*) from duckdb_tables() "
            "where schema_name = 'marts' and table_name = 'data_quality_status'"
        ).fetchone()[0]
        if not exists:
            return "not checked"
        statuses = {row[0] for row in con.execute(
            "select status from marts.data_quality_status where evaluation_year = ?",
            [evaluation_year],
        ).fetchall()}
    if not statuses:
        return "not checked"
    return "passed with warnings" if "warnings" in statuses else "passed"


@dg.asset(
    partitions_def=evaluation_years,
    group_name="publish",
    kinds={"duckdb", "parquet"},
    deps=[dg.AssetKey(["marts", table]) for table in PUBLISHED_MART_TABLES]
    # the quality gate's blocking checks are on these: a failed one stops publishing
    + [dg.AssetKey(["quality", f"gate_{table}"]) for table in GATED_TABLES],
)
def published_mart(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    """The analysts' mart (`warehouse/mart.duckdb` and its Parquet export) with this year in it."""
    paths = current_paths()
    summary = publish_year(
        paths.work_db,
        paths.mart_db,
        int(context.partition_key),
        tables_following_year=tables_comparing_with_previous_year(),
        run_id=context.run_id,
        gate_status=gate_status_of(int(context.partition_key)),
        parquet_dir=paths.mart_parquet_dir,
    )
    context.log.info(
        f"published evaluation year(s) {list(summary.years_republished)} to {summary.mart_db}"
    )
    return dg.MaterializeResult(
        metadata={
            "mart_db": dg.MetadataValue.path(str(summary.mart_db)),
            "years_written": list(summary.years_republished),
            "table_rows": dg.MetadataValue.json(summary.tables),
        }
    )
