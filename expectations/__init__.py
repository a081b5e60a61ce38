"""The quality gate's Great Expectations project: suites built from GX's expectation classes
(`suites.py`), the Data Context with one checkpoint per gated table (`context.py`), and the one
configuration of rules, severities and thresholds (`gate.yaml`)."""
