"""Generated base-variable values in the long form of a dataset folder's values.csv.

Each unit has a persistent strength (so that years resemble each other and carry-forward,
transitions and best ranks mean something), each variable a typical size, and each year a
common growth; values are log-normal around that, with a share left missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl


@dataclass(frozen=True)
class VariableSpec:
    """How one base variable is drawn: its median, spread, yearly growth and bounds."""

    median: float
    sigma: float = 0.6
    growth: float = 0.06
    low: float | None = None
    high: float | None = None
    strength_exponent: float = 1.0
    reflect_at: float | None = None  # draw `reflect_at - value`: a long tail to the left


# Sizes that put Hebei's indicators across their goalposts (seeds/goalposts.csv).
HEBEI_VARIABLES: dict[str, VariableSpec] = {
    "fiscal_st_exp": VariableSpec(6000, 0.7),
    "general_budget_exp": VariableSpec(300000, 0.3, 0.03, strength_exponent=0.2),
    "ind_rd_exp": VariableSpec(20000, 0.8),
    "ind_revenue": VariableSpec(2000000, 0.4, 0.03, strength_exponent=0.3),
    "gerd": VariableSpec(30000, 0.8),
    "gdp": VariableSpec(200, 0.3, 0.04, strength_exponent=0.3),
    "hte_count": VariableSpec(40, 0.8),
    "tsme_count": VariableSpec(150, 0.7),
    "ind_ent_count": VariableSpec(150, 0.4, 0.02, strength_exponent=0.2),
    "ind_ent_rd_count": VariableSpec(40, 0.6),
    "platform_count": VariableSpec(10, 0.8),
    "incubator_count": VariableSpec(4, 0.8),
    "rd_fte": VariableSpec(800, 0.8),
    "population": VariableSpec(50, 0.3, 0.0, strength_exponent=0.0),
    "invention_patents": VariableSpec(150, 0.9),
    "tech_contract": VariableSpec(15000, 0.9),
    "hti_value_added": VariableSpec(100000, 0.7),
    "ind_value_added": VariableSpec(500000, 0.4, 0.03, strength_exponent=0.3),
    "new_product_sales": VariableSpec(200000, 0.8),
    "mgmt_innovation": VariableSpec(75, 0.15, 0.01, 0, 100),
    "policy_implementation": VariableSpec(75, 0.15, 0.01, 0, 100),
    "st_agency": VariableSpec(75, 0.15, 0.01, 0, 100),
}


def units_by_data_year(units_csv: Path, data_years: Sequence[int]) -> dict[int, list[str]]:
    """The unit codes that exist in each data year (units.csv validity columns)."""
    units = pl.read_csv(units_csv, infer_schema=False)
    result = {}
    for year in data_years:
        valid_from = pl.col("valid_from_data_year").cast(pl.Int32)
        valid_to = pl.col("valid_to_data_year").cast(pl.Int32)
        in_force = units.filter(
            (valid_from.is_null() | (valid_from <= year))
            & (valid_to.is_null() | (valid_to >= year))
        )
        result[year] = in_force["unit_code"].to_list()
    return result


def generate_values(
    units: Mapping[int, Sequence[str]],
    variables: Mapping[str, VariableSpec],
    *,
    seed: int = 0,
    missing_rate: float = 0.03,
    zero_rate: float = 0.01,
) -> pl.DataFrame:
    """values.csv rows (unit_code, data_year, variable_code, value; None = missing)."""
    rng = np.random.default_rng(seed)
    all_units = sorted({code for codes in units.values() for code in codes})
    strength = dict(zip(all_units, rng.lognormal(0.0, 0.5, len(all_units)), strict=True))
    first_year = min(units)
    rows: list[tuple[str, int, str, float | None]] = []
    for year in sorted(units):
        for variable, spec in variables.items():
            codes = list(units[year])
            size = np.array([strength[code] ** spec.strength_exponent for code in codes])
            drawn = (
                spec.median
                * size
                * (1 + spec.growth) ** (year - first_year)
                * rng.lognormal(0.0, spec.sigma, len(codes))
            )
            if spec.reflect_at is not None:
                drawn = spec.reflect_at - drawn
            if spec.low is not None or spec.high is not None:
                drawn = np.clip(drawn, spec.low, spec.high)
            drawn = np.round(drawn, 4)
            missing = rng.random(len(codes)) < missing_rate
            zero = rng.random(len(codes)) < zero_rate
            for code, value, is_missing, is_zero in zip(codes, drawn, missing, zero, strict=True):
                if is_missing:
                    rows.append((code, year, variable, None))
                else:
                    rows.append((code, year, variable, 0.0 if is_zero else float(value)))
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


def write_values_csv(values: pl.DataFrame, path: Path) -> Path:
    """Write the rows as a dataset folder's values.csv (missing values as empty cells)."""
    values.write_csv(path, null_value="")
    return path
