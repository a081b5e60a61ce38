"""Fixtures: dataset folders scored by the dbt project into temporary work databases.

Each dbt invocation costs 15-30 s, so a session builds each dataset once (all evaluation years
in one `dbt build`, unit tests included) and the tests read the result.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from orchestration.dataset_values import dbt_command, dbt_environment, load_dataset_values
from tests.engine.datagen import (
    HEBEI_VARIABLES,
    generate_values,
    units_by_data_year,
    write_values_csv,
)
from tests.engine.scenarios import PROJECT_ROOT, copy_hebei_configuration, write_all_methods


@dataclass(frozen=True)
class ScoredDataset:
    """A dataset folder and the work database its marts were built into."""

    folder: Path
    work_db: Path

    def dbt(self, *args: str) -> subprocess.CompletedProcess:
        """Run dbt on this dataset; fails the test with dbt's output when dbt fails."""
        completed = subprocess.run(
            dbt_command(*args, target_dir=self.work_db.parent / "dbt_target"),
            env=dbt_environment(self.folder, self.work_db),
            capture_output=True,
            text=True,
            timeout=600,
        )
        if completed.returncode != 0:
            pytest.fail(f"dbt {' '.join(args)} failed:\n{completed.stdout[-8000:]}")
        return completed

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.work_db), read_only=True) as con:
            return con.execute(sql).fetchall()


def scored(folder: Path, work_dir: Path, *build_args: str) -> ScoredDataset:
    """Load the folder's values.csv into a fresh work database and build every year."""
    work_db = work_dir / "work.duckdb"
    with duckdb.connect(str(work_db)) as con:
        load_dataset_values(con, folder)
    dataset = ScoredDataset(folder, work_db)
    dataset.dbt("build", "--full-refresh", *build_args)
    return dataset


@pytest.fixture(scope="session")
def all_methods(tmp_path_factory: pytest.TempPathFactory) -> ScoredDataset:
    """The generated scenario whose methodology versions select every method; its build runs
    the dbt unit tests too."""
    work_dir = tmp_path_factory.mktemp("all_methods")
    return scored(write_all_methods(work_dir / "dataset"), work_dir)


@pytest.fixture(scope="session")
def hebei(tmp_path_factory: pytest.TempPathFactory) -> ScoredDataset:
    """Hebei's configuration (seeds/) with generated values for data years 2017-2023, complete
    (as the demo's submissions are), so that the demo's reference scoring applies."""
    work_dir = tmp_path_factory.mktemp("hebei")
    folder = copy_hebei_configuration(work_dir / "dataset")
    units = units_by_data_year(folder / "units.csv", range(2017, 2024))
    values = generate_values(units, HEBEI_VARIABLES, seed=11, missing_rate=0.0, zero_rate=0.0)
    write_values_csv(values, folder / "values.csv")
    return scored(folder, work_dir, "--exclude-resource-type", "unit_test")


@pytest.fixture(scope="session")
def regional_example(tmp_path_factory: pytest.TempPathFactory) -> ScoredDataset:
    """The second example scoreboard shipped in datasets/, scored by the documented one command
    (`python -m orchestration.dataset_values run DIR --warehouse WAREHOUSE`)."""
    warehouse = tmp_path_factory.mktemp("regional_example")
    folder = PROJECT_ROOT / "datasets" / "regional_scoreboard_example"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "orchestration.dataset_values",
            "run",
            str(folder),
            "--warehouse",
            str(warehouse),
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if completed.returncode != 0:
        pytest.fail(
            f"the dataset run failed:\n{completed.stdout[-6000:]}\n{completed.stderr[-3000:]}"
        )
    return ScoredDataset(folder, warehouse / "work.duckdb")
