"""A slow, plain reference of the uncertainty analysis: one replication at a time, in Python.

Written from the documented definitions without the engine's vectorisation (no matrix
products, no batched sorting), to check the engine's figures on small data. It takes the
engine's replication design (the random draws), so that both see the same methodologies.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

import numpy as np

from orchestration.uncertainty.design import RELATIVE_NORMALISATIONS, ReplicationDesign


@dataclass(frozen=True)
class ReferenceIndex:
    """The index as plain Python data."""

    nodes: list[tuple[str, str | None, float]]  # (code, parent, weight), the root first
    indicators: list[str]
    higher_is_better: list[bool]
    goalposts: list[tuple[float, float]]
    classes: list[tuple[str, float]]  # (code, min score), best first


@dataclass(frozen=True)
class ReferenceResult:
    nominal_scores: list[float]
    nominal_ranks: list[int]
    rank_quantiles: np.ndarray  # (3, n)
    class_probabilities: np.ndarray  # (n, C)
    first_order: list[float]  # pooled, per factor
    total_effect: list[float]


def indicator_points(index: ReferenceIndex, multipliers: list[float]) -> list[float]:
    """Points of each indicator: root weight times the product of the shares on its path."""
    root_code, _, root_weight = index.nodes[0]
    below_root = index.nodes[1:]
    weight = {code: w * u for (code, _, w), u in zip(below_root, multipliers, strict=True)}
    parent = {code: p for code, p, _ in below_root}
    share = {
        code: weight[code] / sum(weight[other] for other in weight if parent[other] == parent[code])
        for code in weight
    }
    points = []
    for code in index.indicators:
        product = root_weight
        while code != root_code:
            product *= share[code]
            code = parent[code]
        points.append(product)
    return points


def normalise_column(column: list[float], method: str, higher: bool, posts: tuple[float, float]):
    """One indicator's values normalised to [0, 1] (None where missing)."""
    oriented = [None if math.isnan(x) else (x if higher else -x) for x in column]
    observed = [x for x in oriented if x is not None]
    result = []
    for raw, x in zip(column, oriented, strict=True):
        if x is None:
            result.append(None)
            continue
        if method == "goalposts":
            low, high = posts
            value = (raw - low) / (high - low) if higher else (high - raw) / (high - low)
        elif method == "min_max":
            low, high = min(observed), max(observed)
            value = (x - low) / (high - low) if high > low else 0.5
        elif method == "z_score":
            mean, sd = statistics.fmean(observed), statistics.pstdev(observed)
            z = (x - mean) / sd if sd > 0 else 0.0
            value = (z + 3) / 6
        elif method == "rank":
            less = sum(other < x for other in observed)
            equal = sum(other == x for other in observed)
            value = (less + (equal - 1) / 2) / (len(observed) - 1) if len(observed) > 1 else 0.5
        result.append(min(1.0, max(0.0, value)))
    return result


def impute_column(column: list[float | None], method: str) -> list[float]:
    observed = [x for x in column if x is not None]
    if method == "zero" or not observed:
        fill = 0.0
    elif method == "mean":
        fill = statistics.fmean(observed)
    else:
        fill = statistics.median(observed)
    return [fill if x is None else x for x in column]


def score(points: list[float], row: list[float], aggregation: str, floor: float) -> float:
    total = sum(points)
    if aggregation == "arithmetic":
        return sum(p * v for p, v in zip(points, row, strict=True))
    product = 1.0
    for p, v in zip(points, row, strict=True):
        product *= (floor + (1 - floor) * v) ** (p / total)
    return total * product


def rank_of(scores: list[float]) -> list[int]:
    return [1 + sum(int(other > own) for other in scores) for own in scores]


def class_of(score_value: float, classes: list[tuple[str, float]]) -> int:
    for k, (_, minimum) in enumerate(classes):
        if score_value >= minimum:
            return k
    return len(classes) - 1


