"""The command line `python -m orchestration.demo`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from orchestration.demo.__main__ import main, parse_years

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_cli_writes_inbox_and_manifests(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    inbox = tmp_path / "inbox"
    assert main(["--inbox", str(inbox), "--years", "2020-2021", "--defect-rate", "0.02"]) == 0
    out = capsys.readouterr().out
    assert sorted(p.name for p in inbox.iterdir()) == ["2020", "2021"]
    manifests = tmp_path / "demo_manifests"
    assert (manifests / "defects_2020.csv").read_text(encoding="utf-8").startswith("data_year,")
    assert (manifests / "expected_province_summary.csv").exists()
    assert "2021    167      32 /     32*" in out


def test_cli_runs_as_a_module(tmp_path: Path) -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "orchestration.demo",
            "--inbox",
            str(tmp_path / "inbox"),
            "--years",
            "2023",
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert "2024    167      82 /     82*" in completed.stdout
    assert len(list((tmp_path / "inbox" / "2023").iterdir())) > 50


@pytest.mark.parametrize(
    ("text", "expected"), [("2017-2023", range(2017, 2024)), ("2019", range(2019, 2020))]
)
def test_parse_years(text: str, expected: range) -> None:
    assert parse_years(text) == expected


def test_cli_rejects_years_without_targets(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        main(["--inbox", str(tmp_path / "inbox"), "--years", "2010-2012"])
