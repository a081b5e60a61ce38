"""The gate's configuration: `expectations/gate.yaml`, with environment overrides.

Severities, tolerances and thresholds come from the file; where alerts go and where the Data
Docs are written can also be set from `LEAP_*` environment variables, so that a deployment can
point them elsewhere without editing the file (SMTP credentials only from the environment).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from expectations import SUITE_MODULES, get_suite
from expectations._base import SEVERITIES

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CONFIG_PATH = PROJECT_ROOT / "expectations" / "gate.yaml"
SINKS = ("jsonl", "webhook", "email")
TABLE_SETTING_KEYS = {
    "raw_submitted_values": {
        "yoy_jump_factor",
        "required_reported_by",
        "related_variables",
        "value_bounds",
        "plausible_ranges",
    },
}


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
    table_settings: Mapping[str, Mapping[str, Any]]
    severities: Mapping[str, Mapping[str, str]]
    alerts: AlertConfig
    data_docs_dir: Path | None

    def severity(self, table: str, check: str, default: str) -> str:
        """The configured severity of a check, else its suite's default."""
        return self.severities.get(table, {}).get(check, default)

    def settings(self, table: str) -> dict[str, Any]:
        """A table's settings, with the tolerances, as the suite receives them."""
        return {**self.table_settings.get(table, {}), "tolerances": dict(self.tolerances)}


def _env(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name, "").strip()
    return value or None


def _flag(value: Any) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def _path(value: str | Path, base: Path) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


def _folder_from_env(environ: Mapping[str, str], name: str, default: Path) -> Path:
    value = _env(environ, name)
    return Path(value).expanduser().resolve() if value else default


def _check_severities(severities: Mapping[str, Any], where: Path) -> dict[str, dict[str, str]]:
    checked: dict[str, dict[str, str]] = {}
    for table, checks in (severities or {}).items():
        if table not in SUITE_MODULES:
            raise ValueError(
                f"{where}: severities name the table {table!r}, which has no suite; "
                f"expected one of {sorted(SUITE_MODULES)}"
            )
        known = get_suite(table).checks
        for check, severity in (checks or {}).items():
            if check not in known:
                raise ValueError(
                    f"{where}: severities.{table}.{check} names no check of {table}; "
                    f"expected one of {sorted(known)}"
                )
            if severity not in SEVERITIES:
                raise ValueError(
                    f"{where}: severities.{table}.{check} is {severity!r}; "
                    f"expected one of {list(SEVERITIES)}"
                )
        checked[table] = dict(checks or {})
    return checked


def _check_table_settings(raw: Mapping[str, Any], where: Path) -> dict[str, dict[str, Any]]:
    settings: dict[str, dict[str, Any]] = {}
    for table, keys in TABLE_SETTING_KEYS.items():
        section = dict(raw.get(table) or {})
        unknown = set(section) - keys
        if unknown:
            raise ValueError(
                f"{where}: {table} has unknown settings {sorted(unknown)}; "
                f"expected some of {sorted(keys)}"
            )
        factor = section.get("yoy_jump_factor", 10)
        if not isinstance(factor, int | float) or factor <= 1:
            raise ValueError(
                f"{where}: {table}.yoy_jump_factor is {factor!r}; expected a number > 1"
            )
        for pair in section.get("related_variables") or []:
            if not (isinstance(pair, list | tuple) and len(pair) == 2):
                raise ValueError(
                    f"{where}: {table}.related_variables has {pair!r}; expected [part, whole]"
                )
        settings[table] = section
    return settings


def _alert_config(
    raw: Mapping[str, Any], environ: Mapping[str, str], warehouse: Path, where: Path
) -> AlertConfig:
    alerts_dir = _folder_from_env(environ, "LEAP_ALERTS_DIR", warehouse / "alerts")
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
        state_path=_path(raw.get("state_file", "alert_state.json"), alerts_dir),
        jsonl_path=_path(
            _env(environ, "LEAP_ALERT_JSONL") or jsonl.get("file", "alerts.jsonl"), alerts_dir
        ),
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
    path: str | Path | None = None, environ: Mapping[str, str] | None = None
) -> GateConfig:
    """Read gate.yaml (`path`, else `LEAP_GATE_CONFIG`, else `expectations/gate.yaml`) and apply
    the environment overrides; a wrong name or value is an error that says where and what."""
    environ = os.environ if environ is None else environ
    where = Path(path or _env(environ, "LEAP_GATE_CONFIG") or DEFAULT_CONFIG_PATH)
    if not where.exists():
        raise FileNotFoundError(f"gate configuration {where} does not exist")
    raw = yaml.safe_load(where.read_text(encoding="utf-8")) or {}
    tolerances = {"points": 1e-6, "mean_score": 0.0051, **(raw.get("tolerances") or {})}
    warehouse = _folder_from_env(environ, "LEAP_WAREHOUSE_DIR", PROJECT_ROOT / "warehouse")
    docs = raw.get("data_docs") or {}
    docs_enabled = _flag(_env(environ, "LEAP_DATA_DOCS") or docs.get("enabled", True))
    docs_dir = _folder_from_env(
        environ, "LEAP_DATA_DOCS_DIR", _path(docs.get("dir", "data_docs"), warehouse)
    )
    return GateConfig(
        path=where,
        tolerances={name: float(value) for name, value in tolerances.items()},
        table_settings=_check_table_settings(raw, where),
        severities=_check_severities(raw.get("severities") or {}, where),
        alerts=_alert_config(raw.get("alerts") or {}, environ, warehouse, where),
        data_docs_dir=docs_dir if docs_enabled else None,
    )
