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


def county_total(mart: Path, county: str) -> float:
    with duckdb.connect(str(mart), read_only=True) as con:
        return con.execute(
            "select total_points from county_scores where evaluation_year = ? and county_code = ?",
            [YEAR, county],
        ).fetchone()[0]


def gate_status(warehouse: Path, gated_table: str) -> tuple | None:
    with duckdb.connect(str(warehouse / "work.duckdb"), read_only=True) as con:
        return con.execute(
            "select status from marts.data_quality_status "
            "where evaluation_year = ? and gated_table = ?",
            [YEAR, gated_table],
        ).fetchone()


def test_an_error_blocks_publishing_until_the_file_is_withdrawn(warehouse: Path) -> None:
    """Blocked: the mart stays byte for byte as it was; withdrawn: the year publishes."""
    mart = warehouse / "mart.duckdb"
    before = digest(mart)
    county, file_name, row = resubmit(warehouse, "hte_count", lambda text: "-" + text)
    total = county_total(mart, county)

    blocked = run_leap(warehouse, "run", "--years", str(YEAR), "--no-demo")
    mart_when_blocked = digest(mart)
    status_when_blocked = gate_status(warehouse, "raw_submitted_values")
    withdrawn = run_leap(warehouse, "withdraw", file_name)
    published = run_leap(warehouse, "run", "--years", str(YEAR), "--no-demo")

    assert blocked.returncode == 1, blocked.stdout[-3000:]
    assert mart_when_blocked == before
    assert status_when_blocked == ("blocked",)
    assert f"{YEAR}: NOT published" in blocked.stdout
    assert "blocked by no_negative_values" in blocked.stdout
    located = [
        (alert["severity"], alert["file_name"], alert["row_number"])
        for alert in alerts(warehouse)
        if alert["kind"] == "quality_gate"
        and alert["rule"] == "no_negative_values"
        and alert["county_code"] == county
        and alert["variable_or_indicator"] == "hte_count"
    ]
    assert located == [("error", file_name, row)]
    failed_runs = [alert for alert in alerts(warehouse) if alert["kind"] == "run_failure"]
    assert failed_runs and failed_runs[-1]["partition"] == str(YEAR)
    assert withdrawn.returncode == 0, withdrawn.stdout
    assert published.returncode == 0, published.stdout[-3000:]
    assert county_total(mart, county) == total
    with duckdb.connect(str(mart), read_only=True) as con:
        statuses = con.execute(
            "select gated_table, status from data_quality_status where evaluation_year = ? "
            "order by 1",
            [YEAR],
        ).fetchall()
    assert {status for _, status in statuses} == {"passed"} and len(statuses) == 5


def test_an_unreadable_correction_blocks_until_removed_and_names_the_file(
    warehouse: Path,
) -> None:
    inbox = warehouse / "inbox" / str(DATA_YEAR)
    broken = inbox / "county_form_130123_2023_更正.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")

    blocked = run_leap(warehouse, "run", "--years", str(YEAR), "--no-demo")
    receipt = warehouse / "alerts" / "receipts" / str(DATA_YEAR) / f"{broken.name}.txt"
    receipt_when_blocked = receipt.read_text(encoding="utf-8")
    broken.unlink()
    published = run_leap(warehouse, "run", "--years", str(YEAR), "--no-demo")

    assert blocked.returncode == 1, blocked.stdout[-3000:]
    named = [
        alert
        for alert in alerts(warehouse)
        if alert.get("rule") == "ingest_errors" and alert["file_name"] == broken.name
    ]
    assert [alert["severity"] for alert in named] == ["error"]
    assert "已退回" in receipt_when_blocked
    assert published.returncode == 0, published.stdout[-3000:] + published.stderr[-3000:]
    assert "已撤回（已从收件箱移除）" in receipt.read_text(encoding="utf-8")


def test_delivering_the_original_again_makes_it_current(warehouse: Path) -> None:
    county, file_name, _ = resubmit(warehouse, "hte_count", lambda text: "-" + text)
    inbox = warehouse / "inbox" / str(DATA_YEAR)
    original = inbox / file_name.replace("_corrected", "")
    blocked = run_leap(warehouse, "run", "--years", str(YEAR), "--no-demo")
    later = (inbox / file_name).stat().st_mtime + 86_400
    os.utime(original, (later, later))

    published = run_leap(warehouse, "run", "--years", str(YEAR), "--no-demo")

    assert (blocked.returncode, published.returncode) == (1, 0), published.stdout[-3000:]


PROBE_NAME, PROBE_PHONE = "郭超建", "13395059950"


def _texts_of_database(path: Path, skip_schema: str | None = None) -> str:
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() union all "
            "select schema_name, view_name from duckdb_views() where not internal"
        ).fetchall()
        texts = []
        for schema, table in tables:
            if schema == skip_schema:
                continue
            texts.append(str(con.execute(f'select * from "{schema}"."{table}"').fetchall()))
    return "".join(texts)


