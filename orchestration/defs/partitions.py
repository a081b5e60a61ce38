"""Yearly partitions: one per evaluation year (which uses the statistics of the year before)."""

from __future__ import annotations

import dagster as dg

from orchestration.config.paths import evaluation_year_range

_first, _last = evaluation_year_range()

evaluation_years = dg.TimeWindowPartitionsDefinition(
    start=str(_first),
    end=str(_last + 1),
    fmt="%Y",
    cron_schedule="0 0 1 1 *",
)


def data_year_of(evaluation_year: int | str, data_year_lag: int = 1) -> int:
    """The data year whose statistics an evaluation year scores."""
    return int(evaluation_year) - data_year_lag
