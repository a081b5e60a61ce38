"""The folders and files of one warehouse, and their demo defaults.

Domain libraries take a `Paths` (or single paths) as arguments; only the Dagster wiring
(`orchestration/defs/resources.py`, from `LEAP_*` variables) and the command line build one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from orchestration.config.seed_files import optional_seeds_environment

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
DEFAULT_DATASET_DIR = PROJECT_ROOT / "seeds"
DEFAULT_WAREHOUSE_DIR = PROJECT_ROOT / "warehouse"

# Each path of a warehouse: its LEAP_* variable and its default below the warehouse folder
# (None: not below the warehouse).
PATH_VARIABLES = {
    "inbox_dir": ("LEAP_INBOX_DIR", "inbox"),
    "dataset_dir": ("LEAP_DATASET_DIR", None),
    "work_db": ("LEAP_WORK_DB", "work.duckdb"),
    "mart_db": ("LEAP_MART_DB", "mart.duckdb"),
    "mart_parquet_dir": ("LEAP_MART_PARQUET_DIR", "mart_parquet"),
    "alerts_dir": ("LEAP_ALERTS_DIR", "alerts"),
    "reports_dir": ("LEAP_REPORTS_DIR", "reports"),
}


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

    @property
    def logs_dir(self) -> Path:
        """The run logs (Dagster and dbt, in full)."""
        return self.warehouse_dir / "logs"

    @property
    def dbt_target_dir(self) -> Path:
        """dbt's artifacts of the last build (compiled SQL, run results), replaced each run."""
        return self.warehouse_dir / "dbt_target"

    @property
    def uses_default_dataset(self) -> bool:
        return self.dataset_dir == DEFAULT_DATASET_DIR

    def ensure_output_dirs(self) -> Paths:
        """Create the folders the pipeline writes into (never the inbox: a missing inbox is an
        operator's mistake to report, not a folder to create)."""
        for folder in (self.warehouse_dir, self.alerts_dir, self.logs_dir):
            folder.mkdir(parents=True, exist_ok=True)
        return self

    def dbt_environment(self) -> dict[str, str]:
        """The variables dbt's profile and project read (dbt_project/profiles.yml and
        dbt_project.yml): the working database, the dataset folder, and which optional
        configuration files the folder holds (the models reading one are built only then)."""
        environment = {
            "LEAP_WORK_DB": str(self.work_db),
            **optional_seeds_environment(self.dataset_dir),
        }
        if not self.uses_default_dataset:
            # dbt's default seed path (../seeds) is used otherwise; see
            # dbt_project/macros/noop_statement.sql for why absolute seed paths need care.
            environment["LEAP_DATASET_DIR"] = str(self.dataset_dir)
        return environment


def _resolved(value: str | Path) -> Path:
    return Path(value).expanduser().resolve()


def build_paths(warehouse_dir: str | Path | None = None, **overrides: str | Path | None) -> Paths:
    """A warehouse's paths: each given one (resolved), else its default below the warehouse."""
    warehouse = _resolved(warehouse_dir) if warehouse_dir else DEFAULT_WAREHOUSE_DIR
    unknown = set(overrides) - set(PATH_VARIABLES)
    if unknown:
        raise TypeError(f"unknown warehouse paths: {sorted(unknown)}")
    resolved: dict[str, Path] = {}
    for name, (_, below) in PATH_VARIABLES.items():
        value = overrides.get(name)
        if value:
            resolved[name] = _resolved(value)
        else:
            resolved[name] = warehouse / below if below else DEFAULT_DATASET_DIR
    return Paths(warehouse_dir=warehouse, **resolved)


def paths_from_environment(environ: Mapping[str, str] | None = None) -> Paths:
    """The paths set by `LEAP_*` variables, with the demo defaults (for the command line and the
    benchmarks; the Dagster assets get theirs from the `warehouse` resource)."""
    environ = os.environ if environ is None else environ
    overrides = {
        name: environ.get(variable, "").strip() or None
        for name, (variable, _) in PATH_VARIABLES.items()
    }
    return build_paths(environ.get("LEAP_WAREHOUSE_DIR", "").strip() or None, **overrides)


def current_paths() -> Paths:
    """The paths in force from the environment (kept for callers not yet given their paths)."""
    return paths_from_environment()


@contextmanager
def dbt_environment(paths: Paths) -> Iterator[None]:
    """The variables dbt's profile and project read, set for one in-process invocation and
    restored afterwards (dbt reads them from the process environment)."""
    wanted: dict[str, str | None] = {"LEAP_DATASET_DIR": None, **paths.dbt_environment()}
    saved = {name: os.environ.get(name) for name in wanted}
    try:
        for name, value in wanted.items():
            if value is None:  # dbt's default (the repository's seeds/)
                os.environ.pop(name, None)
            else:  # an empty LEAP_OPTIONAL_SEEDS says "none of the optional files"
                os.environ[name] = value
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
