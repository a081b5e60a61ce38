"""The quality gate: Great Expectations suites run on pandas frames, located findings, alerts.

    report = run_gate("county_scores", {"county_scores": frame}, 2021, GateContext(run_id=...))
    report.blocking        # an error-severity check failed: do not publish the year
    report.to_metadata()   # plain values for the Dagster asset check

The suites are in `expectations/`, the severities and thresholds in `expectations/gate.yaml`.
"""

from orchestration.quality.alerts import Alert, DispatchOutcome, alert_run_failure
from orchestration.quality.config import GateConfig, load_gate_config
from orchestration.quality.report import CheckResult, Finding, GateReport
from orchestration.quality.runner import GateContext, check_names, run_gate

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
    "load_gate_config",
    "run_gate",
]
