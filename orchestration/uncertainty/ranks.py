"""Ranks of many replications at once, and order statistics of many units at once."""

from __future__ import annotations

import numpy as np

SCORE_DECIMALS = 9  # totals equal to 9 decimals tie (int_unit_scores)


def ranks(scores: np.ndarray, ties: str = "min", dtype: np.dtype | type = np.int32) -> np.ndarray:
    """Rank of each unit within each row of `scores` (B x n), highest first, totals rounded to
    9 decimals, ties by the methodology's rule: `min` (1, 2, 2, 4; SQL rank), `max` (1, 3, 3,
    4), `dense` (1, 2, 2, 3), `first` (1, 2, 3, 4 in unit order). Units without a score (NaN)
    come after every scored unit (and tie among themselves)."""
    rows, units = scores.shape
    rounded = np.round(np.where(np.isnan(scores), -np.inf, scores), SCORE_DECIMALS)
    order = np.argsort(-rounded, axis=1, kind="stable")  # stable: `first` follows unit order
    ordered = np.take_along_axis(rounded, order, axis=1)
    positions = np.broadcast_to(np.arange(units), (rows, units))
    starts_tie = np.ones((rows, units), dtype=bool)
    starts_tie[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    if ties == "first":
        ranked = positions + 1
    elif ties == "dense":
        ranked = np.cumsum(starts_tie, axis=1)
    elif ties == "max":
        ends_tie = np.ones((rows, units), dtype=bool)
        ends_tie[:, :-1] = starts_tie[:, 1:]
        last = np.minimum.accumulate(np.where(ends_tie, positions, units)[:, ::-1], axis=1)[:, ::-1]
        ranked = last + 1
    else:
        ranked = np.maximum.accumulate(np.where(starts_tie, positions, 0), axis=1) + 1
    result = np.empty((rows, units), dtype=dtype)
    np.put_along_axis(result, order, ranked.astype(dtype), axis=1)
    return result


def competition_ranks(scores: np.ndarray, dtype: np.dtype | type = np.int32) -> np.ndarray:
    """SQL `rank()` of each row, highest first (the methodology's `rank_ties = min`)."""
    return ranks(scores, "min", dtype)


def order_statistics(samples: np.ndarray, probabilities: tuple[float, ...]) -> np.ndarray:
    """For each column of `samples` (R x b), the sample quantile of each probability p: the
    ceil(p R)-th smallest value (numpy's `inverted_cdf`), an observed value. Result (len(p), b)."""
    count = samples.shape[0]
    kth = [max(int(np.ceil(p * count)) - 1, 0) for p in probabilities]
    partitioned = np.partition(samples, sorted(set(kth)), axis=0)
    return partitioned[kth, :]
