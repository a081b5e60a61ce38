"""Uncertainty and sensitivity analysis of the ranks and classes (issues 7, 13, 14).

Each replication rebuilds the index from the year's raw indicator values under a methodology
drawn from the version's uncertainty design (imputation, outlier treatment, normalisation,
weights, aggregation, as configured in the seeds), with the same methods under the same names
as the dbt models; see `engine.py`.

    framework = framework_from_dataset(dataset_dir, "hebei_v1")
    scores = score_year(values, framework)             # the nominal methodology, as the marts
    result = run_uncertainty(values, framework)        # the design in the seeds
    result.rank_quantiles          # (3, units): 5th percentile, median, 95th percentile rank
    result.class_probabilities     # (units, classes)
    result.sensitivity.pooled()    # first-order and total-effect indices per factor
"""

from orchestration.uncertainty.design import FACTORS, UncertaintyDesign, UncertaintySettings
from orchestration.uncertainty.engine import UncertaintyResult, run_uncertainty
from orchestration.uncertainty.framework import IndexFramework, framework_from_tables
from orchestration.uncertainty.indicators import YearContext
from orchestration.uncertainty.scoring import YearScores, score_year
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
    "UncertaintyDesign",
    "UncertaintyResult",
    "UncertaintySettings",
    "YearContext",
    "YearScores",
    "YearValues",
    "factor_table",
    "framework_from_dataset",
    "framework_from_tables",
    "read_framework",
    "read_year_values",
    "replace_year",
    "run_uncertainty",
    "score_year",
    "unit_table",
]
