"""Uncertainty and sensitivity analysis of the ranks and classes (issue 7).

Monte Carlo over methodological alternatives (weights, normalisation, aggregation,
imputation), computed for all replications together as matrix operations; see `engine.py`.

    framework = framework_from_dataset(dataset_dir, "hebei_v1")
    result = run_uncertainty(values, framework, UncertaintySettings(replications=10_000))
    result.rank_quantiles          # (3, units): 5th percentile, median, 95th percentile rank
    result.class_probabilities     # (units, classes)
    result.variance.pooled()       # first-order and total-effect indices per factor
"""

from orchestration.uncertainty.design import FACTORS, UncertaintySettings
from orchestration.uncertainty.engine import UncertaintyResult, run_uncertainty
from orchestration.uncertainty.framework import IndexFramework, framework_from_tables
from orchestration.uncertainty.warehouse import (
    YearValues,
    factor_table,
    framework_from_dataset,
    read_framework,
    read_year_values,
    replace_year,
    unit_table,
)

__all__ = [
    "FACTORS",
    "IndexFramework",
    "UncertaintyResult",
    "UncertaintySettings",
    "YearValues",
    "factor_table",
    "framework_from_dataset",
    "framework_from_tables",
    "read_framework",
    "read_year_values",
    "replace_year",
    "run_uncertainty",
    "unit_table",
]
