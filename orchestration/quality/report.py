"""What a gate run found: located findings, per-check results, the report of one table and year."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from expectations._base import fmt, plain

RAW_TABLE = "raw_submitted_values"
PHONE_NUMBER = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)")


def redact(text: str) -> str:
    """Mask phone-number-like digit runs (mobile and landline) in free text: a cell typed by
    hand, or an error message quoting one, may carry the contact details of the form."""
    return PHONE_NUMBER.sub("[redacted]", text)


def item_label(table: str, item: str | None) -> str:
    """What the item of a finding is, for people: a variable, an indicator or a field."""
    if table == RAW_TABLE:
        return "variable"
    if item and item.isupper():
        return "indicator"
    return "field"


@dataclass(frozen=True)
class Finding:
    """One failing row, located: year, check, county, variable or indicator, value, file, row."""

    evaluation_year: int
    check: str
    severity: str
    county_code: str | None
    county_name: str | None
    variable_or_indicator: str | None
    value_found: Any
    expected: str
    file_name: str | None
    row_number: int | None
    table: str = ""
    sources: str | None = None  # every file and row behind a mart value, when there are several

    def to_dict(self) -> dict[str, Any]:
        """The finding as plain values."""
        return {key: plain(value) for key, value in asdict(self).items()}

    @property
    def where(self) -> str:
        """The county and item, as people read them: `正定县 (130123), indicator I1`."""
        parts = []
        if self.county_code or self.county_name:
            name = self.county_name or "unit not in the registry"
            parts.append(f"{name} ({self.county_code})" if self.county_code else name)
        if self.variable_or_indicator:
            parts.append(
                f"{item_label(self.table, self.variable_or_indicator)} {self.variable_or_indicator}"
            )
        return ", ".join(parts) or "the whole table"

    @property
    def source(self) -> str | None:
        """The file and row the value came from, if known."""
        if not self.file_name:
            return self.sources
        text = self.file_name + (f", row {self.row_number}" if self.row_number is not None else "")
        return f"{text} (all sources: {self.sources})" if self.sources else text

    def describe(self) -> str:
        """One line for people: what was wrong, where, and what was expected."""
        line = (
            f"{self.evaluation_year} {self.table}.{self.check} ({self.severity}): {self.where}: "
            f"found {fmt(self.value_found)}, expected {self.expected}"
        )
        return f"{line} [{self.source}]" if self.source else line


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check."""

    check: str
    table: str
    severity: str
    passed: bool
    observed_value: Any
    expected: str
    findings: tuple[Finding, ...] = ()
    rows_checked: int | None = None
    not_applicable: str | None = None
    error: str | None = None
    gx_suite: str | None = None

    def to_dict(self, with_findings: bool = True) -> dict[str, Any]:
        """The result as plain values."""
        result = {
            "check": self.check,
            "table": self.table,
            "severity": self.severity,
            "passed": self.passed,
            "observed_value": plain(self.observed_value)
            if not isinstance(self.observed_value, list | tuple)
            else [plain(value) for value in self.observed_value],
            "expected": self.expected,
            "failing_rows": len(self.findings),
            "rows_checked": self.rows_checked,
            "not_applicable": self.not_applicable,
            "error": self.error,
            "gx_suite": self.gx_suite,
        }
        if with_findings:
            result["findings"] = [finding.to_dict() for finding in self.findings]
        return result


@dataclass
class GateReport:
    """The gate's verdict on one table for one evaluation year."""

    table: str
    evaluation_year: int
    checks: list[CheckResult]
    run_id: str | None = None
    data_docs: str | None = None
    alerts_sent: dict[str, int] = field(default_factory=dict)
    alerts_suppressed: dict[str, int] = field(default_factory=dict)
    alert_errors: dict[str, str] = field(default_factory=dict)
    duration_seconds: float = 0.0

    @property
    def failed_checks(self) -> list[CheckResult]:
        """The checks that failed, errors first."""
        failed = [check for check in self.checks if not check.passed]
        return sorted(failed, key=lambda check: check.severity != "error")

    @property
    def blocking(self) -> bool:
        """True when a check of severity error failed: the year must not be published."""
        return any(check.severity == "error" for check in self.failed_checks)

    @property
    def passed(self) -> bool:
        """True when every check passed (no error, no warning)."""
        return not self.failed_checks

    @property
    def findings(self) -> list[Finding]:
        """Every finding of every failed check."""
        return [finding for check in self.failed_checks for finding in check.findings]

    @property
    def dagster_severity(self) -> str:
        """`ERROR` when blocking, else `WARN` (the names of `dg.AssetCheckSeverity`)."""
        return "ERROR" if self.blocking else "WARN"

    def check(self, name: str) -> CheckResult:
        """The result of the check `name`."""
        for result in self.checks:
            if result.check == name:
                return result
        raise KeyError(
            f"{self.table} has no check {name!r}; it has {[c.check for c in self.checks]}"
        )

    def summary(self) -> str:
        """A few lines for people: the verdict and each failed check."""
        errors = sum(check.severity == "error" for check in self.failed_checks)
        warnings = len(self.failed_checks) - errors
        if self.passed:
            verdict = "passed every check"
        elif self.blocking:
            verdict = f"blocks publishing: {errors} error check(s) and {warnings} warning(s) failed"
        else:
            verdict = f"publishes with {warnings} warning(s)"
        lines = [f"Quality gate {self.table} {self.evaluation_year}: {verdict}."]
        for check in self.failed_checks:
            detail = check.error or f"{len(check.findings)} finding(s)"
            lines.append(f"- {check.severity} {check.check}: {detail}; expected {check.expected}")
        return "\n".join(lines)

    def to_metadata(self, max_findings: int = 50) -> dict[str, Any]:
        """Plain values for Dagster check metadata: verdict, per-check outcome, first findings."""
        findings = self.findings
        return {
            "table": self.table,
            "evaluation_year": self.evaluation_year,
            "blocking": self.blocking,
            "passed": self.passed,
            "summary": self.summary(),
            "checks_run": len(self.checks),
            "checks_failed": [check.check for check in self.failed_checks],
            "errors_failed": sum(check.severity == "error" for check in self.failed_checks),
            "warnings_failed": sum(check.severity == "warning" for check in self.failed_checks),
            "findings_total": len(findings),
            "checks": [check.to_dict(with_findings=False) for check in self.checks],
            "findings": [finding.to_dict() for finding in findings[:max_findings]],
            "findings_omitted": max(0, len(findings) - max_findings),
            "data_docs": self.data_docs,
            "alerts_sent": dict(self.alerts_sent),
            "alerts_suppressed": dict(self.alerts_suppressed),
            "alert_errors": dict(self.alert_errors),
            "run_id": self.run_id,
            "duration_seconds": round(self.duration_seconds, 3),
        }

    def to_dict(self) -> dict[str, Any]:
        """Everything, as plain values (the evidence file next to the Data Docs)."""
        data = self.to_metadata(max_findings=0)
        del data["findings"], data["findings_omitted"]
        data["checks"] = [check.to_dict() for check in self.checks]
        return data
