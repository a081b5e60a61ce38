"""The project's seeds as the demo generator needs them: units, variables, the indicator system.

Read from the repository's `seeds/*.csv` (the same files dbt loads), never from the shared
reference folder, so that the generator and the pipeline score against one configuration.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"
# The pipeline's seed folder can be moved with this variable (see orchestration/settings.py).
SEEDS_DIR_ENV = "LEAP_DATASET_DIR"
PUBLISHED_COLUMNS = (
    "evaluation_year",
    "units",
    "class_a",
    "class_b",
    "class_c",
    "mean_score",
    "class_leaps",
    "demotions",
    "score_up",
    "rank_up",
)

ABOLISHED_CHANGE = "abolished_merged"


@dataclass(frozen=True)
class Unit:
    """One county-level unit over the data years in which it existed under this code and name."""

    unit_code: str
    unit_name: str
    unit_kind: str
    group_code: str
    group_name: str
    valid_from: int | None
    valid_to: int | None

    @property
    def key(self) -> str:
        """A key unique across time: the code alone is reused after the 2020 renames."""
        return f"{self.unit_code}@{self.valid_from or ''}"

    def exists_in(self, data_year: int) -> bool:
        """Whether the unit reported statistics for `data_year`."""
        return (self.valid_from is None or self.valid_from <= data_year) and (
            self.valid_to is None or self.valid_to >= data_year
        )


@dataclass(frozen=True)
class Variable:
    """A base variable of the submission files."""

    variable_code: str
    name_zh: str
    unit: str
    reported_by: str


@dataclass(frozen=True)
class Indicator:
    """An indicator: formula, points and goalposts joined from the seeds."""

    indicator_code: str
    numerator: str
    denominator: str | None
    multiplier: float
    points: float
    lower: float
    upper: float


@dataclass(frozen=True)
class UnitChange:
    """A division change between two codes (seeds/unit_changes.csv)."""

    old_code: str
    old_name: str
    new_code: str
    new_name: str
    change_type: str


@dataclass(frozen=True)
class PublishedResult:
    """One row of seeds/published_results.csv; None where the figure was not published."""

    evaluation_year: int
    units: int | None
    class_a: int | None
    class_b: int | None
    class_c: int | None
    mean_score: float | None
    class_leaps: int | None
    demotions: int | None
    score_up: int | None
    rank_up: int | None


@dataclass(frozen=True)
class Seeds:
    """Everything the generator reads from the seeds folder."""

    units: tuple[Unit, ...]
    variables: tuple[Variable, ...]
    indicators: tuple[Indicator, ...]
    changes: tuple[UnitChange, ...]
    published: tuple[PublishedResult, ...]
    class_cutoffs: tuple[tuple[str, float], ...]
    data_year_lag: int
    missing_values: str = "propagate"  # methodology: `zero` scores a missing indicator 0

    @property
    def county_variables(self) -> tuple[Variable, ...]:
        """The 19 variables counties report, in seed order."""
        return tuple(v for v in self.variables if v.reported_by == "county")

    @property
    def expert_variables(self) -> tuple[Variable, ...]:
        """The three qualitative scores of the expert panel, in seed order."""
        return tuple(v for v in self.variables if v.reported_by == "expert_panel")

    def units_in(self, data_year: int) -> tuple[Unit, ...]:
        """The units that existed in `data_year`, in seed order."""
        return tuple(u for u in self.units if u.exists_in(data_year))

    def cities(self) -> tuple[tuple[str, str], ...]:
        """(group_code, group_name) of the prefecture cities, in seed order."""
        seen: dict[str, str] = {}
        for u in self.units:
            seen.setdefault(u.group_code, u.group_name)
        return tuple(seen.items())


def _rows(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of a seed CSV as dicts of stripped strings, after checking its header."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        missing = [c for c in required if c not in header]
        if missing:
            raise ValueError(
                f"{path}: expected a seed CSV with the columns {list(required)}, "
                f"but the header row is {header[:6]!r} (missing {missing})"
            )
        rows = []
        for number, row in enumerate(reader, start=2):
            if None in row:
                raise ValueError(f"{path}, line {number}: more cells than header columns")
            rows.append({k: (v or "").strip() for k, v in row.items()})
        return rows


def _int_or_none(text: str) -> int | None:
    """An optional integer cell."""
    return int(text) if text else None


def _float_or_none(text: str) -> float | None:
    """An optional decimal cell."""
    return float(text) if text else None


def default_seeds_dir() -> Path:
    """The seed folder in force: `$LEAP_DATASET_DIR`, else the repository's `seeds/`."""
    value = os.environ.get(SEEDS_DIR_ENV, "").strip()
    return Path(value).expanduser().resolve() if value else SEEDS_DIR


