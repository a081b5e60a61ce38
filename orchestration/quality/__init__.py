"""The quality gate: Great Expectations checkpoints on the dbt models `quality.gate_<table>`, one
outcome per rule, alerts that name the cause, and a receipt per submitted file.

Plain Python: the Dagster asset check (orchestration/defs/checks.py) reads the tables' frames
with `read_gate_frame`, runs `run_gates` (one checkpoint run per table for the years of the run)
and records the outcomes with `write_outcomes`.
"""

from orchestration.quality.alerts import alert_run_failure
from orchestration.quality.config import GateConfig, load_gate_config
from orchestration.quality.gate import GateOutcome, RuleOutcome, read_gate_frame, run_gates

__all__ = [
    "GateConfig",
    "GateOutcome",
    "RuleOutcome",
    "alert_run_failure",
    "load_gate_config",
    "read_gate_frame",
    "run_gates",
]
