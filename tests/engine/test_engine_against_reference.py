"""The dbt engine against the independent reference implementation (tests/engine/reference.py)
on generated data: every number of the marts, for every method, the Hebei default and the
second example scoreboard."""

from __future__ import annotations

import numpy as np
import pytest

from orchestration.demo.calibration import province_summary, score_year
from orchestration.demo.seeds import load_seeds, predecessor_codes
from tests.engine.compare import close, differences
from tests.engine.conftest import ScoredDataset
from tests.engine.datagen import HEBEI_VARIABLES
from tests.engine.reference import read_rows, score_dataset


def test_every_method_matches_the_reference(all_methods: ScoredDataset) -> None:
    result = differences(all_methods.work_db, score_dataset(all_methods.folder))
    expected: list[str] = []
    assert result == expected


def test_the_scenario_exercises_every_method(all_methods: ScoredDataset) -> None:
    methods = all_methods.query("""
        select distinct normalisation from marts.county_indicator_points
        union all select distinct 'imputation ' || imputation_method
            from marts.county_indicator_points where imputation_method is not null
        union all select distinct 'outliers ' || outlier_treatment_applied
            from marts.indicator_methods_by_year
        union all select distinct 'transform ' || transform from marts.county_indicator_points
        union all select distinct 'aggregation ' || aggregation from intermediate.int_node_points
        union all select distinct 'missing ' || missing_values
            from intermediate.int_evaluation_years
        union all select distinct 'classes ' || class_scheme from intermediate.int_evaluation_years
        union all select distinct 'ties ' || rank_ties from intermediate.int_evaluation_years
        union all select distinct 'rank ' || rank_scale || ' ' || normalisation_ties
            from marts.indicator_methods_by_year where normalisation = 'rank'
        union all select distinct 'scale ' || normalised_lower || ' to ' || normalised_upper
            from marts.indicator_methods_by_year where normalisation not in ('zscore', 'rank')
        union all select distinct 'z-scores to ' || zscore_mean || ', ' || zscore_sd
            from marts.indicator_methods_by_year where normalisation = 'zscore'
        union all select distinct 'winsorised on both sides'
            from marts.indicator_methods_by_year
            where outlier_winsorisation = 'iterative' and winsorised_low_count > 0
                and winsorised_high_count > 0
        union all select distinct 'winsorise_log fell back to the log'
            from marts.indicator_methods_by_year
            where outlier_treatment = 'winsorise_log' and outlier_treatment_applied = 'log'
        union all select distinct 'log_ct on a left skew'
            from marts.indicator_methods_by_year
            where outlier_log_transform = 'log_ct' and outlier_treatment_applied = 'log'
                and skewness_before < 0
    """)
    result = {row[0] for row in methods}
    expected = {
        "goalposts",
        "minmax",
        "minmax_pooled",
        "zscore",
        "rank",
        "percentile",
        "distance_to_target",
        "imputation mean",
        "imputation median",
        "imputation group_mean",
        "imputation group_median",
        "imputation carry_forward",
        "outliers none",
        "outliers winsorised",
        "outliers log",
        "transform none",
        "transform log",
        "transform sqrt",
        "aggregation weighted_arithmetic",
        "aggregation weighted_geometric",
        "missing zero",
        "missing propagate",
        "missing reweight",
        "classes absolute",
        "classes relative_to_mean",
        "ties min",
        "ties max",
        "ties dense",
        "ties first",
        "rank scaled mean",
        "rank raw dense",
        "scale 0.0 to 1.0",
        "scale 1.0 to 100.0",
        "z-scores to 10.0, 2.0",
        "winsorised on both sides",
        "winsorise_log fell back to the log",
        "log_ct on a left skew",
    }
    assert expected <= result


def test_building_one_year_again_changes_nothing(all_methods: ScoredDataset) -> None:
    """The yearly partition build (dbt var evaluation_year) of a year whose version pools its
    years (minmax_pooled, 2019-2020) rebuilds both years and leaves every mart as it was."""
    tables = [
        "county_scores",
        "county_indicator_points",
        "county_transitions",
        "province_summary",
        "county_change_contributions",
        "county_class_gaps",
    ]
    snapshot = "select * exclude (class_counts, class_change_counts) from marts.province_summary"

    def read() -> dict[str, list[tuple]]:
        return {
            table: all_methods.query(
                snapshot
                if table == "province_summary"
                else f"select * from marts.{table} order by all"
            )
            for table in tables
        }

    before = read()
    all_methods.dbt("run", "--select", "int_indicator_values+", "--vars", "{evaluation_year: 2020}")
    after = read()
    for table in tables:
        result = sorted(after[table], key=repr)
        expected = sorted(before[table], key=repr)
        assert len(result) == len(expected), table
        for found, wanted in zip(result, expected, strict=True):
            assert all(close(a, b, 1e-12) for a, b in zip(found, wanted, strict=True)), table


