"""The one Great Expectations context of this process, and what the gate asks of it.

An ephemeral context validates pandas frames (GX's SQL datasource does not work on DuckDB) and
renders validation results into a Data Docs site on the local filesystem. Importing GX takes
seconds, so the context is created on first use and kept for the life of the process; a lock
serialises its use, as GX contexts are not thread-safe.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pandas as pd

from expectations._base import FRAME_ROW

GX_SEVERITY = {"error": "critical", "warning": "warning"}
ID_COLUMNS = ("county_code", "unit_code", "variable_code", "item")

_lock = threading.RLock()
_runtime: GxRuntime | None = None


@dataclass(frozen=True)
class Validation:
    """One frame validated against its suite: the GX result and the key it is stored under."""

    suite_name: str
    result: Any  # ExpectationSuiteValidationResult
    key: Any  # ValidationResultIdentifier


class GxRuntime:
    """An ephemeral GX context with one pandas datasource; Data Docs sites added per folder."""

    def __init__(self) -> None:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        import great_expectations as gx
        from great_expectations.data_context.types.base import (
            DataContextConfig,
            InMemoryStoreBackendDefaults,
            ProgressBarsConfig,
        )

        self._gx = gx
        config = DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
            progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
            analytics_enabled=False,
        )
        self.context = gx.get_context(project_config=config, mode="ephemeral")
        self.datasource = self.context.data_sources.add_pandas("quality_gate")
        self._batch_definitions: dict[str, Any] = {}
        self._sites: dict[Path, str] = {}

    def _batch_definition(self, asset_name: str) -> Any:
        if asset_name not in self._batch_definitions:
            asset = self.datasource.add_dataframe_asset(asset_name)
            self._batch_definitions[asset_name] = asset.add_batch_definition_whole_dataframe(
                "whole_frame"
            )
        return self._batch_definitions[asset_name]

    def validate(
        self, suite_name: str, frame: pd.DataFrame, expectations: list[Any], run_name: str
    ) -> Validation:
        """Validate a frame (with its `frame_row` column) against the expectations, COMPLETE
        results with the failing rows' ids."""
        from great_expectations.core.run_identifier import RunIdentifier
        from great_expectations.data_context.types.resource_identifiers import (
            ExpectationSuiteIdentifier,
            ValidationResultIdentifier,
        )

        suite = self._gx.ExpectationSuite(name=suite_name, expectations=expectations)
        batch = self._batch_definition(suite_name).get_batch(batch_parameters={"dataframe": frame})
        id_columns = [FRAME_ROW, *(column for column in ID_COLUMNS if column in frame.columns)]
        result = batch.validate(
            suite,
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": id_columns,
            },
        )
        run_id = RunIdentifier(run_name=run_name, run_time=datetime.now(UTC))
        result.meta["run_id"] = run_id
        key = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=suite_name),
            run_id=run_id,
            batch_identifier=batch.id,
        )
        return Validation(suite_name=suite_name, result=result, key=key)

    def _site(self, docs_dir: Path) -> str:
        """The Data Docs site writing into `docs_dir/gx`, added on first use."""
        docs_dir = docs_dir.resolve()
        if docs_dir not in self._sites:
            name = "gate_" + hashlib.sha1(str(docs_dir).encode()).hexdigest()[:12]
            self.context.add_data_docs_site(
                name,
                {
                    "class_name": "SiteBuilder",
                    "show_how_to_buttons": False,
                    "store_backend": {
                        "class_name": "TupleFilesystemStoreBackend",
                        "base_directory": str(docs_dir / "gx"),
                    },
                    "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                },
            )
            self._sites[docs_dir] = name
        return self._sites[docs_dir]

    def write_docs(self, docs_dir: Path, validations: list[Validation]) -> dict[str, str]:
        """Render the validations into the Data Docs site under `docs_dir`; the page of each
        suite, relative to `docs_dir`."""
        if not validations:
            return {}
        site = self._site(docs_dir)
        store = self.context.validation_results_store
        for validation in validations:
            store.set(validation.key, validation.result)
        keys = [validation.key for validation in validations]
        self.context.build_data_docs(
            site_names=[site], resource_identifiers=keys, build_index=False
        )
        pages = {}
        for validation in validations:
            url = self.context.get_docs_sites_urls(
                resource_identifier=validation.key, site_name=site
            )[0]["site_url"]
            page = Path(unquote(urlparse(url).path))
            pages[validation.suite_name] = page.relative_to(docs_dir.resolve()).as_posix()
            store.remove_key(validation.key)
        return pages


def gx_runtime() -> GxRuntime:
    """The process's GX runtime, created on first use."""
    global _runtime
    with _lock:
        if _runtime is None:
            _runtime = GxRuntime()
        return _runtime


def gx_lock() -> threading.RLock:
    """Hold while using the runtime: GX contexts are not thread-safe."""
    return _lock
