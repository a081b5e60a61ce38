"""The vectorised engine against the per-replication reference, and its properties."""

from __future__ import annotations

import time

import numpy as np
import pytest

from orchestration.uncertainty import UncertaintySettings, run_uncertainty
from orchestration.uncertainty.design import draw_design
from orchestration.uncertainty.framework import framework_from_tables
from orchestration.uncertainty.ranks import competition_ranks
from tests.uncertainty.conftest import VERSION, config_tables, sample_values
from tests.uncertainty.reference import reference_run

CASES = {
    "default choices, gaps in the data": (UncertaintySettings(replications=240), True),
    "no gaps (imputation left out)": (UncertaintySettings(replications=120), False),
    "relative scores on their own scale": (
        UncertaintySettings(replications=120, relative_on_absolute_scale=False),
        True,
    ),
    "ranks kept in a temporary file": (
        UncertaintySettings(replications=120, memory_budget_mb=0, threads=1),
        True,
    ),
    "narrow weights, two normalisations": (
        UncertaintySettings(
            replications=100,
            weight_perturbation=0.05,
            normalisations=("goalposts", "rank"),
            seed=3,
        ),
        True,
    ),
}


@pytest.mark.parametrize(("settings", "missing"), CASES.values(), ids=CASES.keys())
def test_engine_matches_the_per_replication_reference(
    framework, reference_index, settings: UncertaintySettings, missing: bool
) -> None:
    values = sample_values(missing=missing)
    result = run_uncertainty(values, framework, settings)
    design = draw_design(settings, len(framework.node_codes), missing)
    expected = reference_run(
        values,
        reference_index,
        design,
        settings.geometric_floor,
        settings.relative_on_absolute_scale,
    )
    np.testing.assert_allclose(result.nominal_scores, expected.nominal_scores, rtol=1e-12)
    np.testing.assert_array_equal(result.nominal_ranks, expected.nominal_ranks)
    np.testing.assert_array_equal(result.rank_quantiles, expected.rank_quantiles)
    np.testing.assert_allclose(result.class_probabilities, expected.class_probabilities)
    first, total = result.variance.pooled()
    np.testing.assert_allclose(first, expected.first_order, atol=1e-12)
    np.testing.assert_allclose(total, expected.total_effect, atol=1e-12)


def test_same_seed_same_results_and_another_seed_other_draws(framework) -> None:
    values = sample_values()
    settings = UncertaintySettings(replications=480)
    first = run_uncertainty(values, framework, settings)
    again = run_uncertainty(values, framework, settings)
    other = run_uncertainty(values, framework, UncertaintySettings(replications=480, seed=99))
    np.testing.assert_array_equal(first.rank_quantiles, again.rank_quantiles)
    np.testing.assert_array_equal(first.class_probabilities, again.class_probabilities)
    assert not np.array_equal(first.design.weight_multipliers, other.design.weight_multipliers)


def test_summaries_are_consistent(framework) -> None:
    result = run_uncertainty(
        sample_values(units=40, seed=11), framework, UncertaintySettings(replications=2_000)
    )
    p05, median, p95 = result.rank_quantiles
    first, total = result.variance.indices()
    pooled_first, pooled_total = result.variance.pooled()
    assert np.all((p05 <= median) & (median <= p95))
    assert np.all((p05 >= 1) & (p95 <= 40))
    np.testing.assert_allclose(result.class_probabilities.sum(axis=1), 1.0)
    assert np.all((first >= -1e-12) & (first <= 1 + 1e-12))
    assert np.all(pooled_first <= pooled_total + 1e-12)
    assert pooled_first.sum() <= 1 + 1e-12
    assert result.replications >= 2_000
    assert result.replications % len(result.design.combinations) == 0


def test_without_alternatives_every_replication_is_the_nominal_index(framework) -> None:
    values = sample_values()
    settings = UncertaintySettings(
        replications=50,
        weight_perturbation=0.0,
        normalisations=("goalposts",),
        aggregations=("arithmetic",),
        imputations=("zero",),
    )
    result = run_uncertainty(values, framework, settings)
    nominal_ranks = np.broadcast_to(result.nominal_ranks, result.rank_quantiles.shape)
    np.testing.assert_array_equal(result.rank_quantiles, nominal_ranks)
    nominal_class_probability = result.class_probabilities[
        np.arange(len(values)), result.nominal_classes
    ]
    np.testing.assert_array_equal(nominal_class_probability, 1.0)
    assert result.main_factor() == [None] * len(values)


def test_zero_perturbation_leaves_the_weights_without_effect(framework) -> None:
    result = run_uncertainty(
        sample_values(),
        framework,
        UncertaintySettings(replications=240, weight_perturbation=0.0),
    )
    first, total = result.variance.pooled()
    weights = result.variance.factors.index("weights")
    assert first[weights] == pytest.approx(0.0, abs=1e-12)
    assert total[weights] == pytest.approx(0.0, abs=1e-12)


def test_nominal_points_follow_the_framework_points(framework) -> None:
    result = framework.nominal_points()
    expected = np.array([30.0, 10.0, 20.0, 20.0, 20.0])  # 60 x 3/6, 1/6, 2/6; 40 x 1/2, 1/2
    np.testing.assert_allclose(result, expected)


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([[3.0, 1.0, 2.0]], [[1, 3, 2]]),
        ([[5.0, 5.0, 1.0, 5.0]], [[1, 1, 4, 1]]),
        ([[0.0, 2.0, 2.0, 1.0], [1.0, 1.0, 1.0, 1.0]], [[4, 1, 1, 3], [1, 1, 1, 1]]),
    ],
)
def test_competition_ranks_share_the_best_rank_of_a_tie(scores, expected) -> None:
    result = competition_ranks(np.array(scores))
    np.testing.assert_array_equal(result, expected)


def test_speed_of_10000_replications_at_provincial_size() -> None:
    """Prints (does not assert) the time of the issue's speed target: 10,000 replications of
    168 units and 17 indicators (see benchmarks/ for the full figures)."""
    from benchmarks.data import hebei_like_values, repository_framework

    framework, values = repository_framework(), hebei_like_values(168, seed=1)
    started = time.perf_counter()
    result = run_uncertainty(values, framework, UncertaintySettings(replications=10_000))
    seconds = time.perf_counter() - started
    print(
        f"\n{result.replications} replications x 168 units x 17 indicators: {seconds:.2f} s "
        f"({result.replications / seconds:,.0f} replications/s)"
    )


@pytest.mark.parametrize(
    ("table", "change", "message"),
    [
        ("goalposts", lambda t: t.filter(t["indicator_code"] != "c"), "no goalposts"),
        ("framework", lambda t: t.with_columns(parent_code=None), "exactly one root"),
        ("class_cutoffs", lambda t: t.clear(), "no classes"),
    ],
)
def test_configuration_that_does_not_fit_is_named(table, change, message) -> None:
    tables = dict(
        zip(("framework", "indicators", "goalposts", "class_cutoffs"), config_tables(), strict=True)
    )
    tables[table] = change(tables[table])
    with pytest.raises(ValueError, match=message):
        framework_from_tables(*tables.values(), VERSION)
