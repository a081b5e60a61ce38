"""One year scored under a methodology version, as the dbt marts score it: the public entry.

    framework = framework_from_dataset(dataset_dir, "hebei_v1")
    scores = score_year(values, framework)        # values: units x framework.indicator_codes
    scores.totals, scores.ranks, scores.class_codes()

The same code scores every replication of the uncertainty analysis; here with the nominal
methodology and weights, nothing perturbed. For a year whose methodology reads other years
(carry-forward imputation, `minmax_pooled`), pass what they would read in `context`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orchestration.uncertainty.aggregation import class_indices, totals
from orchestration.uncertainty.framework import IndexFramework
from orchestration.uncertainty.indicators import YearContext, indicator_scores
from orchestration.uncertainty.methods import Methodology
from orchestration.uncertainty.ranks import ranks


@dataclass(frozen=True)
class YearScores:
    """Per unit (rows of the value matrix): the indicators' normalised scores, the total, the
    rank (NaN without a total) and the class (index into `class_codes`, -1 without a total)."""

    indicator_scores: np.ndarray  # (n, m)
    totals: np.ndarray  # (n,)
    ranks: np.ndarray  # (n,)
    classes: np.ndarray  # (n,)
    class_codes_order: tuple[str, ...]

    def class_codes(self) -> list[str | None]:
        return [self.class_codes_order[k] if k >= 0 else None for k in self.classes]


def framework_arrays(framework: IndexFramework) -> dict[str, object]:
    """The indicator attributes the normalisation needs, by name."""
    return {
        "transforms": framework.transforms,
        "higher_is_better": framework.higher_is_better,
        "lower_goalposts": framework.lower_goalposts,
        "upper_goalposts": framework.upper_goalposts,
        "targets": framework.targets,
    }


def score_year(
    values: np.ndarray,
    framework: IndexFramework,
    context: YearContext | None = None,
    methodology: Methodology | None = None,
) -> YearScores:
    """Score one year's (units x indicators) raw indicator values (NaN = missing, columns in
    `framework.indicator_codes` order) under the framework's methodology (or `methodology`):
    imputation, transform, outlier treatment, normalisation, aggregation over the tree with the
    nominal weights, ranks by the methodology's tie rule (`first`: in row order), classes."""
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 2 or values.shape[1] != framework.indicator_count:
        raise ValueError(
            f"value matrix of shape {values.shape}: expected (units, "
            f"{framework.indicator_count}) in the order {', '.join(framework.indicator_codes)}"
        )
    methodology = methodology or framework.methodology
    scores = indicator_scores(
        values, methodology, framework_arrays(framework), context or YearContext()
    )
    total = totals(
        scores,
        framework.nominal_shares()[None, :],
        framework,
        methodology.node_aggregation,
        str(methodology["missing_values"]),
    )
    ranked = ranks(total, str(methodology["rank_ties"]), np.float64)[0]
    ranked[np.isnan(total[0])] = np.nan
    classes = class_indices(total, framework, str(methodology["class_scheme"]))[0]
    return YearScores(scores, total[0], ranked, classes, framework.class_codes)
