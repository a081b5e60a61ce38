"""Fixtures of the ingestion tests: the project's seeds, an inbox folder, a fixed receipt time."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest

from orchestration.ingest import IngestResult, read_inbox_year

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# INGEST_TEST_SEEDS points the tests at another seeds folder (e.g. a copy of the committed seeds).
SEEDS = Path(os.environ.get("INGEST_TEST_SEEDS", PROJECT_ROOT / "seeds"))
YEAR = 2021
RECEIVED = datetime(2022, 3, 1, 9, 30)


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """An inbox folder with an empty folder for data year 2021."""
    (tmp_path / "inbox" / str(YEAR)).mkdir(parents=True)
    return tmp_path / "inbox"


def year_dir(inbox: Path, year: int = YEAR) -> Path:
    path = inbox / str(year)
    path.mkdir(parents=True, exist_ok=True)
    return path


def read(inbox: Path, year: int = YEAR) -> IngestResult:
    """read_inbox_year with the test seeds and a fixed receipt time."""
    return read_inbox_year(inbox, year, SEEDS, received_at=RECEIVED)
