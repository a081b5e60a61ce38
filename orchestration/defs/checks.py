"""The quality gate as Dagster asset checks: one per rule of expectations/gate.yaml.

Each gated table is the dbt model `quality.gate_<table>` (its asset key `quality/gate_<table>`).
One multi-asset check validates every gated table for every year of the run at once (one Great
Expectations checkpoint run per table, in one Data Context, Data Docs built once) and reports one
asset check result per rule, blocking where the rule's severity is error, so that
`published_mart` (which depends on the gate models) does not run. It records
`marts.data_quality_status` and `marts.data_quality_checks` for the run's years and writes each
submitted file's receipt.
"""

from collections.abc import Iterator

import dagster as dg

from expectations import GATED_TABLES
from orchestration.defs.partitions import run_evaluation_years
from orchestration.defs.resources import WarehouseResource
from orchestration.quality import alert_run_failure, load_gate_config, read_gate_frame, run_gates
from orchestration.quality.gate import GateOutcome, RuleOutcome, write_outcomes
from orchestration.quality.receipts import send_receipts
from orchestration.warehouse.connection import connect_work_db

MAX_FINDINGS_IN_METADATA = 20


def gate_asset_key(table: str) -> dg.AssetKey:
    """The asset the checks of a gated table are on: its frame, the dbt model."""
    return dg.AssetKey(["quality", f"gate_{table}"])


def _specs() -> list[dg.AssetCheckSpec]:
    rules = load_gate_config().rules
    return [
        dg.AssetCheckSpec(
            name=rule,
            asset=gate_asset_key(table),
            blocking=severity == "error",
            description=f"{table}: {rule} ({severity}; expectations/gate.yaml)",
        )
        for table in GATED_TABLES
        for rule, severity in rules.get(table, {}).items()
    ]


def _result(outcome: GateOutcome, rule: RuleOutcome) -> dg.AssetCheckResult:
    shown = rule.findings[:MAX_FINDINGS_IN_METADATA]
    return dg.AssetCheckResult(
        asset_key=gate_asset_key(outcome.table),
        check_name=rule.rule,
        passed=rule.passed,
        severity=dg.AssetCheckSeverity.ERROR
        if rule.severity == "error"
        else dg.AssetCheckSeverity.WARN,
        description=rule.expected,
        metadata={
            "years": outcome.years,
            "failed_rows": len(rule.findings),
            "failed_by_year": {str(y): rule.failed_in(y) for y in outcome.years},
            "data_docs": outcome.data_docs or "",
            "findings": dg.MetadataValue.json([f.to_dict() for f in shown]),
        },
    )


@dg.multi_asset_check(specs=_specs(), name="quality_gate", can_subset=True)
def quality_gate(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
) -> Iterator[dg.AssetCheckResult]:
    # unpartitioned checks in a partitioned run: the years come from the run's range
    paths, years = warehouse.paths(), run_evaluation_years(context)
    selected = context.selected_asset_check_keys
    tables = [t for t in GATED_TABLES if any(k.asset_key == gate_asset_key(t) for k in selected)]
    config = load_gate_config(paths.warehouse_dir, paths.alerts_dir)
    with connect_work_db(paths.work_db, read_only=True) as con:
        frames = {table: read_gate_frame(con, table, years) for table in tables}
    outcomes = run_gates(frames, years, config, context.run.run_id)
    with connect_work_db(paths.work_db) as con:
        write_outcomes(con, outcomes)
        if "ingest_problems" in tables and config.receipts:
            send_receipts(con, years, config)
    for outcome in outcomes:
        for sink, error in outcome.alert_errors.items():
            context.log.error(f"alerts could not be sent to {sink}: {error}")
        for rule in outcome.rules:
            for finding in rule.findings[:MAX_FINDINGS_IN_METADATA]:
                context.log.warning(finding.describe())
            if dg.AssetCheckKey(gate_asset_key(outcome.table), rule.rule) in selected:
                yield _result(outcome, rule)


quality_gate_checks = [quality_gate]


@dg.run_failure_sensor(name="alert_on_failed_runs", default_status=dg.DefaultSensorStatus.RUNNING)
def alert_on_failed_runs(context: dg.RunFailureSensorContext, warehouse: WarehouseResource) -> None:
    """A failed or crashed run becomes an alert too (same sinks as the gate)."""
    run, paths = context.dagster_run, warehouse.paths()
    message = context.failure_event.message if context.failure_event else ""
    alert_run_failure(
        run.run_id,
        run.job_name,
        message or "",
        run.tags.get("dagster/partition"),
        load_gate_config(paths.warehouse_dir, paths.alerts_dir),
    )
