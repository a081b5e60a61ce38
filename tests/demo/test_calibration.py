"""The demo scored by the pipeline's engine on hand-computed cases, and the calibration against
the targets."""

from __future__ import annotations

import numpy as np
import pytest

from orchestration.demo.calibration import YearScores, province_summary, score_year
from orchestration.demo.seeds import load_seeds
from orchestration.demo.simulation import simulate
from orchestration.demo.targets import target_totals, year_targets

SEEDS = load_seeds()
TOLERANCE = {"count": 2, "mean_score": 1.0, "class_leaps": 3, "score_up": 5, "rank_up": 5}


def _variables(units: int, **given: list[float]) -> dict[str, np.ndarray]:
    """Every base variable of the indicators (1.0 where not given)."""
    names = {ind.numerator for ind in SEEDS.indicators} | {
        ind.denominator for ind in SEEDS.indicators if ind.denominator
    }
    return {name: np.array(given.get(name, [1.0] * units), dtype=float) for name in names}


def test_indicator_points_follow_formula_goalposts_and_clamp() -> None:
    values = _variables(
        2,
        fiscal_st_exp=[3000.0, 3000.0],
        general_budget_exp=[150000.0, 50000.0],  # 2 % and 6 % (clamped)
        gerd=[15000.0, 0.0],
        gdp=[100.0, 100.0],  # R&D intensity 1.5 % and 0 %
        hte_count=[60.0, 240.0],  # half the upper goalpost 120, and twice
    )
    scores = score_year(2023, ["a", "b"], values, SEEDS)
    result = {code: scores.points[code] for code in ("I2", "I4", "E1")}
    expected = {
        "I2": np.array([7 * 2.0 / 4.0, 7.0]),
        "I4": np.array([6 * 1.5 / 3.0, 0.0]),
        "E1": np.array([7 * 0.5, 7.0]),
    }
    for code, points in expected.items():
        np.testing.assert_allclose(result[code], points)


def test_the_points_add_up_to_the_engines_total_class_and_rank() -> None:
    values = _variables(3, hte_count=[0.0, 240.0, 240.0], gerd=[0.0, 1e9, 1e9])
    scores = score_year(2023, ["a", "b", "c"], values, SEEDS)
    total = np.sum(np.vstack(list(scores.points.values())), axis=0)
    cutoffs = dict(SEEDS.class_cutoffs)
    result = (scores.ranks.tolist(), scores.classes)
    expected = (
        [3.0, 1.0, 1.0],  # ties share the minimum rank
        tuple("A" if t >= cutoffs["A"] else "B" if t >= cutoffs["B"] else "C" for t in total),
    )
    np.testing.assert_allclose(scores.totals, total, rtol=1e-12)
    assert result == expected


def _scores(year: int, codes: list[str], totals: list[float], classes: str) -> YearScores:
    array = np.array(totals)
    ranks = np.array([1 + int(np.sum(array > t)) for t in array])
    return YearScores(year, tuple(codes), array, tuple(classes), ranks, {})


def test_province_summary_counts_movements_through_predecessors() -> None:
    previous = _scores(2020, ["a", "b", "c", "gone"], [79.0, 59.0, 90.0, 65.0], "BCAB")
    current = _scores(2021, ["a", "b2", "c"], [81.0, 61.0, 85.0], "ABA")  # b2 4th -> 3rd
    result = province_summary(current, previous, {"a": "a", "b2": "b", "c": "c"}, SEEDS)
    assert (result.class_a, result.class_b, result.class_c) == (2, 1, 0)
    assert result.mean_score == pytest.approx((81 + 61 + 85) / 3, abs=0.005)
    assert (result.class_leaps, result.demotions, result.score_up, result.rank_up) == (2, 0, 2, 1)


@pytest.mark.parametrize("year", range(2018, 2025))
def test_target_totals_have_exact_counts_and_mean(year: int) -> None:
    target = year_targets(SEEDS, range(year, year + 1))[year]
    totals = target_totals(target)
    counts = (
        int(np.sum(totals >= 80)),
        int(np.sum((totals >= 60) & (totals < 80))),
        int(np.sum(totals < 60)),
    )
    assert counts == (target.class_a, target.class_b, target.class_c)
    assert totals.mean() == pytest.approx(target.mean_score, abs=1e-6)
    assert np.min(np.abs(totals - 60)) >= 0.1 - 1e-9
    assert np.min(np.abs(totals - 80)) >= 0.1 - 1e-9


@pytest.fixture(scope="module")
def simulation():  # noqa: ANN201
    return simulate()


@pytest.mark.parametrize("published", SEEDS.published, ids=lambda p: str(p.evaluation_year))
def test_the_calibrated_scores_match_every_published_figure(simulation, published) -> None:  # noqa: ANN001
    result = simulation.summaries[published.evaluation_year]
    for name in ("units", "class_a", "class_b", "class_c"):
        if getattr(published, name) is not None:
            assert abs(getattr(result, name) - getattr(published, name)) <= TOLERANCE["count"]
            assert getattr(result, name) == getattr(published, name), name  # aimed: exact
    if published.mean_score is not None:
        assert result.mean_score == pytest.approx(published.mean_score, abs=0.1)
    for name in ("class_leaps", "score_up", "rank_up"):
        if getattr(published, name) is not None:
            assert abs(getattr(result, name) - getattr(published, name)) <= TOLERANCE[name], name
    if published.demotions is not None:
        assert result.demotions == published.demotions


def test_unpublished_figures_follow_the_chosen_targets(simulation) -> None:  # noqa: ANN001
    for year, target in simulation.targets.items():
        result = simulation.summaries[year]
        assert (result.class_a, result.class_b, result.class_c) == (
            target.class_a,
            target.class_b,
            target.class_c,
        )
        assert result.mean_score == pytest.approx(target.mean_score, abs=0.01)
        if target.demotions is not None:
            assert abs(result.demotions - target.demotions) <= 1
        if target.score_up is not None:
            assert abs(result.score_up - target.score_up) <= 5
            assert abs(result.rank_up - target.rank_up) <= 5


def test_achieved_totals_equal_targets_and_keep_off_the_cutoffs(simulation) -> None:  # noqa: ANN001
    for year in simulation.years.values():
        np.testing.assert_allclose(year.scores.totals, year.target_totals, atol=0.01)
        assert np.min(np.abs(year.scores.totals - 60)) > 0.05
        assert np.min(np.abs(year.scores.totals - 80)) > 0.05


def test_mobility_is_low_few_demotions(simulation) -> None:  # noqa: ANN001
    demotions = [s.demotions for s in simulation.summaries.values() if s.demotions is not None]
    assert max(demotions) <= 2
