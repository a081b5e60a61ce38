"""A small index (two dimensions, five indicators, one where lower is better), its data and
uncertainty designs, as the configuration tables of a dataset folder."""

from __future__ import annotations

import numpy as np
import polars as pl

from orchestration.uncertainty.framework import IndexFramework, framework_from_tables

VERSION = "test_v1"
NODES = [
    ("TOTAL", None, "index", 100.0),
    ("D1", "TOTAL", "dimension", 60.0),
    ("D2", "TOTAL", "dimension", 40.0),
    ("a", "D1", "indicator", 3.0),
    ("b", "D1", "indicator", 1.0),
    ("c", "D1", "indicator", 2.0),
    ("d", "D2", "indicator", 1.0),
    ("e", "D2", "indicator", 1.0),
]
INDICATORS = ["a", "b", "c", "d", "e"]
HIGHER_IS_BETTER = [True, True, False, True, True]
GOALPOSTS = [(0.0, 10.0), (0.0, 5.0), (1.0, 9.0), (40.0, 100.0), (0.0, 1.0)]
CLASSES = [("A", 80.0, 1), ("B", 60.0, 2), ("C", 0.0, 3)]
NOMINAL = {
    "normalisation": "goalposts",
    "aggregation": "weighted_arithmetic",
    "missing_values": "zero",
    "imputation": "none",
    "outlier_treatment": "none",
    "class_scheme": "absolute",
    "rank_ties": "min",
}
# (factor, alternative, setting, value): every factor varied, every alternative scorable with
# goalposts as the nominal normalisation (no log outlier treatment with fixed goalposts)
ALTERNATIVES = [
    ("imputation", "none", "imputation", "none"),
    ("imputation", "mean", "imputation", "mean"),
    ("imputation", "median", "imputation", "median"),
    ("outlier_treatment", "none", "", ""),
    ("outlier_treatment", "winsorise_2", "outlier_treatment", "winsorise"),
    ("outlier_treatment", "winsorise_2", "outlier_winsorise_max", "2"),
    ("outlier_treatment", "winsorise_2", "outlier_skewness", "1.0"),
    ("outlier_treatment", "winsorise_2", "outlier_kurtosis", "1.0"),
    ("outlier_treatment", "winsorise_2", "outlier_winsorisation", "iterative"),
    ("normalisation", "goalposts", "", ""),
    ("normalisation", "minmax_1_100", "normalisation", "minmax"),
    ("normalisation", "minmax_1_100", "normalised_lower", "1"),
    ("normalisation", "minmax_1_100", "normalised_upper", "100"),
    ("normalisation", "zscore_10_2", "normalisation", "zscore"),
    ("normalisation", "zscore_10_2", "zscore_mean", "10"),
    ("normalisation", "zscore_10_2", "zscore_sd", "2"),
    ("normalisation", "rank_mean_ties", "normalisation", "rank"),
    ("normalisation", "rank_mean_ties", "normalisation_ties", "mean"),
    ("normalisation", "rank_mean_ties", "normalised_lower", "1"),
    ("normalisation", "rank_mean_ties", "normalised_upper", "100"),
    ("weights", "dimension", "noise", "0.25"),
    ("weights", "indicator", "noise", "0.2"),
    ("aggregation", "weighted_arithmetic", "aggregation", "weighted_arithmetic"),
    ("aggregation", "weighted_geometric", "aggregation", "weighted_geometric"),
]


def config_tables(
    methodology: dict[str, str] | None = None,
    alternatives: list[tuple[str, str, str, str]] | None = None,
    design: dict[str, object] | None = None,
) -> dict[str, pl.DataFrame]:
    """The dataset folder's tables of the small index (design tables only when given)."""
    tables = {
        "framework": pl.DataFrame(
            {
                "methodology_version": [VERSION] * len(NODES),
                "node_code": [code for code, _, _, _ in NODES],
                "parent_code": [parent for _, parent, _, _ in NODES],
                "node_type": [kind for _, _, kind, _ in NODES],
                "weight": [weight for _, _, _, weight in NODES],
                "aggregation": [None] * len(NODES),
            }
        ),
        "indicators": pl.DataFrame(
            {
                "methodology_version": [VERSION] * len(INDICATORS),
                "indicator_code": INDICATORS,
                "direction": ["+" if higher else "-" for higher in HIGHER_IS_BETTER],
                "transform": ["none"] * len(INDICATORS),
            }
        ),
        "goalposts": pl.DataFrame(
            {
                "methodology_version": [VERSION] * len(INDICATORS),
                "indicator_code": INDICATORS,
                "lower_goalpost": [low for low, _ in GOALPOSTS],
                "upper_goalpost": [high for _, high in GOALPOSTS],
            }
        ),
        "class_cutoffs": pl.DataFrame(
            {
                "methodology_version": [VERSION] * len(CLASSES),
                "class_code": [code for code, _, _ in CLASSES],
                "min_score": [score for _, score, _ in CLASSES],
                "class_rank": [rank for _, _, rank in CLASSES],
            }
        ),
        "methodology": pl.DataFrame(
            [{"methodology_version": VERSION, **NOMINAL, **(methodology or {})}]
        ),
    }
    if alternatives is not None:
        tables["uncertainty_alternatives"] = pl.DataFrame(
            [
                {
                    "methodology_version": VERSION,
                    "factor": factor,
                    "alternative": name,
                    "setting": setting,
                    "value": value,
                }
                for factor, name, setting, value in alternatives
            ],
            schema={
                "methodology_version": pl.Utf8,
                "factor": pl.Utf8,
                "alternative": pl.Utf8,
                "setting": pl.Utf8,
                "value": pl.Utf8,
            },
        )
    if design is not None:
        tables["uncertainty"] = pl.DataFrame([{"methodology_version": VERSION, **design}])
    return tables


def small_framework(
    methodology: dict[str, str] | None = None,
    alternatives: list[tuple[str, str, str, str]] | None = None,
    design: dict[str, object] | None = None,
) -> IndexFramework:
    return framework_from_tables(config_tables(methodology, alternatives, design), VERSION)


def sample_values(units: int = 11, seed: int = 7, missing: bool = True) -> np.ndarray:
    """Indicator values spread around and beyond the goalposts, with a tie, an outlier and some
    gaps."""
    rng = np.random.default_rng(seed)
    low = np.array([low for low, _ in GOALPOSTS])
    high = np.array([high for _, high in GOALPOSTS])
    values = low + (high - low) * rng.uniform(0.3, 1.1, size=(units, len(INDICATORS)))
    values[1] = values[0]  # two units with the same values tie in every replication
    values[2, 0] = 60.0  # an outlier on a
    if missing:
        values[3, 1] = np.nan
        values[5, 4] = np.nan
        values[6, 1] = np.nan
    return values
