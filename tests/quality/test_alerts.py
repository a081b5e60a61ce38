"""Alerts: the JSON-lines log, a real webhook receiver, a real SMTP server, dedupe, privacy."""

from __future__ import annotations

import json
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import pytest

from orchestration.quality import GateContext, alert_run_failure, load_gate_config, run_gate
from tests.quality.conftest import free_port
from tests.quality.factory import (
    CONTACT_NAME,
    CONTACT_PHONE,
    form_file,
    ranked,
    variable_rows,
)


def alerted(warehouse: Path) -> list[dict]:
    """The alerts in the JSON-lines log of a warehouse."""
    log = warehouse / "alerts" / "alerts.jsonl"
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def gate(table: str, frames: dict, year: int = 2021, docs: bool = False):
    """Run a gate with the configuration of the environment (sinks, paths), alerts on."""
    context = GateContext(config=load_gate_config(), run_id="run-1", write_data_docs=docs)
    return run_gate(table, frames, year, context)


def bad_scores(frames, reference) -> dict:
    """county_scores with 正定县's I1 at 6.5 of its 6 points, everything else consistent."""
    scores = frames.scores_2021.copy()
    county = scores["county_code"] == "130123"
    excess = 6.5 - float(scores.loc[county, "points_i1"].iloc[0])
    scores.loc[county, "points_i1"] = 6.5
    scores.loc[county, ["points_input", "total_points"]] += excess
    return frames.scores(ranked(reference, scores))


def bad_summary(frames, class_a_off: int = 1) -> dict:
    summary = frames.summary_2021.copy()
    summary["class_a"] = summary["class_a"] + class_a_off
    return frames.summary(summary)


def test_jsonl_log_names_year_check_county_indicator_value_file_row(warehouse, frames, reference):
    report = gate("county_scores", bad_scores(frames, reference))

    alerts = [a for a in alerted(warehouse) if a["check"] == "points_within_range"]
    assert len(alerted(warehouse)) == len(report.findings) == report.alerts_sent["jsonl"]
    result = {
        key: alerts[0][key]
        for key in (
            "kind",
            "severity",
            "evaluation_year",
            "table",
            "county_code",
            "county_name",
            "variable_or_indicator",
            "value_found",
            "expected",
            "file_name",
            "row_number",
            "run_id",
        )
    }
    assert result == {
        "kind": "quality_gate",
        "severity": "error",
        "evaluation_year": 2021,
        "table": "county_scores",
        "county_code": "130123",
        "county_name": "正定县",
        "variable_or_indicator": "I1",
        "value_found": 6.5,
        "expected": "between 0 and 6 points (seeds/framework.csv)",
        "file_name": form_file("130123", 2020),
        "row_number": variable_rows(reference)["fiscal_st_exp"],
        "run_id": "run-1",
    }
    assert alerts[0]["message"].startswith(
        "2021 county_scores.points_within_range (error): 正定县 (130123), indicator I1: "
        "found 6.5, expected between 0 and 6 points"
    )


def test_same_failure_alerts_once(warehouse, frames):
    first = gate("province_summary", bad_summary(frames))
    again = gate("province_summary", bad_summary(frames))

    assert (first.alerts_sent, again.alerts_sent) == ({"jsonl": 1}, {})
    assert again.alerts_suppressed == {"jsonl": 1}
    assert len(alerted(warehouse)) == 1


def test_changed_or_returning_failure_alerts_again(warehouse, frames):
    gate("province_summary", bad_summary(frames, class_a_off=1))
    changed = gate("province_summary", bad_summary(frames, class_a_off=2))
    fixed = gate("province_summary", frames.summary())
    back = gate("province_summary", bad_summary(frames, class_a_off=2))

    result = [r.alerts_sent for r in (changed, fixed, back)]
    assert result == [{"jsonl": 1}, {}, {"jsonl": 1}]
    assert [a["value_found"] for a in alerted(warehouse)] == [
        int(frames.summary_2021["class_a"].iloc[0]) + off for off in (1, 2, 2)
    ]


def test_webhook_receives_the_alerts_as_json(
    warehouse, frames, webhook_receiver, monkeypatch, reference
):
    url = f"http://127.0.0.1:{webhook_receiver.server_address[1]}/alerts"
    monkeypatch.setenv("LEAP_ALERT_SINKS", "webhook")
    monkeypatch.setenv("LEAP_ALERT_WEBHOOK_URL", url)

    report = gate("county_scores", bad_scores(frames, reference))

    assert report.alerts_sent == {"webhook": 1} and report.alert_errors == {}
    [post] = webhook_receiver.received
    payload = json.loads(post["body"])
    assert (post["path"], post["content_type"]) == ("/alerts", "application/json; charset=utf-8")
    assert payload["subject"].startswith("quality gate 2021 county_scores: publishing is blocked")
    [alert] = payload["alerts"]
    located = {
        key: alert[key]
        for key in ("county_code", "variable_or_indicator", "value_found", "file_name")
    }
    assert located == {
        "county_code": "130123",
        "variable_or_indicator": "I1",
        "value_found": 6.5,
        "file_name": form_file("130123", 2020),
    }
    assert alerted(warehouse) == []  # the JSON-lines log is not on


