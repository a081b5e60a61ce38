"""The index as the uncertainty engine sees it: indicators, the weight tree, methods, classes.

Read from the same configuration tables dbt scores with (a dataset folder's `framework`,
`indicators`, `goalposts`, `class_cutoffs`, `methodology`, and the uncertainty design in
`uncertainty` and `uncertainty_alternatives`), so another scoreboard needs no code change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import polars as pl

from orchestration.uncertainty.design import UncertaintyDesign, design_from_tables
from orchestration.uncertainty.methods import TRANSFORMS, Methodology, resolve_methodology

REQUIRED_TABLES = ("framework", "indicators", "goalposts", "class_cutoffs", "methodology")


@dataclass(frozen=True)
class TreeLevel:
    """The aggregating nodes at one depth and their children, for bottom-up evaluation."""

    parents: np.ndarray  # (P,) aggregating-node indices
    leaf_children: np.ndarray  # (a,) indicator indices whose parent is at this depth
    leaf_parent: np.ndarray  # (a,) position of each one's parent in `parents`
    leaf_nodes: np.ndarray  # (a,) their index among the nodes (for their weight share)
    node_children: np.ndarray  # (b,) aggregating-node indices whose parent is at this depth
    node_parent: np.ndarray  # (b,) position of each one's parent in `parents`
    node_nodes: np.ndarray  # (b,) their index among the nodes


@dataclass(frozen=True)
class IndexFramework:
    """The composite index of one methodology version, as arrays the engine computes with.

    `node_*` describe every node below the root (any depth) in a fixed order; a node's share is
    its weight over its siblings' weights, an indicator's nominal points `root_points` times the
    product of the shares on its path (`path_matrix[k, j]` = 1 when node k is on indicator j's
    path). `parent_codes` are the aggregating nodes (the root first); `levels` list them by
    depth, deepest first.
    """

    indicator_codes: tuple[str, ...]
    higher_is_better: np.ndarray  # (m,) bool
    transforms: tuple[str, ...]  # (m,)
    lower_goalposts: np.ndarray  # (m,) NaN where not given
    upper_goalposts: np.ndarray  # (m,)
    targets: np.ndarray  # (m,)
    node_codes: tuple[str, ...]
    node_types: tuple[str, ...]
    node_weights: np.ndarray  # (K,) as given (points or relative weights)
    node_parents: np.ndarray  # (K,) index into parent_codes
    parent_codes: tuple[str, ...]
    levels: tuple[TreeLevel, ...]
    path_matrix: np.ndarray  # (K, m) 0/1
    root_points: float
    class_codes: tuple[str, ...]  # best class first
    class_min_scores: np.ndarray  # (C,) descending
    methodology: Methodology
    design: UncertaintyDesign

    @property
    def indicator_count(self) -> int:
        return len(self.indicator_codes)

    def shares(self, multipliers: np.ndarray) -> np.ndarray:
        """Each node's share of its parent for each row of node-weight multipliers (B, K)."""
        weights = np.asarray(multipliers, dtype=np.float64) * self.node_weights
        membership = np.zeros((len(self.node_codes), len(self.parent_codes)))
        membership[np.arange(len(self.node_codes)), self.node_parents] = 1.0
        return weights / (weights @ membership)[:, self.node_parents]

    def nominal_shares(self) -> np.ndarray:
        return self.shares(np.ones((1, len(self.node_codes))))[0]

    def indicator_weights(self, shares: np.ndarray) -> np.ndarray:
        """Each indicator's share of the root (the product of the shares on its path), (B, m)."""
        return np.exp(np.log(shares) @ self.path_matrix)

    def nominal_points(self) -> np.ndarray:
        """Each indicator's points under the nominal weights (they sum to `root_points`)."""
        return self.root_points * self.indicator_weights(self.nominal_shares()[None, :])[0]

    def classify(self, scores: np.ndarray) -> np.ndarray:
        """Index into `class_codes` of each score against absolute cut-offs: the best class whose
        minimum it reaches (scores under every minimum fall into the last class)."""
        below = np.zeros(scores.shape, dtype=np.int8)
        for threshold in self.class_min_scores[:-1]:
            below += scores < threshold
        return below


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _of_version(table: pl.DataFrame, methodology_version: str) -> pl.DataFrame:
    """The rows of one methodology version, for tables that hold several."""
    if "methodology_version" not in table.columns:
        return table
    return table.filter(pl.col("methodology_version").cast(pl.Utf8) == methodology_version)


