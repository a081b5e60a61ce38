"""Ingestion of the yearly county submissions into typed long-form values with lineage.

Public API:

- `read_inbox_year(inbox_dir, data_year, dataset_dir, received_at=None) -> IngestResult` reads
  `<inbox_dir>/<data_year>/`, with the configuration of the dataset folder (read through
  `orchestration.config`), into three polars frames: `values`, `files`, `problems`
  (column contract in `orchestration.ingest.schemas`);
- `store_ingest_result(con, result) -> StoreSummary` appends them idempotently to the raw layer
  (`raw.submission_files`, `raw.submitted_values`, `raw.ingest_problems`).

The rule: every cell ends as the value the office meant, with a note of any conversion, or as
a located problem; never as a different number without a word (README.md has the table of what
happens to each way of writing a number). Which problems block the year is `ingest_problems:`
of expectations/gate.yaml (`severity.problem_severities`). The modules, one responsibility
each, are listed in README.md.
"""

from orchestration.ingest.inbox import read_inbox_year
from orchestration.ingest.problems import PROBLEM_CODES
from orchestration.ingest.raw_store import StoreSummary, store_ingest_result
from orchestration.ingest.schemas import (
    FILES_SCHEMA,
    PROBLEMS_SCHEMA,
    VALUES_SCHEMA,
    IngestResult,
)
from orchestration.ingest.severity import problem_severities

__all__ = [
    "FILES_SCHEMA",
    "PROBLEMS_SCHEMA",
    "PROBLEM_CODES",
    "VALUES_SCHEMA",
    "IngestResult",
    "StoreSummary",
    "problem_severities",
    "read_inbox_year",
    "store_ingest_result",
]
