"""Publishing: the years of the run that passed the quality gate go into the published mart
(and its Parquet export), in one atomic swap."""

import json
import time
from pathlib import Path

import dagster as dg

from expectations import GATED_TABLES
from orchestration.defs.dbt import dbt_project
from orchestration.defs.partitions import (
    evaluation_years,
    one_run_for_all_years,
    run_evaluation_years,
)
from orchestration.defs.progress import report_progress
from orchestration.defs.resources import WarehouseResource
from orchestration.warehouse.connection import connect_work_db
from orchestration.warehouse.publish import publish_years

# Written into the marts schema by Python assets rather than dbt (the Monte Carlo).
PYTHON_MART_TABLES = ("county_rank_uncertainty", "rank_sensitivity")


def dbt_mart_tables(manifest_path: Path) -> list[str]:
    """The dbt models of the marts schema (every one is published with its years)."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    return sorted(
        node["alias"] or node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"].get("schema") == "marts"
    )


def tables_comparing_with_previous_year(manifest_path: Path) -> list[str]:
    """Mart models flagged in dbt (`meta.publish.compares_with_previous_year`) whose rows of
    the next year change when a year is corrected."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    flagged = []
    for node in manifest["nodes"].values():
        publish = node.get("config", {}).get("meta", {}).get("publish", {})
        if node["resource_type"] == "model" and publish.get("compares_with_previous_year"):
            flagged.append(node["alias"] or node["name"])
    return sorted(flagged)


def published_sort_keys(manifest_path: Path) -> dict[str, list[str]]:
    """The leading sort columns of mart models whose published copy is laid out for questions
    about one year (`meta.publish.sort_by` in dbt); the others are sorted by county, then year."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    keys = {}
    for node in manifest["nodes"].values():
        publish = node.get("config", {}).get("meta", {}).get("publish", {})
        if node["resource_type"] == "model" and publish.get("sort_by"):
            keys[node["alias"] or node["name"]] = list(publish["sort_by"])
    return keys


def gate_statuses(work_db: Path, years: list[int]) -> dict[int, str]:
    """Per year 'passed', 'passed with warnings' or 'not checked', from
    marts.data_quality_status."""
    with connect_work_db(work_db, read_only=True) as con:
        exists = con.execute(
            "select count(*) from duckdb_tables() "
            "where schema_name = 'marts' and table_name = 'data_quality_status'"
        ).fetchone()[0]
        rows = []
        if exists:
            placeholders = ", ".join("?" for _ in years)
            rows = con.execute(
                "select evaluation_year, status from marts.data_quality_status "
                f"where evaluation_year in ({placeholders})",
                years,
            ).fetchall()
    statuses: dict[int, set[str]] = {}
    for year, status in rows:
        statuses.setdefault(int(year), set()).add(status)
    return {
        year: "not checked"
        if year not in statuses
        else ("passed with warnings" if "warnings" in statuses[year] else "passed")
        for year in years
    }


# A multi-asset of one asset: its single-run backfill policy is stable there (beta on @asset).
@dg.multi_asset(
    name="published_mart",
    partitions_def=evaluation_years,
    backfill_policy=one_run_for_all_years,
    specs=[
        dg.AssetSpec(
            "published_mart",
            group_name="publish",
            kinds={"duckdb", "parquet"},
            deps=[
                dg.AssetKey(["marts", table])
                for table in (*dbt_mart_tables(dbt_project.manifest_path), *PYTHON_MART_TABLES)
            ]
            # the quality gate's blocking checks are on these: a failed one stops publishing
            + [dg.AssetKey(["quality", f"gate_{table}"]) for table in GATED_TABLES],
            description="The analysts' mart (`mart.duckdb` and its Parquet export).",
        )
    ],
)
def published_mart(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    """The analysts' mart (`mart.duckdb` and its Parquet export) with the run's years in it."""
    paths = warehouse.paths()
    years = run_evaluation_years(context)
    started = time.perf_counter()
    summary = publish_years(
        paths.work_db,
        paths.mart_db,
        years,
        tables_following_year=tables_comparing_with_previous_year(dbt_project.manifest_path),
        sort_keys=published_sort_keys(dbt_project.manifest_path),
        run_id=context.run_id,
        gate_status=gate_statuses(paths.work_db, years),
        parquet_dir=paths.mart_parquet_dir,
    )
    report_progress(
        context,
        f"published evaluation year(s) {', '.join(map(str, summary.years_republished))} to "
        f"{summary.mart_db} and its Parquet export in {time.perf_counter() - started:.1f} s",
    )
    return dg.MaterializeResult(
        metadata={
            "mart_db": dg.MetadataValue.path(str(summary.mart_db)),
            "years_written": list(summary.years_republished),
            "table_rows": dg.MetadataValue.json(summary.tables),
        }
    )
