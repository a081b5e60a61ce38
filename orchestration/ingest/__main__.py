"""`python -m orchestration.ingest INBOX DATA_YEAR [--dataset DIR] [--db FILE]`: read one inbox
year with the configuration of a dataset folder (default seeds/), print what was loaded, rejected
and found, and optionally append it to a DuckDB raw layer.

A convenience for looking at a year by hand; the pipeline calls the API.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import duckdb
import polars as pl

from orchestration.config.paths import DEFAULT_DATASET_DIR
from orchestration.ingest import read_inbox_year, store_ingest_result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.ingest", description=__doc__)
    parser.add_argument("inbox", type=Path, help="the inbox folder holding <data_year>/ folders")
    parser.add_argument("data_year", type=int)
    parser.add_argument(
        "--dataset",
        type=Path,
        default=DEFAULT_DATASET_DIR,
        help="the dataset folder holding the configuration (default: the repository's seeds/)",
    )
    parser.add_argument("--db", type=Path, help="append the result to this DuckDB file")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    result = read_inbox_year(args.inbox, args.data_year, args.dataset)
    elapsed = time.perf_counter() - started
    files = result.files
    print(
        f"{args.data_year}: {files.height} files "
        f"({files.filter(pl.col('status') == 'loaded').height} loaded), "
        f"{result.values.height} values, {result.problems.height} problems in {elapsed:.2f}s"
    )
    for row in files.filter(pl.col("status") == "rejected").iter_rows(named=True):
        print(f"  rejected {row['file_name']}: {row['reason']}")
    counts = result.problems.group_by("severity", "problem_code").len().sort("severity", "len")
    for severity, code, n in counts.iter_rows():
        print(f"  {severity:7} {code:24} {n}")
    if args.db:
        with duckdb.connect(str(args.db)) as con:
            summary = store_ingest_result(con, result)
        print(f"stored: {summary}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
