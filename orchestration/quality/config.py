"""The gate's configuration: `expectations/gate.yaml`, with environment overrides.

Rules, severities, tolerances and thresholds come from the file; which sinks alerts go to and
their addresses can also be set from `LEAP_*` environment variables, so that a deployment can
change them without editing the file (SMTP credentials only from the environment). Alerts and
Data Docs are written under the warehouse folder the caller passes in.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from orchestration.ingest.severity import checked_severities

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CONFIG_PATH = PROJECT_ROOT / "expectations" / "gate.yaml"
SINKS = ("jsonl", "webhook", "email")
SEVERITIES = ("error", "warning")
RAW_SETTING_KEYS = {"yoy_jump_factor", "related_variables", "value_bounds", "plausible_ranges"}


@dataclass(frozen=True)
class WebhookConfig:
    """HTTP POST of the alerts as JSON."""

    url: str
    timeout_seconds: float = 10.0
    max_alerts: int = 500


@dataclass(frozen=True)
class EmailConfig:
    """A plain-text e-mail over SMTP listing the findings."""

    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    starttls: bool = False
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    subject_prefix: str = "[county-leap]"
    timeout_seconds: float = 10.0
    max_findings: int = 200


@dataclass(frozen=True)
class AlertConfig:
    """Which sinks receive alerts, and the files the alerting keeps."""

    sinks: tuple[str, ...]
    state_path: Path
    jsonl_path: Path
    webhook: WebhookConfig
    email: EmailConfig


@dataclass(frozen=True)
class GateConfig:
    """Everything the gate reads from gate.yaml and the environment."""

    path: Path
    tolerances: Mapping[str, float]
    raw_settings: Mapping[str, Any]
    rules: Mapping[str, Mapping[str, str]]  # gated table -> rule -> severity
    ingest_severities: Mapping[str, str]  # ingest problem code -> error, warning or info
    alerts: AlertConfig
    data_docs_dir: Path | None
    warehouse: Path
    receipts: bool = True

    def relative_to_warehouse(self, url: str | None) -> str | None:
        """A page of the Data Docs as a path relative to the warehouse (never the machine's)."""
        if not url:
            return None
        path = Path(url.removeprefix("file://"))
        try:
            return path.relative_to(self.warehouse.resolve()).as_posix()
        except ValueError:
            return path.name

    def settings(self) -> dict[str, Any]:
        """What the suites are built from: thresholds, tolerances, ingest severities."""
        return {
            **self.raw_settings,
            "tolerances": dict(self.tolerances),
            "ingest_severities": dict(self.ingest_severities),
        }


def _env(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name, "").strip()
    return value or None


def _flag(value: Any) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def _check_rules(rules: Mapping[str, Any], where: Path) -> dict[str, dict[str, str]]:
    for table, severities in (rules or {}).items():
        for rule, severity in (severities or {}).items():
            if severity not in SEVERITIES:
                raise ValueError(
                    f"{where}: rules.{table}.{rule} is {severity!r}; expected one of "
                    f"{list(SEVERITIES)}"
                )
    return {table: dict(severities or {}) for table, severities in (rules or {}).items()}


def _check_raw_settings(section: Mapping[str, Any], where: Path) -> dict[str, Any]:
    unknown = set(section) - RAW_SETTING_KEYS
    if unknown:
        raise ValueError(
            f"{where}: raw_submitted_values has unknown settings {sorted(unknown)}; "
            f"expected some of {sorted(RAW_SETTING_KEYS)}"
        )
    factor = section.get("yoy_jump_factor", 10)
    if not isinstance(factor, int | float) or factor <= 1:
        raise ValueError(
            f"{where}: raw_submitted_values.yoy_jump_factor is {factor!r}; expected a number > 1"
        )
    for pair in section.get("related_variables") or []:
        if not (isinstance(pair, list | tuple) and len(pair) == 2):
            raise ValueError(
                f"{where}: raw_submitted_values.related_variables has {pair!r}; "
                "expected [part, whole]"
            )
    return dict(section)


def _alert_config(
    raw: Mapping[str, Any], environ: Mapping[str, str], alerts_dir: Path, where: Path
) -> AlertConfig:
    sinks_text = _env(environ, "LEAP_ALERT_SINKS")
    sinks = (
        [sink.strip() for sink in sinks_text.split(",") if sink.strip() not in {"", "none"}]
        if sinks_text is not None
        else list(raw.get("sinks") or [])
    )
    unknown = set(sinks) - set(SINKS)
    if unknown:
        raise ValueError(f"{where}: alert sinks {sorted(unknown)} unknown; expected {list(SINKS)}")
    jsonl = raw.get("jsonl") or {}
    webhook = raw.get("webhook") or {}
    email = raw.get("email") or {}
    recipients_text = _env(environ, "LEAP_ALERT_EMAIL_TO")
    recipients = (
        [address.strip() for address in recipients_text.split(",") if address.strip()]
        if recipients_text is not None
        else list(email.get("to") or [])
    )
    config = AlertConfig(
        sinks=tuple(sinks),
        state_path=alerts_dir / raw.get("state_file", "alert_state.json"),
        jsonl_path=alerts_dir / jsonl.get("file", "alerts.jsonl"),
        webhook=WebhookConfig(
            url=_env(environ, "LEAP_ALERT_WEBHOOK_URL") or str(webhook.get("url") or ""),
            timeout_seconds=float(webhook.get("timeout_seconds", 10)),
            max_alerts=int(webhook.get("max_alerts", 500)),
        ),
        email=EmailConfig(
            host=_env(environ, "LEAP_SMTP_HOST") or str(email.get("host", "localhost")),
            port=int(_env(environ, "LEAP_SMTP_PORT") or email.get("port", 25)),
            sender=_env(environ, "LEAP_ALERT_EMAIL_FROM")
            or str(email.get("from", "county-leap@localhost")),
            recipients=tuple(recipients),
            starttls=_flag(_env(environ, "LEAP_SMTP_STARTTLS") or email.get("starttls", False)),
            username=_env(environ, "LEAP_SMTP_USER"),
            password=_env(environ, "LEAP_SMTP_PASSWORD"),
            subject_prefix=str(email.get("subject_prefix", "[county-leap]")),
            timeout_seconds=float(email.get("timeout_seconds", 10)),
            max_findings=int(email.get("max_findings", 200)),
        ),
    )
    if "webhook" in config.sinks and not config.webhook.url:
        raise ValueError(
            f"{where}: the webhook sink is on but has no URL; set alerts.webhook.url or "
            "LEAP_ALERT_WEBHOOK_URL"
        )
    if "email" in config.sinks and not config.email.recipients:
        raise ValueError(
            f"{where}: the email sink is on but has no recipients; set alerts.email.to or "
            "LEAP_ALERT_EMAIL_TO"
        )
    return config


def load_gate_config(
    warehouse: Path = PROJECT_ROOT / "warehouse",
    alerts_dir: Path | None = None,
    path: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> GateConfig:
    """Read gate.yaml (`path`, else `LEAP_GATE_CONFIG`, else `expectations/gate.yaml`) and apply
    the environment's alert settings; Data Docs go under `warehouse`, alerts and receipts into
    `alerts_dir` (default `<warehouse>/alerts`). A wrong name or value is an error that says
    where and what."""
    environ = os.environ if environ is None else environ
    where = Path(path or _env(environ, "LEAP_GATE_CONFIG") or DEFAULT_CONFIG_PATH)
    if not where.exists():
        raise FileNotFoundError(f"gate configuration {where} does not exist")
    raw = yaml.safe_load(where.read_text(encoding="utf-8")) or {}
    tolerances = {"points": 1e-6, "mean_score": 0.0051, **(raw.get("tolerances") or {})}
    docs = raw.get("data_docs") or {}
    docs_enabled = _flag(_env(environ, "LEAP_DATA_DOCS") or docs.get("enabled", True))
    docs_dir = warehouse / docs.get("dir", "data_docs")
    return GateConfig(
        path=where,
        tolerances={name: float(value) for name, value in tolerances.items()},
        raw_settings=_check_raw_settings(raw.get("raw_submitted_values") or {}, where),
        rules=_check_rules(raw.get("rules") or {}, where),
        ingest_severities=checked_severities(raw.get("ingest_problems"), where),
        alerts=_alert_config(
            raw.get("alerts") or {}, environ, alerts_dir or warehouse / "alerts", where
        ),
        data_docs_dir=docs_dir if docs_enabled else None,
        warehouse=warehouse,
        receipts=_flag((raw.get("receipts") or {}).get("enabled", True)),
    )
