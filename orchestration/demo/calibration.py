"""The demo's base variables scored by the pipeline's own engine, and the province summary
they are calibrated to.

The generator builds each unit's variables backwards from a target total and checks what it
wrote by scoring it, with the uncertainty engine's public nominal scoring
(`orchestration.uncertainty.score_year`: the same code that reproduces `marts.county_scores`
every year, under the methodology version's own methods and weights). The demo has no scoring
of its own: it only applies the indicators' formula (multiplier × numerator / denominator, as
`int_indicator_values` does) to get the raw indicator values the engine starts from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from orchestration.demo.seeds import Indicator, Seeds
from orchestration.uncertainty import score_year as engine_score_year
from orchestration.uncertainty.scoring import YearScores as EngineScores


@dataclass(frozen=True)
class YearScores:
    """The scores of every unit of one evaluation year, aligned with `unit_codes`: totals,
    classes, ranks (the engine's, by the methodology's tie rule) and each indicator's points."""

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
    """Each indicator's raw value from the base variables: multiplier × numerator /
    denominator (NaN propagates; a zero denominator gives no value)."""
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


def nominal_scores(values: Mapping[str, np.ndarray], seeds: Seeds) -> EngineScores:
    """The engine's nominal scores of units' base variables under the calibrated version."""
    raw = indicator_values(values, seeds.indicators)
    framework = seeds.framework
    matrix = np.column_stack([raw[code] for code in framework.indicator_codes])
    return engine_score_year(matrix, framework)


def nominal_totals(values: Mapping[str, np.ndarray], seeds: Seeds) -> np.ndarray:
    """Each unit's total under the calibrated version (NaN without a total)."""
    return nominal_scores(values, seeds).totals


def score_year(
    evaluation_year: int,
    unit_codes: Sequence[str],
    values: Mapping[str, np.ndarray],
    seeds: Seeds,
) -> YearScores:
    """Score one evaluation year from the base variables of its data year, with the engine;
    an indicator's points are its normalised score times its nominal points (Hebei's weighted
    sum: the points add up to the total)."""
    scores = nominal_scores(values, seeds)
    framework = seeds.framework
    points = scores.indicator_scores * framework.nominal_points()[None, :]
    return YearScores(
        evaluation_year=evaluation_year,
        unit_codes=tuple(unit_codes),
        totals=scores.totals,
        classes=tuple(scores.class_codes()),
        ranks=scores.ranks,
        points={code: points[:, j] for j, code in enumerate(framework.indicator_codes)},
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
