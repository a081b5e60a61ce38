"""The quality gate: Great Expectations checkpoints on the dbt models `quality.gate_<table>`, one
outcome per rule, alerts that name the cause, and a receipt per submitted file.

Plain Python: the Dagster asset checks (orchestration/defs/checks.py) read a table's frame with
`read_gate_frame`, run `run_gate` (one checkpoint run for the years of the run) and record the
outcome with `write_outcomes`.
"""

from orchestration.quality.alerts import alert_run_failure
from orchestration.quality.config import GateConfig, load_gate_config
from orchestration.quality.gate import GateOutcome, RuleOutcome, read_gate_frame, run_gate

__all__ = [
    "GateConfig",
    "GateOutcome",
    "RuleOutcome",
    "alert_run_failure",
    "load_gate_config",
    "read_gate_frame",
    "run_gate",
]
