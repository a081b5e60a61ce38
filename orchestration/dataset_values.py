"""A dataset folder's `values.csv` (long form) as raw submissions, and the one-command run.

A dataset folder (see docs/methodology.md, "Dataset folders") holds the scoreboard's
configuration as dbt seeds and its data as `values.csv`:

    unit_code,data_year,variable_code,value
    AT11,2018,rd_business,0.42

one row per unit, data year and base variable; an empty `value` is a missing value. The loader
writes those rows into `raw.submitted_values` exactly as the inbox ingestion does for Hebei's
files, with `file_name = 'values.csv'` and the row's line number in the file (the header is line
1), so every score in the mart traces back to a line of `values.csv`.

    python -m orchestration.dataset_values load DATASET_DIR [--work-db PATH]
    python -m orchestration.dataset_values run  DATASET_DIR [--warehouse DIR] [--years 2019-2023]

`load` replaces the rows previously loaded from `values.csv` (for the data years it holds) and
leaves every other raw row alone. `run` loads, then builds the dbt models into the warehouse's
`work.duckdb` (default `warehouse/<dataset folder name>/`): every year at once, or with --years
year by year in order, as the Dagster job's yearly partitions do (which add the quality gate and
publication).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from orchestration.config.configuration import Configuration, ConfigurationError
from orchestration.config.seed_files import SeedFileError, optional_seeds_environment
from orchestration.ingest.raw_store import ensure_raw_schema

VALUES_FILE = "values.csv"
LAYOUT = "dataset_values"
VALUE_COLUMNS = ("unit_code", "data_year", "variable_code", "value")
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"


class DatasetError(ValueError):
    """A dataset folder whose values.csv cannot be loaded as it is."""


def _config_codes(dataset_dir: Path) -> tuple[set[str], set[str]]:
    """The unit codes and base variable codes of the dataset's configuration."""
    try:
        config = Configuration.from_dataset_dir(dataset_dir)
    except (ConfigurationError, SeedFileError) as error:
        raise DatasetError(f"dataset folder {dataset_dir}: {error}") from error
    return set(config.units["unit_code"]), set(config.base_variables["variable_code"])


def values_path(dataset_dir: Path) -> Path:
    """The dataset folder's values.csv."""
    return Path(dataset_dir) / VALUES_FILE


def has_values(dataset_dir: Path) -> bool:
    """Whether the dataset folder holds its data as values.csv (instead of an inbox)."""
    return values_path(dataset_dir).exists()


def last_data_year(dataset_dir: Path) -> int | None:
    """The newest data year of values.csv (None without the file or rows), read lazily."""
    if not has_values(dataset_dir):
        return None
    years = pl.scan_csv(values_path(dataset_dir), infer_schema=False).select(
        pl.col("data_year").cast(pl.Int32, strict=False).max()
    )
    return years.collect().item()


def read_values(dataset_dir: Path) -> pl.DataFrame:
    """values.csv as typed rows with their line number, checked against units and variables.

    Raises DatasetError naming the file, line, column, the text found and what was expected.
    """
    path = values_path(dataset_dir)
    if not path.exists():
        raise DatasetError(f"dataset folder {dataset_dir} has no {VALUES_FILE}")
    frame = pl.read_csv(path, infer_schema=False)
    missing = [column for column in VALUE_COLUMNS if column not in frame.columns]
    if missing:
        raise DatasetError(
            f"{path}: header lacks {', '.join(missing)}; expected the columns "
            f"{', '.join(VALUE_COLUMNS)}"
        )
    frame = frame.select(
        (pl.int_range(pl.len(), dtype=pl.Int32) + 2).alias("row_number"),
        *(pl.col(column).str.strip_chars().alias(column) for column in VALUE_COLUMNS),
    ).with_columns(
        pl.col("data_year").cast(pl.Int32, strict=False).alias("data_year_number"),
        pl.col("value").cast(pl.Float64, strict=False).alias("value_number"),
    )
    units, variables = _config_codes(dataset_dir)
    checks = [
        ("data_year", pl.col("data_year_number").is_null(), "a year such as 2021"),
        ("unit_code", ~pl.col("unit_code").is_in(sorted(units)), "a unit_code of units.csv"),
        (
            "variable_code",
            ~pl.col("variable_code").is_in(sorted(variables)),
            "a variable_code of base_variables.csv",
        ),
        (
            "value",
            pl.col("value").is_not_null() & pl.col("value_number").is_null(),
            "a number (or an empty cell for a missing value)",
        ),
    ]
    problems = []
    for column, bad, expected in checks:
        for row in frame.filter(bad).head(5).iter_rows(named=True):
            problems.append(
                f"{path}, line {row['row_number']}, column {column}: found "
                f"{row[column]!r}, expected {expected}"
            )
    duplicates = frame.filter(pl.struct("unit_code", "data_year", "variable_code").is_duplicated())
    for row in duplicates.head(5).iter_rows(named=True):
        problems.append(
            f"{path}, line {row['row_number']}: {row['unit_code']} {row['data_year']} "
            f"{row['variable_code']} appears more than once, expected one row per unit, data "
            "year and variable"
        )
    if problems:
        raise DatasetError("values.csv cannot be loaded:\n  " + "\n  ".join(problems))
    return frame.select(
        "row_number",
        "unit_code",
        pl.col("data_year_number").alias("data_year"),
        "variable_code",
        pl.col("value").alias("raw_text"),
        pl.col("value_number").alias("value"),
    )


