"""Fixtures of the quality gate's tests: the gate frames of a real warehouse, local servers."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from expectations import GATED_TABLES
from orchestration.quality import read_gate_frame

YEAR = 2024


@pytest.fixture(scope="session")
def gate_frames(demo_warehouse: Path) -> dict[str, pd.DataFrame]:
    """The gate frames (dbt models quality.gate_<table>) of the demo's last evaluation year."""
    with duckdb.connect(str(demo_warehouse / "work.duckdb"), read_only=True) as con:
        return {table: read_gate_frame(con, table, [YEAR]) for table in GATED_TABLES}


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
