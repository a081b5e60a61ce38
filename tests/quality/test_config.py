"""gate.yaml and its environment overrides."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from expectations import SUITE_MODULES, get_suite
from orchestration.quality import check_names, load_gate_config
from orchestration.quality.config import DEFAULT_CONFIG_PATH


def write_config(tmp_path: Path, change) -> Path:
    raw = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "gate.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_gate_yaml_grades_every_check_of_every_suite():
    config = load_gate_config(environ={})

    result = {table: set(config.severities[table]) for table in SUITE_MODULES}

    assert result == {table: set(get_suite(table).checks) for table in SUITE_MODULES}


def test_defaults_without_environment():
    config = load_gate_config(environ={})

    project = DEFAULT_CONFIG_PATH.parent.parent
    result = (
        config.alerts.sinks,
        config.alerts.jsonl_path,
        config.alerts.state_path,
        config.data_docs_dir,
        config.settings("raw_submitted_values")["yoy_jump_factor"],
        config.tolerances["points"],
    )
    assert result == (
        ("jsonl",),
        project / "warehouse" / "alerts" / "alerts.jsonl",
        project / "warehouse" / "alerts" / "alert_state.json",
        project / "warehouse" / "data_docs",
        10,
        1e-6,
    )


def test_environment_overrides_alert_settings(tmp_path: Path):
    environ = {
        "LEAP_WAREHOUSE_DIR": str(tmp_path),
        "LEAP_ALERT_SINKS": "jsonl, email,webhook",
        "LEAP_ALERT_WEBHOOK_URL": "http://127.0.0.1:9/hook",
        "LEAP_SMTP_HOST": "mail.example.org",
        "LEAP_SMTP_PORT": "2525",
        "LEAP_SMTP_STARTTLS": "1",
        "LEAP_SMTP_USER": "gate",
        "LEAP_SMTP_PASSWORD": "secret",
        "LEAP_ALERT_EMAIL_FROM": "gate@example.org",
        "LEAP_ALERT_EMAIL_TO": "a@example.org, b@example.org",
        "LEAP_DATA_DOCS": "0",
    }

    config = load_gate_config(environ=environ)

    email = config.alerts.email
    result = (
        config.alerts.sinks,
        config.alerts.webhook.url,
        email.host,
        email.port,
        email.starttls,
        email.username,
        email.sender,
        email.recipients,
        config.alerts.jsonl_path,
        config.data_docs_dir,
    )
    assert result == (
        ("jsonl", "email", "webhook"),
        "http://127.0.0.1:9/hook",
        "mail.example.org",
        2525,
        True,
        "gate",
        "gate@example.org",
        ("a@example.org", "b@example.org"),
        tmp_path.resolve() / "alerts" / "alerts.jsonl",
        None,
    )
    assert "secret" not in repr(config)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda raw: raw["severities"]["county_scores"].update(rank_ok="error"),
            "severities.county_scores.rank_ok names no check of county_scores",
        ),
        (
            lambda raw: raw["severities"]["county_scores"].update(class_consistent="fatal"),
            "severities.county_scores.class_consistent is 'fatal'; expected one of",
        ),
        (
            lambda raw: raw["severities"].update(county_score={}),
            "severities name the table 'county_score', which has no suite",
        ),
        (
            lambda raw: raw["raw_submitted_values"].update(yoy_jump_factor=0.5),
            "yoy_jump_factor is 0.5; expected a number > 1",
        ),
        (
            lambda raw: raw["raw_submitted_values"].update(related_variables=[["gdp"]]),
            r"related_variables has \['gdp'\]; expected \[part, whole\]",
        ),
        (
            lambda raw: raw["alerts"].update(sinks=["jsonl", "pager"]),
            r"alert sinks \['pager'\] unknown",
        ),
        (
            lambda raw: raw["alerts"].update(sinks=["webhook"]),
            "the webhook sink is on but has no URL",
        ),
    ],
    ids=[
        "unknown check",
        "unknown severity",
        "unknown table",
        "jump factor",
        "pair",
        "unknown sink",
        "webhook without url",
    ],
)
def test_a_wrong_configuration_says_what_and_where(change, message, tmp_path: Path):
    path = write_config(tmp_path, change)

    with pytest.raises(ValueError, match=message) as raised:
        load_gate_config(path, environ={})

    assert str(path) in str(raised.value)


def test_check_names_follow_the_configuration(tmp_path: Path):
    path = write_config(
        tmp_path,
        lambda raw: raw["severities"]["raw_submitted_values"].update(year_over_year_jump="error"),
    )

    result = check_names("raw.submitted_values", load_gate_config(path, environ={}))

    assert result["year_over_year_jump"] == "error"
    assert result["values_reported"] == "warning"
    assert list(result)[0] == "schema"
