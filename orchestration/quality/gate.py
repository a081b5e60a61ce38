"""Run the gate of one table for the years of a run: one checkpoint run, one outcome per rule.

The frame is the dbt model `quality.gate_<table>` cut to the run's years; the checkpoint
(expectations/context.py) validates it, updates the Data Docs and alerts (AlertAction). The
outcome says per rule whether it passed and which rows failed, located by the table's id columns,
and becomes one Dagster asset check per rule and the rows of `marts.data_quality_status` and
`marts.data_quality_checks`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from orchestration.quality.config import GateConfig
from orchestration.quality.findings import Finding, findings_of


@dataclass(frozen=True)
class RuleOutcome:
    """One rule of one gated table over the years of the run."""

    table: str
    rule: str
    severity: str
    expected: str
    findings: tuple[Finding, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.findings

    def failed_in(self, year: int) -> int:
        return sum(finding.evaluation_year in (year, None) for finding in self.findings)


@dataclass
class GateOutcome:
    """The verdict of one gated table for the years of a run."""

    table: str
    years: list[int]
    rules: list[RuleOutcome] = field(default_factory=list)
    data_docs: str | None = None
    run_id: str | None = None
    checked_at: datetime = field(default_factory=lambda: datetime.now(UTC).replace(tzinfo=None))

    def blocked(self, year: int) -> bool:
        return any(r.severity == "error" and r.failed_in(year) for r in self.rules)

    def status(self, year: int) -> str:
        if self.blocked(year):
            return "blocked"
        return "warnings" if any(r.failed_in(year) for r in self.rules) else "passed"

    def status_rows(self) -> pd.DataFrame:
        rows = []
        for year in self.years:
            failed = [r for r in self.rules if r.failed_in(year)]
            rows.append(
                {
                    "evaluation_year": year,
                    "gated_table": self.table,
                    "status": self.status(year),
                    "checks_run": len(self.rules),
                    "errors_failed": sum(r.severity == "error" for r in failed),
                    "warnings_failed": sum(r.severity == "warning" for r in failed),
                    "findings_total": sum(r.failed_in(year) for r in failed),
                    "checks_failed": ", ".join(r.rule for r in failed),
                    "data_docs": self.data_docs,
                    "run_id": self.run_id,
                    "checked_at": self.checked_at,
                }
            )
        return pd.DataFrame(rows)

    def check_rows(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "evaluation_year": year,
                    "gated_table": self.table,
                    "rule": r.rule,
                    "severity": r.severity,
                    "passed": not r.failed_in(year),
                    "failed_count": r.failed_in(year),
                    "description": r.expected,
                }
                for year in self.years
                for r in self.rules
            ]
        )


def read_gate_frame(con: duckdb.DuckDBPyConnection, table: str, years: list[int]) -> pd.DataFrame:
    """The rows of `quality.gate_<table>` of the years of the run."""
    marks = ", ".join("?" for _ in years)
    return con.execute(
        f"select * from quality.gate_{table} where evaluation_year in ({marks})", years
    ).df()


def run_gate(
    table: str,
    frame: pd.DataFrame,
    years: list[int],
    config: GateConfig,
    run_id: str,
    warehouse: Path,
) -> GateOutcome:
    """Validate the frame with the table's checkpoint; the actions write the Data Docs and
    send the alerts."""
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier

    from expectations.context import GX_LOCK, SITE, gate_checkpoint, gate_context
    from expectations.suites import rules_of
    from orchestration.quality.action import AlertAction

    settings, severities = config.settings(), config.rules.get(table, {})
    docs_dir = config.data_docs_dir
    with GX_LOCK:
        context = gate_context(docs_dir)
        actions: list[Any] = []
        if docs_dir is not None:
            actions.append(gx.checkpoint.UpdateDataDocsAction(name="data_docs", site_names=[SITE]))
        alerts = AlertAction(name="alerts", table=table).bound(config, run_id, years)
        actions.append(alerts)
        checkpoint = gate_checkpoint(context, table, settings, severities, actions)
        result = checkpoint.run(
            batch_parameters={"dataframe": frame}, run_id=RunIdentifier(run_name=run_id)
        )
    validation = next(iter(result.run_results.values()))
    findings = findings_of(table, validation)
    outcome = GateOutcome(table=table, years=years, run_id=run_id, data_docs=alerts.docs_page)
    for rule, expected in rules_of(table, settings).items():
        mine = tuple(finding for finding in findings if finding.rule == rule)
        outcome.rules.append(RuleOutcome(table, rule, severities[rule], expected, mine))
    return outcome


def write_outcomes(con: duckdb.DuckDBPyConnection, outcomes: Iterable[GateOutcome]) -> None:
    """Replace the run's years' rows of `marts.data_quality_status` and `data_quality_checks`."""
    outcomes = list(outcomes)
    frames: Mapping[str, list[pd.DataFrame]] = {
        "data_quality_status": [o.status_rows() for o in outcomes],
        "data_quality_checks": [o.check_rows() for o in outcomes],
    }
    con.execute("create schema if not exists marts")
    for name, parts in frames.items():
        rows = pd.concat(parts, ignore_index=True)
        if rows.empty:
            continue
        con.register("gate_rows", rows)
        con.execute(f"create table if not exists marts.{name} as select * from gate_rows limit 0")
        con.execute(
            f"delete from marts.{name} t using (select distinct evaluation_year, gated_table "
            "from gate_rows) g where t.evaluation_year = g.evaluation_year "
            "and t.gated_table = g.gated_table"
        )
        con.execute(f"insert into marts.{name} by name select * from gate_rows")
        con.unregister("gate_rows")