def test_the_contact_probe_stays_in_raw(warehouse: Path) -> None:
    probe = f"见附件，联系人{PROBE_NAME} {PROBE_PHONE}"
    resubmit(warehouse, "tech_contract", lambda text: probe)
    inbox = warehouse / "inbox" / str(DATA_YEAR)
    header = next(inbox.glob("*_corrected.csv"))
    text = header.read_text(encoding="utf-8-sig").splitlines()
    text[2] = f"统计年度,{DATA_YEAR},填报人,{PROBE_NAME},联系电话,{PROBE_PHONE}"
    header.write_text("\ufeff" + "\n".join(text) + "\n", encoding="utf-8")

    completed = run_leap(warehouse, "run", "--years", str(YEAR), "--no-demo")

    downstream = [
        completed.stdout,
        completed.stderr,
        _texts_of_database(warehouse / "work.duckdb", skip_schema="raw"),
        _texts_of_database(warehouse / "mart.duckdb"),
    ]
    for folder in ("alerts", "data_docs", "mart_parquet", "dagster_home"):
        for path in (warehouse / folder).rglob("*"):
            if path.is_file() and path.suffix not in {".duckdb", ".wal"}:
                downstream.append(path.read_bytes().decode("utf-8", errors="ignore"))
    with duckdb.connect(str(warehouse / "work.duckdb"), read_only=True) as con:
        in_raw = con.execute(
            "select count(*) from raw.submitted_values where raw_text like ?", [f"%{PROBE_PHONE}%"]
        ).fetchone()[0]
    assert in_raw >= 1
    leaks = [
        part[max(0, part.find(word) - 80) : part.find(word) + 40]
        for part in downstream
        for word in (PROBE_NAME, PROBE_PHONE)
        if word in part
    ]
    assert leaks == []


def test_a_warning_publishes_and_alerts(warehouse: Path) -> None:
    county, file_name, _ = resubmit(
        warehouse, "tech_contract", lambda text: f"{float(text) * 20:.2f}"
    )

    completed = run_leap(warehouse, "run", "--years", str(YEAR), "--no-demo")

    assert completed.returncode == 0, completed.stdout[-3000:]
    jumps = [
        alert
        for alert in alerts(warehouse)
        if alert.get("evaluation_year") == YEAR
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


def _form_as(inbox: Path, code: str, name: str, **header: str) -> str:
    """The text of county `code`'s UTF-8 form with its header block's cells changed:
    `unit_name`, `unit_code`, `data_year` (the file itself is taken out of the inbox)."""
    original = inbox / f"county_form_{code}_{DATA_YEAR}.csv"
    lines = original.read_text(encoding="utf-8-sig").splitlines()
    original.unlink()
    unit = lines[1].split(",")
    unit[1], unit[3] = header.get("unit_name", name), header.get("unit_code", code)
    year = lines[2].split(",")
    year[1] = header.get("data_year", str(DATA_YEAR))
    lines[1:3] = [",".join(unit), ",".join(year)]
    return "\ufeff" + "\n".join(lines) + "\n"


def test_alerts_name_the_file_and_cause_of_counties_without_a_usable_file(
    warehouse: Path,
) -> None:
    inbox = warehouse / "inbox" / str(DATA_YEAR)
    # 桥西区 is the name of 130104 and of 130703: without its code the file is ambiguous
    ambiguous = inbox / "桥西区报表.csv"
    ambiguous.write_text(_form_as(inbox, "130104", "桥西区", unit_code=""), encoding="utf-8")
    wrong_year = inbox / "裕华区报表.csv"  # 裕华区's only file is for another year
    wrong_year.write_text(_form_as(inbox, "130108", "裕华区", data_year="2021"), encoding="utf-8")
    unknown = inbox / "未知县报表.csv"  # a code and name of no county
    unknown.write_text(
        _form_as(inbox, "130121", "井陉县", unit_name="不存在县", unit_code="139999"),
        encoding="utf-8",
    )

    blocked = run_leap(warehouse, "run", "--years", str(YEAR), "--no-demo")
    first = [a for a in alerts(warehouse) if a["kind"] == "quality_gate"]
    again = run_leap(warehouse, "run", "--years", str(YEAR), "--no-demo")
    second = [a for a in alerts(warehouse) if a["kind"] == "quality_gate"]

    assert (blocked.returncode, again.returncode) == (1, 1), blocked.stdout[-3000:]
    missing = {a["county_code"]: a["cause"] for a in first if a["rule"] == "units_complete"}
    result = {
        county: [file.name for file in (ambiguous, wrong_year, unknown) if file.name in cause]
        for county, cause in missing.items()
    }
    # a file whose county is known by name or code names that county; one of no county is
    # named among the year's unidentified files for every county without a file
    expected = {"130104": [ambiguous.name], "130108": [wrong_year.name]}
    assert {c: result.get(c) for c in expected} == expected, missing
    assert unknown.name in result.get("130121", []), missing
    ingest_errors = sorted(
        (a["file_name"], a["cause"].split("（")[0]) for a in first if a["rule"] == "ingest_errors"
    )
    assert {name for name, _ in ingest_errors} == {ambiguous.name, wrong_year.name, unknown.name}
    assert len(ingest_errors) == len(set(ingest_errors))  # each problem alerted once
    assert {"ambiguous_unit", "wrong_year", "unknown_unit"} <= {code for _, code in ingest_errors}
    assert [a["message"] for a in first if "second row" in a["message"]] == []
    unlocated = [a["message"] for a in first if not (a["file_name"] or "无（" in a["message"])]
    assert unlocated == []
    assert second == first  # nothing new: every finding was alerted once
