"""The Dagster code location: wires assets, checks, jobs, sensors and resources together.

Importing it reads configuration only (the methodology's years, the dbt manifest prepared by
setup); it runs nothing and changes no environment variable.
"""

from __future__ import annotations

import dagster as dg

from orchestration.defs.assets.ingest import inbox_submissions
from orchestration.defs.assets.publish import published_mart
from orchestration.defs.assets.reports import report_site
from orchestration.defs.assets.scoring import scoring_models
from orchestration.defs.assets.uncertainty import rank_uncertainty
from orchestration.defs.checks import alert_on_failed_runs, quality_gate_checks
from orchestration.defs.jobs import annual_run
from orchestration.defs.resources import resources_from_environment
from orchestration.defs.run_log import leap_run_logger
from orchestration.defs.sensors import inbox_sensor

defs = dg.Definitions(
    assets=[inbox_submissions, scoring_models, rank_uncertainty, published_mart, report_site],
    asset_checks=quality_gate_checks,
    jobs=[annual_run],
    sensors=[inbox_sensor, alert_on_failed_runs],
    resources=resources_from_environment(),
    loggers={"console": dg.colored_console_logger, "leap_run": leap_run_logger},
    executor=dg.in_process_executor,
)
