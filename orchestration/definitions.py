"""The Dagster code location: wires assets, checks, jobs, sensors and resources together."""

from __future__ import annotations

import dagster as dg

from orchestration.assets.ingest import inbox_submissions
from orchestration.assets.publish import published_mart
from orchestration.assets.reports import report_site
from orchestration.assets.scoring import scoring_models
from orchestration.assets.uncertainty import rank_uncertainty
from orchestration.checks import alert_on_failed_runs, quality_gate_checks
from orchestration.jobs import annual_run
from orchestration.resources import dbt_cli
from orchestration.sensors import inbox_sensor

defs = dg.Definitions(
    assets=[inbox_submissions, scoring_models, rank_uncertainty, published_mart, report_site],
    asset_checks=quality_gate_checks,
    jobs=[annual_run],
    sensors=[inbox_sensor, alert_on_failed_runs],
    resources={"dbt": dbt_cli},
    executor=dg.in_process_executor,
)
