"""Reference scoring: the pipeline's dbt computation, re-implemented small and pure in numpy.

The generator uses it to verify that the files it writes score as intended, and tests compare
the pipeline's mart against it. Indicator = multiplier * numerator / denominator; fraction =
clamp((value - lower) / (upper - lower), 0, 1); points = weight * fraction; total = sum; classes
by the cut-offs; rank 1 = highest total, ties get the minimum rank.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from orchestration.demo.seeds import Indicator, Seeds


@dataclass(frozen=True)
class YearScores:
    """The scores of every unit of one evaluation year, aligned with `unit_codes`."""

    evaluation_year: int
    unit_codes: tuple[str, ...]
    totals: np.ndarray
    classes: tuple[str, ...]
    ranks: np.ndarray
    points: Mapping[str, np.ndarray]

    def by_code(self) -> dict[str, int]:
        """Position of each unit code in the arrays."""
        return {code: i for i, code in enumerate(self.unit_codes)}


@dataclass(frozen=True)
class ProvinceSummary:
    """The province-level figures that the press publishes for an evaluation year."""

    evaluation_year: int
    units: int
    class_a: int
    class_b: int
    class_c: int
    mean_score: float
    class_leaps: int | None
    demotions: int | None
    score_up: int | None
    rank_up: int | None

    def as_dict(self) -> dict[str, int | float | None]:
        """The summary as a plain dict (for CSV output and test comparisons)."""
        return dict(self.__dict__)


def indicator_values(
    values: Mapping[str, np.ndarray], indicators: Sequence[Indicator]
) -> dict[str, np.ndarray]:
    """Each indicator's raw value from the base variables (NaN propagates)."""
    result: dict[str, np.ndarray] = {}
    for ind in indicators:
        numerator = np.asarray(values[ind.numerator], dtype=float)
        if ind.denominator is None:
            result[ind.indicator_code] = ind.multiplier * numerator
        else:
            denominator = np.asarray(values[ind.denominator], dtype=float)
            with np.errstate(divide="ignore", invalid="ignore"):
                result[ind.indicator_code] = ind.multiplier * numerator / denominator
    return result


def indicator_points(
    values: Mapping[str, np.ndarray],
    indicators: Sequence[Indicator],
    missing_values: str = "propagate",
) -> dict[str, np.ndarray]:
    """Each indicator's points: weight times the goalpost fraction clamped to [0, 1].

    A missing (or undefined) indicator propagates as NaN, or scores 0 points when the
    methodology's `missing_values` is `zero`.
    """
    raw = indicator_values(values, indicators)
    points = {}
    for ind in indicators:
        fraction = (raw[ind.indicator_code] - ind.lower) / (ind.upper - ind.lower)
        value = ind.points * np.clip(fraction, 0.0, 1.0)
        if missing_values == "zero":
            value = np.where(np.isfinite(value), value, 0.0)
        points[ind.indicator_code] = value
    return points


def classify(totals: np.ndarray, cutoffs: Sequence[tuple[str, float]]) -> tuple[str, ...]:
    """The class of each total: the first cut-off (highest first) that the total reaches."""
    result = []
    for total in totals:
        result.append(next(code for code, minimum in cutoffs if total >= minimum))
    return tuple(result)


def min_ranks(totals: np.ndarray) -> np.ndarray:
    """Rank 1 for the highest total; ties share the minimum rank (SQL `rank()` descending)."""
    totals = np.asarray(totals, dtype=float)
    return np.array([1 + int(np.sum(totals > t)) for t in totals], dtype=int)


def score_year(
    evaluation_year: int,
    unit_codes: Sequence[str],
    values: Mapping[str, np.ndarray],
    seeds: Seeds,
) -> YearScores:
    """Score one evaluation year from the base variables of its data year."""
    points = indicator_points(values, seeds.indicators, seeds.missing_values)
    totals = np.sum(np.vstack(list(points.values())), axis=0)
    return YearScores(
        evaluation_year=evaluation_year,
        unit_codes=tuple(unit_codes),
        totals=totals,
        classes=classify(totals, seeds.class_cutoffs),
        ranks=min_ranks(totals),
        points=points,
    )


def class_order(seeds: Seeds) -> dict[str, int]:
    """Class code to its order, 0 for the best class."""
    return {code: i for i, (code, _) in enumerate(seeds.class_cutoffs)}


def province_summary(
    current: YearScores,
    previous: YearScores | None,
    predecessors: Mapping[str, str],
    seeds: Seeds,
) -> ProvinceSummary:
    """Class counts, mean and the year-over-year movements of one evaluation year.

    Movements count only units with a predecessor in `previous` (see
    `seeds.predecessor_codes`): score_up = total rose, rank_up = rank number fell,
    class_leaps = class improved, demotions = class worsened.
    """
    counts = {code: current.classes.count(code) for code, _ in seeds.class_cutoffs}
    leaps = demotions = score_up = rank_up = None
    if previous is not None:
        order = class_order(seeds)
        prev_at = previous.by_code()
        leaps = demotions = score_up = rank_up = 0
        for i, code in enumerate(current.unit_codes):
            pred = predecessors.get(code)
            if pred is None or pred not in prev_at:
                continue
            j = prev_at[pred]
            step = order[current.classes[i]] - order[previous.classes[j]]
            leaps += int(step < 0)
            demotions += int(step > 0)
            score_up += int(current.totals[i] > previous.totals[j])
            rank_up += int(current.ranks[i] < previous.ranks[j])
    return ProvinceSummary(
        evaluation_year=current.evaluation_year,
        units=len(current.unit_codes),
        class_a=counts.get("A", 0),
        class_b=counts.get("B", 0),
        class_c=counts.get("C", 0),
        mean_score=round(float(np.mean(current.totals)), 2),
        class_leaps=leaps,
        demotions=demotions,
        score_up=score_up,
        rank_up=rank_up,
    )