def load_seeds(seeds_dir: Path | None = None) -> Seeds:
    """Load and join the seeds the generator needs (from `default_seeds_dir()` if not given)."""
    return _load_seeds(Path(seeds_dir) if seeds_dir is not None else default_seeds_dir())


@cache
def _load_seeds(seeds_dir: Path) -> Seeds:
    """Load the seeds of one folder (cached: the files are small and static)."""
    units = tuple(
        Unit(
            unit_code=r["unit_code"],
            unit_name=r["unit_name"],
            unit_kind=r["unit_kind"],
            group_code=r["group_code"],
            group_name=r["group_name"],
            valid_from=_int_or_none(r["valid_from_data_year"]),
            valid_to=_int_or_none(r["valid_to_data_year"]),
        )
        for r in _rows(
            seeds_dir / "units.csv",
            (
                "unit_code",
                "unit_name",
                "unit_kind",
                "group_code",
                "group_name",
                "valid_from_data_year",
                "valid_to_data_year",
            ),
        )
    )
    variables = tuple(
        Variable(r["variable_code"], r["name_zh"], r["unit"], r["reported_by"])
        for r in _rows(
            seeds_dir / "base_variables.csv", ("variable_code", "name_zh", "unit", "reported_by")
        )
    )
    points = {
        r["node_code"]: float(r["weight"])
        for r in _rows(seeds_dir / "framework.csv", ("node_code", "node_type", "weight"))
        if r["node_type"] == "indicator"
    }
    methodology = _rows(seeds_dir / "methodology.csv", ("methodology_version", "data_year_lag"))[0]
    version = methodology["methodology_version"]
    goalposts = {
        r["indicator_code"]: (float(r["lower_goalpost"]), float(r["upper_goalpost"]))
        for r in _rows(
            seeds_dir / "goalposts.csv",
            ("methodology_version", "indicator_code", "lower_goalpost", "upper_goalpost"),
        )
        if r["methodology_version"] == version
    }
    indicators = tuple(
        Indicator(
            indicator_code=r["indicator_code"],
            numerator=r["numerator_variable"],
            denominator=r["denominator_variable"] or None,
            multiplier=float(r["multiplier"]),
            points=points[r["indicator_code"]],
            lower=goalposts[r["indicator_code"]][0],
            upper=goalposts[r["indicator_code"]][1],
        )
        for r in _rows(
            seeds_dir / "indicators.csv",
            ("indicator_code", "numerator_variable", "denominator_variable", "multiplier"),
        )
    )
    changes = tuple(
        UnitChange(r["old_code"], r["old_name"], r["new_code"], r["new_name"], r["change_type"])
        for r in _rows(
            seeds_dir / "unit_changes.csv",
            ("old_code", "old_name", "new_code", "new_name", "change_type"),
        )
    )
    published = tuple(
        PublishedResult(
            evaluation_year=int(r["evaluation_year"]),
            units=_int_or_none(r["units"]),
            class_a=_int_or_none(r["class_a"]),
            class_b=_int_or_none(r["class_b"]),
            class_c=_int_or_none(r["class_c"]),
            mean_score=_float_or_none(r["mean_score"]),
            class_leaps=_int_or_none(r["class_leaps"]),
            demotions=_int_or_none(r["demotions"]),
            score_up=_int_or_none(r["score_up"]),
            rank_up=_int_or_none(r["rank_up"]),
        )
        for r in _rows(seeds_dir / "published_results.csv", PUBLISHED_COLUMNS)
    )
    cutoffs = tuple(
        sorted(
            (
                (r["class_code"], float(r["min_score"]))
                for r in _rows(
                    seeds_dir / "class_cutoffs.csv",
                    ("methodology_version", "class_code", "min_score"),
                )
                if r["methodology_version"] == version
            ),
            key=lambda c: -c[1],
        )
    )
    return Seeds(
        units=units,
        variables=variables,
        indicators=indicators,
        changes=changes,
        published=published,
        class_cutoffs=cutoffs,
        data_year_lag=int(methodology["data_year_lag"]),
        missing_values=methodology.get("missing_values") or "propagate",
    )


def predecessor_codes(seeds: Seeds, data_year: int) -> dict[str, str]:
    """Map each unit code of `data_year` to its predecessor's code in `data_year - 1`.

    The same code if it existed the year before, else the old code of a non-abolishing division
    change; units without a predecessor are left out (the abolished 邢台县's history ends).
    """
    previous = {u.unit_code for u in seeds.units_in(data_year - 1)}
    result: dict[str, str] = {}
    for unit in seeds.units_in(data_year):
        if unit.unit_code in previous:
            result[unit.unit_code] = unit.unit_code
            continue
        for change in seeds.changes:
            if (
                change.new_code == unit.unit_code
                and change.change_type != ABOLISHED_CHANGE
                and change.old_code in previous
            ):
                result[unit.unit_code] = change.old_code
                break
    return result
