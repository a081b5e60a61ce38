"""Yearly partitions: one per evaluation year (which uses the statistics of the year before).

The years come from the methodology (the configuration's methodology versions, read from the
dataset folder through `orchestration.config`: the code location is imported before dbt runs):
from the first evaluation year of its versions to the last; a version open at the end (no
last_evaluation_year) ends at `LEAP_LAST_YEAR` when set, else at the last year that has data
(the newest data-year folder of the inbox, or of the dataset's values.csv), else (no data yet)
at the current calendar year. A run materializes a range of them in one go (single-run
backfill): code that runs for "the partition" takes the years of the run,
`run_evaluation_years(context)`.
"""

from __future__ import annotations

import os
from datetime import date

import dagster as dg

from orchestration.config.configuration import Configuration, ConfigurationError
from orchestration.config.paths import Paths, paths_from_environment
from orchestration.dataset_values import has_values, last_data_year


def _last_data_year(paths: Paths) -> int | None:
    """The newest data year with submissions: of the dataset's values.csv, else the newest
    inbox folder with files."""
    if has_values(paths.dataset_dir):
        return last_data_year(paths.dataset_dir)
    if not paths.inbox_dir.is_dir():
        return None
    years = [
        int(folder.name)
        for folder in paths.inbox_dir.iterdir()
        if folder.is_dir() and folder.name.isdigit() and any(folder.iterdir())
    ]
    return max(years, default=None)


def evaluation_year_span(paths: Paths, configured_last: int | None = None) -> tuple[int, int]:
    """First and last evaluation year of the methodology (see the module's docstring)."""
    config = Configuration.from_dataset_dir(paths.dataset_dir)
    versions = config.methodology_versions()
    if not versions:
        raise ConfigurationError(
            f"{config.source}: methodology.csv has no methodology version; expected one row "
            "per version with its first (and last) evaluation year"
        )
    first = min(version.first_evaluation_year for version in versions)
    open_versions = [version for version in versions if version.last_evaluation_year is None]
    closed_last = max(
        (v.last_evaluation_year for v in versions if v.last_evaluation_year is not None),
        default=first,
    )
    if not open_versions:
        return first, closed_last
    if configured_last is not None:
        return first, configured_last
    newest = max(open_versions, key=lambda version: version.first_evaluation_year)
    data_year = _last_data_year(paths)
    last_with_data = (
        data_year + newest.data_year_lag if data_year is not None else date.today().year
    )
    return first, max(closed_last, newest.first_evaluation_year, last_with_data)


def _configured_last_year() -> int | None:
    text = os.environ.get("LEAP_LAST_YEAR", "").strip()
    return int(text) if text else None


def partitions_for(first: int, last: int) -> dg.TimeWindowPartitionsDefinition:
    return dg.TimeWindowPartitionsDefinition(
        start=str(first), end=str(last + 1), fmt="%Y", cron_schedule="0 0 1 1 *"
    )


FIRST_YEAR, LAST_YEAR = evaluation_year_span(paths_from_environment(), _configured_last_year())
evaluation_years = partitions_for(FIRST_YEAR, LAST_YEAR)

# Every partitioned asset materializes all the years of a run in one step.
one_run_for_all_years = dg.BackfillPolicy.single_run()


def run_evaluation_years(
    context: dg.AssetExecutionContext | dg.AssetCheckExecutionContext | dg.OpExecutionContext,
) -> list[int]:
    """The evaluation years of the run, in order (a one-year run gives one)."""
    op_context = getattr(context, "op_execution_context", context)
    if op_context.has_partition_key_range:
        keys = op_context.partition_keys
    else:  # an unpartitioned check in a partitioned run: the run's range, from its tags
        tags = op_context.run.tags
        start = tags.get("dagster/asset_partition_range_start", tags.get("dagster/partition"))
        end = tags.get("dagster/asset_partition_range_end", start)
        if start is None:
            raise dg.Failure("the run names no evaluation year (no partition or range)")
        keys = evaluation_years.get_partition_keys_in_range(dg.PartitionKeyRange(start, end))
    return sorted(int(key) for key in keys)
