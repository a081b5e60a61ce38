"""Which methodological choice drives the variance of the ranks: variance-based indices.

For a unit's rank Y and a factor X_i (imputation, outlier treatment, normalisation, weights,
aggregation):

- first-order index  S_i  = Var(E[Y | X_i]) / Var(Y): the share of the rank's variance the
  choice explains on its own;
- total-effect index ST_i = E[Var(Y | X_~i)] / Var(Y): its share including its interactions.

Random design (A, B, AB_i; COINr's SA_estimate): S_i from Saltelli's estimator
mean(y_B (y_ABi - y_A)) / Var(Y), ST_i from Jansen's mean((y_A - y_ABi)^2) / 2 / Var(Y), Var(Y)
the sample variance of the A and B runs. Factorial design: the conditional means are exact
averages over the crossed discrete factors; only the weight draws are sampled.

Province-wide indices pool the units (the sum of each numerator over the sum of the ranks'
variances, so units whose rank never moves do not dilute them). Their confidence intervals are
percentile bootstrap intervals: the base samples (rows of A and B with their AB_i, or the weight
draws of a factorial design) resampled with replacement, the variance held at its full-sample
value as COINr does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orchestration.uncertainty.design import DISCRETE_FACTORS, FACTORS, ReplicationPlan

BLOCK_ELEMENTS = 4_000_000  # floats held at once while summarising


@dataclass(frozen=True)
class Sensitivity:
    """Per unit: the rank variance and each factor's first-order and total-effect numerators;
    province-wide: the pooled indices and their bootstrap intervals. Arrays are (factors,
    units), (units,), (factors,) and (factors, 2); factors in `factors` order."""

    factors: tuple[str, ...]
    varied: tuple[bool, ...]
    variance: np.ndarray
    first_order: np.ndarray
    total_effect: np.ndarray
    pooled_first: np.ndarray
    pooled_total: np.ndarray
    first_interval: np.ndarray
    total_interval: np.ndarray

    def indices(self) -> tuple[np.ndarray, np.ndarray]:
        """Per-unit first-order and total-effect indices (0 where the rank never varies)."""
        safe = np.where(self.variance > 0, self.variance, 1.0)
        return self.first_order / safe, self.total_effect / safe

    def pooled(self) -> tuple[np.ndarray, np.ndarray]:
        return self.pooled_first, self.pooled_total


def _bootstrap_weights(rng: np.random.Generator, samples: int, size: int) -> np.ndarray:
    """Rows of resampling weights (each row sums to 1): the full sample first, then `samples`
    bootstrap draws with replacement."""
    uniform = np.full((1, size), 1.0 / size)
    if samples == 0:
        return uniform
    picks = rng.integers(0, size, size=(samples, size)) + size * np.arange(samples)[:, None]
    counts = np.bincount(picks.ravel(), minlength=samples * size).reshape(samples, size)
    return np.concatenate([uniform, counts / size])


def _interval(pooled: np.ndarray, confidence: float) -> np.ndarray:
    """Percentile interval of each factor's bootstrap indices (rows 1..: the draws)."""
    if pooled.shape[0] == 1:
        return np.stack([pooled[0], pooled[0]], axis=1)
    tail = (1.0 - confidence) / 2.0
    return np.quantile(pooled[1:], [tail, 1.0 - tail], axis=0).T


