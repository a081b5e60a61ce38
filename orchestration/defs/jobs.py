"""Jobs: the annual run of one evaluation year, from inbox to published mart."""

from __future__ import annotations

import dagster as dg

annual_run = dg.define_asset_job(
    name="annual_run",
    selection=dg.AssetSelection.all(),
    description="Ingest a year's submissions, score it with dbt, gate it and publish it.",
)
