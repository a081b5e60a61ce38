"""Fixtures of the demo generator's tests: one clean and one defective inbox per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.demo import DemoManifest, write_demo_inbox

DEFECT_RATE = 0.05


@pytest.fixture(scope="session")
def clean_inbox(tmp_path_factory: pytest.TempPathFactory) -> DemoManifest:
    """The default demo inbox (seed 20240101, data years 2017-2023, no defects)."""
    root = tmp_path_factory.mktemp("clean")
    return write_demo_inbox(root / "inbox")


@pytest.fixture(scope="session")
def defect_inbox(tmp_path_factory: pytest.TempPathFactory) -> DemoManifest:
    """The default demo inbox with defects injected at a realistic rate."""
    root = tmp_path_factory.mktemp("defects")
    return write_demo_inbox(root / "inbox", defect_rate=DEFECT_RATE)


@pytest.fixture(scope="session")
def inbox_root(clean_inbox: DemoManifest) -> Path:
    """The clean inbox folder."""
    return clean_inbox.inbox_dir
