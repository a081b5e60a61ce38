"""Ingestion of the yearly county submissions into typed long-form values with lineage.

Public API:

- `read_inbox_year(inbox_dir, data_year, seeds_dir, received_at=None) -> IngestResult` reads
  `<inbox_dir>/<data_year>/` into three polars frames: `values`, `files`, `problems`
  (column contract in `orchestration.ingest.schemas`);
- `store_ingest_result(con, result) -> StoreSummary` appends them idempotently to the raw layer
  (`raw.submission_files`, `raw.submitted_values`, `raw.ingest_problems`).

The modules, one responsibility each: `encoding` (CSV bytes → text), `grid` (file → sheets of
cells), `values` (cell → number/unit/missing), `conversion` (units of measure), `catalog`
(variables and their aliases), `identity` (which county), `headers` (layout labels and column
headers), `county_form` / `city_summary` / `expert_scores` (+ `wide_table`) (the layout readers),
`detect` (which sheet and layout), `value_cell` (a located value and its problems), `duplicates`,
`inbox` (a year folder), `raw_store` (DuckDB), `problems` and `schemas` (the output contract).
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

__all__ = [
    "FILES_SCHEMA",
    "PROBLEMS_SCHEMA",
    "PROBLEM_CODES",
    "VALUES_SCHEMA",
    "IngestResult",
    "StoreSummary",
    "read_inbox_year",
    "store_ingest_result",
]
