"""Scoring: the dbt models (indicators, points, scores, ranks, classes, transitions) per year."""


import json
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)

from orchestration.partitions import evaluation_years
from orchestration.resources import dbt_project


class ScoringTranslator(DagsterDbtTranslator):
    """Groups dbt nodes by their layer (seeds, staging, intermediate, marts)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "configuration"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "scoring"


@dbt_assets(
    manifest=dbt_project.manifest_path,
    partitions_def=evaluation_years,
    dagster_dbt_translator=ScoringTranslator(
        settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)
    ),
)
def scoring_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """Build and test the dbt models for the partition's evaluation year."""
    dbt_vars = {"evaluation_year": int(context.partition_key)}
    # dbt unit tests check the SQL, not the year's data: they run in the test suite, not in
    # every annual run.
    args = ["build", "--exclude-resource-type", "unit_test", "--vars", json.dumps(dbt_vars)]
    yield from dbt.cli(args, context=context).stream()
