"""The uncertainty engine's nominal scoring against the dbt marts: one scoring engine.

Every evaluation year of every scored dataset (the scenario selecting every method, Hebei, the
second example), read from the work database as the `rank_uncertainty` asset reads it, scored
by `orchestration.uncertainty.score_year` with the year's methodology: the totals, ranks and
classes of `marts.county_scores`, to rounding."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest

from orchestration.uncertainty import (
    UncertaintySettings,
    factor_table,
    read_framework,
    read_year_values,
    run_uncertainty,
    score_year,
    unit_table,
)
from tests.engine.conftest import ScoredDataset

DATASETS = ["all_methods", "hebei", "regional_example"]


def nominal_differences(dataset: ScoredDataset) -> list[str]:
    """Every unit whose engine total, rank or class differs from the mart's, described."""
    found = []
    with duckdb.connect(str(dataset.work_db), read_only=True) as con:
        years = [
            row[0]
            for row in con.execute(
                "select distinct evaluation_year from marts.county_scores order by 1"
            ).fetchall()
        ]
        for year in years:
            values = read_year_values(con, year)
            framework = read_framework(con, values.methodology_version, values.indicator_codes)
            scores = score_year(values.values, framework, values.context)
            classes = scores.class_codes()
            for i, code in enumerate(values.county_codes):
                total, mart = scores.totals[i], values.mart_points[i]
                if not (np.isnan(total) and np.isnan(mart)) and not (
                    abs(total - mart) <= 1e-9 * max(1.0, abs(mart))
                ):
                    found.append(f"{year} {code} total: engine {total!r}, mart {mart!r}")
                rank, mart_rank = scores.ranks[i], values.mart_ranks[i]
                if not (np.isnan(rank) and np.isnan(mart_rank)) and rank != mart_rank:
                    found.append(f"{year} {code} rank: engine {rank!r}, mart {mart_rank!r}")
                if classes[i] != values.mart_classes[i]:
                    found.append(
                        f"{year} {code} class: engine {classes[i]}, mart {values.mart_classes[i]}"
                    )
    return found


@pytest.mark.parametrize("name", DATASETS)
def test_the_engine_scores_every_year_as_the_marts(name: str, request) -> None:
    dataset = request.getfixturevalue(name)
    result = nominal_differences(dataset)[:20]
    expected: list[str] = []
    assert result == expected


@pytest.mark.parametrize("name", ["all_methods", "regional_example"])
def test_the_monte_carlo_of_every_year_runs_its_design(name: str, request) -> None:
    """Every year under its version's design (random, factorial or the default) from the
    dataset's seeds: carry-forward, pooled bounds, propagated and reweighted gaps, geometric
    nodes, relative classes; the nominal run is the marts' and the summaries are consistent."""
    dataset = request.getfixturevalue(name)
    with duckdb.connect(str(dataset.work_db), read_only=True) as con:
        years = [
            row[0]
            for row in con.execute(
                "select distinct evaluation_year from marts.county_scores order by 1"
            ).fetchall()
        ]
        for year in years:
            values = read_year_values(con, year)
            framework = read_framework(con, values.methodology_version, values.indicator_codes)
            result = run_uncertainty(
                values.values,
                framework,
                UncertaintySettings(replications=150, bootstrap_samples=20),
                values.context,
            )
            units = len(values.county_codes)
            p05, median, p95 = result.rank_quantiles
            np.testing.assert_allclose(result.nominal.totals, values.mart_points, rtol=1e-9)
            assert np.all((1 <= p05) & (p05 <= median) & (median <= p95) & (p95 <= units + 1))
            assert np.all(result.class_probabilities.sum(axis=1) <= 1 + 1e-12)
            assert result.plan.varied, (year, values.methodology_version)
            assert np.all(result.sensitivity.pooled_total >= 0)
            rows = unit_table(values, result)
            assert rows["nominal_rank"].null_count() == int(np.isnan(values.mart_ranks).sum())
            assert factor_table(values, result).height == 5
