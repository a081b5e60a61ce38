"""A slow, plain reference of the uncertainty analysis: one replication at a time.

Each replication is scored value by value with the independent reference implementation of the
methods (tests/engine/reference.py: outlier treatment, normalisation, aggregation over the tree,
tie rules), and the summaries and sensitivity indices are computed from their definitions with
plain loops, without the engine's vectorisation. It takes the engine's replication plan (the
random draws) and the alternatives' settings, so that both see the same methodologies.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

import numpy as np

from orchestration.uncertainty.design import DISCRETE_FACTORS, FACTORS, ReplicationPlan
from orchestration.uncertainty.framework import IndexFramework
from tests.engine import reference as methods


@dataclass(frozen=True)
class ReferenceResult:
    totals: list[list[float | None]]  # per replication
    ranks: list[list[int]]
    rank_quantiles: np.ndarray  # (3, n)
    class_probabilities: np.ndarray  # (n, C)
    pooled_first: list[float]  # per factor, FACTORS order
    pooled_total: list[float]


def _settings(framework: IndexFramework, plan: ReplicationPlan, r: int) -> dict[str, object]:
    settings = dict(framework.methodology.settings)
    for factor in DISCRETE_FACTORS:
        level = framework.design.levels(factor)[int(plan.levels[factor][r])]
        settings.update(level.changes)
    return settings


def _imputed(column: list[float | None], chain: str) -> list[float | None]:
    observed = [v for v in column if v is not None]
    for step in chain.split(">"):
        if step in ("mean", "median") and observed:
            fill = statistics.fmean(observed) if step == "mean" else statistics.median(observed)
            return [fill if v is None else v for v in column]
    return column


def _scores(framework: IndexFramework, values: np.ndarray, settings: dict) -> list[list]:
    """Each unit's normalised scores (None = missing) under one replication's settings."""
    units = values.shape[0]
    result = [[None] * framework.indicator_count for _ in range(units)]
    for j, code in enumerate(framework.indicator_codes):
        raw = [None if math.isnan(v) else float(v) for v in values[:, j]]
        column = _imputed(raw, str(settings["imputation"]))
        present = [v for v in column if v is not None]
        treatment = methods.outlier_treatment(
            present,
            str(settings["outlier_treatment"]),
            float(settings["outlier_skewness"]),
            float(settings["outlier_kurtosis"]),
            int(settings["outlier_winsorise_max"]),
            str(settings["outlier_winsorisation"]),
            str(settings["outlier_log_transform"]),
        )
        treated = [treatment.apply(v) for v in column]
        kept = [v for v in treated if v is not None]
        method = str(settings["normalisation"])
        indicator = methods.Indicator(
            code,
            "",
            None,
            1.0,
            "+" if framework.higher_is_better[j] else "-",
            "none",
            method,
            ["none"],
            "none",
            None,
            None,
            None,
        )
        scale = methods.Scale(
            lower=float(framework.lower_goalposts[j]) if method == "goalposts" else min(kept),
            upper=float(framework.upper_goalposts[j]) if method == "goalposts" else max(kept),
            mean=statistics.fmean(kept),
            sd=statistics.stdev(kept) if len(kept) > 1 else None,
            count=len(kept),
            distinct=len(set(kept)),
            normalised_lower=float(settings["normalised_lower"]),
            normalised_upper=float(settings["normalised_upper"]),
            zscore_mean=float(settings["zscore_mean"]),
            zscore_sd=float(settings["zscore_sd"]),
            rank_scale=str(settings["rank_scale"]),
            ties=str(settings["normalisation_ties"]),
        )
        for i, value in enumerate(treated):
            result[i][j] = methods.normalised(value, indicator, scale, kept)
    return result


def _totals(framework: IndexFramework, scores: list[list], settings: dict, multipliers) -> list:
    """Each unit's total over the tree (reference._aggregate_unit) under perturbed weights."""
    nodes = {
        framework.parent_codes[0]: methods.Node(
            framework.parent_codes[0],
            None,
            "index",
            framework.root_points,
            str(settings["aggregation"]),
        )
    }
    for k, code in enumerate(framework.node_codes):
        parent = framework.parent_codes[framework.node_parents[k]]
        nodes[code] = methods.Node(
            code,
            parent,
            framework.node_types[k],
            float(framework.node_weights[k] * multipliers[k]),
            str(settings["aggregation"]),
        )
    for node in list(nodes.values()):
        if node.parent:
            nodes[node.parent].children.append(node.code)
    root = framework.parent_codes[0]
    nodes[root].points = framework.root_points
    stack = [root]
    while stack:
        parent = nodes[stack.pop()]
        weight = sum(nodes[c].weight for c in parent.children)
        for child in parent.children:
            nodes[child].points = parent.points * nodes[child].weight / weight
            stack.append(child)
    version = methods.Version(
        "v", 0, 0, 1, {"missing_values": str(settings["missing_values"])}, nodes, root, {}, []
    )
    results = methods.Results()
    for i, row in enumerate(scores):
        for j, code in enumerate(framework.indicator_codes):
            score = row[j]
            results.indicators[(0, str(i), code)] = {
                "normalised_value": score,
                "indicator_points": None if score is None else nodes[code].points * score,
            }
        methods._aggregate_unit(0, str(i), version, results)
    return [results.units[(0, str(i))]["total_points"] for i in range(len(scores))]


