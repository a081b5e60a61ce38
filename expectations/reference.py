"""The reference data the quality gate checks against, read from the project's seeds.

The indicator tree with its points, the class cut-offs, the county registry with the division
changes and the base variables are configuration (`seeds/*.csv`): the gate reads them, so that a
province changing its system changes the checks without code changes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATASET_DIR = PROJECT_ROOT / "seeds"


def dataset_dir_from_env() -> Path:
    """The seeds folder in force: `LEAP_DATASET_DIR`, else the project's `seeds/`."""
    value = os.environ.get("LEAP_DATASET_DIR", "").strip()
    return Path(value).expanduser().resolve() if value else DEFAULT_DATASET_DIR


def _read_seed(folder: Path, name: str) -> pd.DataFrame:
    path = folder / f"{name}.csv"
    if not path.exists():
        raise FileNotFoundError(
            f"The quality gate needs the seed {path}, which does not exist; "
            f"expected the project's seeds folder (LEAP_DATASET_DIR) to hold {name}.csv"
        )
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _optional_int(text: str) -> int | None:
    return int(float(text)) if str(text).strip() else None


@dataclass(frozen=True)
class Reference:
    """The seeds the gate needs, as pandas frames with string cells; `version` is set once cut
    to the methodology version of an evaluation year (`for_evaluation_year`)."""

    framework: pd.DataFrame
    class_cutoffs: pd.DataFrame
    units: pd.DataFrame
    unit_changes: pd.DataFrame
    base_variables: pd.DataFrame
    indicators: pd.DataFrame
    methodology: pd.DataFrame
    version: str | None = None

    @classmethod
    def load(cls, dataset_dir: Path | str | None = None) -> Reference:
        """Read the seeds from `dataset_dir` (default: `LEAP_DATASET_DIR` or `seeds/`)."""
        folder = Path(dataset_dir) if dataset_dir else dataset_dir_from_env()
        return cls(
            framework=_read_seed(folder, "framework"),
            class_cutoffs=_read_seed(folder, "class_cutoffs"),
            units=_read_seed(folder, "units"),
            unit_changes=_read_seed(folder, "unit_changes"),
            base_variables=_read_seed(folder, "base_variables"),
            indicators=_read_seed(folder, "indicators"),
            methodology=_read_seed(folder, "methodology"),
        )

    def for_evaluation_year(self, evaluation_year: int) -> Reference:
        """The reference of the methodology version in force for an evaluation year: the seeds
        that hold several versions (a `methodology_version` column) cut to that version."""
        row = self.methodology_row(evaluation_year)
        if row is None:
            return self
        version = str(row["methodology_version"])
        return replace(
            self,
            framework=_of_version(self.framework, version),
            indicators=_of_version(self.indicators, version),
            class_cutoffs=_of_version(self.class_cutoffs, version),
            version=version,
        )

    # -- the indicator tree -------------------------------------------------------------------

    @cached_property
    def total_code(self) -> str:
        """The code of the root of the indicator tree (the composite score)."""
        return str(self.framework.loc[self.framework["parent_code"] == "", "node_code"].iloc[0])

    @cached_property
    def children(self) -> dict[str, list[str]]:
        """Each inner node's children in the indicator tree, in their published order."""
        tree: dict[str, list[str]] = {}
        for row in self.framework.sort_values("sort_order", key=_as_int).itertuples():
            if row.parent_code:
                tree.setdefault(row.parent_code, []).append(row.node_code)
        return tree

    @cached_property
    def nodes(self) -> list[str]:
        """Every node below the root, top-down (dimensions, ..., indicators)."""
        order, level = [], [self.total_code]
        while level:
            level = [child for node in level for child in self.children.get(node, [])]
            order.extend(level)
        return order

    @cached_property
    def inner_nodes(self) -> list[str]:
        """The nodes with children, top-down, the root last."""
        return [node for node in self.nodes if node in self.children] + [self.total_code]

    @cached_property
    def dimensions(self) -> list[str]:
        """The root's children (the dimensions) in their published order."""
        return self.children.get(self.total_code, [])

    @cached_property
    def indicator_codes(self) -> list[str]:
        """The indicators (the leaves of the tree) in their published order."""
        return [node for node in self.nodes if node not in self.children]

    def leaves_under(self, node: str) -> list[str]:
        """The indicators under a node (itself, if it is one)."""
        if node not in self.children:
            return [node]
        return [leaf for child in self.children[node] for leaf in self.leaves_under(child)]

    @cached_property
    def max_points(self) -> dict[str, float]:
        """Each node's points: the root's weight, shared out among siblings in proportion to
        their weights (weights may be points, as in Hebei, or relative weights)."""
        weights = {row.node_code: float(row.weight) for row in self.framework.itertuples()}
        points = {self.total_code: weights[self.total_code]}
        for node in [self.total_code, *self.nodes]:
            children = self.children.get(node, [])
            total = sum(weights[child] for child in children)
            for child in children:
                points[child] = points[node] * weights[child] / total
        return points

    def aggregation(self, node: str) -> str:
        """How a node combines its children: its own `aggregation`, else the methodology's."""
        if "aggregation" in self.framework.columns:
            own = self.framework.loc[self.framework["node_code"] == node, "aggregation"]
            if len(own) and str(own.iloc[0]).strip():
                return str(own.iloc[0]).strip()
        return self._methodology_setting("aggregation", "weighted_arithmetic")

    @property
    def missing_values(self) -> str:
        """How the methodology treats a missing indicator: zero, propagate or reweight."""
        return self._methodology_setting("missing_values", "zero")

    def _methodology_setting(self, column: str, default: str) -> str:
        rows = self.methodology
        if self.version is not None:
            rows = rows.loc[rows["methodology_version"] == self.version]
        if column in rows.columns and len(rows) and str(rows[column].iloc[0]).strip():
            return str(rows[column].iloc[0]).strip()
        return default

    @cached_property
    def indicator_variables(self) -> dict[str, list[str]]:
        """Each indicator's base variables, numerator first."""
        return {
            row.indicator_code: [
                code for code in (row.numerator_variable, row.denominator_variable) if code
            ]
            for row in self.indicators.itertuples()
        }

    # -- methodology, classes -----------------------------------------------------------------

    def data_year_lag(self, evaluation_year: int) -> int:
        """How many years the statistics lag the evaluation year (1: year N uses N-1)."""
        row = self.methodology_row(evaluation_year)
        return int(row["data_year_lag"]) if row is not None else 1

    def methodology_row(self, evaluation_year: int) -> pd.Series | None:
        """The methodology version in force for an evaluation year, if any."""
        for _, row in self.methodology.iterrows():
            first = _optional_int(row["first_evaluation_year"])
            last = _optional_int(row["last_evaluation_year"])
            if (first is None or first <= evaluation_year) and (
                last is None or evaluation_year <= last
            ):
                return row
        return None

    def cutoffs(self, methodology_version: str) -> list[tuple[str, float, int]]:
        """(class, minimum score, class rank) of a methodology version, highest minimum first."""
        rows = self.class_cutoffs[self.class_cutoffs["methodology_version"] == methodology_version]
        cutoffs = [
            (row.class_code, float(row.min_score), int(row.class_rank)) for row in rows.itertuples()
        ]
        return sorted(cutoffs, key=lambda cutoff: -cutoff[1])

    @cached_property
    def class_ranks(self) -> dict[str, int]:
        """Each class's rank (1 = best), over all methodology versions."""
        return {row.class_code: int(row.class_rank) for row in self.class_cutoffs.itertuples()}

    # -- units --------------------------------------------------------------------------------

    def units_for_data_year(self, data_year: int) -> pd.DataFrame:
        """The county-level units that existed in a data year (unit_code, unit_name, ...)."""
        in_force = [
            (first is None or first <= data_year) and (last is None or data_year <= last)
            for first, last in zip(
                map(_optional_int, self.units["valid_from_data_year"]),
                map(_optional_int, self.units["valid_to_data_year"]),
                strict=True,
            )
        ]
        columns = ["unit_code", "unit_name", "unit_kind", "group_code", "group_name"]
        return self.units.loc[in_force, columns].reset_index(drop=True)

    @cached_property
    def recoded_predecessors(self) -> dict[str, list[str]]:
        """For each re-coded unit, the codes it was re-coded from (abolished units excluded)."""
        predecessors: dict[str, list[str]] = {}
        for row in self.unit_changes.itertuples():
            if row.change_type != "abolished_merged" and row.old_code != row.new_code:
                predecessors.setdefault(row.new_code, []).append(row.old_code)
        return predecessors

    def predecessor_codes(
        self, current_codes: list[str], previous_codes: list[str]
    ) -> dict[str, str | None]:
        """Each current unit's predecessor among `previous_codes`, following the division changes.

        The same code when it existed the year before (a rename keeps its code), else the unit
        it was re-coded from; an abolished unit has no successor, a new one no predecessor.
        """
        previous = set(previous_codes)
        recoded = self.recoded_predecessors
        found: dict[str, str | None] = {}
        for code in current_codes:
            if code in previous:
                found[code] = code
            else:
                found[code] = next((old for old in recoded.get(code, []) if old in previous), None)
        return found

    def variables(self, reported_by: list[str] | None = None) -> list[str]:
        """The base variable codes, optionally only those reported by the given parties."""
        rows = self.base_variables
        if reported_by is not None:
            rows = rows[rows["reported_by"].isin(reported_by)]
        return rows["variable_code"].tolist()


def _of_version(frame: pd.DataFrame, version: str) -> pd.DataFrame:
    if "methodology_version" not in frame.columns:
        return frame
    return frame.loc[frame["methodology_version"] == version].reset_index(drop=True)


def _as_int(column: pd.Series) -> pd.Series:
    return column.astype(int)
