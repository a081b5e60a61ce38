"""The clean demo data in memory: every unit's base variables for every data year.

Always simulated over all evaluation years that have targets, so that the values of a year do
not depend on which years are written. Independent random streams (one per concern) keep a
change in one concern from reshuffling the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache

import numpy as np

from orchestration.demo.calibration import (
    ProvinceSummary,
    YearScores,
    province_summary,
    score_year,
)
from orchestration.demo.economy import BASE_DATA_YEAR, Economy, draw_economy, structure
from orchestration.demo.seeds import Seeds, Unit, load_seeds, predecessor_codes
from orchestration.demo.targets import YearTarget, year_targets
from orchestration.demo.trajectory import YearPlan, lineage_keys, plan_years
from orchestration.demo.variables import (
    PROFILE_SD,
    SIZE_ELASTICITY,
    YEARLY_PROFILE_SD,
    UnitInputs,
    build_variables,
)

DEFAULT_SEED = 20240101
# Evaluation years the generator can produce (those with published or chosen targets).
EVALUATION_YEARS = range(2018, 2025)


class Stream(IntEnum):
    """Independent random streams: numpy default_rng([seed, stream])."""

    STATIC = 1
    TRAJECTORY = 2
    VALUES = 3
    LAYOUT = 4
    PEOPLE = 5
    DEFECTS = 6


def stream(seed: int, which: Stream) -> np.random.Generator:
    """The random generator of one concern for a seed."""
    return np.random.default_rng([seed, int(which)])


@dataclass(frozen=True)
class YearData:
    """The clean data of one data year, arrays aligned with `units`."""

    data_year: int
    evaluation_year: int
    units: tuple[Unit, ...]
    lineages: tuple[str, ...]
    values: dict[str, np.ndarray]
    target_totals: np.ndarray
    scores: YearScores


@dataclass(frozen=True)
class Simulation:
    """The clean demo data of all data years, with targets and their scores (the engine's)."""

    seed: int
    seeds: Seeds
    targets: dict[int, YearTarget]
    years: dict[int, YearData]  # by data year
    summaries: dict[int, ProvinceSummary]  # by evaluation year
    economy: Economy


def _profiles(economy: Economy, seeds: Seeds, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Each lineage's strengths and weaknesses: a multiplier around 1 per indicator."""
    n = len(economy.lineages)
    return {
        ind.indicator_code: np.exp(rng.normal(0.0, PROFILE_SD, n) - PROFILE_SD**2 / 2)
        for ind in seeds.indicators
    }


def simulate(seed: int = DEFAULT_SEED, seeds: Seeds | None = None) -> Simulation:
    """Simulate the clean data of every data year, scored by the pipeline's engine.

    Cached per seed and seed files (treat the result as read-only).
    """
    return _simulate(seed, seeds or load_seeds())


@lru_cache(maxsize=4)
def _simulate(seed: int, seeds: Seeds) -> Simulation:
    """The uncached simulation behind `simulate`."""
    lag = seeds.data_year_lag
    targets = year_targets(seeds, EVALUATION_YEARS)
    data_years = range(EVALUATION_YEARS[0] - lag, EVALUATION_YEARS[-1] - lag + 1)
    lineage_of = lineage_keys(seeds, data_years)
    static = stream(seed, Stream.STATIC)
    economy = draw_economy(seeds, lineage_of, static)
    profiles = _profiles(economy, seeds, static)
    plans: dict[int, YearPlan] = plan_years(
        seeds,
        targets,
        stream(seed, Stream.TRAJECTORY),
        initial_latent=dict(zip(economy.lineages, economy.initial_capability, strict=True)),
        drift=dict(zip(economy.lineages, economy.growth_speed, strict=True)),
    )
    values_rng = stream(seed, Stream.VALUES)
    at = economy.index()
    base = structure(
        economy, list(economy.lineages), BASE_DATA_YEAR, np.zeros((len(economy.lineages), 4))
    )
    reference_revenue = float(np.median(base["ind_revenue"]))
    years: dict[int, YearData] = {}
    for data_year in data_years:
        n_all = len(economy.lineages)
        jitter = values_rng.standard_normal((n_all, 4))
        yearly = {
            code: np.exp(values_rng.normal(0.0, YEARLY_PROFILE_SD, n_all)) for code in profiles
        }
        decimals = np.where(values_rng.random(n_all) < 0.5, 1, 2)
        plan = plans[data_year + lag]
        idx = np.array([at[k] for k in plan.lineages])
        struct = structure(economy, plan.lineages, data_year, jitter[idx])
        inputs = UnitInputs(
            targets=plan.totals,
            structure=struct,
            profile={code: profiles[code][idx] * yearly[code][idx] for code in profiles},
            size=(struct["ind_revenue"] / reference_revenue) ** SIZE_ELASTICITY,
            expert_decimals=decimals[idx],
        )
        values = build_variables(inputs, seeds)
        codes = [u.unit_code for u in plan.units]
        years[data_year] = YearData(
            data_year=data_year,
            evaluation_year=data_year + lag,
            units=plan.units,
            lineages=plan.lineages,
            values=values,
            target_totals=plan.totals,
            scores=score_year(data_year + lag, codes, values, seeds),
        )
    return Simulation(seed, seeds, targets, years, _summaries(years, seeds), economy)


def _summaries(years: dict[int, YearData], seeds: Seeds) -> dict[int, ProvinceSummary]:
    """The province summary of each evaluation year, movements against the year before."""
    summaries = {}
    for data_year, year in years.items():
        previous = years.get(data_year - 1)
        summaries[year.evaluation_year] = province_summary(
            year.scores,
            previous.scores if previous else None,
            predecessor_codes(seeds, data_year),
            seeds,
        )
    return summaries
