"""Generated data for the benchmarks: any number of units and years, shaped like Hebei's.

Each unit has a latent capability that grows over the years; every indicator is that
capability plus noise, placed between the goalposts (some beyond them), and the base variables
a county reports are solved back from the indicators' formulas (numerator, denominator,
multiplier), so the dbt models compute indicators of the intended size.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from orchestration.config.configuration import Configuration, MethodologyVersion
from orchestration.config.paths import current_paths
from orchestration.config.seed_files import write_dataset_folder as write_configuration
from orchestration.uncertainty import IndexFramework, framework_from_dataset

MISSING_RATE = 0.002  # share of base values not reported


def nominal_methodology(dataset_dir: Path) -> MethodologyVersion:
    """The methodology version in force for the last evaluation year (the latest one)."""
    return Configuration.from_dataset_dir(dataset_dir).methodology_versions()[-1]


def repository_framework(dataset_dir: Path | None = None) -> IndexFramework:
    """The engine's framework of the dataset in force (the repository's seeds by default)."""
    dataset_dir = dataset_dir or current_paths().dataset_dir
    return framework_from_dataset(dataset_dir, nominal_methodology(dataset_dir).methodology_version)


def hebei_like_values(
    units: int, seed: int = 1, year_index: int = 0, framework: IndexFramework | None = None
) -> np.ndarray:
    """A (units x indicators) matrix of raw indicator values for one year, NaN where missing."""
    framework = framework or repository_framework()
    rng = np.random.default_rng(seed)
    capability = rng.normal(0.45, 0.15, size=(units, 1))
    growth = rng.normal(0.02, 0.012, size=(units, 1))
    noise = rng.normal(0.0, 0.12, size=(units, framework.indicator_count))
    share = np.clip(capability + growth * year_index + noise, 0.02, 1.3)
    span = framework.upper_goalposts - framework.lower_goalposts
    values = np.where(
        framework.higher_is_better,
        framework.lower_goalposts + share * span,
        framework.upper_goalposts - share * span,
    )
    values[rng.random(values.shape) < MISSING_RATE] = np.nan
    return values


@dataclass(frozen=True)
class GeneratedDataset:
    """A dataset folder and the raw layer of a working database, for `units` x `years`."""

    dataset_dir: Path
    work_db: Path
    unit_codes: list[str]
    data_years: list[int]

    @property
    def evaluation_years(self) -> list[int]:
        return [year + 1 for year in self.data_years]


def write_dataset_folder(
    source_dir: Path, target_dir: Path, unit_codes: list[str], first_evaluation_year: int
) -> None:
    """The source dataset's configuration with a generated unit registry (no division changes)
    and the methodology extended back to `first_evaluation_year`."""
    config = Configuration.from_dataset_dir(source_dir)
    units = config.units
    lasting = units.filter(pl.col("valid_to_data_year").is_null())  # not abolished or re-coded
    template = lasting if lasting.height else units
    k = np.arange(len(unit_codes))
    generated_units = template[k % template.height].with_columns(
        unit_code=pl.Series(unit_codes),
        unit_name=pl.col("unit_name") + pl.Series(k.astype(str)),
        group_code=pl.Series([code[:4] for code in unit_codes]),
        valid_from_data_year=pl.lit(None, pl.Int32),
        valid_to_data_year=pl.lit(None, pl.Int32),
    )
    first = pl.col("first_evaluation_year")
    methodology = config.methodology.with_columns(
        first_evaluation_year=pl.when(first == first.min())
        .then(pl.min_horizontal(first, pl.lit(first_evaluation_year)))
        .otherwise(first)
    )
    write_configuration(
        source_dir,
        target_dir,
        {
            "units": generated_units,
            "unit_changes": config.unit_changes.clear(),
            "methodology": methodology,
        },
    )


def base_values(
    indicator_values: np.ndarray, dataset_dir: Path, framework: IndexFramework, seed: int
) -> dict[str, np.ndarray]:
    """Base variables whose indicators (multiplier x numerator / denominator) are the given
    indicator values: each formula fixes whichever of its variables is still free."""
    config = Configuration.from_dataset_dir(dataset_dir)
    version = nominal_methodology(dataset_dir).methodology_version
    formula = {row["indicator_code"]: row for row in config.indicators_of(version).to_dicts()}
    rng = np.random.default_rng(seed)
    units = indicator_values.shape[0]
    variables: dict[str, np.ndarray] = {}
    for j, code in enumerate(framework.indicator_codes):
        row = formula[code]
        value = np.nan_to_num(indicator_values[:, j], nan=0.0)
        multiplier = float(row["multiplier"] or 1)
        numerator, denominator = row["numerator_variable"], row["denominator_variable"]
        if not denominator:
            variables.setdefault(numerator, value / multiplier)
            continue
        if denominator not in variables:
            if numerator in variables:
                with np.errstate(divide="ignore", invalid="ignore"):
                    solved = multiplier * variables[numerator] / value
                variables[denominator] = np.where(np.isfinite(solved) & (solved > 0), solved, 1.0)
                continue
            variables[denominator] = rng.lognormal(4.0, 0.6, size=units)
        variables.setdefault(numerator, value * variables[denominator] / multiplier)
    return variables


def write_raw_values(
    con: duckdb.DuckDBPyConnection,
    dataset_dir: Path,
    framework: IndexFramework,
    unit_codes: list[str],
    data_years: list[int],
    seed: int = 1,
) -> int:
    """Append generated submissions of every unit and data year to `raw.submitted_values`;
    returns the number of values written."""
    from orchestration.ingest.raw_store import VALUES_TABLE, ensure_raw_schema

    ensure_raw_schema(con)
    con.execute("set enable_progress_bar = false")
    written = 0
    codes = pl.Series("unit_code", unit_codes, dtype=pl.Utf8)
    for index, data_year in enumerate(data_years):
        indicators = hebei_like_values(len(unit_codes), seed, index, framework)
        variables = base_values(indicators, dataset_dir, framework, seed + data_year)
        rng = np.random.default_rng(seed * 7919 + data_year)
        frame = pl.DataFrame({"unit_code": codes}).with_columns(
            **{
                name: pl.Series(np.where(rng.random(len(unit_codes)) < MISSING_RATE, np.nan, v))
                for name, v in variables.items()
            }
        )
        long = frame.unpivot(
            index="unit_code", variable_name="variable_code", value_name="value"
        ).with_columns(
            pl.col("value").fill_nan(None),
            pl.int_range(1, pl.len() + 1, dtype=pl.Int32).alias("row_number"),
        )
        con.register("_generated", long.to_arrow())
        con.execute(
            f"""
            insert into {VALUES_TABLE} by name
            select {data_year}::integer as data_year, unit_code, variable_code, value,
                   1.0 as conversion_factor, value is null as is_missing,
                   'county_form' as layout, 'generated_{data_year}.csv' as file_name,
                   'generated-{data_year}' as file_sha256, 'values' as sheet, row_number,
                   '数值' as column_name, 'D' as column_letter,
                   timestamp '{data_year + 1}-03-01' as received_at
            from _generated
            """
        )
        con.unregister("_generated")
        written += long.height
    return written


def generate(
    folder: Path, units: int, years: int, last_evaluation_year: int = 2024, seed: int = 1
) -> GeneratedDataset:
    """A dataset folder and a working database with generated submissions of `units` units for
    the `years` evaluation years up to `last_evaluation_year`."""
    source = current_paths().dataset_dir
    unit_codes = [f"{100000 + k:06d}" for k in range(units)]
    data_years = list(range(last_evaluation_year - years, last_evaluation_year))
    dataset_dir, work_db = folder / "dataset", folder / "work.duckdb"
    write_dataset_folder(source, dataset_dir, unit_codes, data_years[0] + 1)
    framework = repository_framework(dataset_dir)
    with duckdb.connect(str(work_db)) as con:
        write_raw_values(con, dataset_dir, framework, unit_codes, data_years, seed)
    return GeneratedDataset(dataset_dir, work_db, unit_codes, data_years)


def correct_one_year(work_db: Path, data_year: int, share: float = 0.01, seed: int = 5) -> int:
    """A corrected resubmission: for a share of the units, every value of one variable of the
    data year sent again, 10% higher and received later. Returns the rows added."""
    with duckdb.connect(str(work_db)) as con:
        before = con.execute("select count(*) from raw.submitted_values").fetchone()[0]
        con.execute(
            f"""
            insert into raw.submitted_values by name
            select * replace (
                value * 1.1 as value,
                'corrected_' || file_name as file_name,
                'corrected-' || file_sha256 as file_sha256,
                received_at + interval 30 day as received_at
            )
            from raw.submitted_values
            where data_year = {data_year}
                and variable_code = 'fiscal_st_exp'
                and hash(unit_code || '{seed}') % 10000 < {int(share * 10000)}
            """
        )
        after = con.execute("select count(*) from raw.submitted_values").fetchone()[0]
    return after - before
