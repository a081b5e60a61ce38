"""The configuration as the demo generator needs it: units, variables, the indicator system.

Read through the project's one configuration module (`orchestration.config.configuration`,
the staging tables dbt scores with, bootstrapped from the dataset folder before the first run),
never from CSV files of its own, so that the generator and the pipeline score against one
configuration. The generator calibrates against one methodology version, the earliest, scored
by the pipeline's engine (`framework`: the uncertainty engine's view of that version).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from orchestration.config.configuration import Configuration
from orchestration.config.paths import DEFAULT_DATASET_DIR
from orchestration.uncertainty import IndexFramework
from orchestration.uncertainty.warehouse import framework_from_configuration

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
    methodology_version: str
    # The calibrated version as the engine scores it (not compared: equal seeds give equal ones).
    framework: IndexFramework = field(compare=False, repr=False)

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


def load_seeds(seeds_dir: Path | None = None) -> Seeds:
    """The generator's view of a dataset folder's configuration (default: the repository's
    `seeds/`)."""
    folder = Path(seeds_dir) if seeds_dir is not None else DEFAULT_DATASET_DIR
    return seeds_from_configuration(Configuration.from_dataset_dir(folder))


@lru_cache(maxsize=8)
def seeds_from_configuration(config: Configuration) -> Seeds:
    """The generator's view of a configuration (cached per Configuration instance)."""
    version = config.methodology_versions()[0]
    return Seeds(
        units=_units(config),
        variables=tuple(
            Variable(r["variable_code"], r["name_zh"], r["unit"], r["reported_by"])
            for r in config.base_variables.iter_rows(named=True)
        ),
        indicators=_indicators(config, version.methodology_version),
        changes=tuple(
            UnitChange(r["old_code"], r["old_name"], r["new_code"], r["new_name"], r["change_type"])
            for r in config.unit_changes.iter_rows(named=True)
        ),
        published=tuple(
            PublishedResult(**{name: r[name] for name in PUBLISHED_COLUMNS})
            for r in config.published_results.iter_rows(named=True)
        ),
        class_cutoffs=tuple(
            sorted(
                (
                    (r["class_code"], r["min_score"])
                    for r in config.class_cutoffs_of(version.methodology_version).iter_rows(
                        named=True
                    )
                ),
                key=lambda c: -c[1],
            )
        ),
        data_year_lag=version.data_year_lag,
        methodology_version=version.methodology_version,
        framework=framework_from_configuration(config, version.methodology_version),
    )


def _units(config: Configuration) -> tuple[Unit, ...]:
    """The unit registry, in the order of the configuration."""
    return tuple(
        Unit(
            unit_code=r["unit_code"],
            unit_name=r["unit_name"],
            unit_kind=r["unit_kind"],
            group_code=r["group_code"],
            group_name=r["group_name"],
            valid_from=r["valid_from_data_year"],
            valid_to=r["valid_to_data_year"],
        )
        for r in config.units.iter_rows(named=True)
    )


def _indicators(config: Configuration, version: str) -> tuple[Indicator, ...]:
    """The indicators of a methodology version with their points (the framework's weights:
    Hebei gives points) and goalposts."""
    points = {
        r["node_code"]: r["weight"]
        for r in config.framework_of(version).iter_rows(named=True)
        if r["node_type"] == "indicator"
    }
    goalposts = {
        r["indicator_code"]: (r["lower_goalpost"], r["upper_goalpost"])
        for r in config.goalposts_of(version).iter_rows(named=True)
    }
    return tuple(
        Indicator(
            indicator_code=r["indicator_code"],
            numerator=r["numerator_variable"],
            denominator=r["denominator_variable"],
            multiplier=r["multiplier"],
            points=points[r["indicator_code"]],
            lower=goalposts[r["indicator_code"]][0],
            upper=goalposts[r["indicator_code"]][1],
        )
        for r in config.indicators_of(version).iter_rows(named=True)
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
