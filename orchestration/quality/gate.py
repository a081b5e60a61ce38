"""Run the gate of one table for the years of a run: one checkpoint run, one outcome per rule.

The frame is the dbt model `quality.gate_<table>` cut to the run's years; the checkpoint
(expectations/context.py) validates it, updates the Data Docs and alerts (AlertAction). The
outcome says per rule whether it passed and which rows failed, located by the table's id columns,
and becomes one Dagster asset check per rule and the rows of `marts.data_quality_status` and
`marts.data_quality_checks`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from orchestration.quality.config import GateConfig
from orchestration.quality.findings import Finding, findings_of

CHECK_COLUMNS = [
    "evaluation_year", "gated_table", "rule", "severity", "passed", "failed_count",
    "description", "data_docs", "run_id", "checked_at",
]  # fmt: skip


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
    alert_errors: dict[str, str] = field(default_factory=dict)
    checked_at: datetime = field(default_factory=lambda: datetime.now(UTC).replace(tzinfo=None))

    def status(self, year: int) -> str:
        failed = {r.severity for r in self.rules if r.failed_in(year)}
        return "blocked" if "error" in failed else "warnings" if failed else "passed"

    def check_rows(self) -> pd.DataFrame:
        """One row per year and rule (`marts.data_quality_checks`)."""
        rows = [
            (year, self.table, r.rule, r.severity, not r.failed_in(year), r.failed_in(year),
             r.expected, self.data_docs, self.run_id, self.checked_at)
            for year in self.years
            for r in self.rules
        ]  # fmt: skip
        return pd.DataFrame(rows, columns=CHECK_COLUMNS)


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
    outcome = GateOutcome(
        table=table,
        years=years,
        run_id=run_id,
        data_docs=alerts.docs_page,
        alert_errors=alerts.alert_errors,
    )
    for rule, expected in rules_of(table, settings).items():
        mine = tuple(finding for finding in findings if finding.rule == rule)
        outcome.rules.append(RuleOutcome(table, rule, severities[rule], expected, mine))
    return outcome


STATUS = """
    select evaluation_year, gated_table,
        case when bool_or(not passed and severity = 'error') then 'blocked'
            when bool_or(not passed) then 'warnings' else 'passed' end as status,
        count(*) as checks_run,
        count(*) filter (where not passed and severity = 'error') as errors_failed,
        count(*) filter (where not passed and severity = 'warning') as warnings_failed,
        sum(failed_count) as findings_total,
        coalesce(string_agg(rule, ', ' order by rule) filter (where not passed), '')
            as checks_failed,
        any_value(data_docs) as data_docs, any_value(run_id) as run_id,
        any_value(checked_at) as checked_at
    from gate_rows
    group by all
"""


def write_outcomes(con: duckdb.DuckDBPyConnection, outcomes: Iterable[GateOutcome]) -> None:
    """Replace the run's years' rows of `marts.data_quality_checks` (one per rule) and
    `marts.data_quality_status` (one per gated table: blocked, warnings or passed)."""
    rows = pd.concat([outcome.check_rows() for outcome in outcomes], ignore_index=True)
    con.register("gate_rows", rows)
    con.execute("create schema if not exists marts")
    for name, query in (
        ("data_quality_checks", "select * exclude (data_docs, run_id, checked_at) from gate_rows"),
        ("data_quality_status", STATUS),
    ):
        con.execute(f"create table if not exists marts.{name} as {query} limit 0")
        con.execute(
            f"delete from marts.{name} t using (select distinct evaluation_year, gated_table "
            "from gate_rows) g where t.evaluation_year = g.evaluation_year "
            "and t.gated_table = g.gated_table"
        )
        con.execute(f"insert into marts.{name} by name {query}")
    con.unregister("gate_rows")