def test_email_lists_the_located_findings(warehouse, frames, smtp_server, monkeypatch, reference):
    port, mailbox = smtp_server
    monkeypatch.setenv("LEAP_ALERT_SINKS", "email")
    monkeypatch.setenv("LEAP_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("LEAP_SMTP_PORT", str(port))
    monkeypatch.setenv("LEAP_ALERT_EMAIL_TO", "science-office@example.org")

    report = gate("county_scores", bad_scores(frames, reference))

    assert report.alerts_sent == {"email": 1}, report.alert_errors
    [envelope] = mailbox.messages
    message = message_from_bytes(envelope.content, policy=default_policy)
    body = message.get_body(("plain",)).get_content()
    assert envelope.rcpt_tos == ["science-office@example.org"]
    assert message["Subject"] == (
        "[county-leap] quality gate 2021 county_scores: publishing is blocked (1 finding(s))"
    )
    row = variable_rows(reference)["fiscal_st_exp"]
    for line in (
        "1. ERROR",
        "Evaluation year:  2021",
        "Check:            county_scores.points_within_range",
        "County:           正定县 (130123)",
        "Indicator:        I1",
        "Found:            6.5",
        "Expected:         between 0 and 6 points (seeds/framework.csv)",
        f"File:             {form_file('130123', 2020)}, row {row}",
    ):
        assert line in body, body


def test_a_failing_sink_is_retried_and_does_not_stop_the_others(
    warehouse, frames, webhook_receiver, monkeypatch
):
    monkeypatch.setenv("LEAP_ALERT_SINKS", "jsonl,webhook")
    monkeypatch.setenv("LEAP_ALERT_WEBHOOK_URL", f"http://127.0.0.1:{free_port()}/down")
    down = gate("province_summary", bad_summary(frames))
    monkeypatch.setenv(
        "LEAP_ALERT_WEBHOOK_URL", f"http://127.0.0.1:{webhook_receiver.server_address[1]}/up"
    )
    up = gate("province_summary", bad_summary(frames))

    assert down.alerts_sent == {"jsonl": 1}
    assert "webhook" in down.alert_errors and "Connection refused" in down.alert_errors["webhook"]
    assert (up.alerts_sent, up.alert_errors) == ({"webhook": 1}, {})
    assert len(alerted(warehouse)) == 1
    assert len(webhook_receiver.received) == 1


def test_failed_run_alerts_once(warehouse):
    error = "Traceback ...\nValueError: county form of 130123 (联系电话 13912345678) unreadable"

    first = alert_run_failure("run-42", "annual_evaluation", error, "2021")
    again = alert_run_failure("run-42", "annual_evaluation", error, "2021")
    other = alert_run_failure("run-43", "annual_evaluation", "killed", None)

    assert [o.sent for o in (first, again, other)] == [{"jsonl": 1}, {}, {"jsonl": 1}]
    alert = alerted(warehouse)[0]
    result = {key: alert[key] for key in ("kind", "run_id", "job_name", "partition", "severity")}
    assert result == {
        "kind": "run_failure",
        "run_id": "run-42",
        "job_name": "annual_evaluation",
        "partition": "2021",
        "severity": "error",
    }
    assert "13912345678" not in json.dumps(alert) and "[redacted]" in alert["error"]


def test_alerts_never_carry_personal_data(
    warehouse, frames, webhook_receiver, smtp_server, monkeypatch, reference
):
    port, mailbox = smtp_server
    monkeypatch.setenv("LEAP_ALERT_SINKS", "jsonl,webhook,email")
    monkeypatch.setenv(
        "LEAP_ALERT_WEBHOOK_URL", f"http://127.0.0.1:{webhook_receiver.server_address[1]}/"
    )
    monkeypatch.setenv("LEAP_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("LEAP_SMTP_PORT", str(port))
    monkeypatch.setenv("LEAP_ALERT_EMAIL_TO", "ops@example.org")
    raw = frames.raw_2020.copy()
    assert {"contact_name", "contact_phone"} <= set(raw.columns)  # the frames do carry them
    blank = (raw["unit_code"] == "130123") & (raw["variable_code"] == "gdp")
    raw["value"] = raw["value"].astype(object)
    raw.loc[blank, ["value", "raw_text"]] = [None, f"见{CONTACT_PHONE}"]  # a phone in a cell
    raw.loc[raw["unit_code"] == "130126", "value"] = -1.0
    transitions = frames.transitions_2021.copy()
    transitions["score_change"] = transitions["score_change"] + 1

    reports = [
        gate("raw.submitted_values", frames.raw(raw), docs=True),
        gate("county_scores", bad_scores(frames, reference), docs=True),
        gate("county_transitions", frames.transitions(transitions), docs=True),
    ]

    assert all(report.alerts_sent.keys() == {"jsonl", "webhook", "email"} for report in reports)
    texts = [
        (warehouse / "alerts" / "alerts.jsonl").read_text(encoding="utf-8"),
        *(post["body"].decode("utf-8") for post in webhook_receiver.received),
        *(envelope.content.decode("utf-8", "replace") for envelope in mailbox.messages),
        *(
            json.dumps(report.to_metadata(max_findings=10_000), ensure_ascii=False)
            for report in reports
        ),
        *(
            path.read_text(encoding="utf-8", errors="replace")
            for path in (warehouse / "data_docs").rglob("*")
            if path.suffix in {".html", ".json"}
        ),
    ]
    email_text = "".join(
        message_from_bytes(e.content, policy=default_policy).get_body(("plain",)).get_content()
        for e in mailbox.messages
    )
    assert "130126" in email_text  # the alerts were sent, with their detail
    for text in [*texts, email_text]:
        for personal in (CONTACT_NAME, CONTACT_PHONE, "contact_name", "contact_phone"):
            assert personal not in text


def test_email_sink_needs_recipients(warehouse, monkeypatch):
    monkeypatch.setenv("LEAP_ALERT_SINKS", "email")

    with pytest.raises(ValueError, match="email sink is on but has no recipients"):
        load_gate_config()
