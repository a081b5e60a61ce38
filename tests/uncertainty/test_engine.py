"""The vectorised engine against the per-replication reference, its design and estimators."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from orchestration.uncertainty import (
    UncertaintySettings,
    run_uncertainty,
    score_year,
)
from orchestration.uncertainty.design import FACTORS, draw_plan
from orchestration.uncertainty.framework import framework_from_tables
from orchestration.uncertainty.ranks import ranks
from orchestration.uncertainty.sensitivity import factorial, saltelli
from tests.uncertainty.conftest import (
    ALTERNATIVES,
    VERSION,
    config_tables,
    sample_values,
    small_framework,
)
from tests.uncertainty.reference import reference_run

CASES = {
    "random design, every factor, gaps in the data": ({}, {"design": "random"}, 140, True),
    "factorial design": ({}, {"design": "factorial"}, 150, True),
    "no gaps (imputation not varied)": ({}, {"design": "random"}, 120, False),
    "classes on their own scale, reweighted gaps": (
        {"missing_values": "reweight"},
        {"design": "random", "classes_on_nominal_scale": False},
        120,
        True,
    ),
    "relative classes, dense ranks": (
        {"class_scheme": "relative_to_mean", "rank_ties": "dense"},
        {"design": "factorial"},
        100,
        True,
    ),
}


@pytest.mark.parametrize(
    ("methodology", "design", "replications", "missing"), CASES.values(), ids=CASES.keys()
)
def test_engine_matches_the_per_replication_reference(
    methodology, design, replications, missing
) -> None:
    framework = small_framework(
        methodology, ALTERNATIVES, {**design, "seed": 5, "bootstrap_samples": 0}
    )
    values = sample_values(missing=missing)
    result = run_uncertainty(values, framework, UncertaintySettings(replications=replications))
    expected = reference_run(framework, values, result.plan)
    np.testing.assert_array_equal(result.rank_quantiles, expected.rank_quantiles)
    np.testing.assert_allclose(result.class_probabilities, expected.class_probabilities, atol=1e-12)
    np.testing.assert_allclose(result.sensitivity.pooled_first, expected.pooled_first, atol=1e-9)
    np.testing.assert_allclose(result.sensitivity.pooled_total, expected.pooled_total, atol=1e-9)


def test_every_factor_is_varied_and_drawn_uniformly() -> None:
    framework = small_framework({}, ALTERNATIVES, {"design": "random"})
    plan = draw_plan(framework.design, framework.node_types, 7_000, 11)
    result = {
        factor: np.bincount(plan.levels[factor]) / plan.replications
        for factor in ("imputation", "normalisation")
    }
    assert plan.varied == FACTORS
    assert plan.replications == 7 * plan.base_samples
    np.testing.assert_allclose(result["imputation"], 1 / 3, atol=0.03)
    np.testing.assert_allclose(result["normalisation"], 1 / 4, atol=0.03)


def test_same_seed_same_results_and_another_seed_other_draws() -> None:
    framework = small_framework({}, ALTERNATIVES, {"design": "random"})
    values = sample_values()
    first = run_uncertainty(values, framework, UncertaintySettings(replications=300))
    again = run_uncertainty(values, framework, UncertaintySettings(replications=300))
    other = run_uncertainty(values, framework, UncertaintySettings(replications=300, seed=99))
    np.testing.assert_array_equal(first.rank_quantiles, again.rank_quantiles)
    np.testing.assert_array_equal(first.class_probabilities, again.class_probabilities)
    np.testing.assert_array_equal(
        first.sensitivity.first_interval, again.sensitivity.first_interval
    )
    assert not np.array_equal(first.plan.weight_sets, other.plan.weight_sets)


def test_summaries_are_consistent() -> None:
    framework = small_framework({}, ALTERNATIVES, {"design": "random", "bootstrap_samples": 200})
    result = run_uncertainty(
        sample_values(units=40, seed=11), framework, UncertaintySettings(replications=2_000)
    )
    p05, median, p95 = result.rank_quantiles
    first, total = result.sensitivity.indices()
    assert np.all((p05 <= median) & (median <= p95))
    assert np.all((p05 >= 1) & (p95 <= 40))
    np.testing.assert_allclose(result.class_probabilities.sum(axis=1), 1.0)
    assert np.all(total >= 0)
    low, high = result.sensitivity.total_interval.T
    assert np.all(
        (low <= result.sensitivity.pooled_total + 1e-12)
        & (result.sensitivity.pooled_total <= high + 1e-12)
    )
    assert result.replications >= 2_000


def test_without_alternatives_every_replication_is_the_nominal_index() -> None:
    framework = small_framework({}, [("weights", "indicator", "noise", "0")], {"design": "random"})
    values = sample_values()
    result = run_uncertainty(values, framework, UncertaintySettings(replications=50))
    nominal_ranks = np.broadcast_to(result.nominal.ranks, result.rank_quantiles.shape)
    np.testing.assert_array_equal(result.rank_quantiles, nominal_ranks)
    probability_of_nominal = result.class_probabilities[
        np.arange(len(values)), result.nominal.classes
    ]
    np.testing.assert_array_equal(probability_of_nominal, 1.0)
    assert result.main_factor() == [None] * len(values)
    assert result.plan.varied == ()


def test_the_default_design_perturbs_every_weight() -> None:
    """A version without uncertainty rows: weights +-25 % on every level, nothing else."""
    framework = small_framework()
    result = run_uncertainty(sample_values(), framework, UncertaintySettings(replications=400))
    first, total = result.sensitivity.pooled()
    assert framework.design.configured is False
    assert result.plan.varied == ("weights",)
    assert first[FACTORS.index("weights")] > 0.5
    assert total[FACTORS.index("normalisation")] == 0.0


def test_score_year_follows_the_framework_points() -> None:
    """Goalposts and points summed: each indicator's points are its nominal points (60 x 3/6,
    1/6, 2/6; 40 x 1/2, 1/2) times its goalpost share."""
    framework = small_framework()
    values = np.array([[5.0, 5.0, 1.0, 40.0, 0.5], [10.0, 0.0, 9.0, 100.0, 2.0]])
    result = score_year(values, framework)
    expected_points = np.array([30.0, 10.0, 20.0, 20.0, 20.0])
    np.testing.assert_allclose(framework.nominal_points(), expected_points)
    np.testing.assert_allclose(result.totals, [15 + 10 + 20 + 0 + 10, 30 + 0 + 0 + 20 + 20])
    assert result.class_codes() == ["C", "B"]
    assert list(result.ranks) == [2.0, 1.0]


@pytest.mark.parametrize(
    ("scores", "ties", "expected"),
    [
        ([[3.0, 1.0, 2.0]], "min", [[1, 3, 2]]),
        ([[5.0, 5.0, 1.0, 5.0]], "min", [[1, 1, 4, 1]]),
        ([[5.0, 5.0, 1.0, 5.0]], "max", [[3, 3, 4, 3]]),
        ([[5.0, 5.0, 1.0, 5.0]], "dense", [[1, 1, 2, 1]]),
        ([[5.0, 5.0, 1.0, 5.0]], "first", [[1, 2, 4, 3]]),
        ([[0.0, np.nan, 2.0, 1.0]], "min", [[3, 4, 1, 2]]),
        ([[1.0 + 1e-11, 1.0, 0.5]], "min", [[1, 1, 3]]),
    ],
)
def test_ranks_by_tie_rule(scores, ties, expected) -> None:
    result = ranks(np.array(scores), ties)
    np.testing.assert_array_equal(result, expected)


def _linear_model_plan(kind: str):
    """A plan over three discrete factors with 2, 3 and 4 levels (no weights)."""
    alternatives = [
        *(("imputation", f"i{k}", "imputation", step) for k, step in enumerate(["none", "mean"])),
        *(("outlier_treatment", f"o{k}", "outlier_winsorise_max", str(k + 1)) for k in range(3)),
        *(("normalisation", f"n{k}", "zscore_mean", str(k + 1)) for k in range(4)),
        ("weights", "indicator", "noise", "0"),
    ]
    framework = small_framework({}, alternatives, {"design": kind})
    return draw_plan(framework.design, framework.node_types, 40_000 if kind == "random" else 24, 3)


@pytest.mark.parametrize("kind", ["random", "factorial"])
def test_estimators_recover_the_indices_of_an_additive_model(kind) -> None:
    """Y = 1 * X_imputation + 2 * X_outliers + 1 * X_normalisation on the level indices: first
    and total indices both a_i^2 Var(X_i) / sum (0.25, 2.67, 1.25 over 4.17); the estimators
    see Y as they see ranks."""
    plan = _linear_model_plan(kind)
    store = (
        1.0 * plan.levels["imputation"]
        + 2.0 * plan.levels["outlier_treatment"]
        + plan.levels["normalisation"]
    )[:, None] * np.ones((1, 3))
    counts = {"imputation": 2, "outlier_treatment": 3, "normalisation": 4, "aggregation": 1}
    if kind == "random":
        result = saltelli(store, plan, 300, 0.9, 1)
    else:
        result = factorial(store, plan, counts, 300, 0.9, 1)
    parts = np.array([1 * 0.25, 4 * 2 / 3, 1 * 1.25, 0.0, 0.0])
    expected = parts / parts.sum()
    tolerance = 0.03 if kind == "random" else 1e-12
    np.testing.assert_allclose(result.pooled_first, expected, atol=tolerance)
    np.testing.assert_allclose(result.pooled_total, expected, atol=tolerance)
    assert result.varied == (True, True, True, False, False)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("imputation", "x", "normalisation", "minmax"), "does not belong to imputation"),
        (("weather", "x", "normalisation", "minmax"), "unknown factor"),
        (("normalisation", "x", "normalisation", "minimax"), "normalisation='minimax'"),
        (("weights", "pillar", "noise", "0.2"), "not node types of the framework"),
        (("weights", "indicator", "noise", "1.5"), r"noise='1.5'"),
        (("outlier_treatment", "x", "outlier_treatment", "log"), "cannot be combined"),
    ],
)
def test_a_design_that_cannot_be_run_is_named(change, message) -> None:
    def run() -> None:
        framework = small_framework({}, [change], {"design": "random"})
        run_uncertainty(sample_values(), framework, UncertaintySettings(replications=20))

    with pytest.raises(ValueError, match=message):
        run()


@pytest.mark.parametrize(
    ("table", "change", "message"),
    [
        ("framework", lambda t: t.with_columns(parent_code=None), "exactly one root"),
        ("class_cutoffs", lambda t: t.clear(), "no classes"),
        (
            "methodology",
            lambda t: t.with_columns(normalisation=pl.lit("goal")),
            "normalisation='goal'",
        ),
    ],
)
def test_configuration_that_does_not_fit_is_named(table, change, message) -> None:
    tables = config_tables()
    tables[table] = change(tables[table])
    with pytest.raises(ValueError, match=message):
        framework_from_tables(tables, VERSION)
