"""Alerts: the gate's findings, the files' receipts and failed runs, sent to the configured sinks.

A Great Expectations checkpoint hands its validation result to `AlertAction` (action.py, a GX
`ValidationAction`), which alerts every new finding, located: the year, the rule, the county, the
variable, what was found and expected, the file and row, and the cause. Sinks (gate.yaml
`alerts.sinks`, or `LEAP_ALERT_SINKS`): a JSON-lines log (default), a webhook (HTTP POST of JSON)
and e-mail over SMTP. An unchanged failure is alerted once per sink (see `dedupe.py`).
"""

from __future__ import annotations

import fcntl
import json
import smtplib
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

from orchestration.quality.config import AlertConfig, GateConfig
from orchestration.quality.dedupe import delivered_alerts, fingerprint
from orchestration.quality.findings import Finding, plain, scrub

RUN_FAILURE_SCOPE = "run_failures"
RUN_FAILURES_REMEMBERED = 1000
MAX_ERROR_MESSAGE = 4000


@dataclass(frozen=True)
class Alert:
    """One alert: a located finding of the gate, a file's receipt, or a failed run."""

    kind: str  # "quality_gate", "receipt" or "run_failure"
    severity: str
    message: str
    fingerprint: str
    details: dict[str, Any] = field(default_factory=dict)
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "severity": self.severity,
            "message": self.message,
            **{key: plain(value) for key, value in self.details.items()},
            "fingerprint": self.fingerprint,
            "created_at": self.created_at,
        }


def alert_for_finding(finding: Finding, run_id: str | None, data_docs: str | None) -> Alert:
    """The alert of one finding; its fingerprint ignores the run, so a re-run matches it."""
    return Alert(
        kind="quality_gate",
        severity=finding.severity,
        message=finding.describe(),
        fingerprint=fingerprint(*finding.key),
        details={**finding.to_dict(), "run_id": run_id, "data_docs": data_docs},
    )


# -- sinks ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Batch:
    """Alerts sent together, with a subject and an introduction for people."""

    subject: str
    introduction: str
    alerts: Sequence[Alert]


def _send_jsonl(config: AlertConfig, batch: Batch) -> None:
    """Append one JSON object per alert to the local log (locked: runs may write at once)."""
    config.jsonl_path.parent.mkdir(parents=True, exist_ok=True)
    lines = "".join(json.dumps(a.to_dict(), ensure_ascii=False) + "\n" for a in batch.alerts)
    with open(config.jsonl_path, "a", encoding="utf-8") as log:
        fcntl.flock(log, fcntl.LOCK_EX)  # released when the file is closed
        log.write(lines)


def _send_webhook(config: AlertConfig, batch: Batch) -> None:
    """POST the batch as JSON: subject, summary, alerts (the first `max_alerts`)."""
    hook = config.webhook
    alerts = list(batch.alerts)[: hook.max_alerts]
    payload = {
        "source": "county-leap quality gate",
        "subject": batch.subject,
        "summary": batch.introduction,
        "alerts": [alert.to_dict() for alert in alerts],
        "alerts_total": len(batch.alerts),
        "alerts_omitted": len(batch.alerts) - len(alerts),
    }
    request = urllib.request.Request(
        hook.url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=hook.timeout_seconds) as response:
        response.read()  # urlopen raises on 4xx and 5xx


def email_body(batch: Batch, max_findings: int) -> str:
    """The plain-text body: the introduction, then each alert's message."""
    lines = [batch.introduction, ""]
    for number, alert in enumerate(batch.alerts[:max_findings], start=1):
        lines += [f"{number}. [{alert.severity}] {alert.message}", ""]
    omitted = len(batch.alerts) - max_findings
    if omitted > 0:
        lines.append(f"... and {omitted} more, in the JSON-lines alert log and the Data Docs.")
    docs = next(
        (a.details.get("data_docs") for a in batch.alerts if a.details.get("data_docs")), None
    )
    if docs:
        lines.append(f"Data Docs (in the warehouse): {docs}")
    return "\n".join(lines) + "\n"


