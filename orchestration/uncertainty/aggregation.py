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


def _level_scores(
    scores: np.ndarray,
    node_scores: np.ndarray,
    shares: np.ndarray,
    level: TreeLevel,
    node_aggregation: tuple[str, ...],
    missing_values: str,
) -> np.ndarray:
    """The scores (B x units x P) of the aggregating nodes at one depth."""
    batch = shares.shape[0]
    child = np.concatenate(
        [
            np.broadcast_to(
                scores[None, :, level.leaf_children], (batch, *scores[:, level.leaf_children].shape)
            ),
            node_scores[:, :, level.node_children],
        ],
        axis=2,
    )
    weight = shares[:, np.concatenate([level.leaf_nodes, level.node_nodes])][:, None, :]
    parent = np.concatenate([level.leaf_parent, level.node_parent])
    membership = np.zeros((parent.size, level.parents.size))
    membership[np.arange(parent.size), parent] = 1.0
    available = ~np.isnan(child)
    filled = np.where(available, child, 0.0)
    used = available if missing_values == "reweight" else np.ones_like(available)
    used_weight = (weight * used) @ membership
    arithmetic = (filled * weight) @ membership
    if missing_values == "reweight":
        arithmetic = arithmetic / np.where(used_weight > 0, used_weight, 1.0)
    result = arithmetic
    geometric_nodes = np.array([node_aggregation[q] == "weighted_geometric" for q in level.parents])
    if geometric_nodes.any():
        positive = filled > 0
        zeros = ((~positive) & used).astype(np.float64) @ membership
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = (
                np.where(positive, np.log(np.where(positive, filled, 1.0)), 0.0) * weight
            ) @ membership
            geometric = np.where(zeros > 0, 0.0, np.exp(logs / used_weight))
        result = np.where(geometric_nodes, geometric, arithmetic)
    if missing_values == "propagate":
        result = np.where((~available).astype(np.float64) @ membership > 0, np.nan, result)
    elif missing_values == "reweight":
        result = np.where(used_weight > 0, result, np.nan)
    return result


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
