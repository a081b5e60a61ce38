"""Generated dataset folders that exercise every method of the engine in one dbt build.

`all_methods` holds one methodology version per span of evaluation years, each selecting other
methods, so that a single build of all years scores every normalisation, imputation, outlier
treatment, aggregation, missing-value rule, class scheme and tie rule; its frameworks have two
and three levels below the index, indicators where lower is better and transforms.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import polars as pl

from tests.engine.datagen import VariableSpec, generate_values, write_values_csv

PROJECT_ROOT = Path(__file__).resolve().parents[2]
FIRST_DATA_YEAR = 2015
LAST_DATA_YEAR = 2022

VARIABLES = {
    "pop": VariableSpec(50, 0.3, 0.0, strength_exponent=0.0),
    "gdp": VariableSpec(300, 0.4, 0.04, strength_exponent=0.3),
    "rd": VariableSpec(900, 1.2),
    "pat": VariableSpec(60, 1.0),
    "firms": VariableSpec(200, 0.5, 0.02, strength_exponent=0.3),
    "rdfirms": VariableSpec(40, 0.6),
    "emis": VariableSpec(80, 0.5, -0.03, strength_exponent=-0.5),
    "unemp": VariableSpec(6, 0.3, -0.02, 1, 30, strength_exponent=-0.3),
    "score": VariableSpec(70, 0.2, 0.01, 0, 100),
    "cover": VariableSpec(3, 1.1, 0.0, 0, 100, strength_exponent=-0.5, reflect_at=100),
}

# (version, first year, last year, normalisation, aggregation, missing, imputation,
#  imputation_group, carry_forward_years, outliers, winsorise_max, classes, ties)
VERSIONS = [
    (
        "A",
        2016,
        2017,
        "goalposts",
        "weighted_arithmetic",
        "zero",
        "none",
        "group_code",
        1,
        "none",
        5,
        "absolute",
        "min",
    ),
    (
        "B",
        2018,
        2018,
        "minmax",
        "weighted_arithmetic",
        "reweight",
        "mean",
        "unit_kind",
        1,
        "winsorise_log",
        5,
        "relative_to_mean",
        "dense",
    ),
    (
        "C",
        2019,
        2020,
        "minmax_pooled",
        "weighted_arithmetic",
        "propagate",
        "carry_forward>median",
        "group_code",
        2,
        "winsorise",
        3,
        "absolute",
        "first",
    ),
    (
        "D",
        2021,
        2021,
        "zscore",
        "weighted_arithmetic",
        "reweight",
        "group_mean",
        "group_code",
        1,
        "log",
        5,
        "absolute",
        "max",
    ),
    (
        "E",
        2022,
        2023,
        "percentile",
        "weighted_geometric",
        "zero",
        "carry_forward>group_median",
        "group_code",
        1,
        "none",
        5,
        "relative_to_mean",
        "min",
    ),
]

# The settings of the scale and the outlier treatment's variants, per version (empty = default):
# scores on [1, 100] with mean ranks for ties (B), iterative winsorisation (C), z-scores to mean
# 10 and sd 2 with COINr's log transform (D), raw dense ranks and [1, 100] under geometric
# means (E).
SCALE_AND_OUTLIER_COLUMNS = [
    "normalised_lower",
    "normalised_upper",
    "zscore_mean",
    "zscore_sd",
    "rank_scale",
    "normalisation_ties",
    "outlier_log_transform",
    "outlier_winsorisation",
]
SCALE_AND_OUTLIER_SETTINGS = {
    "B": {"normalised_lower": 1, "normalised_upper": 100, "normalisation_ties": "mean"},
    "C": {"outlier_winsorisation": "iterative"},
    "D": {"zscore_mean": 10, "zscore_sd": 2, "outlier_log_transform": "log_ct"},
    "E": {
        "normalised_lower": 1,
        "normalised_upper": 100,
        "rank_scale": "raw",
        "normalisation_ties": "dense",
    },
}

# (code, numerator, denominator, multiplier, direction, transform, lower, upper, target)
INDICATORS = [
    ("rd_gdp", "rd", "gdp", 0.1, "+", "none", 0, 6, 3),
    ("pat_pc", "pat", "pop", 1, "+", "none", 0, 3, 2),
    ("rd_share", "rdfirms", "firms", 100, "+", "none", 0, 50, 30),
    ("pat_abs", "pat", None, 1, "+", "log", 1, 500, 100),
    ("emis_gdp", "emis", "gdp", 1, "-", "none", 0, 1, 0.2),
    ("unemp", "unemp", None, 1, "-", "sqrt", 1, 25, 4),
    ("expert", "score", None, 1, "+", "none", 40, 100, 90),
    ("coverage", "cover", None, 1, "+", "none", 50, 100, 95),
    ("balance", "bal", None, 1, "+", "none", -50, 50, 10),
]
# `bal` is not drawn: a body of 0..7 with one high (20) and one low (-40) value, so that
# winsorising the low one turns the skew to the right and iterative winsorisation (version C)
# winsorises both sides, where one-sided winsorisation keeps to the left.
BALANCE_VARIABLE = "bal"
BALANCE_OUTLIERS = {"U01": 20.0, "U02": -40.0}

# two levels below the index in A and B, three (sub-pillars) in C to E
FLAT_FRAMEWORK = [
    ("INDEX", None, "index", 100, ""),
    ("INPUTS", "INDEX", "pillar", 2, ""),
    ("OUTPUTS", "INDEX", "pillar", 1, ""),
    ("rd_gdp", "INPUTS", "indicator", 3, ""),
    ("rd_share", "INPUTS", "indicator", 2, ""),
    ("expert", "INPUTS", "indicator", 1, ""),
    ("pat_pc", "OUTPUTS", "indicator", 2, ""),
    ("pat_abs", "OUTPUTS", "indicator", 1, ""),
    ("emis_gdp", "OUTPUTS", "indicator", 1, ""),
    ("unemp", "OUTPUTS", "indicator", 1, ""),
    ("coverage", "OUTPUTS", "indicator", 1, ""),
    ("balance", "INPUTS", "indicator", 1, ""),
]
DEEP_FRAMEWORK = [
    ("INDEX", None, "index", 100, ""),
    ("INPUTS", "INDEX", "pillar", 1, ""),
    ("OUTPUTS", "INDEX", "pillar", 1, ""),
    ("RD", "INPUTS", "sub_pillar", 2, ""),
    ("GOV", "INPUTS", "sub_pillar", 1, "weighted_arithmetic"),
    ("KNOW", "OUTPUTS", "sub_pillar", 1, ""),
    ("SOC", "OUTPUTS", "sub_pillar", 1, "weighted_arithmetic"),
    ("rd_gdp", "RD", "indicator", 1, ""),
    ("rd_share", "RD", "indicator", 1, ""),
    ("expert", "GOV", "indicator", 1, ""),
    ("pat_pc", "KNOW", "indicator", 1, ""),
    ("pat_abs", "KNOW", "indicator", 1, ""),
    ("emis_gdp", "SOC", "indicator", 1, ""),
    ("unemp", "SOC", "indicator", 1, ""),
    ("coverage", "SOC", "indicator", 1, ""),
    ("balance", "GOV", "indicator", 1, ""),
]
# per-version indicator overrides: (version, indicator) -> (normalisation, imputation, outliers)
OVERRIDES = {
    ("B", "pat_abs"): ("percentile", "group_median", ""),
    ("B", "expert"): ("goalposts", "", "winsorise"),
    ("B", "rd_share"): ("rank", "", ""),
    ("D", "expert"): ("", "none", "none"),
    ("E", "rd_gdp"): ("distance_to_target", "", ""),
    ("E", "unemp"): ("goalposts", "", ""),
    ("E", "pat_pc"): ("rank", "", ""),
}
CLASS_CUTOFFS = {
    "absolute": [("A", 60, 1), ("B", 40, 2), ("C", 0, 3)],
    "relative_to_mean": [
        ("leader", 125, 1),
        ("strong", 100, 2),
        ("moderate", 70, 3),
        ("emerging", 0, 4),
    ],
    # z-scores to mean 10 and sd 2 on 100 points: 1000 + 200 x the weighted mean z-score
    "zscore": [("A", 1040, 1), ("B", 980, 2), ("C", -1000, 3)],
}


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(["" if cell is None else cell for cell in row] for row in rows)


def _units() -> list[list[object]]:
    """36 units in 4 groups, two kinds; U05 re-coded to U37 from 2019, U20 abolished after
    2019 (merged into U21), U38 new from 2020; U10 renamed in 2018 (same code)."""
    rows = []
    for i in range(1, 37):
        code = f"U{i:02d}"
        kind = "county" if i % 2 else "district"
        group = f"G{(i - 1) // 9 + 1}"
        start = end = None
        if code == "U05":
            end = 2018
        if code == "U20":
            end = 2019
        if code == "U10":
            rows.append([code, "Unit 10 (old name)", kind, group, f"Group {group}", None, 2017])
            start = 2018
        rows.append([code, f"Unit {i}", kind, group, f"Group {group}", start, end])
    rows.append(["U37", "Unit 37 (was U05)", "district", "G1", "Group G1", 2019, None])
    rows.append(["U38", "Unit 38", "county", "G4", "Group G4", 2020, None])
    return rows


def write_all_methods(folder: Path, seed: int = 7, missing_rate: float = 0.08) -> Path:
    """The all-methods dataset folder (configuration and values.csv)."""
    folder.mkdir(parents=True, exist_ok=True)
    units = _units()
    _write(
        folder / "units.csv",
        [
            "unit_code",
            "unit_name",
            "unit_kind",
            "group_code",
            "group_name",
            "valid_from_data_year",
            "valid_to_data_year",
        ],
        units,
    )
    _write(
        folder / "unit_changes.csv",
        [
            "change_id",
            "effective_by",
            "old_code",
            "old_name",
            "new_code",
            "new_name",
            "change_type",
            "note",
        ],
        [
            [
                1,
                "2019-01-01",
                "U05",
                "Unit 5",
                "U37",
                "Unit 37 (was U05)",
                "county_to_district",
                "",
            ],
            [2, "2020-01-01", "U20", "Unit 20", "U21", "Unit 21", "abolished_merged", ""],
            [3, "2018-01-01", "U10", "Unit 10 (old name)", "U10", "Unit 10", "rename", ""],
        ],
    )
    _write(
        folder / "base_variables.csv",
        ["variable_code", "name_zh", "name_en", "unit", "reported_by"],
        [[code, code, code, "", "unit"] for code in [*VARIABLES, BALANCE_VARIABLE]],
    )
    methodology, framework, indicators, goalposts, cutoffs = [], [], [], [], []
    for (
        version,
        first,
        last,
        norm,
        agg,
        missing,
        imputation,
        group,
        carry,
        outliers,
        winmax,
        classes,
        ties,
    ) in VERSIONS:
        methodology.append(
            [
                version,
                first,
                last,
                1,
                norm,
                agg,
                missing,
                imputation,
                group,
                carry,
                outliers,
                2.0,
                3.5,
                winmax,
                classes,
                ties,
                *(
                    SCALE_AND_OUTLIER_SETTINGS.get(version, {}).get(column, "")
                    for column in SCALE_AND_OUTLIER_COLUMNS
                ),
                f"scenario {version}",
            ]
        )
        tree = FLAT_FRAMEWORK if version in ("A", "B") else DEEP_FRAMEWORK
        for order, (node, parent, node_type, weight, node_agg) in enumerate(tree):
            framework.append(
                [version, node, parent, node_type, node, node, weight, order, node_agg]
            )
        for code, num, den, mult, direction, transform, low, high, target in INDICATORS:
            override = OVERRIDES.get((version, code), ("", "", ""))
            indicators.append(
                [
                    version,
                    code,
                    code,
                    code,
                    num,
                    den,
                    mult,
                    direction,
                    transform,
                    "",
                    "",
                    "",
                    *override,
                ]
            )
            goalposts.append([version, code, low, high, target])
        scheme = "zscore" if norm == "zscore" else classes
        cutoffs.extend([version, *cut] for cut in CLASS_CUTOFFS[scheme])
    _write(
        folder / "methodology.csv",
        [
            "methodology_version",
            "first_evaluation_year",
            "last_evaluation_year",
            "data_year_lag",
            "normalisation",
            "aggregation",
            "missing_values",
            "imputation",
            "imputation_group",
            "carry_forward_years",
            "outlier_treatment",
            "outlier_skewness",
            "outlier_kurtosis",
            "outlier_winsorise_max",
            "class_scheme",
            "rank_ties",
            *SCALE_AND_OUTLIER_COLUMNS,
            "description",
        ],
        methodology,
    )
    _write(
        folder / "framework.csv",
        [
            "methodology_version",
            "node_code",
            "parent_code",
            "node_type",
            "name_zh",
            "name_en",
            "weight",
            "sort_order",
            "aggregation",
        ],
        framework,
    )
    _write(
        folder / "indicators.csv",
        [
            "methodology_version",
            "indicator_code",
            "name_zh",
            "name_en",
            "numerator_variable",
            "denominator_variable",
            "multiplier",
            "direction",
            "transform",
            "unit",
            "formula",
            "published",
            "normalisation",
            "imputation",
            "outlier_treatment",
        ],
        indicators,
    )
    _write(
        folder / "goalposts.csv",
        [
            "methodology_version",
            "indicator_code",
            "lower_goalpost",
            "upper_goalpost",
            "target_value",
        ],
        goalposts,
    )
    _write(
        folder / "class_cutoffs.csv",
        ["methodology_version", "class_code", "min_score", "class_rank"],
        cutoffs,
    )
    _write(
        folder / "uncertainty.csv",
        [
            "methodology_version",
            "design",
            "replications",
            "seed",
            "bootstrap_samples",
            "confidence_level",
            "classes_on_nominal_scale",
        ],
        UNCERTAINTY_DESIGNS,
    )
    _write(
        folder / "uncertainty_alternatives.csv",
        ["methodology_version", "factor", "alternative", "setting", "value"],
        UNCERTAINTY_ALTERNATIVES,
    )
    by_year: dict[int, list[str]] = {}
    for year in range(FIRST_DATA_YEAR, LAST_DATA_YEAR + 1):
        codes = []
        for code, _, _, _, _, start, end in units:
            if (start is None or start <= year) and (end is None or year <= end):
                if code not in codes:
                    codes.append(code)
        by_year[year] = codes
    values = generate_values(by_year, VARIABLES, seed=seed, missing_rate=missing_rate)
    write_values_csv(pl.concat([values, _balance_values(by_year)]), folder / "values.csv")
    return folder


# The uncertainty designs of two versions (the others get the default design): C, with
# carry-forward, pooled min-max and propagated gaps, random; E, geometric over [1, 100] with
# percentiles and raw ranks, factorial.
UNCERTAINTY_DESIGNS = [
    ["C", "random", 400, 3, 50, 0.9, "true"],
    ["E", "factorial", 400, 5, 50, 0.9, "true"],
]
UNCERTAINTY_ALTERNATIVES = [
    ["C", "imputation", "carry_forward_then_median", "imputation", "carry_forward>median"],
    ["C", "imputation", "group_mean", "imputation", "group_mean"],
    ["C", "outlier_treatment", "iterative", "", ""],
    ["C", "outlier_treatment", "log", "outlier_treatment", "log"],
    ["C", "outlier_treatment", "log", "outlier_log_transform", "log_ct"],
    ["C", "normalisation", "pooled", "", ""],
    ["C", "normalisation", "rank_dense", "normalisation", "rank"],
    ["C", "normalisation", "rank_dense", "normalisation_ties", "dense"],
    ["C", "weights", "pillar", "noise", "0.3"],
    ["E", "normalisation", "nominal", "", ""],
    ["E", "normalisation", "minmax_1_100", "normalisation", "minmax"],
    ["E", "aggregation", "geometric", "", ""],
    ["E", "aggregation", "arithmetic", "aggregation", "weighted_arithmetic"],
    ["E", "weights", "sub_pillar", "noise", "0.2"],
]


def _balance_values(by_year: dict[int, list[str]]) -> pl.DataFrame:
    """The `bal` variable of every unit and year (see BALANCE_OUTLIERS)."""
    rows = [
        (code, year, BALANCE_VARIABLE, BALANCE_OUTLIERS.get(code, float(position % 8)))
        for year, codes in by_year.items()
        for position, code in enumerate(codes)
    ]
    return pl.DataFrame(
        rows,
        schema={
            "unit_code": pl.Utf8,
            "data_year": pl.Int32,
            "variable_code": pl.Utf8,
            "value": pl.Float64,
        },
        orient="row",
    )


def copy_hebei_configuration(folder: Path) -> Path:
    """The repository's Hebei seeds in a fresh folder (values.csv to be added)."""
    shutil.copytree(PROJECT_ROOT / "seeds", folder)
    return folder
