"""The quality gate as blocking Dagster asset checks.

Each check validates one year of one table with the Great Expectations suites of
`expectations/` (through `orchestration.quality.run_gate`), sends the alerts and writes the Data
Docs, and records the year's status in `marts.data_quality_status`. A failed error-severity
check blocks what is downstream: the raw gate stops the scoring, the mart gates stop
`published_mart`, so the published mart keeps its previous version. Warnings publish and alert.
"""

import dagster as dg
import duckdb
import pandas as pd

from orchestration.config.dataset import data_year_for
from orchestration.config.paths import Paths
from orchestration.defs.partitions import run_evaluation_years
from orchestration.defs.resources import WarehouseResource
from orchestration.quality import GateContext, GateReport, alert_run_failure, run_gate
from orchestration.warehouse.connection import connect_work_db

LATEST_RAW_VALUES = """
    select * exclude (submission_recency)
    from (
        select
            *,
            row_number() over (
                partition by data_year, unit_code, variable_code
                order by received_at desc, file_name desc, row_number desc
            ) as submission_recency
        from raw.submitted_values
        where data_year in (?, ?)
    )
    where submission_recency = 1 or unit_code is null
"""

STATUS_TABLE = "marts.data_quality_status"


def _frame(con: duckdb.DuckDBPyConnection, sql: str, parameters: list) -> pd.DataFrame:
    return con.execute(sql, parameters).df()


def _mart_rows(con: duckdb.DuckDBPyConnection, table: str, years: list[int]) -> pd.DataFrame:
    placeholders = ", ".join("?" for _ in years)
    return _frame(con, f"select * from marts.{table} where evaluation_year in ({placeholders})",
                  years)


def gate_frames(table: str, evaluation_year: int, paths: Paths) -> dict[str, pd.DataFrame]:
    """The frames the gate of `table` needs for one evaluation year, read from the work db."""
    with connect_work_db(paths.work_db, read_only=True) as con:
        if table == "raw_submitted_values":
            data_year = data_year_for(paths.dataset_dir, evaluation_year)
            values = _frame(con, LATEST_RAW_VALUES, [data_year, data_year - 1])
            return {"submitted_values": values}
        year, previous = [evaluation_year], [evaluation_year - 1, evaluation_year]
        lineage = _mart_rows(con, "county_indicator_points", year)
        if table == "county_scores":
            return {"county_scores": _mart_rows(con, "county_scores", year), "lineage": lineage}
        if table == "county_transitions":
            return {
                "county_transitions": _mart_rows(con, "county_transitions", year),
                "county_scores": _mart_rows(con, "county_scores", previous),
                "lineage": lineage,
            }
        return {
            "province_summary": _mart_rows(con, "province_summary", year),
            "county_scores": _mart_rows(con, "county_scores", year),
            "county_transitions": _mart_rows(con, "county_transitions", year),
        }


def record_status(report: GateReport, paths: Paths) -> None:
    """One row per year and gated table in `marts.data_quality_status` (published with the year)."""
    metadata = report.to_metadata(max_findings=0)
    status = "blocked" if report.blocking else ("warnings" if not report.passed else "passed")
    row = {
        "evaluation_year": report.evaluation_year,
        "gated_table": report.table,
        "status": status,
        "checks_run": metadata["checks_run"],
        "errors_failed": metadata["errors_failed"],
        "warnings_failed": metadata["warnings_failed"],
        "findings_total": metadata["findings_total"],
        "checks_failed": ", ".join(metadata["checks_failed"]),
        "data_docs": report.data_docs,
        "run_id": report.run_id,
        "checked_at": pd.Timestamp.now(tz="UTC").tz_localize(None),
    }
    frame = pd.DataFrame([row])
    with connect_work_db(paths.work_db) as con:
        con.execute("create schema if not exists marts")
        con.register("status_row", frame)
        con.execute(
            f"create table if not exists {STATUS_TABLE} as select * from status_row limit 0"
        )
        con.execute(
            f"delete from {STATUS_TABLE} where evaluation_year = ? and gated_table = ?",
            [report.evaluation_year, report.table],
        )
        con.execute(f"insert into {STATUS_TABLE} by name select * from status_row")


def gate_result(
    table: str, context: dg.AssetCheckExecutionContext, paths: Paths
) -> dg.AssetCheckResult:
    """Run the gate of one table for every evaluation year of the run; one check result."""
    reports = []
    for year in run_evaluation_years(context):
        report = run_gate(table, gate_frames(table, year, paths), year,
                          GateContext(run_id=context.run.run_id))
        record_status(report, paths)
        for finding in report.findings[:20]:
            context.log.warning(finding.describe())
        reports.append(report)
    failed = [report for report in reports if not report.passed]
    worst = ([report for report in reports if report.blocking] or failed or reports)[0]
    metadata = worst.to_metadata()
    metadata["evaluation_years"] = [report.evaluation_year for report in reports]
    metadata["years_failed"] = [report.evaluation_year for report in failed]
    return dg.AssetCheckResult(
        passed=not failed,
        severity=dg.AssetCheckSeverity(worst.dagster_severity),
        metadata=metadata,
        description="\n".join(report.summary() for report in failed) or worst.summary(),
    )


def _gate_check(table: str, asset_key: list[str], description: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(asset_key),
        name=f"quality_gate_{table}",
        blocking=True,
        description=description,
    )
    def _check(
        context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
    ) -> dg.AssetCheckResult:
        return gate_result(table, context, warehouse.paths())

    return _check


raw_submissions_gate = _gate_check(
    "raw_submitted_values", ["raw", "submitted_values"],
    "Raw submissions: schema, every unit present, ranges, no negatives, related variables "
    "consistent, year-over-year jumps.",
)
county_scores_gate = _gate_check(
    "county_scores", ["marts", "county_scores"],
    "Scores: points within bounds, dimensions adding up to the total, ranks and classes "
    "consistent, class counts adding up.",
)
county_transitions_gate = _gate_check(
    "county_transitions", ["marts", "county_transitions"],
    "Transitions consistent with both years' scores and the division changes.",
)
province_summary_gate = _gate_check(
    "province_summary", ["marts", "province_summary"],
    "Province summary consistent with the county scores and transitions.",
)

quality_gate_checks = [
    raw_submissions_gate, county_scores_gate, county_transitions_gate, province_summary_gate,
]


@dg.run_failure_sensor(name="alert_on_failed_runs", default_status=dg.DefaultSensorStatus.RUNNING)
def alert_on_failed_runs(context: dg.RunFailureSensorContext) -> None:
    """A failed or crashed run becomes an alert too (same sinks as the gate)."""
    run = context.dagster_run
    message = context.failure_event.message if context.failure_event else ""
    alert_run_failure(run.run_id, run.job_name, message or "", run.tags.get("dagster/partition"))
