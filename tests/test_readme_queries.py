"""The README's first queries run as shown against the published mart, from another process,
while a run is rewriting that mart."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import LEAP, PROJECT_ROOT, leap_env

QUERY_RUNNER = """
import sys, duckdb
queries = sys.stdin.read().split(';')
con = duckdb.connect(sys.argv[1], read_only=True)
for query in queries:
    if query.strip():
        rows = con.execute(query).fetchall()
        print(len(rows))
"""


def readme_queries() -> list[str]:
    """The SQL statements of the README's ```sql blocks, in order."""
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sql\n(.*?)```", readme, flags=re.S)
    statements = [part.strip() for block in blocks for part in block.split(";")]
    return [statement for statement in statements if statement]


def run_queries(mart: Path) -> list[int]:
    """Row counts of the README's queries, run in a separate Python process."""
    completed = subprocess.run(
        [sys.executable, "-c", QUERY_RUNNER, str(mart)],
        input=";\n".join(readme_queries()),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    return [int(line) for line in completed.stdout.split()]


def test_the_readme_shows_the_three_first_queries() -> None:
    result = readme_queries()
    assert len(result) == 3
    assert "is_class_leap" in result[0]
    assert "county_code = '130123'" in result[1]


def test_readme_queries_answer_on_the_published_mart(demo_warehouse: Path) -> None:
    leapt, history, drivers = run_queries(demo_warehouse / "mart.duckdb")
    assert leapt > 0
    assert history == 7  # 2018-2024
    assert drivers == 17  # one row per indicator


def test_readme_queries_run_while_a_run_is_publishing(demo_warehouse: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse"
    shutil.copytree(demo_warehouse, warehouse)
    run = subprocess.Popen(
        [str(LEAP), "run", "--years", "2023-2024", "--no-demo"],
        cwd=PROJECT_ROOT,
        env=leap_env(warehouse),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    answered = 0
    try:
        while run.poll() is None:
            assert run_queries(warehouse / "mart.duckdb")[1] == 7
            answered += 1
            time.sleep(0.5)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == 0
    assert answered >= 3, "the run ended before the queries could be tried during it"
