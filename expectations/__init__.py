"""The quality gate's Great Expectations project: suites built from GX's expectation classes
(`suites.py`), the Data Context with one checkpoint per gated table (`context.py`), and the one
configuration of rules, severities and thresholds (`gate.yaml`)."""

# The gated tables, each the dbt model quality.gate_<table>, in the order their gates run.
GATED_TABLES = (
    "ingest_problems",
    "raw_submitted_values",
    "county_scores",
    "county_transitions",
    "province_summary",
)
