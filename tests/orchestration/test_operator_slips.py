"""An operator's slips, each reproduced with the real `leap` command on a real warehouse in a
temporary folder: a clear one-line error and an exit code that tells, nothing published by
mistake, the mart and its Parquet one version after a kill, a killed run marked failed and
alerted on the next start, and identical runs giving identical marts."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import LEAP, PROJECT_ROOT, copy_warehouse, leap_env, run_leap

EXIT_USAGE = 2


def digests(folder: Path) -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.iterdir())
        if path.is_file()
    }


def alerts(warehouse: Path) -> list[dict]:
    log = warehouse / "alerts" / "alerts.jsonl"
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line]


def test_a_missing_inbox_is_an_error_and_nothing_is_generated(tmp_path: Path) -> None:
    warehouse, inbox = tmp_path / "warehouse", tmp_path / "no_such_inbox"

    completed = run_leap(warehouse, "run", LEAP_INBOX_DIR=str(inbox))

    assert completed.returncode == EXIT_USAGE
    assert f"the inbox {inbox} does not exist" in completed.stderr
    assert "Traceback" not in completed.stderr
    assert not inbox.exists()
    assert not (warehouse / "mart.duckdb").exists()
    assert not (warehouse / "work.duckdb").exists()


@pytest.mark.parametrize(
    ("years", "expected"),
    [
        ("2024-2018", "--years 2024-2018: the range is reversed; did you mean 2018-2024?"),
        ("1999", "--years: 1999 outside the evaluation years 2018-"),
        ("abc", "--years abc: not a year, a range or a list"),
    ],
)
def test_wrong_years_are_a_one_line_error(tmp_path: Path, years: str, expected: str) -> None:
    warehouse = tmp_path / "warehouse"
    year_folder = warehouse / "inbox" / "2020"
    year_folder.mkdir(parents=True)
    (year_folder / "county_form_130102_2020.csv").write_text("a", encoding="utf-8")

    completed = run_leap(warehouse, "run", "--years", years)

    lines = completed.stderr.strip().splitlines()
    assert completed.returncode == EXIT_USAGE
    assert len(lines) == 1 and lines[0].startswith("leap run: ")
    assert expected in lines[0]
    assert not (warehouse / "mart.duckdb").exists()


@pytest.fixture(scope="module")
def killed_during_export(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo warehouse whose correction run was killed (SIGKILL) while it wrote
    the Parquet export of the new mart."""
    warehouse = copy_warehouse(demo_warehouse, tmp_path_factory.mktemp("killed") / "warehouse")
    (warehouse / "digests.json").write_text(
        json.dumps(
            {
                "mart": digests(warehouse)["mart.duckdb"],
                "parquet": digests(warehouse / "mart_parquet"),
            }
        ),
        encoding="utf-8",
    )
    exporting = warehouse / "mart_parquet.publishing"
    run = subprocess.Popen(
        [str(LEAP), "run", "--years", "2024"],
        cwd=PROJECT_ROOT, env=leap_env(warehouse),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        while run.poll() is None and not exporting.exists():
            time.sleep(0.002)
        assert run.poll() is None, "the run ended before its Parquet export could be caught"
        os.kill(run.pid, signal.SIGKILL)
        run.wait(timeout=30)
    finally:
        if run.poll() is None:
            run.kill()
    return warehouse


def test_a_kill_during_the_export_leaves_mart_and_parquet_one_version(
    killed_during_export: Path,
) -> None:
    warehouse = killed_during_export
    before = json.loads((warehouse / "digests.json").read_text(encoding="utf-8"))

    result = {
        "mart": digests(warehouse)["mart.duckdb"],
        "parquet": digests(warehouse / "mart_parquet"),
    }

    assert result == before
    with duckdb.connect(str(warehouse / "mart.duckdb"), read_only=True) as con:
        mart_runs = con.execute("select distinct run_id from publication_log order by 1").fetchall()
        parquet_runs = con.execute(
            f"select distinct run_id from '{warehouse}/mart_parquet/publication_log.parquet' "
            "order by 1"
        ).fetchall()
    assert mart_runs == parquet_runs


def test_a_killed_run_is_marked_failed_and_alerted_on_the_next_start(
    killed_during_export: Path,
) -> None:
    warehouse = killed_during_export
    # the next start: a command that stops early (a wrong year) still takes care of the dead run
    completed = run_leap(warehouse, "run", "--years", "1999")

    assert completed.returncode == EXIT_USAGE
    assert "had died unfinished: marked failed and alerted" in completed.stdout
    assert not (warehouse / "mart_parquet.publishing").exists()
    assert not (warehouse / "mart.duckdb.publishing").exists()
    failed = [alert for alert in alerts(warehouse) if alert["kind"] == "run_failure"]
    assert [alert["partition"] for alert in failed] == ["2024"]
    env = leap_env(warehouse)
    statuses = subprocess.run(
        [str(LEAP.with_name("python")), "-c",
         "import dagster as dg\n"
         "with dg.DagsterInstance.get() as instance:\n"
         "    print(sorted(run.status.value for run in instance.get_runs()))"],
        env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "STARTED" not in statuses
    assert "FAILURE" in statuses


def _mart_differences(first: Path, second: Path, years: list[int]) -> list[tuple[str, int]]:
    """Tables whose rows of `years` (all rows, for tables without years) differ between two
    marts, compared value for value (floating point numbers bit for bit), run ids and
    timestamps aside."""
    stamps = {"run_id", "checked_at", "published_at", "data_docs"}
    differing = []
    with duckdb.connect() as con:
        con.execute(f"attach '{first}' as first (read_only)")
        con.execute(f"attach '{second}' as second (read_only)")
        tables = [row[0] for row in con.execute(
            "select table_name from duckdb_tables() where database_name = 'first'"
        ).fetchall()]  # fmt: skip
        for table in tables:
            columns = [row[0] for row in con.execute(
                "select column_name from duckdb_columns() "
                "where database_name = 'first' and table_name = ?", [table],
            ).fetchall()]  # fmt: skip
            listed = ", ".join(f'"{column}"' for column in columns if column not in stamps)
            where = ""
            if "evaluation_year" in columns:
                where = f"where evaluation_year in ({', '.join(map(str, years))})"
            one = f'select {listed} from first.main."{table}" {where}'
            two = f'select {listed} from second.main."{table}" {where}'
            both_ways = f"({one} except all {two}) union all ({two} except all {one})"
            changed = con.execute(f"select count(*) from ({both_ways})").fetchone()[0]
            if changed:
                differing.append((table, changed))
    return differing


def test_two_identical_runs_give_identical_marts(demo_warehouse: Path, tmp_path: Path) -> None:
    warehouse = copy_warehouse(demo_warehouse, tmp_path / "warehouse")
    years = list(range(2018, 2025))

    completed = run_leap(warehouse, "run")  # the same run again, on the same inputs

    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    result = _mart_differences(demo_warehouse / "mart.duckdb", warehouse / "mart.duckdb", years)
    assert result == []


def test_runs_leave_no_dbt_artifacts_in_the_project(demo_warehouse: Path) -> None:
    target = PROJECT_ROOT / "dbt_project" / "target"
    result = sorted(path.name for path in target.iterdir() if path.is_dir())
    assert result == []
    assert (demo_warehouse / "dbt_target" / "run_results.json").exists()