def raw_rows(values: pl.DataFrame, file_sha256: str, received_at: datetime) -> pl.DataFrame:
    """The rows of raw.submitted_values for the values read from values.csv."""
    return values.select(
        "data_year",
        "unit_code",
        "variable_code",
        "value",
        "raw_text",
        pl.lit(None, dtype=pl.Utf8).alias("unit_found"),
        pl.lit(1.0).alias("conversion_factor"),
        pl.col("value").is_null().alias("is_missing"),
        pl.lit(LAYOUT).alias("layout"),
        pl.lit(VALUES_FILE).alias("file_name"),
        pl.lit(file_sha256).alias("file_sha256"),
        pl.lit(None, dtype=pl.Utf8).alias("sheet"),
        "row_number",
        pl.lit("value").alias("column_name"),
        pl.lit("D").alias("column_letter"),
        pl.lit(received_at).cast(pl.Datetime("us")).alias("received_at"),
    )


def load_dataset_values(
    con: duckdb.DuckDBPyConnection, dataset_dir: Path, data_years: list[int] | None = None
) -> dict[int, int]:
    """Replace the values.csv rows of raw.submitted_values (per data year); rows loaded per year.

    Creates the raw schema if needed, so a fresh work database can be scored from a dataset
    folder alone. Other files' rows (an inbox ingested next to it) are left alone.
    """
    values = read_values(dataset_dir)
    if data_years is not None:
        values = values.filter(pl.col("data_year").is_in(data_years))
    digest = hashlib.sha256((dataset_dir / VALUES_FILE).read_bytes()).hexdigest()
    received_at = datetime.now(UTC).replace(tzinfo=None)
    rows = raw_rows(values, digest, received_at)
    counts = dict(rows.group_by("data_year").len().iter_rows())
    files = pl.DataFrame(
        {
            "data_year": list(counts),
            "value_count": list(counts.values()),
        },
        schema={"data_year": pl.Int32, "value_count": pl.Int32},
    )
    ensure_raw_schema(con)
    con.execute("begin transaction")
    try:
        con.register("_dataset_values", rows.to_arrow())
        con.register("_dataset_files", files.to_arrow())
        for table in ("raw.submitted_values", "raw.submission_files"):
            con.execute(
                f"delete from {table} where file_name = ? "
                "and data_year in (select data_year from _dataset_files)",
                [VALUES_FILE],
            )
        con.execute("insert into raw.submitted_values by name select * from _dataset_values")
        con.execute(
            "insert into raw.submission_files by name select data_year, ? as file_name, "
            "? as file_sha256, ? as size_bytes, ? as layout, 'loaded' as status, "
            "? as received_at, value_count, 'csv' as file_format, 'utf-8' as encoding, "
            "current_timestamp::timestamp as ingested_at from _dataset_files",
            [VALUES_FILE, digest, (dataset_dir / VALUES_FILE).stat().st_size, LAYOUT, received_at],
        )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        con.unregister("_dataset_values")
        con.unregister("_dataset_files")
    return {int(year): int(count) for year, count in sorted(counts.items())}


