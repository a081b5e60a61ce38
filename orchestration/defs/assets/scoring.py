"""Scoring: the dbt models (indicators, points, scores, ranks, classes, transitions), every
year of the run in one dbt invocation."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, dbt_assets

from orchestration.defs.dbt import ScoringDbtResource, dbt_project
from orchestration.defs.partitions import (
    evaluation_years,
    one_run_for_all_years,
    run_evaluation_years,
)
from orchestration.defs.resources import WarehouseResource


class ScoringTranslator(DagsterDbtTranslator):
    """Groups dbt nodes by their layer (seeds, staging, intermediate, marts)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "configuration"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "scoring"


translator = ScoringTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    partitions_def=evaluation_years,
    backfill_policy=one_run_for_all_years,
    dagster_dbt_translator=translator,
)
def scoring_models(
    context: dg.AssetExecutionContext, dbt: ScoringDbtResource, warehouse: WarehouseResource
):
    """Build and test the dbt models for every evaluation year of the run at once."""
    years = run_evaluation_years(context)
    yield from dbt.build(context, warehouse.paths(), years, translator)
