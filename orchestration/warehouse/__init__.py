"""The DuckDB files of the warehouse: connections to the working database and the
write-audit-publish of the analysts' mart (with its Parquet export)."""
