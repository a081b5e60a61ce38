"""The index as the uncertainty engine sees it: indicators, the weight tree, goalposts, classes.

Read from the same configuration tables dbt scores with (the dataset folder's `framework`,
`indicators`, `goalposts` and `class_cutoffs`), so another framework needs no code change.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl


@dataclass(frozen=True)
class IndexFramework:
    """The composite index of one methodology version, as arrays the engine computes with.

    `node_*` describe the weight tree below the root (dimensions, indicators, any depth), in a
    fixed order; `path_matrix[k, j]` is 1 when node k lies on the path from the root to
    indicator j (the indicator itself included). An indicator's points are `root_points` times
    the product of its path's shares, a share being a node's weight over its siblings' weights.
    """

    indicator_codes: tuple[str, ...]
    higher_is_better: np.ndarray  # (m,) bool
    lower_goalposts: np.ndarray  # (m,) float
    upper_goalposts: np.ndarray  # (m,) float
    node_codes: tuple[str, ...]
    node_weights: np.ndarray  # (K,) float, as given (points or relative weights)
    node_parents: np.ndarray  # (K,) int: index of the parent's sibling group
    path_matrix: np.ndarray  # (K, m) float 0/1
    root_points: float
    class_codes: tuple[str, ...]  # best class first
    class_min_scores: np.ndarray  # (C,) descending

    @property
    def indicator_count(self) -> int:
        return len(self.indicator_codes)

    def nominal_points(self) -> np.ndarray:
        """Each indicator's points under the nominal weights (they sum to `root_points`)."""
        return self.indicator_points(np.ones((1, len(self.node_codes))))[0]

    def indicator_points(self, multipliers: np.ndarray) -> np.ndarray:
        """Indicator points for each row of node-weight multipliers, renormalised within each
        parent so that every row's points still sum to `root_points`.

        `multipliers` is (B, K); the result is (B, m).
        """
        perturbed = multipliers * self.node_weights
        groups = int(self.node_parents.max()) + 1
        sibling_sums = np.zeros((perturbed.shape[0], groups))
        for group in range(groups):
            sibling_sums[:, group] = perturbed[:, self.node_parents == group].sum(axis=1)
        shares = perturbed / sibling_sums[:, self.node_parents]
        return self.root_points * np.exp(np.log(shares) @ self.path_matrix)

    def classify(self, scores: np.ndarray) -> np.ndarray:
        """Index into `class_codes` of each score: the best class whose minimum it reaches
        (scores under every minimum fall into the last class)."""
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


def framework_from_tables(
    framework: pl.DataFrame,
    indicators: pl.DataFrame,
    goalposts: pl.DataFrame,
    class_cutoffs: pl.DataFrame,
    methodology_version: str,
    indicator_codes: list[str] | None = None,
) -> IndexFramework:
    """Build the engine's framework from the configuration tables of a dataset.

    `indicator_codes` fixes the indicator order (the columns of the value matrix); by default
    the framework's own order. Raises ValueError naming the table and code when the tables do
    not fit together. Tables with a `methodology_version` column are read for that version.
    """
    framework, indicators, goalposts, class_cutoffs = (
        _of_version(table, methodology_version)
        for table in (framework, indicators, goalposts, class_cutoffs)
    )
    rows = [
        {key: _text(value) for key, value in row.items()} for row in framework.iter_rows(named=True)
    ]
    roots = [row for row in rows if not row["parent_code"]]
    if len(roots) != 1:
        raise ValueError(
            f"framework: expected exactly one root node (empty parent_code), found "
            f"{[row['node_code'] for row in roots]}"
        )
    root = roots[0]
    nodes = [row for row in rows if row["parent_code"]]
    by_code = {row["node_code"]: row for row in rows}
    for row in nodes:
        if row["parent_code"] not in by_code:
            raise ValueError(
                f"framework: node {row['node_code']} has parent {row['parent_code']}, "
                "which is not a node of the framework"
            )
    children = {row["parent_code"] for row in nodes}
    leaves = [row["node_code"] for row in nodes if row["node_code"] not in children]
    if indicator_codes is None:
        indicator_codes = leaves
    missing = sorted(set(leaves) - set(indicator_codes))
    extra = sorted(set(indicator_codes) - set(leaves))
    if missing or extra:
        raise ValueError(
            f"framework: the value matrix's indicators do not match the framework's leaves "
            f"(missing from the values: {missing}; not leaves of the framework: {extra})"
        )

    node_codes = [row["node_code"] for row in nodes]
    node_index = {code: k for k, code in enumerate(node_codes)}
    parent_groups: dict[str, int] = {}
    node_parents = np.array(
        [parent_groups.setdefault(row["parent_code"], len(parent_groups)) for row in nodes]
    )
    path_matrix = np.zeros((len(nodes), len(indicator_codes)))
    for j, code in enumerate(indicator_codes):
        while code != root["node_code"]:
            path_matrix[node_index[code], j] = 1.0
            code = by_code[code]["parent_code"]

    direction = {
        _text(row["indicator_code"]): _text(row["direction"]) or "+"
        for row in indicators.iter_rows(named=True)
    }
    posts = {
        _text(row["indicator_code"]): (row["lower_goalpost"], row["upper_goalpost"])
        for row in goalposts.iter_rows(named=True)
    }
    absent = [code for code in indicator_codes if code not in posts]
    if absent:
        raise ValueError(
            f"goalposts: no goalposts for methodology {methodology_version!r} and "
            f"indicator(s) {absent}"
        )
    lower = np.array([float(posts[code][0]) for code in indicator_codes])
    upper = np.array([float(posts[code][1]) for code in indicator_codes])
    if np.any(upper <= lower):
        bad = [code for code, lo, hi in zip(indicator_codes, lower, upper, strict=True) if hi <= lo]
        raise ValueError(f"goalposts: upper goalpost not above the lower one for {bad}")

    cutoffs = sorted(
        (
            (float(row["min_score"]), _text(row["class_code"]))
            for row in class_cutoffs.iter_rows(named=True)
        ),
        reverse=True,
    )
    if not cutoffs:
        raise ValueError(f"class_cutoffs: no classes for methodology {methodology_version!r}")

    return IndexFramework(
        indicator_codes=tuple(indicator_codes),
        higher_is_better=np.array([direction.get(code, "+") != "-" for code in indicator_codes]),
        lower_goalposts=lower,
        upper_goalposts=upper,
        node_codes=tuple(node_codes),
        node_weights=np.array([float(row["weight"]) for row in nodes]),
        node_parents=node_parents,
        path_matrix=path_matrix,
        root_points=float(root["weight"]),
        class_codes=tuple(code for _, code in cutoffs),
        class_min_scores=np.array([score for score, _ in cutoffs]),
    )
