"""The configuration's seed files, loaded the way dbt loads them: the bootstrap of the
configuration for when no warehouse exists yet.

The configuration is a folder of CSV files (the dbt seeds of `LEAP_DATASET_DIR`, default
`seeds/`). dbt loads them once per run (`dbt seed`, typed by the seed config in
`dbt_project/dbt_project.yml`) and the staging models `models/staging/config/stg_config__*.sql`
select, rename, default and document them; everything else reads those staging tables
(`orchestration.config.configuration`). Some readers run before dbt has ever run: the demo
generator writes the inbox before the first run, the ingestion reads the unit registry before
the run seeds it, and the partitions need the evaluation years when the code location is
imported. For them this module builds the same staging tables in an in-memory DuckDB:

1. each seed is created exactly as dbt-duckdb's seed materialization creates it: a table in
   schema `seeds` with the columns of the CSV header, typed by the `+column_types` of
   dbt_project.yml (read from that file, so the types are written once), filled by DuckDB's
   `COPY ... (FORMAT CSV, HEADER TRUE)`, the statement dbt-duckdb runs;
2. each staging model's own SQL file is rendered with Jinja, `ref('<seed>')` resolving to that
   table, and run. The renaming, defaults and optional columns are thus the staging models'
   alone; these models use `ref()` and plain SQL only (the renderer knows nothing else and says
   so).

Running dbt itself (`dbt seed` + `dbt run`) would type them the same way but costs 5-15 s per
call and cannot run at import time; this takes about 50 ms. The test suite checks that both
paths give equal tables (tests/config).

This module and `orchestration/dataset_values.py` (which reads a dataset's `values.csv`, data
rather than configuration) are the only Python modules that read the dataset folder's files.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

import duckdb
import jinja2
import polars as pl
import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_FILE = PROJECT_ROOT / "dbt_project" / "dbt_project.yml"
STAGING_CONFIG_DIR = PROJECT_ROOT / "models" / "staging" / "config"
DBT_PROJECT_NAME = "county_leap"
SEEDS_SCHEMA = "seeds"
STAGING_SCHEMA = "staging"
MODEL_PREFIX = "stg_config__"
# Configuration files a dataset folder may lack (Hebei's seeds/ has them): dbt builds the models
# reading one only when the folder holds it (dbt_project.yml reads LEAP_OPTIONAL_SEEDS).
OPTIONAL_SEEDS = (
    "award_rules",
    "published_results",
    "uncertainty",
    "uncertainty_alternatives",
    "unit_conversions",
    "variable_aliases",
)
OPTIONAL_SEEDS_VARIABLE = "LEAP_OPTIONAL_SEEDS"


class SeedFileError(ValueError):
    """A configuration file or staging model the bootstrap cannot load as dbt would."""


def seed_path(dataset_dir: Path, seed: str) -> Path:
    """The CSV file of a seed in a dataset folder."""
    return Path(dataset_dir) / f"{seed}.csv"


def optional_seeds_environment(dataset_dir: Path) -> dict[str, str]:
    """The environment variable telling dbt which optional configuration files the dataset
    folder holds (read by the `+enabled` settings of dbt_project.yml)."""
    present = [seed for seed in OPTIONAL_SEEDS if seed_path(dataset_dir, seed).exists()]
    return {OPTIONAL_SEEDS_VARIABLE: ",".join(present)}


def staging_model_names() -> list[str]:
    """The staging configuration models (`stg_config__<seed>`), sorted."""
    return sorted(path.stem for path in STAGING_CONFIG_DIR.glob(f"{MODEL_PREFIX}*.sql"))


def seed_of(model: str) -> str:
    """The seed a staging configuration model stages (`stg_config__units` -> `units`)."""
    return model.removeprefix(MODEL_PREFIX)


@cache
def _seed_configs(project_file: Path, modified_ns: int) -> dict[str, dict]:
    del modified_ns  # part of the cache key only: an edited dbt_project.yml is read again
    project = yaml.safe_load(project_file.read_text(encoding="utf-8"))
    configs = (project.get("seeds") or {}).get(DBT_PROJECT_NAME) or {}
    return {name: value for name, value in configs.items() if isinstance(value, dict)}


def declared_column_types(seed: str) -> dict[str, str]:
    """The column types dbt_project.yml declares for a seed (`+column_types`)."""
    configs = _seed_configs(DBT_PROJECT_FILE, DBT_PROJECT_FILE.stat().st_mtime_ns)
    return dict((configs.get(seed) or {}).get("+column_types") or {})


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), None)
    if not header:
        raise SeedFileError(f"{path}: the file is empty; expected a header row of column names")
    return header


def _create_seed_table(con: duckdb.DuckDBPyConnection, seed: str, columns: list[str]) -> None:
    """`create table seeds.<seed>` with the declared types (varchar where none is declared:
    the staging models select declared columns only)."""
    types = declared_column_types(seed)
    column_sql = ", ".join(f'"{column}" {types.get(column, "varchar")}' for column in columns)
    con.execute(f"create schema if not exists {SEEDS_SCHEMA}")
    con.execute(f'create or replace table {SEEDS_SCHEMA}."{seed}" ({column_sql})')


def load_seed(con: duckdb.DuckDBPyConnection, dataset_dir: Path, seed: str) -> bool:
    """Load `<dataset_dir>/<seed>.csv` into `seeds.<seed>` as dbt-duckdb's seed does; False
    when the folder has no such file."""
    path = seed_path(dataset_dir, seed)
    if not path.exists():
        return False
    _create_seed_table(con, seed, _header(path))
    quoted_path = path.as_posix().replace("'", "''")
    try:
        con.execute(
            f"COPY {SEEDS_SCHEMA}.\"{seed}\" FROM '{quoted_path}' "
            "(FORMAT CSV, HEADER TRUE, DELIMITER ',')"
        )
    except duckdb.Error as error:
        raise SeedFileError(
            f"{path}: cannot be read with the column types of dbt_project.yml "
            f"({declared_column_types(seed)}): {error}"
        ) from error
    return True


def create_empty_seed(con: duckdb.DuckDBPyConnection, seed: str) -> None:
    """`seeds.<seed>` with every declared column and no rows (an absent optional file)."""
    columns = list(declared_column_types(seed))
    if not columns:
        raise SeedFileError(f"{DBT_PROJECT_FILE} declares no +column_types for the seed {seed}")
    _create_seed_table(con, seed, columns)


def render_staging_model(model: str, loaded_seeds: Iterable[str]) -> str:
    """The SQL of a staging configuration model, `ref('<seed>')` resolved to `seeds.<seed>`."""
    path = STAGING_CONFIG_DIR / f"{model}.sql"
    available = set(loaded_seeds)

    def ref(name: str) -> str:
        if name not in available:
            raise SeedFileError(
                f"{path}: ref('{name}') is not a loaded seed; the staging configuration models "
                f"may read only seeds (loaded: {sorted(available)})"
            )
        return f'{SEEDS_SCHEMA}."{name}"'

    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    try:
        return environment.from_string(path.read_text(encoding="utf-8")).render(ref=ref)
    except jinja2.UndefinedError as error:
        raise SeedFileError(
            f"{path}: {error}; the configuration bootstrap renders these models with ref() only "
            "(see orchestration/config/seed_files.py)"
        ) from error


def build_staging_model(con: duckdb.DuckDBPyConnection, model: str) -> None:
    """`staging.<model>` from its SQL file, over the seed tables of `con`."""
    seed = seed_of(model)
    sql = render_staging_model(model, [seed])
    con.execute(f"create schema if not exists {STAGING_SCHEMA}")
    try:
        con.execute(f'create or replace view {STAGING_SCHEMA}."{model}" as {sql}')
    except duckdb.Error as error:
        raise SeedFileError(
            f"{STAGING_CONFIG_DIR / (model + '.sql')} failed on {seed}.csv: {error}"
        ) from error


def bootstrap(con: duckdb.DuckDBPyConnection, dataset_dir: Path) -> list[str]:
    """Build every staging configuration model whose seed file the dataset folder holds, in
    `con` (schemas `seeds` and `staging`); the names of the models built."""
    built = []
    for model in staging_model_names():
        if load_seed(con, dataset_dir, seed_of(model)):
            build_staging_model(con, model)
            built.append(model)
    return built


def empty_staging_table(con: duckdb.DuckDBPyConnection, model: str) -> None:
    """`staging.<model>` typed as dbt would build it, without rows (an absent optional file)."""
    create_empty_seed(con, seed_of(model))
    build_staging_model(con, model)


def fingerprint(dataset_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """What the bootstrap's result depends on: name, size and modification time of the dataset
    folder's CSV files, of the staging models and of dbt_project.yml (no file is read)."""
    files = [
        *sorted(Path(dataset_dir).glob("*.csv")),
        *sorted(STAGING_CONFIG_DIR.glob("*.sql")),
        DBT_PROJECT_FILE,
    ]
    return tuple((str(path), path.stat().st_size, path.stat().st_mtime_ns) for path in files)


def write_dataset_folder(
    source_dir: Path, target_dir: Path, replaced: Mapping[str, pl.DataFrame]
) -> None:
    """A new dataset folder: the CSV files of `source_dir`, except the seeds in `replaced`,
    written from those tables (a header of column names; the columns a staging model reads
    are the seed's, so a table read through the configuration can be written back)."""
    target_dir.mkdir(parents=True, exist_ok=True)
    for path in sorted(Path(source_dir).glob("*.csv")):
        if path.stem not in replaced:
            shutil.copyfile(path, target_dir / path.name)
    for seed, table in replaced.items():
        table.write_csv(seed_path(target_dir, seed))
