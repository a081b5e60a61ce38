"""Normalisation and imputation alternatives: raw indicator values to [0, 1], gaps filled.

Every method maps a year's (units x indicators) values onto [0, 1], higher is better, so that
the points of a replication stay on the 100-point scale:

- `goalposts` (nominal): (value - lower) / (upper - lower), clipped to [0, 1]; absolute, so a
  unit's score is comparable across years;
- `min_max`: (value - year's minimum) / (year's range);
- `z_score`: (value - year's mean) / year's standard deviation, capped at +/-3 and mapped
  linearly onto [0, 1];
- `rank`: the unit's percentile among the year's units (ties share their mean rank).

The statistics of the relative methods come from the observed values only. Imputation fills a
missing value after normalisation: `zero` (no points, the methodology's rule), or the `mean` /
`median` of the observed normalised values of that indicator in that year.
"""

from __future__ import annotations

import warnings

import numpy as np

from orchestration.uncertainty.framework import IndexFramework

Z_SCORE_CAP = 3.0


def _percentiles(column: np.ndarray) -> np.ndarray:
    """Percentile in [0, 1] of each observed value among the observed values (mean rank of
    ties); NaN stays NaN."""
    observed = np.sort(column[~np.isnan(column)])
    result = np.full(column.shape, np.nan)
    if observed.size == 0:
        return result
    if observed.size == 1:
        result[~np.isnan(column)] = 0.5
        return result
    present = ~np.isnan(column)
    below = np.searchsorted(observed, column[present], side="left")
    at_or_below = np.searchsorted(observed, column[present], side="right")
    result[present] = (below + at_or_below - 1) / 2 / (observed.size - 1)
    return result


def _relative(oriented: np.ndarray, method: str) -> np.ndarray:
    if method == "min_max":
        low, high = np.nanmin(oriented, axis=0), np.nanmax(oriented, axis=0)
        span = high - low
        return np.where(span > 0, (oriented - low) / np.where(span > 0, span, 1.0), 0.5)
    if method == "z_score":
        mean, spread = np.nanmean(oriented, axis=0), np.nanstd(oriented, axis=0)
        z = np.where(spread > 0, (oriented - mean) / np.where(spread > 0, spread, 1.0), 0.0)
        return np.clip((z + Z_SCORE_CAP) / (2 * Z_SCORE_CAP), 0.0, 1.0)
    if method == "rank":
        return np.column_stack([_percentiles(column) for column in oriented.T])
    raise ValueError(
        f"unknown normalisation {method!r}: expected one of goalposts, min_max, z_score, rank"
    )


def normalise(values: np.ndarray, framework: IndexFramework, method: str) -> np.ndarray:
    """The (units x indicators) values normalised to [0, 1] by `method`, NaN where missing."""
    missing = np.isnan(values)
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)  # an indicator nobody reported
        if method == "goalposts":
            lower, upper = framework.lower_goalposts, framework.upper_goalposts
            scaled = np.where(framework.higher_is_better, values - lower, upper - values)
            result = np.clip(scaled / (upper - lower), 0.0, 1.0)
        else:
            result = _relative(np.where(framework.higher_is_better, values, -values), method)
    return np.where(missing, np.nan, result)


def impute(normalised: np.ndarray, method: str) -> np.ndarray:
    """The normalised values with every NaN filled by `method` (zero, mean or median of the
    indicator's observed normalised values; zero where none is observed)."""
    missing = np.isnan(normalised)
    if method not in ("zero", "mean", "median"):
        raise ValueError(f"unknown imputation {method!r}: expected one of zero, mean, median")
    if not missing.any():
        return normalised
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an indicator nobody reported
        if method == "mean":
            fill = np.nanmean(normalised, axis=0)
        elif method == "median":
            fill = np.nanmedian(normalised, axis=0)
        else:
            fill = np.zeros(normalised.shape[1])
    return np.where(missing, np.nan_to_num(fill, nan=0.0), normalised)
