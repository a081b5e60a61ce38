"""Great Expectations suites as code, one module per validated table.

Each module registers its checks on a `Suite`; `orchestration.quality.run_gate` runs them.
Severities, tolerances and thresholds are configured in `expectations/gate.yaml`.
Importing this package is cheap: Great Expectations itself is imported when a gate runs.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from expectations._base import Suite

SUITE_MODULES = {
    "raw_submitted_values": "expectations.raw_submitted_values",
    "county_scores": "expectations.county_scores",
    "county_transitions": "expectations.county_transitions",
    "province_summary": "expectations.province_summary",
}
TABLE_ALIASES = {"raw.submitted_values": "raw_submitted_values"}


def table_name(table: str) -> str:
    """The gate's name of a table (`raw.submitted_values` is `raw_submitted_values`)."""
    name = TABLE_ALIASES.get(table, table)
    if name not in SUITE_MODULES:
        raise ValueError(
            f"no quality gate for table {table!r}; expected one of {sorted(SUITE_MODULES)} "
            f"(or {sorted(TABLE_ALIASES)})"
        )
    return name


def get_suite(table: str) -> Suite:
    """The suite of a table."""
    return import_module(SUITE_MODULES[table_name(table)]).suite