def _classes(framework, totals, settings, nominal_totals, nominal_settings) -> list[int]:
    scored = [t for t in totals if t is not None]
    changed = any(
        settings[name] != nominal_settings[name]
        for name in (
            "normalisation",
            "normalised_lower",
            "normalised_upper",
            "zscore_mean",
            "zscore_sd",
            "rank_scale",
            "normalisation_ties",
        )
    )
    if (
        changed
        and settings["class_scheme"] == "absolute"
        and framework.design.classes_on_nominal_scale
    ):
        reference = [t for t in nominal_totals if t is not None]
        mean, sd = statistics.fmean(scored), statistics.pstdev(scored)
        target_mean, target_sd = statistics.fmean(reference), statistics.pstdev(reference)
        totals = [
            None if t is None else target_mean + target_sd * ((t - mean) / sd if sd > 0 else 0.0)
            for t in totals
        ]
    cutoffs = list(framework.class_min_scores)
    if settings["class_scheme"] == "relative_to_mean":
        cutoffs = [c / 100 * statistics.fmean(scored) for c in cutoffs]
    result = []
    for total in totals:
        if total is None:
            result.append(-1)
            continue
        reached = [k for k, cut in enumerate(cutoffs) if total >= cut]
        result.append(reached[0] if reached else len(cutoffs) - 1)
    return result


def reference_run(
    framework: IndexFramework, values: np.ndarray, plan: ReplicationPlan
) -> ReferenceResult:
    nominal_settings = dict(framework.methodology.settings)
    nominal = _totals(
        framework,
        _scores(framework, values, nominal_settings),
        nominal_settings,
        np.ones(len(framework.node_codes)),
    )
    all_totals, all_ranks, all_classes = [], [], []
    for r in range(plan.replications):
        settings = _settings(framework, plan, r)
        multipliers = plan.weight_sets[plan.weight_index[r]]
        totals = _totals(framework, _scores(framework, values, settings), settings, multipliers)
        ranked = methods._rank(
            [(f"{i:04d}", t) for i, t in enumerate(totals) if t is not None],
            str(settings["rank_ties"]),
        )
        all_totals.append(totals)
        all_ranks.append([ranked[f"{i:04d}"] for i in range(len(totals))])
        all_classes.append(_classes(framework, totals, settings, nominal, nominal_settings))
    rank_array = np.array(all_ranks)
    quantiles = np.quantile(rank_array, [0.05, 0.5, 0.95], axis=0, method="inverted_cdf")
    probabilities = np.array(
        [
            [np.mean([c[u] == k for c in all_classes]) for k in range(len(framework.class_codes))]
            for u in range(values.shape[0])
        ]
    )
    if plan.kind == "factorial":
        first, total = _factorial_indices(framework, plan, all_ranks)
    else:
        first, total = _saltelli_indices(plan, all_ranks)
    return ReferenceResult(all_totals, all_ranks, quantiles, probabilities, first, total)


def _saltelli_indices(plan: ReplicationPlan, ranks: list[list[int]]) -> tuple[list, list]:
    """Pooled Saltelli (first-order) and Jansen (total) estimates, loop by loop."""
    n, units = plan.base_samples, len(ranks[0])
    first, total = [0.0] * len(FACTORS), [0.0] * len(FACTORS)
    variance = sum(statistics.variance([ranks[k][u] for k in range(2 * n)]) for u in range(units))
    for i, factor in enumerate(plan.varied):
        f = FACTORS.index(factor)
        for u in range(units):
            for k in range(n):
                y_a, y_b, y_ab = ranks[k][u], ranks[n + k][u], ranks[(2 + i) * n + k][u]
                first[f] += y_b * (y_ab - y_a) / n
                total[f] += (y_a - y_ab) ** 2 / (2 * n)
    return [v / variance for v in first], [v / variance for v in total]


def _factorial_indices(
    framework, plan: ReplicationPlan, ranks: list[list[int]]
) -> tuple[list, list]:
    """Pooled Var(E[Y | X_i]) and E[Var(Y | X_~i)] over the crossed design, by grouping."""
    units = len(ranks[0])
    keys = [
        (int(plan.weight_index[r]), *(int(plan.levels[f][r]) for f in DISCRETE_FACTORS))
        for r in range(plan.replications)
    ]
    axis = {"weights": 0, **{f: 1 + k for k, f in enumerate(DISCRETE_FACTORS)}}
    first, total = [0.0] * len(FACTORS), [0.0] * len(FACTORS)
    variance = 0.0
    for u in range(units):
        y = [float(r[u]) for r in ranks]
        variance += statistics.pvariance(y)
        for factor in plan.varied:
            f, a = FACTORS.index(factor), axis[factor]
            groups: dict = {}
            rest: dict = {}
            for key, value in zip(keys, y, strict=True):
                groups.setdefault(key[a], []).append(value)
                rest.setdefault(key[:a] + key[a + 1 :], []).append(value)
            first[f] += statistics.pvariance([statistics.fmean(g) for g in groups.values()])
            total[f] += statistics.fmean(statistics.pvariance(g) for g in rest.values())
    return [v / variance for v in first], [v / variance for v in total]
