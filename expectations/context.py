"""The Great Expectations Data Context of the gate, and one checkpoint per gated table.

An ephemeral context (GX's SQL datasource does not work on DuckDB, so the gate validates pandas
frames read from the dbt models `quality.gate_<table>`), configured here rather than in files of
the repository, so that nothing of a run is written into it: its Data Docs site lives in the
warehouse (`data_docs/`). Each gated table has its suite (expectations/suites.py), a validation
definition on a dataframe asset, and a checkpoint whose actions update the Data Docs and hand the
results to the alerts. Contexts are not thread-safe: hold `GX_LOCK` while using one.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from expectations.suites import ROW_IDS, build_suite

GX_LOCK = threading.RLock()
SITE = "gate"


@lru_cache(maxsize=4)
def gate_context(docs_dir: Path | None) -> Any:
    """The process's context (one per Data Docs folder), with the gate's pandas datasource."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    sites = {}
    if docs_dir is not None:
        sites[SITE] = {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(docs_dir),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        data_docs_sites=sites,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        analytics_enabled=False,
    )
    context = gx.get_context(project_config=config, mode="ephemeral")
    context.data_sources.add_pandas("quality_gate")
    return context


def gate_checkpoint(
    context: Any,
    table: str,
    settings: Mapping[str, Any],
    severities: Mapping[str, str],
    actions: Sequence[Any],
) -> Any:
    """The checkpoint of a gated table: its suite (rebuilt from gate.yaml), validation
    definition and actions; results name each failing row by the table's id columns."""
    import great_expectations as gx

    name = f"gate_{table}"
    suite = context.suites.add_or_update(build_suite(table, settings, severities))
    datasource = context.data_sources.get("quality_gate")
    try:
        asset = datasource.get_asset(name)
    except LookupError:
        asset = datasource.add_dataframe_asset(name)
    try:
        batch_definition = asset.get_batch_definition("years_of_the_run")
    except KeyError:
        batch_definition = asset.add_batch_definition_whole_dataframe("years_of_the_run")
    validation = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=name, data=batch_definition, suite=suite)
    )
    if name in {checkpoint.name for checkpoint in context.checkpoints.all()}:
        context.checkpoints.delete(name)  # rebuilt with this run's actions; run() adds it
    return gx.Checkpoint(
        name=name,
        validation_definitions=[validation],
        actions=list(actions),
        result_format={
            "result_format": "COMPLETE",
            "unexpected_index_column_names": ROW_IDS[table],
        },
    )