def _rows(table: pl.DataFrame) -> list[dict[str, str]]:
    return [
        {key: _text(value) for key, value in row.items()} for row in table.iter_rows(named=True)
    ]


def _tree(rows: list[dict[str, str]]) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The root row and the other rows, checked: one root, every parent a node."""
    roots = [row for row in rows if not row["parent_code"]]
    if len(roots) != 1:
        raise ValueError(
            f"framework: expected exactly one root node (empty parent_code), found "
            f"{[row['node_code'] for row in roots]}"
        )
    by_code = {row["node_code"] for row in rows}
    for row in rows:
        if row["parent_code"] and row["parent_code"] not in by_code:
            raise ValueError(
                f"framework: node {row['node_code']} has parent {row['parent_code']}, "
                "which is not a node of the framework"
            )
    return roots[0], [row for row in rows if row["parent_code"]]


def _levels(
    nodes: list[dict[str, str]],
    parent_index: dict[str, int],
    depth: dict[str, int],
    indicator_index: dict[str, int],
) -> tuple[TreeLevel, ...]:
    """The aggregating nodes by depth, deepest first, each with its children."""
    levels = []
    for level_depth in sorted({depth[code] for code in parent_index}, reverse=True):
        parents = [q for code, q in parent_index.items() if depth[code] == level_depth]
        local = {q: i for i, q in enumerate(parents)}
        leaf, node = [], []
        for k, row in enumerate(nodes):
            parent = parent_index[row["parent_code"]]
            if parent not in local:
                continue
            if row["node_code"] in indicator_index:
                leaf.append((indicator_index[row["node_code"]], local[parent], k))
            else:
                node.append((parent_index[row["node_code"]], local[parent], k))
        leaf_arrays = np.array(leaf, dtype=np.int64).reshape(-1, 3).T
        node_arrays = np.array(node, dtype=np.int64).reshape(-1, 3).T
        levels.append(TreeLevel(np.array(parents), *leaf_arrays, *node_arrays))
    return tuple(levels)


def _goalposts(
    goalposts: pl.DataFrame, indicator_codes: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    posts = {row["indicator_code"]: row for row in _rows(goalposts)}

    def column(name: str) -> np.ndarray:
        return np.array([float(posts.get(code, {}).get(name) or "nan") for code in indicator_codes])

    return column("lower_goalpost"), column("upper_goalpost"), column("target_value")


def _indicator_order(
    nodes: list[dict[str, str]], indicator_codes: list[str] | None
) -> tuple[list[str], set[str]]:
    """The indicators in value-matrix order (by default the framework's) and the codes of the
    aggregating nodes; ValueError when the order names other codes than the leaves."""
    children = {row["parent_code"] for row in nodes}
    leaves = [row["node_code"] for row in nodes if row["node_code"] not in children]
    codes = leaves if indicator_codes is None else list(indicator_codes)
    missing, extra = sorted(set(leaves) - set(codes)), sorted(set(codes) - set(leaves))
    if missing or extra:
        raise ValueError(
            f"framework: the value matrix's indicators do not match the framework's leaves "
            f"(missing from the values: {missing}; not leaves of the framework: {extra})"
        )
    return codes, children


def _depths_and_paths(
    root: dict[str, str], nodes: list[dict[str, str]], indicator_codes: list[str]
) -> tuple[dict[str, int], np.ndarray]:
    """Each node's depth, and the (nodes x indicators) 0/1 matrix of the indicators' paths."""
    by_code = {row["node_code"]: row for row in [root, *nodes]}
    depth = {}
    for code in by_code:
        steps, walk = 0, code
        while by_code[walk]["parent_code"]:
            walk, steps = by_code[walk]["parent_code"], steps + 1
        depth[code] = steps
    node_index = {row["node_code"]: k for k, row in enumerate(nodes)}
    path_matrix = np.zeros((len(nodes), len(indicator_codes)))
    for j, code in enumerate(indicator_codes):
        while code != root["node_code"]:
            path_matrix[node_index[code], j] = 1.0
            code = by_code[code]["parent_code"]
    return depth, path_matrix


def _classes(table: pl.DataFrame, methodology_version: str) -> list[tuple[float, str]]:
    cutoffs = sorted(
        ((float(row["min_score"]), row["class_code"]) for row in _rows(table)), reverse=True
    )
    if not cutoffs:
        raise ValueError(f"class_cutoffs: no classes for methodology {methodology_version!r}")
    return cutoffs


def _methodology_row(table: pl.DataFrame, methodology_version: str) -> dict[str, str]:
    rows = _rows(table)
    if len(rows) != 1:
        raise ValueError(
            f"methodology: expected one row for methodology version {methodology_version!r}, "
            f"found {len(rows)}"
        )
    return rows[0]


def framework_from_tables(
    tables: Mapping[str, pl.DataFrame],
    methodology_version: str,
    indicator_codes: list[str] | None = None,
) -> IndexFramework:
    """Build the engine's framework from the configuration tables of a dataset (by name:
    framework, indicators, goalposts, class_cutoffs, methodology and, if present, uncertainty
    and uncertainty_alternatives).

    `indicator_codes` fixes the indicator order (the columns of the value matrix); by default
    the framework's own order. Raises ValueError naming the table and code when the tables do
    not fit together. Tables with a `methodology_version` column are read for that version.
    """
    absent = [name for name in REQUIRED_TABLES if name not in tables]
    if absent:
        raise ValueError(f"configuration tables missing: {absent} (expected {REQUIRED_TABLES})")
    version_tables = {name: _of_version(t, methodology_version) for name, t in tables.items()}
    root, nodes = _tree(_rows(version_tables["framework"]))
    indicator_codes, aggregating = _indicator_order(nodes, indicator_codes)
    parent_rows = [root] + [row for row in nodes if row["node_code"] in aggregating]
    parent_index = {row["node_code"]: q for q, row in enumerate(parent_rows)}
    depth, path_matrix = _depths_and_paths(root, nodes, indicator_codes)
    indicator_rows = {row["indicator_code"]: row for row in _rows(version_tables["indicators"])}
    transforms = tuple(
        indicator_rows.get(code, {}).get("transform") or "none" for code in indicator_codes
    )
    bad = [code for code, t in zip(indicator_codes, transforms, strict=True) if t not in TRANSFORMS]
    if bad:
        raise ValueError(f"indicators: unknown transform for {bad}: expected {TRANSFORMS}")
    methodology = resolve_methodology(
        methodology_version,
        _methodology_row(version_tables["methodology"], methodology_version),
        indicator_rows,
        tuple(indicator_codes),
        tuple(row.get("aggregation", "") for row in parent_rows),
    )
    cutoffs = _classes(version_tables["class_cutoffs"], methodology_version)
    lower, upper, targets = _goalposts(version_tables["goalposts"], indicator_codes)
    indicator_index = {code: j for j, code in enumerate(indicator_codes)}
    return IndexFramework(
        indicator_codes=tuple(indicator_codes),
        higher_is_better=np.array(
            [indicator_rows.get(code, {}).get("direction", "+") != "-" for code in indicator_codes]
        ),
        transforms=transforms,
        lower_goalposts=lower,
        upper_goalposts=upper,
        targets=targets,
        node_codes=tuple(row["node_code"] for row in nodes),
        node_types=tuple(row.get("node_type", "") for row in nodes),
        node_weights=np.array([float(row["weight"]) for row in nodes]),
        node_parents=np.array([parent_index[row["parent_code"]] for row in nodes]),
        parent_codes=tuple(row["node_code"] for row in parent_rows),
        levels=_levels(nodes, parent_index, depth, indicator_index),
        path_matrix=path_matrix,
        root_points=float(root["weight"]),
        class_codes=tuple(code for _, code in cutoffs),
        class_min_scores=np.array([score for score, _ in cutoffs]),
        methodology=methodology,
        design=design_from_tables(version_tables, methodology_version, methodology),
    )
