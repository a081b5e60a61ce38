"""Fixtures: dataset folders scored by the real dbt project into temporary work databases.

`two_versions` is Hebei's configuration with a second methodology version, `hebei_v2`, in force
from evaluation year 2024 with other class cut-offs, and the demo's clean values as values.csv;
dbt builds every year of it once per session (15-40 s). `regional_config` is the second
example scoreboard (no award rules, no published results, a units.csv without the optional
columns) with only its seeds and staging configuration models built.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from orchestration.dataset_values import build, dbt_command, dbt_environment, load_dataset_values
from orchestration.demo import write_demo_inbox

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SECOND_VERSION = "hebei_v2"
SECOND_VERSION_FROM = 2024
# hebei_v1's cut-offs are A >= 80, B >= 60 (seeds/class_cutoffs.csv); hebei_v2 raises them.
SECOND_VERSION_CUTOFFS = (("A", 85.0, 1), ("B", 65.0, 2), ("C", 0.0, 3))


@dataclass(frozen=True)
class Warehouse:
    """A dataset folder and the work database dbt built from it."""

    folder: Path
    work_db: Path

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.work_db), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()


def read_rows(path: Path) -> list[dict[str, str]]:
    """A CSV file's rows as text, the way the test states what a seed says."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def add_second_version(folder: Path) -> None:
    """End hebei_v1 with 2023 and add hebei_v2 from 2024: the same framework, indicators and
    goalposts, other class cut-offs."""
    methodology = read_rows(folder / "methodology.csv")
    first = methodology[0]
    first["last_evaluation_year"] = str(SECOND_VERSION_FROM - 1)
    second = {
        **first,
        "methodology_version": SECOND_VERSION,
        "first_evaluation_year": str(SECOND_VERSION_FROM),
        "last_evaluation_year": "",
        "description": "hebei_v1 with classes A >= 85, B >= 65",
    }
    write_rows(folder / "methodology.csv", [first, second])
    for name in ("framework", "indicators", "goalposts"):
        rows = read_rows(folder / f"{name}.csv")
        copies = [{**row, "methodology_version": SECOND_VERSION} for row in rows]
        write_rows(folder / f"{name}.csv", rows + copies)
    cutoffs = read_rows(folder / "class_cutoffs.csv")
    cutoffs += [
        {
            "methodology_version": SECOND_VERSION,
            "class_code": code,
            "min_score": str(score),
            "class_rank": str(rank),
        }
        for code, score, rank in SECOND_VERSION_CUTOFFS
    ]
    write_rows(folder / "class_cutoffs.csv", cutoffs)


def write_demo_values(folder: Path, scratch: Path) -> None:
    """The demo's clean values of data years 2017-2023 as the folder's values.csv."""
    manifest = write_demo_inbox(scratch / "inbox")
    values = manifest.clean_values().select("unit_code", "data_year", "variable_code", "value")
    values.write_csv(folder / "values.csv")


@pytest.fixture(scope="session")
def two_versions(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """Hebei with hebei_v2 from 2024, every evaluation year built by `dbt build`."""
    root = tmp_path_factory.mktemp("two_versions")
    folder = root / "dataset"
    shutil.copytree(PROJECT_ROOT / "seeds", folder)
    add_second_version(folder)
    write_demo_values(folder, root)
    work_db = root / "work.duckdb"
    with duckdb.connect(str(work_db)) as con:
        load_dataset_values(con, folder)
    build(folder, work_db)
    return Warehouse(folder, work_db)


@pytest.fixture(scope="session")
def regional_config(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """The regional example's seeds and staging configuration models, built by dbt."""
    root = tmp_path_factory.mktemp("regional_config")
    folder = PROJECT_ROOT / "datasets" / "regional_scoreboard_example"
    work_db = root / "work.duckdb"
    completed = subprocess.run(
        dbt_command(
            "build",
            "--select",
            "+staging.config",
            "--indirect-selection",
            "cautious",
            target_dir=root / "dbt_target",
        ),
        env=dbt_environment(folder, work_db),
        capture_output=True,
        text=True,
        timeout=600,
    )
    if completed.returncode != 0:
        pytest.fail(f"dbt build of the configuration failed:\n{completed.stdout[-6000:]}")
    return Warehouse(folder, work_db)
