"""Indicator scores to totals and classes for many weightings at once, as dbt aggregates.

Bottom-up over the framework tree, one depth at a time, each aggregating node by its own
aggregation (int_node_points): weighted arithmetic (the shares of the children times their
scores) or weighted geometric (exp of the share-weighted mean of the logs; a child scoring 0
makes the node 0); missing children by the methodology's rule: `zero` scores them 0,
`propagate` leaves the node without a score, `reweight` scales the available children's shares
up to the node's. A batch of B weightings of one set of indicator scores is a handful of
(B x units x children) @ (children x nodes) products; when every node is arithmetic and nothing
is missing the whole tree is one (B x indicators) @ (indicators x units) product.
"""

from __future__ import annotations

import numpy as np

from orchestration.uncertainty.framework import IndexFramework, TreeLevel


def totals(
    scores: np.ndarray,
    shares: np.ndarray,
    framework: IndexFramework,
    node_aggregation: tuple[str, ...],
    missing_values: str,
) -> np.ndarray:
    """Totals (B x units) of the (units x indicators) scores under B rows of node shares."""
    missing = np.isnan(scores)
    if all(kind == "weighted_arithmetic" for kind in node_aggregation) and (
        missing_values == "zero" or not missing.any()
    ):
        weights = framework.indicator_weights(shares)
        return framework.root_points * (weights @ np.where(missing, 0.0, scores).T)
    node_scores = np.full((shares.shape[0], scores.shape[0], len(framework.parent_codes)), np.nan)
    for level in framework.levels:
        node_scores[:, :, level.parents] = _level_scores(
            scores, node_scores, shares, level, node_aggregation, missing_values
        )
    return framework.root_points * node_scores[:, :, 0]


def _child_sums(
    child: np.ndarray,
    weight: np.ndarray,
    parents: np.ndarray,
    size: int,
    missing_values: str,
    geometric: bool,
) -> dict[str, np.ndarray]:
    """Per parent (P = `size`), the sums an aggregation needs over some of its children
    (`parents`: each child's parent): share-weighted scores and, for geometric means, log
    scores and how many children score 0 or less; the shares used (reweight) and how many
    children are missing (propagate). `child` is (units x c), the same for the whole batch
    (indicators), or (B x units x c) (aggregating nodes); `weight` (B x c) the children's
    shares. Indicators: one (B x c_p) @ (c_p x units) product per parent."""
    available = ~np.isnan(child)
    filled = np.where(available, child, 0.0)
    columns = {
        "arithmetic": filled,
        **({"used": available.astype(np.float64)} if missing_values == "reweight" else {}),
    }
    if geometric:
        positive = filled > 0
        with np.errstate(divide="ignore"):
            columns["logs"] = np.where(positive, np.log(np.where(positive, filled, 1.0)), 0.0)
        used = available if missing_values == "reweight" else np.ones_like(available)
        columns["zeros"] = ((~positive) & used).astype(np.float64)
    counts = {"missing": (~available).astype(np.float64)} if missing_values == "propagate" else {}
    membership = np.zeros((parents.size, size))
    membership[np.arange(parents.size), parents] = 1.0
    sums: dict[str, np.ndarray] = {}
    if child.ndim == 2:  # shared by the batch
        for name, values in columns.items():
            result = np.empty((weight.shape[0], child.shape[0], size))
            for p in range(size):
                members = parents == p
                shares = weight[:, members] if name != "zeros" else np.ones((1, members.sum()))
                result[:, :, p] = shares @ values[:, members].T
            sums[name] = result
    else:  # one 2-D product over every unit of every weighting
        for name, values in columns.items():
            shares = weight[:, None, :] if name != "zeros" else 1.0
            sums[name] = _grouped(values * shares, membership)
    for name, values in counts.items():
        sums[name] = _grouped(values, membership)
    if missing_values != "reweight":
        sums["used"] = (weight @ membership)[:, None, :]
    return sums


def _grouped(values: np.ndarray, membership: np.ndarray) -> np.ndarray:
    """values (..., c) @ membership (c, P) as one 2-D product."""
    flat = values.reshape(-1, values.shape[-1]) @ membership
    return flat.reshape(*values.shape[:-1], membership.shape[1])


def _level_scores(
    scores: np.ndarray,
    node_scores: np.ndarray,
    shares: np.ndarray,
    level: TreeLevel,
    node_aggregation: tuple[str, ...],
    missing_values: str,
) -> np.ndarray:
    """The scores (B x units x P) of the aggregating nodes at one depth."""
    geometric_nodes = np.array([node_aggregation[q] == "weighted_geometric" for q in level.parents])
    parts = [
        _child_sums(
            children,
            shares[:, nodes],
            parents,
            level.parents.size,
            missing_values,
            geometric_nodes.any(),
        )
        for children, nodes, parents in (
            (scores[:, level.leaf_children], level.leaf_nodes, level.leaf_parent),
            (node_scores[:, :, level.node_children], level.node_nodes, level.node_parent),
        )
        if nodes.size
    ]
    sums = (
        parts[0]
        if len(parts) == 1
        else {name: parts[0][name] + parts[1][name] for name in parts[0]}
    )
    used = sums["used"]
    result = sums["arithmetic"]
    if missing_values == "reweight":
        result = result / np.where(used > 0, used, 1.0)
    if geometric_nodes.any():
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            geometric = np.where(sums["zeros"] > 0, 0.0, np.exp(sums["logs"] / used))
        result = np.where(geometric_nodes, geometric, result)
    if missing_values == "propagate":
        result = np.where(sums["missing"] > 0, np.nan, result)
    elif missing_values == "reweight":
        result = np.where(used > 0, result, np.nan)
    return np.broadcast_to(result, (shares.shape[0], *result.shape[-2:]))


def class_indices(totals_: np.ndarray, framework: IndexFramework, scheme: str) -> np.ndarray:
    """Index into `framework.class_codes` of each total (B x units): the best class whose
    cut-off the total reaches (points, or percent of the row's mean total), else the last; -1
    where there is no total."""
    minimum = framework.class_min_scores[:-1]
    if scheme == "relative_to_mean":
        with np.errstate(invalid="ignore"):
            means = np.nanmean(np.where(np.isnan(totals_), np.nan, totals_), axis=1, keepdims=True)
        thresholds = means[:, :, None] * (minimum / 100.0)[None, None, :]
    else:
        thresholds = np.broadcast_to(minimum, (*totals_.shape, minimum.size))
    below = (totals_[:, :, None] < thresholds).sum(axis=2).astype(np.int8)
    return np.where(np.isnan(totals_), np.int8(-1), below)
