"""Ingestion: the county submissions of the run's data years, from the inbox into raw tables."""

import time

import dagster as dg

from orchestration.config.configuration import Configuration
from orchestration.config.paths import Paths
from orchestration.dataset_values import has_values, load_dataset_values, values_path
from orchestration.defs.partitions import (
    evaluation_years,
    one_run_for_all_years,
    run_evaluation_years,
)
from orchestration.defs.progress import report_progress
from orchestration.defs.resources import WarehouseResource
from orchestration.ingest import read_inbox_year
from orchestration.ingest.raw_store import record_inbox_state, store_ingest_result
from orchestration.warehouse.connection import connect_work_db

RAW_TABLES = {
    "submitted_values": "Every value read from the year's submissions, typed, with its lineage.",
    "submission_files": "Every file of the year's inbox, loaded or rejected with its reason.",
    "ingest_problems": "Every problem found reading the year's files, located to the cell.",
}


def _load_dataset_values(paths: Paths, data_years: list[int]) -> dict[str, dict]:
    """A dataset folder with its values in long form instead of an inbox of submissions."""
    with connect_work_db(paths.work_db) as con:
        loaded = load_dataset_values(con, paths.dataset_dir, data_years)
    common = {"data_years": data_years, "source": str(values_path(paths.dataset_dir))}
    return {
        "submission_files": common,
        "ingest_problems": common,
        "submitted_values": {**common, "values_loaded": sum(loaded.values())},
    }


def _ingest_year(context: dg.AssetExecutionContext, paths: Paths, evaluation_year: int) -> dict:
    started = time.perf_counter()
    data_year = Configuration.from_dataset_dir(paths.dataset_dir).data_year_of(evaluation_year)
    year_dir = paths.inbox_dir / str(data_year)
    if not year_dir.is_dir():
        raise dg.Failure(
            description=(
                f"No inbox folder for data year {data_year} (evaluation year {evaluation_year}): "
                f"expected the submissions in {year_dir}"
            )
        )
    result = read_inbox_year(paths.inbox_dir, data_year, paths.dataset_dir)
    with connect_work_db(paths.work_db) as con:
        stored = store_ingest_result(con, result)
        record_inbox_state(con, result)
    files, problems = result.files, result.problems
    rejected = files.filter(files["status"] == "rejected").height
    report_progress(
        context,
        f"ingest {evaluation_year} (data year {data_year}): {files.height} files "
        f"({rejected} rejected), {result.values.height} values, {problems.height} problems "
        f"in {time.perf_counter() - started:.1f} s",
    )
    return {
        "files": files.height,
        "files_rejected": rejected,
        "new_files_stored": stored.new_files,
        "problems": problems.height,
        "problem_errors": problems.filter(problems["severity"] == "error").height,
        "values_read": result.values.height,
        "new_values_stored": stored.new_values,
    }


@dg.multi_asset(
    name="inbox_submissions",
    partitions_def=evaluation_years,
    backfill_policy=one_run_for_all_years,
    group_name="ingest",
    specs=[
        dg.AssetSpec(["raw", table], description=description, kinds={"python", "duckdb"})
        for table, description in RAW_TABLES.items()
    ],
)
def inbox_submissions(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """County submissions of the run's data years, typed, located and stored raw."""
    paths = warehouse.paths().ensure_output_dirs()
    years = run_evaluation_years(context)
    if has_values(paths.dataset_dir):
        config = Configuration.from_dataset_dir(paths.dataset_dir)
        data_years = [config.data_year_of(year) for year in years]
        for table, metadata in _load_dataset_values(paths, data_years).items():
            yield dg.MaterializeResult(asset_key=["raw", table], metadata=metadata)
        return
    if not paths.inbox_dir.is_dir():
        raise dg.Failure(description=f"The inbox folder {paths.inbox_dir} does not exist")
    per_year = {year: _ingest_year(context, paths, year) for year in years}
    totals = {
        key: sum(year[key] for year in per_year.values()) for key in next(iter(per_year.values()))
    }
    common = {"evaluation_years": years, "inbox_folder": str(paths.inbox_dir)}
    fields = {
        "submission_files": ("files", "files_rejected", "new_files_stored"),
        "ingest_problems": ("problems", "problem_errors"),
        "submitted_values": ("values_read", "new_values_stored"),
    }
    for table, keys in fields.items():
        yield dg.MaterializeResult(
            asset_key=["raw", table], metadata={**common, **{key: totals[key] for key in keys}}
        )
