"""The Great Expectations Data Context of a gate run, and one checkpoint per gated table.

An ephemeral context (GX's SQL datasource does not work on DuckDB, so the gate validates pandas
frames read from the dbt models `quality.gate_<table>`), configured here rather than in files of
the repository, one per run of the gate. Suites, validation definitions and checkpoints live in
memory; the validation results are kept in the warehouse (`data_docs/results/`), so that the
Data Docs site (`data_docs/`) keeps the pages of the years an earlier run validated. Each gated
table has its suite (expectations/suites.py), a validation definition on a dataframe asset and
a checkpoint whose action hands the results to the alerts; the Data Docs of all the run's
validations are built once, after the checkpoints.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from expectations.suites import ROW_IDS, build_suite

SITE = "gate"
INDEX_LISTS = 100  # the index page lists the latest validations; older pages stay on disk


def gate_context(docs_dir: Path | None) -> Any:
    """A new context with the gate's pandas datasource and, when `docs_dir` is given, its Data
    Docs site and a validation results store beside it."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    defaults = InMemoryStoreBackendDefaults(init_temp_docs_sites=False)
    if docs_dir is not None:
        defaults.stores[defaults.validation_results_store_name]["store_backend"] = {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": str(docs_dir / "results"),
        }
        defaults.data_docs_sites = {
            SITE: {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(docs_dir),
                },
                "site_index_builder": {
                    "class_name": "DefaultSiteIndexBuilder",
                    "validation_results_limit": INDEX_LISTS,
                },
            }
        }
    config = DataContextConfig(
        store_backend_defaults=defaults,
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
    """The checkpoint of a gated table: its suite (built from gate.yaml), validation definition
    and actions; results name each failing row by the table's id columns."""
    import great_expectations as gx

    name = f"gate_{table}"
    suite = context.suites.add(build_suite(table, settings, severities))
    asset = context.data_sources.get("quality_gate").add_dataframe_asset(name)
    batch_definition = asset.add_batch_definition_whole_dataframe("years_of_the_run")
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(name=name, data=batch_definition, suite=suite)
    )
    return gx.Checkpoint(  # added to the context by its first run
        name=name,
        validation_definitions=[validation],
        actions=list(actions),
        result_format={
            "result_format": "COMPLETE",
            "unexpected_index_column_names": ROW_IDS[table],
            "return_unexpected_index_query": False,
        },
    )


def build_data_docs(context: Any, validations: Sequence[Any]) -> None:
    """Render the pages of the run's validation results (their keys) and the index, once."""
    suites = [key.expectation_suite_identifier for key in validations]
    context.build_data_docs(site_names=[SITE], resource_identifiers=[*validations, *suites])


def docs_page(context: Any, validation: Any) -> str | None:
    """Where the Data Docs page of a validation result (its key) is, once built."""
    urls = context.get_docs_sites_urls(
        resource_identifier=validation, site_name=SITE, only_if_exists=False
    ) if SITE in (context.variables.data_docs_sites or {}) else []  # fmt: skip
    return urls[0]["site_url"] if urls else None
