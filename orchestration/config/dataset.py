"""A dataset folder's configuration tables, by name: a transitional adapter over
`orchestration.config.configuration`.

Readers still calling `read_config_table` get the typed staging table (`stg_config__<name>`)
of the folder's bootstrap instead of the raw CSV text; new code uses `Configuration` directly.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from orchestration.config.configuration import Configuration


def read_config_table(dataset_dir: Path, name: str) -> pl.DataFrame:
    """One configuration table of the dataset folder (e.g. `framework`), typed."""
    config = Configuration.from_dataset_dir(dataset_dir)
    if not hasattr(config, name) or not isinstance(getattr(config, name), pl.DataFrame):
        raise KeyError(f"the configuration has no table {name!r}")
    return getattr(config, name)


def data_year_for(dataset_dir: Path, evaluation_year: int) -> int:
    """The data year an evaluation year scores, from the methodology in force that year."""
    return Configuration.from_dataset_dir(dataset_dir).data_year_of(evaluation_year)