def evaluation_years(dataset_dir: Path) -> list[int]:
    """The evaluation years values.csv can score: each data year a methodology version scores."""
    config = Configuration.from_dataset_dir(dataset_dir)
    data_years = sorted(set(read_values(dataset_dir)["data_year"].to_list()))
    years = []
    for data_year in data_years:
        try:
            years.append(config.evaluation_year_of(data_year))
        except ConfigurationError:
            continue  # a data year no version scores (e.g. the year before the first)
    return years


def dbt_environment(dataset_dir: Path, work_db: Path) -> dict[str, str]:
    """The environment in which dbt scores `dataset_dir` into `work_db`.

    The models reading an optional configuration file the folder lacks (award rules,
    published results, …) are not built (LEAP_OPTIONAL_SEEDS, read in dbt_project.yml).
    """
    return {
        **os.environ,
        "LEAP_DATASET_DIR": str(dataset_dir.resolve()),
        "LEAP_WORK_DB": str(work_db.resolve()),
        **optional_seeds_environment(dataset_dir),
    }


def dbt_command(*args: str, target_dir: Path) -> list[str]:
    """A dbt command line on this project, writing its artifacts and logs into `target_dir`."""
    return [
        str(Path(sys.executable).with_name("dbt")),
        *args,
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(target_dir),
        "--log-path",
        str(target_dir),
    ]


def build(dataset_dir: Path, work_db: Path, years: list[int] | None = None) -> None:
    """`dbt build` of the dataset: every year at once, or year by year in order (as the yearly
    partitions of the Dagster job do) when `years` is given. The dbt unit tests check the
    models, not the data; the test suite runs them."""
    env = dbt_environment(dataset_dir, work_db)
    target_dir = work_db.parent / "dbt_target"
    if years is None:
        command = dbt_command(
            "build", "--full-refresh", "--exclude-resource-type", "unit_test", target_dir=target_dir
        )
        subprocess.run(command, env=env, check=True)
        return
    command = dbt_command("seed", "--full-refresh", target_dir=target_dir)
    subprocess.run(command, env=env, check=True)
    for year in years:
        command = dbt_command(
            "build",
            "--exclude-resource-type", "seed", "unit_test",
            "--vars", json.dumps({"evaluation_year": year}),
            target_dir=target_dir,
        )  # fmt: skip
        subprocess.run(command, env=env, check=True)


def _parse_years(text: str | None, available: list[int]) -> list[int]:
    if not text:
        return available
    if "-" in text:
        start, end = (int(part) for part in text.split("-", 1))
        return [year for year in available if start <= year <= end]
    return [int(part) for part in text.split(",")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m orchestration.dataset_values", description=__doc__.splitlines()[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("load", help="load values.csv into raw.submitted_values")
    load.add_argument("dataset_dir", type=Path)
    load.add_argument("--work-db", type=Path, default=PROJECT_ROOT / "warehouse" / "work.duckdb")
    run = commands.add_parser("run", help="load values.csv and build every evaluation year")
    run.add_argument("dataset_dir", type=Path)
    run.add_argument("--warehouse", type=Path, default=None)
    run.add_argument("--years", default=None, help="build these years one by one (e.g. 2020-2023)")
    args = parser.parse_args(argv)

    dataset_dir = args.dataset_dir.resolve()
    if args.command == "load":
        work_db = args.work_db
    else:
        warehouse = args.warehouse or PROJECT_ROOT / "warehouse" / dataset_dir.name
        warehouse.mkdir(parents=True, exist_ok=True)
        work_db = warehouse / "work.duckdb"
    work_db.parent.mkdir(parents=True, exist_ok=True)
    try:
        with duckdb.connect(str(work_db)) as con:
            loaded = load_dataset_values(con, dataset_dir)
    except DatasetError as error:
        print(error, file=sys.stderr)
        return 2
    print(f"{dataset_dir / VALUES_FILE}: loaded {loaded} values per data year into {work_db}")
    if args.command == "run":
        years = _parse_years(args.years, evaluation_years(dataset_dir)) if args.years else None
        build(dataset_dir, work_db, years)
        scored = years or evaluation_years(dataset_dir)
        print(f"scored evaluation years {scored} into {work_db} (schema marts)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
