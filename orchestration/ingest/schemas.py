"""The output contract of the ingestion: column names and types of the three frames.

Others build on these exact names (the raw store, dbt staging, the quality gate), so they are
defined once here. `received_at` is a naive datetime in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

RECEIVED_AT = pl.Datetime("us")

VALUES_SCHEMA: dict[str, pl.DataType] = {
    "data_year": pl.Int32(),
    "unit_code": pl.Utf8(),
    "variable_code": pl.Utf8(),
    "value": pl.Float64(),
    "raw_text": pl.Utf8(),
    "unit_found": pl.Utf8(),
    "conversion_factor": pl.Float64(),
    "is_missing": pl.Boolean(),
    "layout": pl.Utf8(),
    "file_name": pl.Utf8(),
    "file_sha256": pl.Utf8(),
    "sheet": pl.Utf8(),
    "row_number": pl.Int32(),
    "column_name": pl.Utf8(),
    "column_letter": pl.Utf8(),
    "received_at": RECEIVED_AT,
    # what was said about the number: footnote markers and 备注 (remark), where its unit was
    # stated (null: none, the canonical unit was assumed), the conversion applied, in words
    "remark": pl.Utf8(),
    "unit_stated_in": pl.Utf8(),
    "conversion": pl.Utf8(),
}

FILES_SCHEMA: dict[str, pl.DataType] = {
    "data_year": pl.Int32(),
    "file_name": pl.Utf8(),
    "file_sha256": pl.Utf8(),
    "size_bytes": pl.Int64(),
    "layout": pl.Utf8(),
    "status": pl.Utf8(),
    "reason": pl.Utf8(),
    "received_at": RECEIVED_AT,
    "declared_unit_name": pl.Utf8(),
    "declared_unit_code": pl.Utf8(),
    "unit_code": pl.Utf8(),
    "contact_name": pl.Utf8(),
    "contact_phone": pl.Utf8(),
    "value_count": pl.Int32(),
    # beyond the contract, for lineage
    "declared_data_year": pl.Int32(),
    "file_format": pl.Utf8(),
    "encoding": pl.Utf8(),
    "sheet": pl.Utf8(),
}

PROBLEMS_SCHEMA: dict[str, pl.DataType] = {
    "data_year": pl.Int32(),
    "file_name": pl.Utf8(),
    "sheet": pl.Utf8(),
    "row_number": pl.Int32(),
    "column_name": pl.Utf8(),
    "unit_code": pl.Utf8(),
    "variable_code": pl.Utf8(),
    "found_text": pl.Utf8(),
    "expected": pl.Utf8(),
    "severity": pl.Utf8(),
    "problem_code": pl.Utf8(),
    # beyond the contract: the file's hash (the raw store's key) and the column letter
    "file_sha256": pl.Utf8(),
    "column_letter": pl.Utf8(),
}

LAYOUTS = ("county_form", "city_summary", "expert_scores")
LOADED = "loaded"
REJECTED = "rejected"


@dataclass(frozen=True)
class IngestResult:
    """What one inbox year yielded: typed values, the files seen, and the problems found."""

    values: pl.DataFrame
    files: pl.DataFrame
    problems: pl.DataFrame

    @classmethod
    def from_rows(
        cls,
        values: list[dict[str, object]],
        files: list[dict[str, object]],
        problems: list[dict[str, object]],
    ) -> IngestResult:
        """Build the three frames with the contract's column order and types."""
        return cls(
            values=pl.DataFrame(values, schema=VALUES_SCHEMA, orient="row"),
            files=pl.DataFrame(files, schema=FILES_SCHEMA, orient="row"),
            problems=pl.DataFrame(problems, schema=PROBLEMS_SCHEMA, orient="row"),
        )

    def errors(self) -> pl.DataFrame:
        """The problems of severity error."""
        return self.problems.filter(pl.col("severity") == "error")