def test_contributions_add_up_to_the_totals_and_the_changes(all_methods: ScoredDataset) -> None:
    totals = all_methods.query("""
        select max(abs(scores.total_points - parts.contributions))
        from marts.county_scores as scores
        inner join (
            select evaluation_year, county_code, sum(contribution_points) as contributions
            from marts.county_indicator_points group by all
        ) as parts using (evaluation_year, county_code)
    """)[0][0]
    changes = all_methods.query("""
        select max(abs(transitions.score_change - parts.changes)), count(*)
        from marts.county_transitions as transitions
        inner join (
            select evaluation_year, county_code, sum(contribution_change) as changes
            from marts.county_change_contributions group by all
        ) as parts using (evaluation_year, county_code)
        where transitions.score_change is not null
    """)[0]
    assert totals < 1e-9
    assert changes[0] < 1e-9
    assert changes[1] > 200


def test_the_hebei_default_matches_the_reference(hebei: ScoredDataset) -> None:
    result = differences(hebei.work_db, score_dataset(hebei.folder))
    expected: list[str] = []
    assert result == expected


def test_the_hebei_default_scores_as_the_demo_calibration_does(hebei: ScoredDataset) -> None:
    """Hebei's published method (goalposts, points summed, absolute classes, min ranks) as the
    demo generator scores it when it calibrates (with the pipeline's engine), and the province
    summary it calibrates to, against the marts."""
    seeds = load_seeds(hebei.folder)
    values = read_rows(hebei.folder / "values.csv")
    by_key = {
        (int(r["data_year"]), r["unit_code"], r["variable_code"]): float(r["value"]) for r in values
    }
    previous = None
    for evaluation_year in range(2018, 2025):
        data_year = evaluation_year - 1
        codes = [unit.unit_code for unit in seeds.units_in(data_year)]
        variables = {
            variable: np.array([by_key[(data_year, code, variable)] for code in codes])
            for variable in HEBEI_VARIABLES
        }
        expected = score_year(evaluation_year, codes, variables, seeds)
        rows = dict(
            ((row[0]), row[1:])
            for row in hebei.query(
                "select county_code, total_points, province_rank, class from marts.county_scores "
                f"where evaluation_year = {evaluation_year}"
            )
        )
        for i, code in enumerate(codes):
            assert rows[code][0] == pytest.approx(expected.totals[i], abs=1e-9)
            assert rows[code][1] == expected.ranks[i]
            assert rows[code][2] == expected.classes[i]
        summary = province_summary(
            expected, previous, predecessor_codes(seeds, data_year), seeds
        ).as_dict()
        found = dict(
            zip(
                [
                    "units",
                    "class_a",
                    "class_b",
                    "class_c",
                    "mean_score",
                    "class_leaps",
                    "demotions",
                    "score_up",
                    "rank_up",
                ],
                hebei.query(
                    "select units, class_a, class_b, class_c, mean_score, class_leaps, demotions, "
                    "score_up, rank_up from marts.province_summary "
                    f"where evaluation_year = {evaluation_year}"
                )[0],
                strict=True,
            )
        )
        for figure, value in found.items():
            if summary[figure] is not None:
                assert value == pytest.approx(summary[figure]), (evaluation_year, figure)
        previous = expected


def test_the_second_example_matches_the_reference(regional_example: ScoredDataset) -> None:
    result = differences(regional_example.work_db, score_dataset(regional_example.folder))
    expected: list[str] = []
    assert result == expected


def test_the_second_example_runs_every_year_with_lower_is_better_indicators(
    regional_example: ScoredDataset,
) -> None:
    years = regional_example.query(
        "select evaluation_year, methodology_version, count(*) from marts.county_scores "
        "group by all order by 1"
    )
    lower_is_better = regional_example.query("""
        select indicator_code, corr(treated_value, normalised_value)
        from marts.county_indicator_points where direction = '-' group by 1 order by 1
    """)
    depth = regional_example.query("select max(depth) from intermediate.int_framework_tree")[0][0]
    merged = regional_example.query(
        "select previous_county_code from marts.county_transitions "
        "where evaluation_year = 2021 and county_code = 'BM7'"
    )
    recoded = regional_example.query(
        "select previous_county_code, succession from marts.county_transitions "
        "where evaluation_year = 2020 and county_code = 'CR9'"
    )
    assert years == [
        (2018, "ris_2019", 30),
        (2019, "ris_2019", 30),
        (2020, "ris_2019", 30),
        (2021, "ris_2021", 29),
        (2022, "ris_2021", 29),
    ]
    assert [code for code, _ in lower_is_better] == ["early_leavers", "pm25_intensity"]
    assert all(correlation < -0.9 for _, correlation in lower_is_better)
    assert depth == 3
    assert merged == [(None,)]
    assert recoded == [("CR2", "recode")]
