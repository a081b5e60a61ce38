"""The configuration every Python package reads: one typed `Configuration`, from the staging
configuration tables dbt builds (`staging.stg_config__<seed>`), never from CSV files of its own.

Two ways to get it, one set of tables:

- `Configuration.from_warehouse(work_db)` (or `from_connection(con)`): the tables of the working
  database, i.e. the configuration the last dbt run scored with. Readers that run after dbt
  (quality gate, uncertainty, summaries) use this, so that they see what produced the numbers.
- `Configuration.from_dataset_dir(dataset_dir)`: the bootstrap, for readers that run before dbt
  has ever run (the demo generator, the ingestion, the partitions at import time). It builds the
  same staging tables from the dataset folder's CSV files in memory, with dbt's seed types and
  the staging models' own SQL (see `orchestration.config.seed_files` for why this way), and is
  cached per state of the files (an edited file is read again).

Frames keep the row order of the CSV files (DuckDB preserves insertion order), which the demo
generator relies on. An optional table the dataset lacks (`seed_files.OPTIONAL_SEEDS`) is an
empty frame with its columns typed; a required one missing is an error naming the file.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

import duckdb
import polars as pl

from orchestration.config import seed_files
from orchestration.config.seed_files import MODEL_PREFIX, OPTIONAL_SEEDS, STAGING_SCHEMA
from orchestration.warehouse.connection import connect_work_db


class ConfigurationError(ValueError):
    """The configuration lacks something a reader asked for."""


@dataclass(frozen=True)
class MethodologyVersion:
    """One row of `stg_config__methodology`: a version and the span of evaluation years it is
    in force (`last_evaluation_year` None = open-ended), with its methods (defaults filled in)."""

    methodology_version: str
    first_evaluation_year: int
    last_evaluation_year: int | None
    data_year_lag: int
    normalisation: str
    aggregation: str
    missing_values: str
    imputation: str
    imputation_group: str
    carry_forward_years: int
    outlier_treatment: str
    outlier_skewness: float
    outlier_kurtosis: float
    outlier_winsorise_max: int
    class_scheme: str
    rank_ties: str
    normalised_lower: float | None
    normalised_upper: float | None
    zscore_mean: float | None
    zscore_sd: float | None
    rank_scale: str | None
    normalisation_ties: str | None
    outlier_log_transform: str | None
    outlier_winsorisation: str | None
    description: str | None

    def covers(self, evaluation_year: int) -> bool:
        """Whether the version is in force in `evaluation_year`."""
        last = self.last_evaluation_year
        return self.first_evaluation_year <= evaluation_year and (
            last is None or evaluation_year <= last
        )


@dataclass(frozen=True, eq=False)
class Configuration:
    """The staging configuration tables as typed polars frames, one per seed, and the lookups
    the packages need. Compared and hashed by identity (cached instances are shared)."""

    units: pl.DataFrame
    unit_changes: pl.DataFrame
    base_variables: pl.DataFrame
    variable_aliases: pl.DataFrame
    unit_conversions: pl.DataFrame
    methodology: pl.DataFrame
    framework: pl.DataFrame
    indicators: pl.DataFrame
    goalposts: pl.DataFrame
    class_cutoffs: pl.DataFrame
    award_rules: pl.DataFrame
    published_results: pl.DataFrame
    uncertainty: pl.DataFrame
    uncertainty_alternatives: pl.DataFrame
    source: str = ""

    # -- loading --------------------------------------------------------------------------

    @classmethod
    def from_connection(
        cls, con: duckdb.DuckDBPyConnection, schema: str = STAGING_SCHEMA, source: str = ""
    ) -> Configuration:
        """The staging configuration tables of a DuckDB connection (`<schema>.stg_config__*`)."""
        present = {
            row[0]
            for row in con.execute(
                "select table_name from duckdb_tables() "
                "where database_name = current_database() and schema_name = ? "
                "union select view_name from duckdb_views() "
                "where database_name = current_database() and schema_name = ?",
                [schema, schema],
            ).fetchall()
        }
        frames: dict[str, pl.DataFrame] = {}
        for table in _table_names():
            model = MODEL_PREFIX + table
            if model in present:
                frames[table] = con.sql(f'select * from {schema}."{model}"').pl()
            elif table in OPTIONAL_SEEDS:
                frames[table] = _empty_table(model)
            else:
                raise ConfigurationError(
                    f"{source or 'the database'} has no {schema}.{model}: build the "
                    f"configuration first (dbt seed and run), or read the dataset folder with "
                    f"Configuration.from_dataset_dir; the folder needs {table}.csv"
                )
        return cls(**frames, source=source or schema)

    @classmethod
    def from_warehouse(cls, work_db: Path) -> Configuration:
        """The configuration the working database was last scored with (read-only)."""
        if not Path(work_db).exists():
            raise ConfigurationError(
                f"no working database at {work_db}: run the pipeline first, or read the dataset "
                "folder with Configuration.from_dataset_dir"
            )
        with connect_work_db(Path(work_db), read_only=True) as con:
            return cls.from_connection(con, source=str(work_db))

    @classmethod
    def from_dataset_dir(cls, dataset_dir: Path) -> Configuration:
        """The configuration of a dataset folder's CSV files (the bootstrap, cached)."""
        folder = Path(dataset_dir).resolve()
        if not folder.is_dir():
            raise ConfigurationError(f"no dataset folder at {folder}")
        return _bootstrapped(folder, seed_files.fingerprint(folder))

    # -- methodology and years ------------------------------------------------------------

    def methodology_versions(self) -> list[MethodologyVersion]:
        """Every methodology version, earliest first."""
        names = [field.name for field in fields(MethodologyVersion)]
        rows = self.methodology.sort("first_evaluation_year").select(names).iter_rows(named=True)
        return [MethodologyVersion(**row) for row in rows]

    def methodology_version(self, name: str) -> MethodologyVersion:
        """The methodology version called `name`."""
        for version in self.methodology_versions():
            if version.methodology_version == name:
                return version
        raise ConfigurationError(
            f"methodology.csv has no methodology_version {name!r} "
            f"(found {self.methodology['methodology_version'].to_list()})"
        )

    def methodology_in_force(self, evaluation_year: int) -> MethodologyVersion:
        """The methodology version that scores `evaluation_year`."""
        for version in self.methodology_versions():
            if version.covers(evaluation_year):
                return version
        raise ConfigurationError(
            f"no methodology version ({self.source}, methodology.csv) covers evaluation year "
            f"{evaluation_year}; expected a row whose first/last_evaluation_year include it"
        )

    def data_year_of(self, evaluation_year: int) -> int:
        """The data year whose statistics `evaluation_year` scores."""
        return evaluation_year - self.methodology_in_force(evaluation_year).data_year_lag

    def evaluation_year_of(self, data_year: int) -> int:
        """The evaluation year that scores the statistics of `data_year`."""
        for version in self.methodology_versions():
            if version.covers(data_year + version.data_year_lag):
                return data_year + version.data_year_lag
        raise ConfigurationError(
            f"no methodology version ({self.source}, methodology.csv) scores data year "
            f"{data_year}; expected a row whose first/last_evaluation_year include "
            "data_year + data_year_lag"
        )

    def evaluation_years(self, through: int | None = None) -> list[int]:
        """The evaluation years the methodology versions cover, the open-ended one (empty
        last_evaluation_year) until `through`; years after `through` are left out."""
        years: set[int] = set()
        for version in self.methodology_versions():
            last = version.last_evaluation_year
            if last is None:
                if through is None:
                    raise ConfigurationError(
                        f"methodology version {version.methodology_version} is open-ended "
                        "(no last_evaluation_year): say through which evaluation year"
                    )
                last = through
            if through is not None:
                last = min(last, through)
            years.update(range(version.first_evaluation_year, last + 1))
        return sorted(years)

    # -- units and variables --------------------------------------------------------------

    def units_in(self, data_year: int) -> pl.DataFrame:
        """The units that existed in `data_year` (as int_units_by_year selects them)."""
        valid_from, valid_to = pl.col("valid_from_data_year"), pl.col("valid_to_data_year")
        return self.units.filter(
            (valid_from.is_null() | (valid_from <= data_year))
            & (valid_to.is_null() | (valid_to >= data_year))
        )

    # -- a methodology version's tables ---------------------------------------------------

    def framework_of(self, methodology_version: str) -> pl.DataFrame:
        """The framework tree of a version."""
        return self._of_version(self.framework, "framework", methodology_version)

    def indicators_of(self, methodology_version: str) -> pl.DataFrame:
        """The indicators of a version."""
        return self._of_version(self.indicators, "indicators", methodology_version)

    def goalposts_of(self, methodology_version: str) -> pl.DataFrame:
        """The goalposts and targets of a version (may be empty: not every method has them)."""
        return self.goalposts.filter(pl.col("methodology_version") == methodology_version)

    def class_cutoffs_of(self, methodology_version: str) -> pl.DataFrame:
        """The class cut-offs of a version, best class first."""
        table = self._of_version(self.class_cutoffs, "class_cutoffs", methodology_version)
        return table.sort("class_rank")

    def award_rules_in_force(self, evaluation_year: int) -> pl.DataFrame:
        """The award rules in force in `evaluation_year` (empty without award rules)."""
        first, last = pl.col("first_evaluation_year"), pl.col("last_evaluation_year")
        return self.award_rules.filter(
            (first.is_null() | (first <= evaluation_year))
            & (last.is_null() | (last >= evaluation_year))
        )

    def _of_version(self, table: pl.DataFrame, name: str, version: str) -> pl.DataFrame:
        rows = table.filter(pl.col("methodology_version") == version)
        if rows.is_empty():
            raise ConfigurationError(
                f"{name}.csv ({self.source}) has no rows of methodology_version {version!r}"
            )
        return rows


def _table_names() -> list[str]:
    """The configuration tables: the fields of Configuration holding frames."""
    return [field.name for field in fields(Configuration) if field.name != "source"]


def _empty_table(model: str) -> pl.DataFrame:
    """A staging configuration table typed as dbt builds it, without rows."""
    with duckdb.connect() as con:
        seed_files.empty_staging_table(con, model)
        return con.sql(f'select * from {STAGING_SCHEMA}."{model}"').pl()


@lru_cache(maxsize=8)
def _bootstrapped(dataset_dir: Path, fingerprint: tuple) -> Configuration:
    """The bootstrap of one state of a dataset folder (`fingerprint` keys the cache)."""
    del fingerprint
    required = [table for table in _table_names() if table not in OPTIONAL_SEEDS]
    missing = [table for table in required if not seed_files.seed_path(dataset_dir, table).exists()]
    if missing:
        raise ConfigurationError(
            f"the dataset folder {dataset_dir} needs {', '.join(f'{t}.csv' for t in missing)} "
            f"(every folder holds {', '.join(f'{t}.csv' for t in required)})"
        )
    with duckdb.connect() as con:
        seed_files.bootstrap(con, dataset_dir)
        return Configuration.from_connection(con, source=str(dataset_dir))
