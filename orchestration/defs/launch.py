"""Launching the annual run from the command line: one Dagster run for a range of years, in
this process, recorded in the warehouse's Dagster instance (the UI shows it), and runs that
died without finishing marked failed and alerted."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

LAUNCHER_TAG = "leap/launched_by"
DAGSTER_CONFIG = """\
telemetry:
  enabled: false
# Dagster's SQLite storage without a disk sync per event (see instance_storage.py).
storage:
  custom:
    module: orchestration.defs.instance_storage
    class: WarehouseSqliteStorage
    config:
      base_dir:
        env: DAGSTER_HOME
# Runs launched from the UI: the daemon marks runs whose process died as failed.
run_monitoring:
  enabled: true
  poll_interval_seconds: 60
"""
UNFINISHED = [
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.CANCELING,
]


def prepare_dagster_home(warehouse_dir: Path) -> Path:
    """A persistent Dagster instance in the warehouse (`DAGSTER_HOME` when set), so the UI
    shows the command line's runs."""
    home = Path(os.environ.get("DAGSTER_HOME") or warehouse_dir / "dagster_home")
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_CONFIG, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home)
    return home


@dataclass(frozen=True)
class AbandonedRun:
    run_id: str
    partitions: str


def fail_abandoned_runs(instance: dg.DagsterInstance) -> list[AbandonedRun]:
    """Mark failed every command-line run left unfinished (its process was killed or crashed:
    the caller holds the warehouse lock, so no such run is alive)."""
    runs = instance.get_runs(
        filters=dg.RunsFilter(statuses=UNFINISHED, tags={LAUNCHER_TAG: "leap run"})
    )
    abandoned = []
    for run in runs:
        instance.report_run_failed(
            run,
            "the run's process ended without finishing (killed or crashed); nothing of it was "
            "published",
        )
        start = run.tags.get("dagster/asset_partition_range_start")
        end = run.tags.get("dagster/asset_partition_range_end")
        partitions = f"{start}-{end}" if start != end else str(start)
        abandoned.append(AbandonedRun(run.run_id, partitions))
    return abandoned


def _failure_text(event: dg.DagsterEvent) -> str:
    """The step and its error, as the error says it (not the traceback)."""
    error = getattr(event.event_specific_data, "error", None)
    while error is not None and error.cause is not None:  # the user code's error, unwrapped
        error = error.cause
    detail = error.message.strip() if error is not None else (event.message or "")
    return f"{event.step_key}: {detail}"


@dataclass
class RunOutcome:
    """What a run did: success, its id, and its failed steps and checks for people."""

    success: bool
    run_id: str
    failed_steps: list[str] = field(default_factory=list)
    failed_checks: list[dg.AssetCheckEvaluation] = field(default_factory=list)


def run_years(
    job: dg.JobDefinition, instance: dg.DagsterInstance, years: list[int], log_level: str
) -> RunOutcome:
    """Materialize every asset of `job` for the evaluation years `years` (a range) in one run."""
    first, last = str(min(years)), str(max(years))
    tags = {
        "dagster/asset_partition_range_start": first,
        "dagster/asset_partition_range_end": last,
        LAUNCHER_TAG: "leap run",
        "leap/host": socket.gethostname(),
        "leap/pid": str(os.getpid()),
    }
    result = job.execute_in_process(
        instance=instance,
        tags=tags,
        run_config={"loggers": {"leap_run": {"config": {"log_level": log_level}}}},
        raise_on_error=False,
    )
    failed_steps = [_failure_text(event) for event in result.all_events if event.is_step_failure]
    checks = [
        evaluation for evaluation in result.get_asset_check_evaluations() if not evaluation.passed
    ]
    return RunOutcome(result.success, result.run_id, failed_steps, checks)