def rescaled(scores: list[float], reference: list[float]) -> list[float]:
    mean, sd = statistics.fmean(scores), statistics.pstdev(scores)
    target_mean, target_sd = statistics.fmean(reference), statistics.pstdev(reference)
    return [target_mean + target_sd * ((s - mean) / sd if sd > 0 else 0.0) for s in scores]


def reference_run(
    values: np.ndarray,
    index: ReferenceIndex,
    design: ReplicationDesign,
    floor: float,
    relative_on_absolute_scale: bool = True,
) -> ReferenceResult:
    units = values.shape[0]
    columns = [list(values[:, j]) for j in range(values.shape[1])]

    def normalised_rows(method: str, imputation: str) -> list[list[float]]:
        filled = [
            impute_column(normalise_column(column, method, higher, posts), imputation)
            for column, higher, posts in zip(
                columns, index.higher_is_better, index.goalposts, strict=True
            )
        ]
        return [[filled[j][i] for j in range(len(filled))] for i in range(units)]

    nominal_method, nominal_aggregation, nominal_imputation = design.combinations[0]
    nominal_points = indicator_points(index, [1.0] * (len(index.nodes) - 1))
    nominal_rows = normalised_rows(nominal_method, nominal_imputation)
    nominal = [score(nominal_points, row, nominal_aggregation, floor) for row in nominal_rows]

    ranks: list[list[int]] = []  # per replication
    classes: list[list[int]] = []
    keys: list[tuple] = []  # (weight draw, normalisation, aggregation, imputation)
    rows_cache = {}
    for w, multipliers in enumerate(design.weight_multipliers):
        points = indicator_points(index, list(multipliers))
        by_combination = {}
        for method, aggregation, imputation in design.combinations:
            key = (method, imputation)
            if key not in rows_cache:
                rows_cache[key] = normalised_rows(method, imputation)
            by_combination[(method, aggregation, imputation)] = [
                score(points, row, aggregation, floor) for row in rows_cache[key]
            ]
        for method, aggregation, imputation in design.combinations:
            scores = by_combination[(method, aggregation, imputation)]
            ranks.append(rank_of(scores))
            absolute = ("goalposts", aggregation, imputation)
            if (
                method in RELATIVE_NORMALISATIONS
                and relative_on_absolute_scale
                and absolute in by_combination
            ):
                scores = rescaled(scores, by_combination[absolute])
            classes.append([class_of(s, index.classes) for s in scores])
            keys.append((w, method, aggregation, imputation))

    rank_array = np.array(ranks)  # (R, n)
    quantiles = np.quantile(rank_array, [0.05, 0.5, 0.95], axis=0, method="inverted_cdf")
    probabilities = np.array(
        [
            [np.mean([c[u] == k for c in classes]) for k in range(len(index.classes))]
            for u in range(units)
        ]
    )

    first_parts, total_parts, variances = [], [], []
    for u in range(units):
        y = [float(r[u]) for r in ranks]
        mean_y = statistics.fmean(y)
        variances.append(statistics.fmean([(v - mean_y) ** 2 for v in y]))
        first_u, total_u = [], []
        for f in range(4):
            groups: dict = {}
            for key, v in zip(keys, y, strict=True):
                groups.setdefault(key[f], []).append(v)
            means = [statistics.fmean(g) for g in groups.values()]
            first_u.append(statistics.pvariance(means, mu=statistics.fmean(means)))
            others: dict = {}
            for key, v in zip(keys, y, strict=True):
                others.setdefault(key[:f] + key[f + 1 :], []).append(v)
            total_u.append(statistics.fmean(statistics.pvariance(g) for g in others.values()))
        first_parts.append(first_u)
        total_parts.append(total_u)
    total_variance = sum(variances)
    first_order = [sum(p[f] for p in first_parts) / total_variance for f in range(4)]
    total_effect = [sum(p[f] for p in total_parts) / total_variance for f in range(4)]
    return ReferenceResult(
        nominal_scores=nominal,
        nominal_ranks=rank_of(nominal),
        rank_quantiles=quantiles,
        class_probabilities=probabilities,
        first_order=first_order,
        total_effect=total_effect,
    )
