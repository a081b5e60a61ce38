"""The dataset folder: the scoreboard's configuration (units, framework, methodology) as CSV."""

from __future__ import annotations

from pathlib import Path

import polars as pl


def read_config_table(dataset_dir: Path, name: str) -> pl.DataFrame:
    """One configuration table of the dataset folder, all columns as text."""
    path = dataset_dir / f"{name}.csv"
    if not path.exists():
        raise FileNotFoundError(f"dataset folder {dataset_dir} has no {name}.csv")
    return pl.read_csv(path, infer_schema=False)


def data_year_for(dataset_dir: Path, evaluation_year: int) -> int:
    """The data year an evaluation year scores, from the methodology in force that year."""
    methodology = read_config_table(dataset_dir, "methodology")
    for row in methodology.iter_rows(named=True):
        first = int(row["first_evaluation_year"])
        last = int(row["last_evaluation_year"]) if row["last_evaluation_year"] else 9999
        if first <= evaluation_year <= last:
            return evaluation_year - int(row["data_year_lag"])
    raise ValueError(
        f"no methodology in {dataset_dir / 'methodology.csv'} covers evaluation year "
        f"{evaluation_year}; add a row whose first/last_evaluation_year include it"
    )
