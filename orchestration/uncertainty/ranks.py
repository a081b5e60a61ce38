"""Ranks of many replications at once, and order statistics of many units at once."""

from __future__ import annotations

import numpy as np


def competition_ranks(scores: np.ndarray, dtype: np.dtype | type = np.int32) -> np.ndarray:
    """Rank of each unit within each row of `scores` (B x n), highest score first; tied units
    share the best rank of their tie (SQL `rank()`, the methodology's `rank_ties = min`)."""
    rows, units = scores.shape
    order = np.argsort(-scores, axis=1)  # ties need no stable order: they share a rank
    ordered = np.take_along_axis(scores, order, axis=1)
    positions = np.broadcast_to(np.arange(units), (rows, units))
    starts_tie = np.ones((rows, units), dtype=bool)
    starts_tie[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    first_of_tie = np.maximum.accumulate(np.where(starts_tie, positions, 0), axis=1)
    ranks = np.empty((rows, units), dtype=dtype)
    np.put_along_axis(ranks, order, (first_of_tie + 1).astype(dtype), axis=1)
    return ranks


def order_statistics(samples: np.ndarray, probabilities: tuple[float, ...]) -> np.ndarray:
    """For each column of `samples` (R x b), the sample quantile of each probability p: the
    ceil(p R)-th smallest value (numpy's `inverted_cdf`), an observed value. Result (len(p), b)."""
    count = samples.shape[0]
    kth = [max(int(np.ceil(p * count)) - 1, 0) for p in probabilities]
    partitioned = np.partition(samples, sorted(set(kth)), axis=0)
    return partitioned[kth, :]