def _send_email(config: AlertConfig, batch: Batch) -> None:
    """Send the batch as one plain-text e-mail over SMTP."""
    mail = config.email
    message = EmailMessage()
    message["Subject"] = f"{mail.subject_prefix} {batch.subject}".strip()
    message["From"] = mail.sender
    message["To"] = ", ".join(mail.recipients)
    message.set_content(email_body(batch, mail.max_findings))
    with smtplib.SMTP(mail.host, mail.port, timeout=mail.timeout_seconds) as smtp:
        if mail.starttls:
            smtp.starttls()
        if mail.username:
            smtp.login(mail.username, mail.password or "")
        smtp.send_message(message)


SENDERS = {"jsonl": _send_jsonl, "webhook": _send_webhook, "email": _send_email}


# -- dispatch ---------------------------------------------------------------------------------


@dataclass
class DispatchOutcome:
    """Per sink: alerts sent, and delivery errors."""

    sent: dict[str, int] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def dispatch(
    alerts: Sequence[Alert],
    scope: str,
    subject: str,
    introduction: str,
    config: AlertConfig,
    forget_resolved: bool = True,
) -> DispatchOutcome:
    """Send each sink the alerts it has not delivered yet in this scope.

    forget_resolved: the alerts are all of the scope's open failures, so fingerprints not among
    them are forgotten (a fixed failure alerts again if it returns). A sink that fails keeps
    its undelivered alerts for the next run; the error is returned, not raised.
    """
    outcome = DispatchOutcome()
    current = {alert.fingerprint for alert in alerts}
    with delivered_alerts(config.state_path, scope) as delivered_by_sink:
        for sink in config.sinks:
            delivered = list(delivered_by_sink.get(sink, []))
            known = set(delivered)
            new = [alert for alert in alerts if alert.fingerprint not in known]
            if new:
                try:
                    SENDERS[sink](config, Batch(subject, introduction, new))
                    delivered.extend(alert.fingerprint for alert in new)
                    outcome.sent[sink] = len(new)
                except Exception as problem:  # deliver to the other sinks all the same
                    outcome.errors[sink] = f"{type(problem).__name__}: {problem}"
            if forget_resolved:
                delivered = [entry for entry in delivered if entry in current]
            else:
                delivered = delivered[-RUN_FAILURES_REMEMBERED:]
            delivered_by_sink[sink] = delivered
    return outcome


def alert_findings(
    findings: Sequence[Finding],
    scope: str,
    config: GateConfig,
    run_id: str | None,
    data_docs: str | None,
) -> DispatchOutcome:
    """Alert the new findings of a gate run (the scope: its table and years)."""
    alerts = [alert_for_finding(finding, run_id, data_docs) for finding in findings]
    blocking = any(finding.severity == "error" for finding in findings)
    verdict = "publishing is blocked" if blocking else "published with warnings"
    subject = f"quality gate {scope}: {verdict} ({len(alerts)} finding(s))"
    introduction = (
        f"The quality gate {scope} found problems: {verdict}. Each names the county, "
        "the file and row, what was found and what was expected.\n\nNew findings:"
    )
    return dispatch(alerts, scope, subject, introduction, config.alerts)


def alert_run_failure(
    run_id: str,
    job_name: str,
    error_message: str,
    partition: str | None,
    config: GateConfig,
) -> DispatchOutcome:
    """Alert a failed or crashed run (the Dagster run-failure sensor calls this); each run
    alerts once, however often the sensor sees it."""
    error = scrub(str(error_message or "no error message"))[:MAX_ERROR_MESSAGE]
    where = f"{job_name}" + (f" (partition {partition})" if partition else "")
    alert = Alert(
        kind="run_failure",
        severity="error",
        message=f"run {run_id} of {where} failed: {error.splitlines()[0] if error else ''}",
        fingerprint=fingerprint("run_failure", run_id),
        details={"error": error, "run_id": run_id, "job_name": job_name, "partition": partition},
    )
    introduction = (
        f"The run {run_id} of {where} failed; nothing of it was published.\n"
        "Look at the run in Dagster for the full log."
    )
    return dispatch(
        [alert],
        RUN_FAILURE_SCOPE,
        f"run failed: {where}",
        introduction,
        config.alerts,
        forget_resolved=False,
    )
