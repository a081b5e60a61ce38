"""The quality gate inside the annual run: an error blocks publishing and leaves the published
mart byte for byte as it was; a warning publishes; both alert with the located detail."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.conftest import run_leap

YEAR, DATA_YEAR = 2024, 2023


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def alerts(warehouse: Path) -> list[dict]:
    log = warehouse / "alerts" / "alerts.jsonl"
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line]


def resubmit(warehouse: Path, variable: str, transform) -> tuple[str, str, int]:
    """Drop a corrected UTF-8 county form whose `variable` value is changed by `transform`;
    returns (county_code, file name, row number)."""
    inbox = warehouse / "inbox" / str(DATA_YEAR)
    for original in sorted(inbox.glob("county_form_*.csv")):
        raw = original.read_bytes()
        if not raw.startswith(b"\xef\xbb\xbf"):
            continue
        lines = raw.decode("utf-8-sig").splitlines()
        for index, line in enumerate(lines):
            cells = line.split(",")
            if cells[0] == variable:
                cells[3] = transform(cells[3])
                lines[index] = ",".join(cells)
                corrected = inbox / f"{original.stem}_corrected.csv"
                corrected.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
                later = original.stat().st_mtime + 86_400
                os.utime(corrected, (later, later))
                return original.stem.split("_")[2], corrected.name, index + 1
    raise AssertionError(f"no UTF-8 county form in {inbox}")


@pytest.fixture()
def warehouse(demo_warehouse: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "warehouse"
    shutil.copytree(demo_warehouse, copy, ignore=shutil.ignore_patterns("*.wal"))
    return copy


def test_an_error_blocks_publishing_and_leaves_the_mart_untouched(warehouse: Path) -> None:
    mart = warehouse / "mart.duckdb"
    before = digest(mart)
    county, file_name, row = resubmit(warehouse, "hte_count", lambda text: "-" + text)

    completed = run_leap(warehouse, "run", "--years", str(YEAR), "--no-demo")

    assert completed.returncode == 1, completed.stdout[-3000:]
    assert f"{YEAR}: NOT published" in completed.stdout
    assert digest(mart) == before
    located = [
        alert
        for alert in alerts(warehouse)
        if alert["kind"] == "quality_gate"
        and alert["evaluation_year"] == YEAR
        and alert["county_code"] == county
        and alert["variable_or_indicator"] == "hte_count"
    ]
    assert located, f"no alert for {county} hte_count in {alerts(warehouse)[-5:]}"
    assert located[0]["severity"] == "error"
    assert located[0]["file_name"] == file_name
    assert located[0]["row_number"] == row
    failed_runs = [alert for alert in alerts(warehouse) if alert["kind"] == "run_failure"]
    assert failed_runs and failed_runs[-1]["partition"] == str(YEAR)
    with duckdb.connect(str(warehouse / "work.duckdb"), read_only=True) as con:
        status = con.execute(
            "select status from marts.data_quality_status "
            "where evaluation_year = ? and gated_table = 'raw_submitted_values'",
            [YEAR],
        ).fetchone()
    assert status == ("blocked",)


def test_a_warning_publishes_and_alerts(warehouse: Path) -> None:
    county, file_name, _ = resubmit(
        warehouse, "tech_contract", lambda text: f"{float(text) * 20:.2f}"
    )

    completed = run_leap(warehouse, "run", "--years", str(YEAR), "--no-demo")

    assert completed.returncode == 0, completed.stdout[-3000:]
    jumps = [
        alert
        for alert in alerts(warehouse)
        if alert["evaluation_year"] == YEAR
        and alert["county_code"] == county
        and alert["severity"] == "warning"
        and alert["variable_or_indicator"] == "tech_contract"
    ]
    assert jumps and jumps[0]["file_name"] == file_name
    with duckdb.connect(str(warehouse / "mart.duckdb"), read_only=True) as con:
        status = con.execute(
            "select status from data_quality_status "
            "where evaluation_year = ? and gated_table = 'raw_submitted_values'",
            [YEAR],
        ).fetchone()
    assert status == ("warnings",)
