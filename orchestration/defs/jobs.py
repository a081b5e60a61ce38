"""Jobs: the annual run, from inbox to published mart, for a range of evaluation years in one
run (every partitioned asset has a single-run backfill policy)."""

from __future__ import annotations

import dagster as dg

annual_run = dg.define_asset_job(
    name="annual_run",
    selection=dg.AssetSelection.all(),
    description=(
        "Ingest the submissions of the run's evaluation years, score them with dbt, gate them "
        "and publish them."
    ),
)
