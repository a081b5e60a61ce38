"""Resources: the warehouse's paths and the in-process dbt runner.

`WarehouseResource` is where the pipeline reads and writes. Its fields come from the `LEAP_*`
environment variables (as `dg.EnvVar`s, so the UI shows which variable set what) with the demo
defaults below the warehouse folder; nothing is read or changed at import time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import dagster as dg

from orchestration.config.paths import PATH_VARIABLES, Paths, build_paths
from orchestration.defs.dbt import ScoringDbtResource


class WarehouseResource(dg.ConfigurableResource):
    """The folders and files of one warehouse; empty fields take their default below
    `warehouse_dir` (the repository's `warehouse/` when that is empty too)."""

    warehouse_dir: str = ""
    inbox_dir: str = ""
    dataset_dir: str = ""
    work_db: str = ""
    mart_db: str = ""
    mart_parquet_dir: str = ""
    alerts_dir: str = ""
    reports_dir: str = ""

    def paths(self) -> Paths:
        overrides = {name: getattr(self, name) or None for name in PATH_VARIABLES}
        return build_paths(self.warehouse_dir or None, **overrides)


def warehouse_from_environment(environ: Mapping[str, str] | None = None) -> WarehouseResource:
    """The warehouse resource bound to the `LEAP_*` variables that are set (read when the
    resource is initialised for a run, not now)."""
    environ = os.environ if environ is None else environ
    variables = {"warehouse_dir": "LEAP_WAREHOUSE_DIR"} | {
        name: variable for name, (variable, _) in PATH_VARIABLES.items()
    }
    fields = {
        name: dg.EnvVar(variable)
        for name, variable in variables.items()
        if environ.get(variable, "").strip()
    }
    return WarehouseResource(**fields)


def resources_from_environment() -> dict[str, dg.ConfigurableResource]:
    return {"warehouse": warehouse_from_environment(), "dbt": ScoringDbtResource()}
