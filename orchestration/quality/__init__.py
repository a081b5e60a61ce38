"""The quality gate: Great Expectations suites run on pandas frames, located findings, alerts.

The suites are in `expectations/` (one module per table), the severities and thresholds in
`expectations/gate.yaml`. Plain Python; a Dagster asset check calls it like this:

    import dagster as dg
    from orchestration.quality import GateContext, alert_run_failure, run_gate

    @dg.asset_check(asset=county_scores, blocking=True)
    def county_scores_gate(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        year = int(context.partition_key)
        frames = {"county_scores": ..., "lineage": ...}  # pandas frames read from DuckDB
        report = run_gate("county_scores", frames, year, GateContext(run_id=context.run.run_id))
        return dg.AssetCheckResult(
            passed=report.passed,
            severity=dg.AssetCheckSeverity(report.dagster_severity),  # ERROR blocks, WARN not
            metadata=report.to_metadata(),
        )

    @dg.run_failure_sensor
    def alert_failed_runs(context: dg.RunFailureSensorContext) -> None:
        run = context.dagster_run
        alert_run_failure(run.run_id, run.job_name, context.failure_event.message or "",
                          run.tags.get("dagster/partition"))

`report.blocking` is the publish decision (an error-severity check failed); the report has
already written the Data Docs and sent the alerts when `run_gate` returns.
"""

from orchestration.quality.alerts import Alert, DispatchOutcome, alert_run_failure
from orchestration.quality.config import GateConfig, load_gate_config
from orchestration.quality.report import CheckResult, Finding, GateReport
from orchestration.quality.runner import (
    GateContext,
    check_names,
    lineage_from_indicator_points,
    run_gate,
)

__all__ = [
    "Alert",
    "CheckResult",
    "DispatchOutcome",
    "Finding",
    "GateConfig",
    "GateContext",
    "GateReport",
    "alert_run_failure",
    "check_names",
    "lineage_from_indicator_points",
    "load_gate_config",
    "run_gate",
]
