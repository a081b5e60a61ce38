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
    """The seeds the gate needs, as pandas frames with string cells."""

    framework: pd.DataFrame
    class_cutoffs: pd.DataFrame
    units: pd.DataFrame
    unit_changes: pd.DataFrame
    base_variables: pd.DataFrame
    indicators: pd.DataFrame
    methodology: pd.DataFrame

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
        )

    # -- the indicator tree -------------------------------------------------------------------

    @cached_property
    def max_points(self) -> dict[str, float]:
        """The points of every node of the indicator tree (TOTAL, dimensions, indicators)."""
        return {row.node_code: float(row.weight) for row in self.framework.itertuples()}

    @cached_property
    def dimensions(self) -> list[str]:
        """The dimension codes in their published order."""
        return self._nodes("dimension")

    @cached_property
    def indicator_codes(self) -> list[str]:
        """The indicator codes in their published order."""
        return self._nodes("indicator")

    @cached_property
    def total_code(self) -> str:
        """The code of the root of the indicator tree (the composite score)."""
        return str(self.framework.loc[self.framework["parent_code"] == "", "node_code"].iloc[0])

    @cached_property
    def children(self) -> dict[str, list[str]]:
        """Each node's children in the indicator tree."""
        tree: dict[str, list[str]] = {}
        for row in self.framework.sort_values("sort_order", key=_as_int).itertuples():
            if row.parent_code:
                tree.setdefault(row.parent_code, []).append(row.node_code)
        return tree

    @cached_property
    def indicator_variables(self) -> dict[str, list[str]]:
        """Each indicator's base variables, numerator first."""
        return {
            row.indicator_code: [
                code for code in (row.numerator_variable, row.denominator_variable) if code
            ]
            for row in self.indicators.itertuples()
        }

    def _nodes(self, node_type: str) -> list[str]:
        nodes = self.framework[self.framework["node_type"] == node_type]
        return nodes.sort_values("sort_order", key=_as_int)["node_code"].tolist()

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
