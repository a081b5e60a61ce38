"""The province figures the demo data is calibrated to, and the score distribution behind them.

Published figures come from seeds/published_results.csv; where a figure was not published the
generator uses the values below, chosen to be consistent with the published neighbours: with
class counts fixed in two consecutive years, leaps minus demotions is fixed too, so the chosen
2022 counts (46 / 73 / 48) let 2023 reach its published 42 leaps with only two demotions, and
2024 B 70 / C 15 gives exactly the published 29 leaps with none.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from orchestration.demo.seeds import PublishedResult, Seeds

# Figures not published, chosen for the demo (see the module docstring).
CHOSEN_FIGURES: dict[int, dict[str, float]] = {
    2019: {"demotions": 1},
    2020: {"class_b": 64, "class_leaps": 35, "demotions": 1, "score_up": 141, "rank_up": 82},
    2022: {
        "class_a": 46,
        "class_b": 73,
        "class_c": 48,
        "mean_score": 67.0,
        "class_leaps": 36,
        "demotions": 1,
        "score_up": 148,
        "rank_up": 81,
    },
    2023: {"demotions": 2, "score_up": 147, "rank_up": 80},
    2024: {"class_b": 70, "class_c": 15, "demotions": 0, "score_up": 136, "rank_up": 79},
}

# Lowest and highest total of each evaluation year: the weakest and the strongest county.
SCORE_FLOOR: dict[int, float] = {
    2018: 15.0,
    2019: 18.0,
    2020: 20.0,
    2021: 22.0,
    2022: 25.0,
    2023: 30.0,
    2024: 38.0,
}
SCORE_CEILING: dict[int, float] = {
    2018: 92.0,
    2019: 93.0,
    2020: 93.5,
    2021: 94.0,
    2022: 94.5,
    2023: 95.0,
    2024: 95.5,
}
# Target totals keep this distance from the class cut-offs, so that rounding in the files can
# never move a county across a class boundary.
CUTOFF_MARGIN = 0.1

MOVEMENT_FIELDS = ("class_leaps", "demotions", "score_up", "rank_up")


@dataclass(frozen=True)
class YearTarget:
    """What one evaluation year should look like; `published` names the published fields."""

    evaluation_year: int
    class_a: int
    class_b: int
    class_c: int
    mean_score: float
    class_leaps: int | None
    demotions: int | None
    score_up: int | None
    rank_up: int | None
    class_minimums: tuple[float, float]  # the lowest total of class A and of class B
    published: frozenset[str] = field(default_factory=frozenset)

    @property
    def units(self) -> int:
        """Number of units evaluated."""
        return self.class_a + self.class_b + self.class_c


def _merge(
    published: PublishedResult | None, year: int, class_minimums: tuple[float, float]
) -> YearTarget:
    """One year's target: published figures first, chosen figures where none was published."""
    chosen = CHOSEN_FIGURES.get(year, {})
    values: dict[str, float | None] = {}
    published_fields = set()
    for name in ("class_a", "class_b", "class_c", "mean_score", *MOVEMENT_FIELDS):
        figure = getattr(published, name) if published is not None else None
        if figure is not None:
            published_fields.add(name)
            values[name] = figure
        else:
            values[name] = chosen.get(name)
    missing = [n for n in ("class_a", "class_b", "class_c", "mean_score") if values[n] is None]
    if missing:
        raise ValueError(f"evaluation year {year}: no published or chosen figure for {missing}")

    def as_int(name: str) -> int | None:
        value = values[name]
        return None if value is None else int(value)

    return YearTarget(
        evaluation_year=year,
        class_a=int(values["class_a"] or 0),
        class_b=int(values["class_b"] or 0),
        class_c=int(values["class_c"] or 0),
        mean_score=float(values["mean_score"] or 0.0),
        class_leaps=as_int("class_leaps"),
        demotions=as_int("demotions"),
        score_up=as_int("score_up"),
        rank_up=as_int("rank_up"),
        class_minimums=class_minimums,
        published=frozenset(published_fields),
    )


def year_targets(seeds: Seeds, evaluation_years: range) -> dict[int, YearTarget]:
    """The target of every evaluation year, checked against the number of units that year."""
    published = {p.evaluation_year: p for p in seeds.published}
    minimums = class_minimums(seeds)
    result = {}
    for year in evaluation_years:
        target = _merge(published.get(year), year, minimums)
        units = len(seeds.units_in(year - seeds.data_year_lag))
        if target.units != units:
            raise ValueError(
                f"evaluation year {year}: class counts add up to {target.units}, "
                f"but {units} units existed in data year {year - seeds.data_year_lag}"
            )
        result[year] = target
    return result


def class_minimums(seeds: Seeds) -> tuple[float, float]:
    """The lowest total of class A and of class B under the calibrated version's cut-offs (the
    demo's targets are the province's A / B / C counts)."""
    minimum = dict(seeds.class_cutoffs)
    missing = [code for code in ("A", "B", "C") if code not in minimum]
    if missing or len(minimum) != 3:
        raise ValueError(
            f"the demo calibrates to classes A, B and C; methodology version "
            f"{seeds.methodology_version} has the classes {sorted(minimum)}"
        )
    return minimum["A"], minimum["B"]


def _band(n: int, low: float, high: float, power: float) -> np.ndarray:
    """`n` totals spread over [low, high], ascending; power > 1 crowds them towards `low`."""
    q = (np.arange(n) + 0.5) / n
    return low + (high - low) * q**power


def target_totals(target: YearTarget) -> np.ndarray:
    """The sorted (best first) totals of a year: exact class counts and exact mean.

    A and B are spread evenly over their bands; the C band's shape is solved by bisection so
    that the mean is met, between the year's floor and the C cut-off.
    """
    year = target.evaluation_year
    a_minimum, b_minimum = target.class_minimums
    a_band = _band(target.class_a, a_minimum + CUTOFF_MARGIN, SCORE_CEILING[year], 1.0)
    b_band = _band(target.class_b, b_minimum + CUTOFF_MARGIN, a_minimum - CUTOFF_MARGIN, 1.0)
    needed = target.mean_score * target.units - a_band.sum() - b_band.sum()

    def c_band(power: float) -> np.ndarray:
        return _band(target.class_c, SCORE_FLOOR[year], b_minimum - CUTOFF_MARGIN, power)

    low, high = np.log(0.05), np.log(20.0)
    if not (c_band(np.exp(high)).sum() <= needed <= c_band(np.exp(low)).sum()):
        raise ValueError(f"evaluation year {year}: mean {target.mean_score} not reachable")
    for _ in range(100):
        mid = (low + high) / 2
        if c_band(np.exp(mid)).sum() > needed:
            low = mid
        else:
            high = mid
    totals = np.concatenate([a_band, b_band, c_band(np.exp((low + high) / 2))])
    return np.sort(totals)[::-1]