def saltelli(
    store: np.ndarray, plan: ReplicationPlan, bootstrap: int, confidence: float, seed: int
) -> Sensitivity:
    """Saltelli/Jansen indices of every unit's rank from the ranks of a random design (R x n)."""
    n_base, units = plan.base_samples, store.shape[1]
    varied = [factor in plan.varied for factor in FACTORS]
    weights = _bootstrap_weights(np.random.default_rng(seed), bootstrap, n_base)
    variance = np.zeros(units)
    first, total = np.zeros((len(FACTORS), units)), np.zeros((len(FACTORS), units))
    pooled_first = np.zeros((weights.shape[0], len(FACTORS)))
    pooled_total = np.zeros((weights.shape[0], len(FACTORS)))
    block = max(1, BLOCK_ELEMENTS // max(1, store.shape[0]))
    for start in range(0, units, block):
        columns = slice(start, min(start + block, units))
        ranks = np.asarray(store[:, columns], dtype=np.float64)
        y_a, y_b = ranks[:n_base], ranks[n_base : 2 * n_base]
        variance[columns] = np.var(np.concatenate([y_a, y_b]), axis=0, ddof=1)
        for i, factor in enumerate(plan.varied):
            f = FACTORS.index(factor)
            y_ab = ranks[(2 + i) * n_base : (3 + i) * n_base]
            first_terms = y_b * (y_ab - y_a)  # (N, b)
            total_terms = 0.5 * (y_a - y_ab) ** 2
            first[f, columns] = first_terms.mean(axis=0)
            total[f, columns] = total_terms.mean(axis=0)
            pooled_first[:, f] += weights @ first_terms.sum(axis=1)
            pooled_total[:, f] += weights @ total_terms.sum(axis=1)
    return _finish(varied, variance, first, total, pooled_first, pooled_total, confidence)


def _finish(varied, variance, first, total, pooled_first, pooled_total, confidence) -> Sensitivity:
    denominator = variance.sum()
    if denominator > 0:
        pooled_first, pooled_total = pooled_first / denominator, pooled_total / denominator
    else:
        pooled_first, pooled_total = np.zeros_like(pooled_first), np.zeros_like(pooled_total)
    return Sensitivity(
        factors=FACTORS,
        varied=tuple(varied),
        variance=variance,
        first_order=first,
        total_effect=total,
        pooled_first=pooled_first[0],
        pooled_total=pooled_total[0],
        first_interval=_interval(pooled_first, confidence),
        total_interval=_interval(pooled_total, confidence),
    )


def factorial(
    store: np.ndarray,
    plan: ReplicationPlan,
    level_counts: dict[str, int],
    bootstrap: int,
    confidence: float,
    seed: int,
) -> Sensitivity:
    """Exact variance decomposition of a factorial design's ranks (R x n, replication w * C + c,
    the combinations in the varied discrete factors' product order), bootstrapped over the
    weight draws."""
    discrete = [factor for factor in DISCRETE_FACTORS if factor in plan.varied]
    shape = (plan.base_samples, *(level_counts[factor] for factor in discrete))
    units = store.shape[1]
    weights = _bootstrap_weights(np.random.default_rng(seed), bootstrap, plan.base_samples)
    variance = np.zeros(units)
    first, total = np.zeros((len(FACTORS), units)), np.zeros((len(FACTORS), units))
    pooled_first = np.zeros((weights.shape[0], len(FACTORS)))
    pooled_total = np.zeros((weights.shape[0], len(FACTORS)))
    per_unit = weights.shape[0] * store.shape[0]
    block = max(1, BLOCK_ELEMENTS // max(1, per_unit))
    axes = {"weights": 0, **{factor: 1 + k for k, factor in enumerate(discrete)}}
    for start in range(0, units, block):
        columns = slice(start, min(start + block, units))
        ranks = np.asarray(store[:, columns], dtype=np.float64).reshape(*shape, -1)
        parts = _factorial_parts(ranks, weights, axes, "weights" in plan.varied)
        variance[columns] = parts["variance"][0]
        for factor, (first_part, total_part) in parts["factors"].items():
            f = FACTORS.index(factor)
            first[f, columns], total[f, columns] = first_part[0], total_part[0]
            pooled_first[:, f] += first_part.sum(axis=1)
            pooled_total[:, f] += total_part.sum(axis=1)
    varied = [factor in plan.varied for factor in FACTORS]
    return _finish(varied, variance, first, total, pooled_first, pooled_total, confidence)


def _factorial_parts(
    ranks: np.ndarray, weights: np.ndarray, axes: dict[str, int], weights_varied: bool
) -> dict:
    """First-order and total-effect numerators per unit for each resampling row of the weight
    draws: Var(E[Y | X_i]) = E[E[Y | X_i]^2] - E[Y]^2, E[Var(Y | X_~i)] = E[Y^2] -
    E[E[Y | X_~i]^2], expectations over the weight draws weighted by the row."""
    draws, units = ranks.shape[0], ranks.shape[-1]
    discrete_axes = tuple(range(1, ranks.ndim - 1))
    by_draw = ranks.mean(axis=discrete_axes)  # (W, b): E[Y | w]
    squares_by_draw = np.square(ranks).mean(axis=discrete_axes)
    mean = weights @ by_draw  # (T, b)
    second = weights @ squares_by_draw
    factors: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    if weights_varied:
        combos = ranks.reshape(draws, -1, units)  # (W, C, b)
        given_combo = np.einsum("tw,wcb->tcb", weights, combos)  # E[Y | discrete choices]
        factors["weights"] = (
            weights @ np.square(by_draw) - np.square(mean),
            second - np.square(given_combo).mean(axis=1),
        )
    for factor, axis in axes.items():
        if factor == "weights":
            continue
        others = tuple(a for a in discrete_axes if a != axis)
        by_level = ranks.mean(axis=others) if others else ranks  # (W, L, b)
        given_level = np.einsum("tw,wlb->tlb", weights, by_level)
        given_rest = ranks.mean(axis=axis)  # E[Y | w and the other choices]
        rest_axes = tuple(range(1, given_rest.ndim - 1))
        rest_squares = (
            np.square(given_rest).mean(axis=rest_axes) if rest_axes else np.square(given_rest)
        )
        factors[factor] = (
            np.square(given_level).mean(axis=1) - np.square(mean),
            second - weights @ rest_squares,
        )
    return {"variance": second - np.square(mean), "factors": factors}
