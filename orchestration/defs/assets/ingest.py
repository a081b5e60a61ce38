"""Ingestion: the county submissions of one data year, from the inbox into raw DuckDB tables."""


import dagster as dg

from orchestration.config.dataset import data_year_for
from orchestration.dataset_values import load_dataset_values
from orchestration.ingest import read_inbox_year
from orchestration.ingest.raw_store import record_inbox_state, store_ingest_result
from orchestration.defs.partitions import evaluation_years
from orchestration.config.paths import current_paths
from orchestration.warehouse.connection import connect_work_db

RAW_TABLES = {
    "submitted_values": "Every value read from the year's submissions, typed, with its lineage.",
    "submission_files": "Every file of the year's inbox, loaded or rejected with its reason.",
    "ingest_problems": "Every problem found reading the year's files, located to the cell.",
}


@dg.multi_asset(
    name="inbox_submissions",
    partitions_def=evaluation_years,
    group_name="ingest",
    specs=[
        dg.AssetSpec(["raw", table], description=description, kinds={"python", "duckdb"})
        for table, description in RAW_TABLES.items()
    ],
)
def inbox_submissions(context: dg.AssetExecutionContext):
    """County submissions of the partition's data year, typed, located and stored raw."""
    paths = current_paths().ensure()
    evaluation_year = int(context.partition_key)
    data_year = data_year_for(paths.dataset_dir, evaluation_year)
    if (paths.dataset_dir / "values.csv").exists():
        # A dataset folder with its values in long form instead of an inbox of submissions.
        with connect_work_db(paths.work_db) as con:
            loaded = load_dataset_values(con, paths.dataset_dir, [data_year])
        common = {"data_year": data_year, "source": str(paths.dataset_dir / "values.csv")}
        for table in ("submission_files", "ingest_problems"):
            yield dg.MaterializeResult(asset_key=["raw", table], metadata=common)
        yield dg.MaterializeResult(
            asset_key=["raw", "submitted_values"],
            metadata={**common, "values_loaded": loaded.get(data_year, 0)},
        )
        return
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
    files = result.files
    rejected = files.filter(files["status"] == "rejected")
    problems = result.problems
    context.log.info(
        f"data year {data_year}: {files.height} files ({rejected.height} rejected), "
        f"{result.values.height} values, {problems.height} problems"
    )
    common = {"data_year": data_year, "inbox_folder": str(year_dir)}
    yield dg.MaterializeResult(
        asset_key=["raw", "submission_files"],
        metadata={**common, "files": files.height, "files_rejected": rejected.height,
                  "new_files_stored": stored.new_files},
    )
    yield dg.MaterializeResult(
        asset_key=["raw", "ingest_problems"],
        metadata={**common, "problems": problems.height,
                  "problem_errors": problems.filter(problems["severity"] == "error").height},
    )
    yield dg.MaterializeResult(
        asset_key=["raw", "submitted_values"],
        metadata={**common, "values_read": result.values.height,
                  "new_values_stored": stored.new_values},
    )
