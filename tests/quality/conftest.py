"""Fixtures of the quality gate's tests: realistic frames, a temporary warehouse, local servers."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from expectations.reference import Reference
from orchestration.quality import GateContext, GateReport, load_gate_config, run_gate
from tests.quality import factory


@dataclass(frozen=True)
class Frames:
    """Clean frames of evaluation year 2021 (data year 2020, 167 units) and the year before."""

    raw_2020: pd.DataFrame
    raw_2019: pd.DataFrame
    scores_2020: pd.DataFrame
    scores_2021: pd.DataFrame
    transitions_2021: pd.DataFrame
    summary_2021: pd.DataFrame
    lineage_2021: pd.DataFrame

    def raw(self, current: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
        return {
            "submitted_values": self.raw_2020 if current is None else current,
            "previous_submitted_values": self.raw_2019,
        }

    def scores(self, scores: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
        return {
            "county_scores": self.scores_2021 if scores is None else scores,
            "lineage": self.lineage_2021,
        }

    def transitions(self, transitions: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
        return {
            "county_transitions": self.transitions_2021 if transitions is None else transitions,
            "county_scores": pd.concat([self.scores_2020, self.scores_2021], ignore_index=True),
            "lineage": self.lineage_2021,
        }

    def summary(self, summary: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
        return {
            "province_summary": self.summary_2021 if summary is None else summary,
            "county_scores": self.scores_2021,
            "county_transitions": self.transitions_2021,
        }


@pytest.fixture(scope="session")
def reference() -> Reference:
    """The seeds, cut to the methodology version of evaluation year 2021."""
    return Reference.load().for_evaluation_year(2021)


@pytest.fixture(scope="session")
def frames(reference: Reference) -> Frames:
    scores_2020 = factory.county_scores(reference, 2020)
    scores_2021 = factory.county_scores(reference, 2021)
    transitions = factory.county_transitions(reference, scores_2021, scores_2020)
    raw_2020 = factory.submitted_values(reference, 2020)
    return Frames(
        raw_2020=raw_2020,
        raw_2019=factory.submitted_values(reference, 2019),
        scores_2020=scores_2020,
        scores_2021=scores_2021,
        transitions_2021=transitions,
        summary_2021=factory.province_summary(scores_2021, transitions),
        lineage_2021=factory.lineage(reference, raw_2020),
    )


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary warehouse; no LEAP_* setting of the caller's environment leaks in."""
    import os

    for name in [name for name in os.environ if name.startswith("LEAP_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("LEAP_WAREHOUSE_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture(scope="session")
def run_quiet() -> Callable[..., GateReport]:
    """Run a gate that neither alerts nor writes Data Docs, with gate.yaml as committed."""
    config = load_gate_config(environ={})

    def run(
        table: str, frames: dict[str, pd.DataFrame], evaluation_year: int = 2021, **context: Any
    ) -> GateReport:
        context = {
            "config": config,
            "run_id": "test",
            "send_alerts": False,
            "write_data_docs": False,
            **context,
        }
        return run_gate(table, frames, evaluation_year, GateContext(**context))

    return run


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _WebhookHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append(  # type: ignore[attr-defined]
            {"path": self.path, "content_type": self.headers["Content-Type"], "body": body}
        )
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def webhook_receiver() -> Iterator[ThreadingHTTPServer]:
    """A real HTTP server on localhost collecting the POSTs it receives (`.received`)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _WebhookHandler)
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


class _Mailbox:
    def __init__(self) -> None:
        self.messages: list[object] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, _Mailbox]]:
    """A real SMTP server on localhost (aiosmtpd); yields its port and its mailbox."""
    from aiosmtpd.controller import Controller

    mailbox = _Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, mailbox
    controller.stop()
