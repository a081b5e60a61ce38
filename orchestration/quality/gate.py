"""Run the gate for the years of a run: one checkpoint run per gated table, one outcome per rule.

Each frame is the dbt model `quality.gate_<table>` cut to the run's years; its checkpoint
(expectations/context.py) validates it and alerts (AlertAction); the Data Docs are built once.
The outcome says per rule whether it passed and which rows failed, located by the table's id
columns, and becomes one Dagster asset check per rule and the rows of
`marts.data_quality_status` and `marts.data_quality_checks`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb
import pandas as pd

from orchestration.quality.config import GateConfig
from orchestration.quality.findings import Finding

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


def run_gates(
    frames: Mapping[str, pd.DataFrame], years: list[int], config: GateConfig, run_id: str
) -> list[GateOutcome]:
    """Validate each gated table's frame with its checkpoint, in one Data Context for the run
    (the checkpoints' action sends the alerts), then build the Data Docs once."""
    from great_expectations.core.run_identifier import RunIdentifier

    from expectations.context import build_data_docs, gate_checkpoint, gate_context
    from expectations.suites import gate_frame, rules_of
    from orchestration.quality.action import AlertAction

    settings, context = config.settings(), gate_context(config.data_docs_dir)
    outcomes, validations = [], []
    for table, frame in frames.items():
        severities = config.rules.get(table, {})
        alerts = AlertAction(name="alerts", table=table).bound(config, run_id, years)
        checkpoint = gate_checkpoint(context, table, settings, severities, [alerts])
        result = checkpoint.run(
            batch_parameters={"dataframe": gate_frame(table, frame, settings)},
            run_id=RunIdentifier(run_name=run_id),
        )
        validations.extend(result.run_results)
        outcome = GateOutcome(table, years, data_docs=alerts.docs_page, run_id=run_id)
        outcome.alert_errors.update(alerts.alert_errors)
        for rule, expected in rules_of(table, settings).items():
            mine = tuple(finding for finding in alerts.findings if finding.rule == rule)
            outcome.rules.append(RuleOutcome(table, rule, severities[rule], expected, mine))
        outcomes.append(outcome)
    if config.data_docs_dir is not None:
        build_data_docs(context, validations)
    return outcomes


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
