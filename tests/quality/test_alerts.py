"""The checkpoint's actions alert every new finding to a real SMTP server, a real HTTP receiver
and the JSON-lines log, once each, and write the Data Docs under the warehouse."""

from __future__ import annotations

import json
from email import message_from_bytes, policy
from pathlib import Path

import pandas as pd

from orchestration.quality import load_gate_config, run_gates
from tests.quality.conftest import YEAR


def _negative(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    frame = frame.copy()
    row = frame.index[frame["variable_code"] == "hte_count"][0]
    frame.loc[row, "value"] = -3.0
    return frame, frame.loc[row]


def test_findings_reach_every_sink_once(
    gate_frames: dict[str, pd.DataFrame], tmp_path: Path, webhook_receiver, smtp_server
) -> None:
    port, mailbox = smtp_server
    environ = {
        "LEAP_ALERT_SINKS": "jsonl,webhook,email",
        "LEAP_ALERT_WEBHOOK_URL": f"http://127.0.0.1:{webhook_receiver.server_port}/alerts",
        "LEAP_SMTP_HOST": "127.0.0.1",
        "LEAP_SMTP_PORT": str(port),
        "LEAP_ALERT_EMAIL_TO": "office@example.org",
    }
    config = load_gate_config(tmp_path, environ=environ)
    frame, row = _negative(gate_frames["raw_submitted_values"])

    (first,) = run_gates({"raw_submitted_values": frame}, [YEAR], config, "run-1")
    (again,) = run_gates({"raw_submitted_values": frame}, [YEAR], config, "run-2")

    logged = [
        json.loads(line)
        for line in (tmp_path / "alerts" / "alerts.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    result = [
        (a["rule"], a["county_code"], a["file_name"], a["row_number"], a["value_found"])
        for a in logged
    ]
    expected = [
        ("no_negative_values", row["county_code"], row["file_name"], int(row["row_number"]), -3)
    ]
    assert result == expected
    posted = json.loads(webhook_receiver.received[0]["body"])
    assert [a["fingerprint"] for a in posted["alerts"]] == [logged[0]["fingerprint"]]
    assert len(webhook_receiver.received) == 1 and len(mailbox.messages) == 1
    body = message_from_bytes(mailbox.messages[0].content, policy=policy.default).get_content()
    assert row["county_name"] in body and row["file_name"] in body
    assert first.status(YEAR) == again.status(YEAR) == "blocked"
    page = first.data_docs
    assert page.startswith("data_docs/") and (tmp_path / page).is_file()
