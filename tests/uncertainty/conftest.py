"""A small index (two dimensions, five indicators, one where lower is better) and its data."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from orchestration.uncertainty.framework import IndexFramework, framework_from_tables
from tests.uncertainty.reference import ReferenceIndex

VERSION = "test_v1"
NODES = [
    ("TOTAL", None, 100.0),
    ("D1", "TOTAL", 60.0),
    ("D2", "TOTAL", 40.0),
    ("a", "D1", 3.0),
    ("b", "D1", 1.0),
    ("c", "D1", 2.0),
    ("d", "D2", 1.0),
    ("e", "D2", 1.0),
]
INDICATORS = ["a", "b", "c", "d", "e"]
HIGHER_IS_BETTER = [True, True, False, True, True]
GOALPOSTS = [(0.0, 10.0), (0.0, 5.0), (1.0, 9.0), (40.0, 100.0), (0.0, 1.0)]
CLASSES = [("A", 80.0), ("B", 60.0), ("C", 0.0)]


def config_tables() -> tuple[pl.DataFrame, ...]:
    """framework, indicators, goalposts, class_cutoffs as the dataset folder holds them."""
    framework = pl.DataFrame(
        {
            "node_code": [code for code, _, _ in NODES],
            "parent_code": [parent for _, parent, _ in NODES],
            "node_type": ["index", "dimension", "dimension", *["indicator"] * 5],
            "weight": [weight for _, _, weight in NODES],
        }
    )
    indicators = pl.DataFrame(
        {
            "indicator_code": INDICATORS,
            "direction": ["+" if higher else "-" for higher in HIGHER_IS_BETTER],
        }
    )
    goalposts = pl.DataFrame(
        {
            "methodology_version": [VERSION] * len(INDICATORS),
            "indicator_code": INDICATORS,
            "lower_goalpost": [low for low, _ in GOALPOSTS],
            "upper_goalpost": [high for _, high in GOALPOSTS],
        }
    )
    class_cutoffs = pl.DataFrame(
        {
            "methodology_version": [VERSION] * len(CLASSES),
            "class_code": [code for code, _ in CLASSES],
            "min_score": [score for _, score in CLASSES],
        }
    )
    return framework, indicators, goalposts, class_cutoffs


@pytest.fixture(scope="session")
def framework() -> IndexFramework:
    return framework_from_tables(*config_tables(), VERSION)


@pytest.fixture(scope="session")
def reference_index() -> ReferenceIndex:
    return ReferenceIndex(
        nodes=NODES,
        indicators=INDICATORS,
        higher_is_better=HIGHER_IS_BETTER,
        goalposts=GOALPOSTS,
        classes=CLASSES,
    )


def sample_values(units: int = 11, seed: int = 7, missing: bool = True) -> np.ndarray:
    """Indicator values spread around and beyond the goalposts, with a tie and some gaps."""
    rng = np.random.default_rng(seed)
    low = np.array([low for low, _ in GOALPOSTS])
    high = np.array([high for _, high in GOALPOSTS])
    values = low + (high - low) * rng.uniform(0.3, 1.1, size=(units, len(INDICATORS)))
    values[1] = values[0]  # two units with the same values tie in every replication
    if missing:
        values[3, 1] = np.nan
        values[5, 4] = np.nan
        values[6, 1] = np.nan
    return values
