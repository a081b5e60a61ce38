"""Where the pipeline reads and writes, from the environment with working demo defaults.

Read at call time (not import time) so that a test or a second dataset can point the same code
at another warehouse by setting environment variables.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from orchestration.config.seed_files import optional_seeds_environment

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
DEFAULT_DATASET_DIR = PROJECT_ROOT / "seeds"

FIRST_EVALUATION_YEAR = 2018
LAST_EVALUATION_YEAR = 2024


@dataclass(frozen=True)
class Paths:
    """The folders and files of one warehouse."""

    warehouse_dir: Path
    inbox_dir: Path
    dataset_dir: Path
    work_db: Path
    mart_db: Path
    mart_parquet_dir: Path
    alerts_dir: Path
    reports_dir: Path

    def ensure(self) -> Paths:
        """Create the folders the pipeline writes into."""
        for folder in (self.warehouse_dir, self.inbox_dir, self.alerts_dir):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def _path_from_env(name: str, default: Path) -> Path:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser().resolve() if value else default


def current_paths() -> Paths:
    """The paths in force, from `LEAP_*` environment variables or the demo defaults."""
    warehouse = _path_from_env("LEAP_WAREHOUSE_DIR", PROJECT_ROOT / "warehouse")
    return Paths(
        warehouse_dir=warehouse,
        inbox_dir=_path_from_env("LEAP_INBOX_DIR", warehouse / "inbox"),
        dataset_dir=_path_from_env("LEAP_DATASET_DIR", DEFAULT_DATASET_DIR),
        work_db=_path_from_env("LEAP_WORK_DB", warehouse / "work.duckdb"),
        mart_db=_path_from_env("LEAP_MART_DB", warehouse / "mart.duckdb"),
        mart_parquet_dir=_path_from_env("LEAP_MART_PARQUET_DIR", warehouse / "mart_parquet"),
        alerts_dir=_path_from_env("LEAP_ALERTS_DIR", warehouse / "alerts"),
        reports_dir=_path_from_env("LEAP_REPORTS_DIR", warehouse / "reports"),
    )


def export_dbt_environment(paths: Paths | None = None) -> Paths:
    """Put the resolved paths into the environment that dbt's profile and project read."""
    paths = paths or current_paths()
    os.environ["LEAP_WORK_DB"] = str(paths.work_db)
    # The models reading an optional configuration file (award rules, …) need the file.
    os.environ.update(optional_seeds_environment(paths.dataset_dir))
    if paths.dataset_dir != DEFAULT_DATASET_DIR:
        # dbt's default seed path (../seeds) is used otherwise; see
        # dbt_project/macros/noop_statement.sql for why absolute seed paths need care.
        os.environ["LEAP_DATASET_DIR"] = str(paths.dataset_dir)
    return paths


def evaluation_year_range() -> tuple[int, int]:
    """First and last evaluation year the partitions cover (`LEAP_FIRST_YEAR`, `LEAP_LAST_YEAR`)."""
    first = int(os.environ.get("LEAP_FIRST_YEAR", FIRST_EVALUATION_YEAR))
    last = int(os.environ.get("LEAP_LAST_YEAR", LAST_EVALUATION_YEAR))
    return first, last
