"""Static traits of every unit lineage and the structural statistics that follow from them.

Population, GDP, the budget and the size of industry are drawn once per lineage (by city and
kind of unit: 唐山, 廊坊 and 石家庄 richer, 张家口 and 承德 poorer; districts richer but less
industrial) and grown year by year. They are the denominators of the ratio indicators; the
innovation variables are built on top of them in `variables.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from orchestration.demo.seeds import ABOLISHED_CHANGE, Seeds, Unit

BASE_DATA_YEAR = 2017

# GDP per resident in 2017 (万元 per person), by prefecture city.
CITY_GDP_PER_CAPITA: dict[str, float] = {
    "石家庄市": 5.5,
    "唐山市": 8.5,
    "秦皇岛市": 4.8,
    "邯郸市": 3.6,
    "邢台市": 2.9,
    "保定市": 3.2,
    "张家口市": 3.1,
    "承德市": 3.9,
    "沧州市": 4.9,
    "廊坊市": 6.3,
    "衡水市": 3.3,
}
# City effect on latent innovation capability (science parks, universities, Beijing spill-over).
CITY_CAPABILITY: dict[str, float] = {
    "石家庄市": 0.5,
    "唐山市": 0.35,
    "秦皇岛市": 0.1,
    "邯郸市": 0.0,
    "邢台市": -0.2,
    "保定市": 0.2,
    "张家口市": -0.45,
    "承德市": -0.4,
    "沧州市": 0.1,
    "廊坊市": 0.5,
    "衡水市": -0.2,
}


@dataclass(frozen=True)
class KindTraits:
    """Typical economy of a kind of unit: GDP-per-capita factor, population, industry share."""

    gdp_factor: float
    median_population: float
    industry_share: float
    capability: float


KIND_TRAITS: dict[str, KindTraits] = {
    "district": KindTraits(1.35, 32.0, 0.26, 0.3),
    "county": KindTraits(0.85, 38.0, 0.34, -0.1),
    "county_level_city": KindTraits(1.15, 58.0, 0.38, 0.2),
    "autonomous_county": KindTraits(0.75, 33.0, 0.30, -0.3),
}
SMALL_DISTRICT_MARKERS = ("矿区", "北戴河", "山海关", "下花园")
# Share of an abolished unit's economy that its primary successor takes over.
ABSORBED_SHARE = 0.8


@dataclass(frozen=True)
class Economy:
    """Per-lineage traits, arrays aligned with `lineages`."""

    lineages: tuple[str, ...]
    population: np.ndarray  # 万人, base year
    population_growth: np.ndarray
    gdp_per_capita: np.ndarray  # 万元 per person, base year
    gdp_growth: np.ndarray
    budget_ratio: np.ndarray  # general budget expenditure / GDP
    industry_share: np.ndarray  # above-scale industrial value added / GDP
    revenue_to_value_added: np.ndarray
    revenue_per_enterprise: np.ndarray  # 万元, base year
    initial_capability: np.ndarray
    growth_speed: np.ndarray
    absorbed: tuple[tuple[int, int, int], ...]  # (absorber index, absorbed index, from year)

    def index(self) -> dict[str, int]:
        """Lineage key -> position in the arrays."""
        return {k: i for i, k in enumerate(self.lineages)}


def _zscore(values: np.ndarray) -> np.ndarray:
    """Standardised values (mean 0, sd 1)."""
    return (values - values.mean()) / values.std()


def draw_economy(
    seeds: Seeds, lineage_of: dict[tuple[int, str], str], rng: np.random.Generator
) -> Economy:
    """Draw the static traits of every lineage (in first-seen order, for determinism)."""
    first_unit = _first_units(seeds, lineage_of)
    lineages = tuple(first_unit)
    units = [first_unit[k] for k in lineages]
    n = len(units)
    kinds = [KIND_TRAITS[u.unit_kind] for u in units]
    small = np.array([any(m in u.unit_name for m in SMALL_DISTRICT_MARKERS) for u in units])
    population = np.array([k.median_population for k in kinds]) * np.exp(rng.normal(0.0, 0.32, n))
    population = np.where(small, population * 0.3, population)
    gdp_per_capita = np.array(
        [
            CITY_GDP_PER_CAPITA[u.group_name] * k.gdp_factor
            for u, k in zip(units, kinds, strict=True)
        ]
    ) * np.exp(rng.normal(0.0, 0.25, n))
    industry_share = np.clip(
        np.array([k.industry_share for k in kinds]) * np.exp(rng.normal(0.0, 0.2, n)), 0.08, 0.6
    )
    budget_ratio = np.clip(
        0.19 * (gdp_per_capita / 4.5) ** -0.55 * np.exp(rng.normal(0, 0.12, n)), 0.07, 0.45
    )
    gdp = population * gdp_per_capita
    capability = (
        0.55 * _zscore(np.log(gdp))
        + 0.8 * np.array([CITY_CAPABILITY[u.group_name] for u in units])
        + 0.6 * np.array([k.capability for k in kinds])
        + 0.6 * rng.standard_normal(n)
    )
    growth_speed = 0.35 * rng.standard_normal(n)
    decliners = rng.random(n) < 0.05
    growth_speed = np.where(decliners, -0.9, growth_speed)
    absorbed = _absorptions(seeds, lineage_of, {k: i for i, k in enumerate(lineages)})
    return Economy(
        lineages=lineages,
        population=population,
        population_growth=rng.normal(-0.002, 0.006, n),
        gdp_per_capita=gdp_per_capita,
        gdp_growth=rng.normal(0.065, 0.018, n),
        budget_ratio=budget_ratio,
        industry_share=industry_share,
        revenue_to_value_added=rng.uniform(3.2, 4.6, n),
        revenue_per_enterprise=np.exp(rng.normal(np.log(24000.0), 0.3, n)),
        initial_capability=_zscore(capability),
        growth_speed=growth_speed,
        absorbed=absorbed,
    )


def _first_units(seeds: Seeds, lineage_of: dict[tuple[int, str], str]) -> dict[str, Unit]:
    """The first unit of each lineage, lineages in first-seen order."""
    first_unit: dict[str, Unit] = {}
    for (year, code), key in sorted(lineage_of.items()):
        if key not in first_unit:
            first_unit[key] = next(u for u in seeds.units_in(year) if u.unit_code == code)
    return first_unit


def _absorptions(
    seeds: Seeds, lineage_of: dict[tuple[int, str], str], index: dict[str, int]
) -> tuple[tuple[int, int, int], ...]:
    """(absorbing lineage, absorbed lineage, first data year merged) of each abolition."""
    absorbed = []
    for change in seeds.changes:
        if change.change_type != ABOLISHED_CHANGE:
            continue
        old = next((u for u in seeds.units if u.unit_code == change.old_code), None)
        if old is None or old.valid_to is None:
            continue
        old_key = lineage_of.get((old.valid_to, old.unit_code))
        new_key = lineage_of.get((old.valid_to + 1, change.new_code))
        if old_key is not None and new_key is not None:
            absorbed.append((index[new_key], index[old_key], old.valid_to + 1))
    return tuple(absorbed)


# Province-wide nominal growth shocks by data year (2020: the pandemic).
YEAR_SHOCK: dict[int, float] = {2020: -0.045, 2021: 0.02, 2022: -0.015}


def structure(
    economy: Economy, lineages: Sequence[str], data_year: int, jitter: np.ndarray
) -> dict[str, np.ndarray]:
    """Population, GDP, budget and industry of the given lineages in `data_year`.

    `jitter` (n x 4, standard normal) adds the year's idiosyncratic noise to the budget and
    the industry figures. An abolished unit's economy is added, in part, to its successor.
    """
    years = data_year - BASE_DATA_YEAR
    shock = np.prod([1 + YEAR_SHOCK.get(y, 0.0) for y in range(BASE_DATA_YEAR + 1, data_year + 1)])
    population = economy.population * (1 + economy.population_growth) ** years
    gdp = economy.population * economy.gdp_per_capita * (1 + economy.gdp_growth) ** years * shock
    for absorber, absorbed, from_year in economy.absorbed:
        if data_year >= from_year:
            population[absorber] += ABSORBED_SHARE * population[absorbed]
            gdp[absorber] += ABSORBED_SHARE * gdp[absorbed]
    at = economy.index()
    idx = np.array([at[k] for k in lineages])
    population, gdp = population[idx], gdp[idx]
    budget = gdp * 10000 * economy.budget_ratio[idx] * np.exp(0.05 * jitter[:, 0])
    value_added = gdp * 10000 * economy.industry_share[idx] * np.exp(0.04 * jitter[:, 1])
    revenue = value_added * economy.revenue_to_value_added[idx] * np.exp(0.03 * jitter[:, 2])
    per_enterprise = economy.revenue_per_enterprise[idx] * 1.04**years * np.exp(0.04 * jitter[:, 3])
    enterprises = np.maximum(6, np.round(revenue / per_enterprise))
    return {
        "population": population,
        "gdp": gdp,
        "general_budget_exp": budget,
        "ind_value_added": value_added,
        "ind_revenue": revenue,
        "ind_ent_count": enterprises,
    }
